// The small ego network on an entity page: the resource in the middle, its neighbours one
// step away around it (/network/ego.json, drawn by network.js's techniekpactDraw). A click
// on a neighbour opens its page.
(function () {
  "use strict";
  const box = document.getElementById("ego");
  if (!box || typeof window.techniekpactDraw !== "function") return;
  let tries = 0;
  const load = () => fetch(box.dataset.source, {headers: {"Accept": "application/json"}})
    .then(response => {
      // 503: the view is still being built (a large store); ask again as Retry-After says.
      if (response.status === 503 && ++tries < 12) {
        setTimeout(load, 1000 * (parseInt(response.headers.get("Retry-After"), 10) || 5));
        return undefined;
      }
      return response.ok ? response.json() : null;
    })
    .then(data => {
      if (data === undefined) return;
      if (!data || data.nodes.length < 2) { box.hidden = true; return; }
      window.techniekpactDraw(box, data, {
        ego: true,
        onTap: node => {
          const href = node.data("href");
          if (!node.data("focus") && typeof href === "string" && /^\/(?!\/)/.test(href)) window.location.href = href;
        },
      });
    });
  load();
})();
