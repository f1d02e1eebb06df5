// The small ego network on an entity page: its neighbours one step away, drawn with
// vis-network from /network/ego.json. Clicking a neighbour opens its page.
(function () {
  "use strict";
  const box = document.getElementById("ego");
  if (!box || typeof vis === "undefined") return;
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
      const nodes = new vis.DataSet(data.nodes);
      const network = new vis.Network(box, {nodes, edges: new vis.DataSet(data.edges)}, {
        nodes: {font: {size: 12}}, edges: {color: {color: "#b6c2cd"}, smooth: false, font: {size: 9}},
        physics: {stabilization: {iterations: 200}},
      });
      network.once("stabilizationIterationsDone", () => network.setOptions({physics: false}));
      network.on("click", params => {
        const node = params.nodes.length && nodes.get(params.nodes[0]);
        if (node && node.href) window.location.href = node.href;
      });
    });
  load();
})();
