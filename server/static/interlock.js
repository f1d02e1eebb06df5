// The interlock matrix: a click on a cell lists what the two programmes share. Everything is
// written with textContent; links only to same-site paths and http(s).
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("interlock-data").textContent);
  const text = JSON.parse(document.getElementById("interlock-text").textContent);
  const panel = document.getElementById("shared");
  const safeHref = href => (typeof href === "string" && (/^https?:/i.test(href) || /^\/(?!\/)/.test(href)) ? href : null);

  function link(label, href) {
    const safe = safeHref(href);
    const element = document.createElement(safe ? "a" : "span");
    element.textContent = label;
    if (safe) element.href = safe;
    return element;
  }

  function show(a, b, scroll) {
    const cell = data.cells.find(c => c.a === a && c.b === b);
    if (!cell) return;
    const heading = document.createElement("h2");
    heading.append(link(data.programmes[a].label, data.programmes[a].href), " ↔ ",
                   link(data.programmes[b].label, data.programmes[b].href));
    const parts = [heading];
    const summary = document.createElement("p");
    summary.textContent = cell.count ? text.shared.replace("{n}", cell.count) : text.none;
    if (cell.linked) summary.textContent += " " + text.linked;
    parts.push(summary);
    ["partners", "actions", "goals"].forEach(type => {
      if (!cell[type].length) return;
      const title = document.createElement("h3");
      title.textContent = text[type] + " (" + cell[type].length + ")";
      const list = document.createElement("ul");
      list.className = "shared-" + type;
      cell[type].map(iri => ({iri, item: data.items[iri] || {label: iri, href: iri}}))
        .sort((x, y) => x.item.label.localeCompare(y.item.label))
        .forEach(({item}) => {
          const li = document.createElement("li");
          li.appendChild(link(item.label, item.href));
          list.appendChild(li);
        });
      parts.push(title, list);
    });
    panel.replaceChildren(...parts);
    document.querySelectorAll("#matrix button.chosen").forEach(el => el.classList.remove("chosen"));
    document.querySelectorAll(`#matrix button[data-a="${a}"][data-b="${b}"]`).forEach(el => el.classList.add("chosen"));
    if (scroll && panel.getBoundingClientRect().top > window.innerHeight) panel.scrollIntoView({behavior: "smooth"});
  }

  document.getElementById("matrix").addEventListener("click", event => {
    const button = event.target.closest("button[data-a]");
    if (button) show(Number(button.dataset.a), Number(button.dataset.b), true);
  });
  // The busiest cell opens at once, so the page shows what a cell holds.
  const first = data.cells.reduce((best, c) => (!best || c.count > best.count ? c : best), null);
  if (first) show(first.a, first.b);
  document.body.dataset.ready = "true";
})();
