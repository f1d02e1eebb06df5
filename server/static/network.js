// Draws a network view with Cytoscape.js (fcose layout) so that people can read it:
// node labels by importance, as many as fit without overlapping at the current zoom; edge
// labels only on hover or selection; colours by community or by kind; search that flies to a
// node; selection that dims all but the node's neighbours; fit, zoom, full screen; export as
// PNG, SVG, GraphML, GEXF and CSV.
//
// Labels reach the page only as Cytoscape data (drawn on a canvas) or through textContent and
// XML escaping, never as HTML. Links are made only from http(s), mailto and same-site paths.
(function () {
  "use strict";
  const INK = "#1d2733";
  const LABEL_PX = 13;          // labels keep this size on screen at any zoom
  const MAX_LABELS = 250;       // beyond this many labels the picture is text, not a network
  const english = () => document.documentElement.lang === "en";

  function safeHref(href) {
    return typeof href === "string" && (/^(https?:|mailto:)/i.test(href) || /^\/(?!\/)/.test(href)) ? href : null;
  }

  function shortLabel(text) {
    return text.length > 40 ? text.slice(0, 38) + "…" : text;
  }

  // Kinds as the legend gives them (colour and shape); communities by index.
  function elementsOf(data) {
    const kinds = {};
    (data.legend || []).forEach(k => { kinds[k.kind] = k; });
    const palette = data.community_colours || ["#64748b"];
    const communityColour = i => palette[i < 0 ? palette.length - 1 : Math.min(i, palette.length - 1)];
    const maxDegree = Math.max(1, ...data.nodes.map(n => n.degree || 0));
    const elements = data.nodes.map(n => {
      const kind = kinds[n.kind] || {colour: "#64748b", shape: "ellipse"};
      return {group: "nodes", data: {
        id: n.id, label: n.label, short: shortLabel(n.label), kind: n.kind, importance: n.importance,
        href: n.href, focus: n.focus, degree: n.degree, community: n.community,
        size: Math.round(16 + 34 * Math.sqrt((n.degree || 0) / maxDegree)),
        kindColour: kind.colour, shape: kind.shape, communityColour: communityColour(n.community),
        colour: data.colour_by === "community" ? communityColour(n.community) : kind.colour}};
    });
    data.edges.forEach((e, i) => elements.push({group: "edges", data: {
      id: "e" + i, source: e.source, target: e.target, relation: english() ? e.relation_en : e.relation,
      weight: e.weight, width: 1 + Math.min(5, Math.log2(e.weight || 1)), backbone: e.backbone}}));
    return elements;
  }

  function styleFor(many) {
    return [
      {selector: "node", style: {
        "width": "data(size)", "height": "data(size)", "shape": "data(shape)", "background-color": "data(colour)",
        "border-width": 1.5, "border-color": "#ffffff", "label": "", "font-family": "system-ui, sans-serif",
        "color": INK, "text-valign": "bottom", "text-halign": "center", "text-margin-y": 3,
        "text-outline-color": "#ffffff", "text-outline-opacity": 0.9, "min-zoomed-font-size": 0}},
      {selector: "node.labelled", style: {"label": "data(short)", "z-index": 10}},  // labels above unlabelled nodes
      {selector: "node[?focus]", style: {"border-width": 4, "border-color": INK}},
      {selector: "node:selected", style: {"border-width": 4, "border-color": INK, "overlay-opacity": 0}},
      {selector: "edge", style: {
        "width": "data(width)", "line-color": "#8795a4", "opacity": many ? 0.35 : 0.6,
        "curve-style": many ? "haystack" : "straight", "font-family": "system-ui, sans-serif", "color": INK,
        "text-background-color": "#ffffff", "text-background-opacity": 0.92, "text-background-padding": 2,
        "text-rotation": "none"}},
      {selector: "edge.show-label", style: {"label": "data(relation)", "opacity": 1, "line-color": "#4b5a69",
                                             "z-index": 10}},
      {selector: "edge.highlight", style: {"line-color": INK, "opacity": 0.9}},
      {selector: ".faded", style: {"opacity": 0.1}},
      {selector: "edge.faded", style: {"opacity": 0.04}},
    ];
  }

  // Push apart any two nodes whose boxes overlap (fcose keeps most apart, not all): along the
  // axis where they overlap least, until none does.
  function separate(cy, gap) {
    const items = cy.nodes().map(n => ({n, x: n.position("x"), y: n.position("y"), r: n.width() / 2 + 2}));
    if (!items.length) return;
    const maxR = Math.max(...items.map(it => it.r));
    const cell = 2 * maxR + gap;
    for (let round = 0; round < 200; round++) {
      let moved = false;
      const grid = new Map();
      items.forEach((it, i) => {
        const key = Math.floor(it.x / cell) * 65536 + Math.floor(it.y / cell);
        if (!grid.has(key)) grid.set(key, []);
        grid.get(key).push(i);
      });
      items.forEach((a, i) => {
        const cx = Math.floor(a.x / cell), cy0 = Math.floor(a.y / cell);
        for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) {
          (grid.get((cx + dx) * 65536 + cy0 + dy) || []).forEach(j => {
            if (j <= i) return;
            const b = items[j];
            const ox = a.r + b.r + gap - Math.abs(a.x - b.x), oy = a.r + b.r + gap - Math.abs(a.y - b.y);
            if (ox <= 0 || oy <= 0) return;
            moved = true;
            if (ox < oy) {
              const s = (a.x < b.x || (a.x === b.x && i < j)) ? -1 : 1;
              a.x += s * ox / 2; b.x -= s * ox / 2;
            } else {
              const s = (a.y < b.y || (a.y === b.y && i < j)) ? -1 : 1;
              a.y += s * oy / 2; b.y -= s * oy / 2;
            }
          });
        }
      });
      if (!moved) break;
    }
    cy.batch(() => items.forEach(it => it.n.position({x: it.x, y: it.y})));
  }

  // Draws `data` (a view's JSON) into `container`; returns the Cytoscape instance.
  // options.onReady(cy) runs once the layout is done and the picture still.
  function draw(container, data, options) {
    const begun = performance.now();
    const many = data.edges.length > 1200;
    const cy = cytoscape({
      container, elements: elementsOf(data), style: styleFor(many), minZoom: 0.05, maxZoom: 6,
      wheelSensitivity: 0.3, boxSelectionEnabled: false, textureOnViewport: many, hideEdgesOnViewport: many,
      pixelRatio: 1,
    });
    const byImportance = cy.nodes().sort((a, b) => a.data("importance") - b.data("importance"));
    const state = {selected: null};

    // Labels: the most important first, each only where it overlaps no label already placed.
    function placeLabels() {
      const zoom = cy.zoom(), width = container.clientWidth, height = container.clientHeight;
      cy.style().selector("node").style({"font-size": LABEL_PX / zoom, "text-outline-width": 2 / zoom,
                                         "text-margin-y": 3 / zoom}).selector("edge").style(
        {"font-size": (LABEL_PX - 1) / zoom, "text-background-padding": 2 / zoom}).update();
      const placed = [], chosen = [];
      const first = state.selected ? state.selected.closedNeighborhood().nodes().sort(
        (a, b) => (b === state.selected) - (a === state.selected) || a.data("importance") - b.data("importance")) : cy.collection();
      const order = first.union(byImportance).filter(node => {
        const p = node.renderedPosition();
        return !node.hasClass("faded") && p.x > -50 && p.y > -50 && p.x < width + 50 && p.y < height + 50;
      });
      for (let i = 0; i < order.length && chosen.length < MAX_LABELS; i++) {
        const node = order[i], p = node.renderedPosition();
        // The label's box on screen: its text measured in the canvas's font, the white halo
        // and a little air around it; under the node.
        const half = textWidth(node.data("short")) / 2 + 5, top = p.y + node.renderedHeight() / 2 + 1;
        const box = [p.x - half, top, p.x + half, top + LABEL_PX * 1.3 + 6];
        if (box[0] < 0 || box[2] > width || box[3] > height) continue;  // a label cut off by the edge reads badly
        if (placed.some(o => box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3])) continue;
        placed.push(box);
        chosen.push(node);
      }
      cy.batch(() => {
        cy.nodes(".labelled").removeClass("labelled");
        chosen.forEach(n => n.addClass("labelled"));
      });
      container.dataset.labels = String(chosen.length);
    }
    const measure = document.createElement("canvas").getContext("2d"), widths = new Map();
    measure.font = LABEL_PX + "px system-ui, sans-serif";
    function textWidth(label) {
      if (!widths.has(label)) widths.set(label, measure.measureText(label).width);
      return widths.get(label);
    }
    let pending = null;
    const later = () => { clearTimeout(pending); pending = setTimeout(placeLabels, 120); };

    function select(node) {
      const hood = node.closedNeighborhood();
      cy.batch(() => {
        cy.elements().removeClass("highlight show-label").addClass("faded");
        hood.removeClass("faded");
        hood.edges().addClass("highlight");
        if (hood.edges().length <= 40) hood.edges().addClass("show-label");
        cy.nodes(":selected").unselect();
        node.select();
      });
      state.selected = node;
      placeLabels();
      if (options.onSelect) options.onSelect(node);
    }
    function clear() {
      state.selected = null;
      cy.batch(() => { cy.elements().removeClass("faded highlight show-label"); cy.nodes(":selected").unselect(); });
      placeLabels();
      if (options.onSelect) options.onSelect(null);
    }
    cy.on("tap", "node", event => (options.onTap ? options.onTap(event.target) : select(event.target)));
    cy.on("tap", event => { if (event.target === cy) clear(); });
    cy.on("mouseover", "node", event => {
      const edges = event.target.connectedEdges();
      if (edges.length <= 25) edges.addClass("show-label");
      container.style.cursor = "pointer";
    });
    cy.on("mouseout", "node", event => {
      container.style.cursor = "";
      if (!state.selected) event.target.connectedEdges().removeClass("show-label");
      else event.target.connectedEdges().difference(state.selected.connectedEdges()).removeClass("show-label");
    });
    cy.on("mouseover", "edge", event => event.target.addClass("show-label"));
    cy.on("mouseout", "edge", event => {
      if (!state.selected || !state.selected.connectedEdges().contains(event.target)) event.target.removeClass("show-label");
    });
    // The viewport with `node` in the middle at `zoom` (cy.center would centre its box, the
    // label included, so the node itself sits above the middle).
    function centredOn(node, zoom) {
      const p = node.position();
      return {zoom, pan: {x: container.clientWidth / 2 - p.x * zoom, y: container.clientHeight / 2 - p.y * zoom}};
    }
    cy.on("zoom pan resize", later);
    // The drawing's box changes with the page (a panel shown, full screen, a narrow screen
    // turned, a scroll bar appearing): Cytoscape is told, or it would centre and zoom on its
    // old size, and what was in the middle stays in the middle.
    let size = {w: container.clientWidth, h: container.clientHeight};
    if (window.ResizeObserver) new ResizeObserver(() => {
      const w = container.clientWidth, h = container.clientHeight;
      cy.resize();
      cy.panBy({x: (w - size.w) / 2, y: (h - size.h) / 2});
      size = {w, h};
    }).observe(container);

    const focus = cy.nodes("[?focus]");
    const ego = focus.length > 0 && options.ego;
    const oneStep = ego && focus.closedNeighborhood().nodes().length === cy.nodes().length;
    const force = {name: "fcose", quality: data.nodes.length > 300 ? "default" : "proof", randomize: true,
                   animate: false, fit: true, padding: 48, nodeRepulsion: () => 9000, idealEdgeLength: () => 90,
                   edgeElasticity: () => 0.3, nodeSeparation: 90, numIter: 2500, tile: true, packComponents: false};
    const layout = oneStep
      // One step: the node in the middle, its neighbours in rings around it.
      ? {name: "concentric", concentric: n => (n.same(focus) ? 2 : 1), levelWidth: () => 1, minNodeSpacing: 18,
         animate: false, fit: true, padding: 20, spacingFactor: 1.1}
      // Further: the force layout, then the view centred on the node (below). (Holding the
      // node in the middle with fcose's fixedNodeConstraint took twice as long.)
      : force;
    // With many more edges than nodes, or many nodes, the layout follows each node's two
    // strongest edges:
    // the structure that matters, at a fraction of the time (the partner view at 100×, 600
    // nodes: 2.5 s with this backbone of 761 edges, 12 s with all 3,000 drawn).
    let laidOutOn = cy.elements();
    if (cy.edges().length > 2 * cy.nodes().length || cy.nodes().length > 300) {
      laidOutOn = cy.nodes().union(cy.edges("[?backbone]"));  // marked by the server (drawing_data)
    }
    const started = performance.now();
    const running = laidOutOn.layout(layout);
    running.one("layoutstop", () => {
      const laidOut = performance.now();
      separate(cy, 6);
      cy.fit(undefined, 48);  // room for the tool bar above
      // A small view fitted to a large screen would draw its nodes huge: no closer than this.
      if (cy.zoom() > 1.6) cy.zoom({level: 1.6, renderedPosition: {x: container.clientWidth / 2, y: container.clientHeight / 2}});
      if (ego) {
        // The node in the middle, zoomed out just enough to show everything around it.
        const p = focus.position(), box = cy.nodes().boundingBox({includeLabels: false});
        const reach = {x: Math.max(p.x - box.x1, box.x2 - p.x, 1), y: Math.max(p.y - box.y1, box.y2 - p.y, 1)};
        const zoom = Math.min(1.6, (container.clientWidth / 2 - 30) / reach.x, (container.clientHeight / 2 - 30) / reach.y);
        cy.viewport(centredOn(focus, zoom));
      }
      const separated = performance.now();
      placeLabels();
      // Where the time went, for benchmarks.views (ms): until the drawing began (page, scripts,
      // data), setting it up, layout, overlap removal, labels.
      container.dataset.timings = [begun, started - begun, laidOut - started, separated - laidOut,
                                   performance.now() - separated].map(Math.round).join(",");
      container.dataset.stable = "true";  // laid out and still (the browser tests wait for it)
      container.dataset.stableAt = String(Math.round(performance.now()));  // ms since navigation (benchmarks.views)
      if (options.onReady) options.onReady(cy);
    });
    running.run();
    return {cy, select, clear, placeLabels, centredOn};
  }

  // ---- exports: the drawn view as PNG or SVG, its data as GraphML, GEXF or CSV ----

  function download(filename, blob) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 2000);
  }

  const xml = value => String(value).replace(/[<>&'"]/g, c => ({"<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;"}[c]));
  const csvCell = value => (/[",\n\r]/.test(String(value)) ? '"' + String(value).replace(/"/g, '""') + '"' : String(value));

  function shapePath(shape, x, y, r) {
    const polygon = points => '<polygon points="' + points.map(p => (x + p[0] * r).toFixed(1) + "," + (y + p[1] * r).toFixed(1)).join(" ") + '"';
    const ring = (count, start, radii) => Array.from({length: count}, (_, i) => {
      const angle = start + i * 2 * Math.PI / count, rr = radii ? radii[i % radii.length] : 1;
      return [rr * Math.cos(angle), rr * Math.sin(angle)];
    });
    switch (shape) {
      case "rectangle": case "round-rectangle":
        return '<rect x="' + (x - r).toFixed(1) + '" y="' + (y - r).toFixed(1) + '" width="' + (2 * r).toFixed(1) +
          '" height="' + (2 * r).toFixed(1) + '"' + (shape === "round-rectangle" ? ' rx="' + (r / 4).toFixed(1) + '"' : "");
      case "diamond": return polygon([[0, -1], [1, 0], [0, 1], [-1, 0]]);
      case "triangle": return polygon([[0, -1], [1, 1], [-1, 1]]);
      case "hexagon": return polygon(ring(6, 0));
      case "star": return polygon(ring(10, -Math.PI / 2, [1, 0.45]));
      default: return '<circle cx="' + x.toFixed(1) + '" cy="' + y.toFixed(1) + '" r="' + r.toFixed(1) + '"';
    }
  }

  // The picture as it is drawn: positions, colours, shapes, the labels now shown.
  function svgOf(cy, title) {
    const box = cy.elements().boundingBox({includeLabels: true});
    const pad = 20, out = [];
    out.push('<?xml version="1.0" encoding="UTF-8"?>');
    out.push('<svg xmlns="http://www.w3.org/2000/svg" viewBox="' + [box.x1 - pad, box.y1 - pad, box.w + 2 * pad, box.h + 2 * pad].map(v => v.toFixed(1)).join(" ") +
      '" width="' + Math.round(box.w + 2 * pad) + '" height="' + Math.round(box.h + 2 * pad) + '" font-family="system-ui, sans-serif">');
    out.push("<title>" + xml(title) + "</title>");
    out.push('<rect x="' + (box.x1 - pad) + '" y="' + (box.y1 - pad) + '" width="' + (box.w + 2 * pad) + '" height="' + (box.h + 2 * pad) + '" fill="#ffffff"/>');
    out.push('<g stroke="#8795a4" stroke-opacity="0.6">');
    cy.edges().forEach(e => {
      const s = e.source().position(), t = e.target().position();
      out.push('<line x1="' + s.x.toFixed(1) + '" y1="' + s.y.toFixed(1) + '" x2="' + t.x.toFixed(1) + '" y2="' + t.y.toFixed(1) +
        '" stroke-width="' + e.data("width").toFixed(1) + '"><title>' + xml(e.data("relation")) + "</title></line>");
    });
    out.push("</g><g>");
    cy.nodes().forEach(n => {
      const p = n.position(), r = n.width() / 2;
      out.push(shapePath(n.data("shape"), p.x, p.y, r) + ' fill="' + xml(n.data("colour")) + '" stroke="#ffffff" stroke-width="1.5"><title>' +
        xml(n.data("label")) + "</title>" + (n.data("shape") === "ellipse" || !n.data("shape") ? "</circle>" :
        /rectangle/.test(n.data("shape")) ? "</rect>" : "</polygon>"));
    });
    out.push('</g><g fill="' + INK + '" font-size="' + (LABEL_PX / cy.zoom()).toFixed(1) + '" text-anchor="middle" stroke="#ffffff" stroke-width="' +
      (3 / cy.zoom()).toFixed(1) + '" paint-order="stroke" stroke-linejoin="round">');
    cy.nodes(".labelled").forEach(n => {
      const p = n.position();
      out.push('<text x="' + p.x.toFixed(1) + '" y="' + (p.y + n.height() / 2 + LABEL_PX * 1.05 / cy.zoom()).toFixed(1) + '">' + xml(n.data("short")) + "</text>");
    });
    out.push("</g></svg>");
    return out.join("\n");
  }

  function graphmlOf(data) {
    const out = ['<?xml version="1.0" encoding="UTF-8"?>',
      '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
      '<key id="label" for="node" attr.name="label" attr.type="string"/>',
      '<key id="kind" for="node" attr.name="kind" attr.type="string"/>',
      '<key id="community" for="node" attr.name="community" attr.type="int"/>',
      '<key id="degree" for="node" attr.name="degree" attr.type="int"/>',
      '<key id="relation" for="edge" attr.name="relation" attr.type="string"/>',
      '<key id="weight" for="edge" attr.name="weight" attr.type="double"/>',
      '<graph id="' + xml(data.name) + '" edgedefault="undirected">'];
    data.nodes.forEach(n => out.push('<node id="' + xml(n.id) + '"><data key="label">' + xml(n.label) + '</data><data key="kind">' +
      xml(n.kind) + '</data><data key="community">' + n.community + '</data><data key="degree">' + n.degree + "</data></node>"));
    data.edges.forEach(e => out.push('<edge source="' + xml(e.source) + '" target="' + xml(e.target) + '"><data key="relation">' +
      xml(english() ? e.relation_en : e.relation) + '</data><data key="weight">' + e.weight + "</data></edge>"));
    out.push("</graph>", "</graphml>");
    return out.join("\n");
  }

  function gexfOf(data) {
    const index = new Map(data.nodes.map((n, i) => [n.id, i]));
    const out = ['<?xml version="1.0" encoding="UTF-8"?>',
      '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">',
      '<graph mode="static" defaultedgetype="undirected">',
      '<attributes class="node"><attribute id="0" title="iri" type="string"/><attribute id="1" title="kind" type="string"/>' +
      '<attribute id="2" title="community" type="integer"/></attributes>',
      '<attributes class="edge"><attribute id="0" title="relation" type="string"/></attributes>', "<nodes>"];
    data.nodes.forEach((n, i) => out.push('<node id="' + i + '" label="' + xml(n.label) + '"><attvalues><attvalue for="0" value="' +
      xml(n.id) + '"/><attvalue for="1" value="' + xml(n.kind) + '"/><attvalue for="2" value="' + n.community + '"/></attvalues></node>'));
    out.push("</nodes>", "<edges>");
    data.edges.forEach((e, i) => out.push('<edge id="' + i + '" source="' + index.get(e.source) + '" target="' + index.get(e.target) +
      '" weight="' + e.weight + '"><attvalues><attvalue for="0" value="' + xml(english() ? e.relation_en : e.relation) + '"/></attvalues></edge>'));
    out.push("</edges>", "</graph>", "</gexf>");
    return out.join("\n");
  }

  function nodesCsv(data) {
    const rows = [["iri", "label", "kind", "community", "degree"]];
    data.nodes.forEach(n => rows.push([n.id, n.label, n.kind, n.community, n.degree]));
    return rows.map(r => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
  }

  function edgesCsv(data) {
    const rows = [["source", "target", "relation", "weight"]];
    data.edges.forEach(e => rows.push([e.source, e.target, english() ? e.relation_en : e.relation, e.weight]));
    return rows.map(r => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
  }

  // ---- the full page: search, selection panel, tools, colours, exports ----

  function page() {
    const source = document.getElementById("view-data");
    if (!source) return;
    const data = JSON.parse(source.textContent);
    const text = JSON.parse(document.getElementById("view-text").textContent);
    const container = document.getElementById("network");
    const stage = document.getElementById("network-stage");
    const panel = document.getElementById("selection");
    const view = draw(container, data, {ego: data.name === "ego", onSelect: showSelection});
    const cy = view.cy;

    function showSelection(node) {
      panel.hidden = !node;
      if (!node) return;
      panel.querySelector("h2").textContent = node.data("label");
      const kind = (data.legend || []).find(k => k.kind === node.data("kind"));
      panel.querySelector(".kind").textContent = kind ? kind[english() ? "en" : "nl"] : node.data("kind");
      panel.querySelector(".degree").textContent = text.links.replace("{n}", node.degree());
      const link = panel.querySelector("a.open"), href = safeHref(node.data("href"));
      link.hidden = !href;
      if (href) link.href = href;
      const list = panel.querySelector("ul");
      list.replaceChildren();
      node.neighborhood().nodes().sort((a, b) => a.data("importance") - b.data("importance")).slice(0, 30).forEach(n => {
        const item = document.createElement("li"), button = document.createElement("button");
        button.type = "button";
        button.className = "linklike";
        button.textContent = n.data("label");
        button.addEventListener("click", () => flyTo(n));
        item.appendChild(button);
        list.appendChild(item);
      });
    }

    function flyTo(node) {
      view.select(node);
      delete container.dataset.centred;
      cy.resize();
      cy.animate(view.centredOn(node, Math.max(cy.zoom(), 1.2)), {duration: 450, complete: () => {
        view.placeLabels();
        container.dataset.centred = node.id();  // arrived (the browser tests wait for it)
      }});
    }

    // Search: every label in the datalist; an exact name first, else the first that contains it.
    const names = document.getElementById("node-names");
    data.nodes.map(n => n.label).sort((a, b) => a.localeCompare(b)).forEach(label => {
      const option = document.createElement("option");
      option.value = label;
      names.appendChild(option);
    });
    const search = document.getElementById("search"), status = document.getElementById("search-status");
    function find() {
      const wanted = search.value.trim().toLowerCase();
      if (!wanted) return;
      const hit = data.nodes.find(n => n.label.toLowerCase() === wanted) ||
                  data.nodes.find(n => n.label.toLowerCase().includes(wanted));
      status.textContent = hit ? "" : text.not_found;
      if (hit) flyTo(cy.getElementById(hit.id));
    }
    search.addEventListener("change", find);
    search.addEventListener("keydown", event => { if (event.key === "Enter") { event.preventDefault(); find(); } });

    const tools = {
      fit: () => cy.animate({fit: {eles: cy.elements(), padding: 30}}, {duration: 300, complete: view.placeLabels}),
      "zoom-in": () => cy.zoom({level: cy.zoom() * 1.4, renderedPosition: {x: container.clientWidth / 2, y: container.clientHeight / 2}}),
      "zoom-out": () => cy.zoom({level: cy.zoom() / 1.4, renderedPosition: {x: container.clientWidth / 2, y: container.clientHeight / 2}}),
      fullscreen: () => (document.fullscreenElement ? document.exitFullscreen() : stage.requestFullscreen()),
      clear: () => view.clear(),
      png: () => download(data.name + ".png", cy.png({output: "blob", full: true, scale: 2, bg: "#ffffff", maxWidth: 6000, maxHeight: 6000})),
      svg: () => download(data.name + ".svg", new Blob([svgOf(cy, text.title)], {type: "image/svg+xml"})),
      graphml: () => download(data.name + ".graphml", new Blob([graphmlOf(data)], {type: "application/graphml+xml"})),
      gexf: () => download(data.name + ".gexf", new Blob([gexfOf(data)], {type: "application/xml"})),
      "nodes-csv": () => download(data.name + "-nodes.csv", new Blob([nodesCsv(data)], {type: "text/csv"})),
      "edges-csv": () => download(data.name + "-edges.csv", new Blob([edgesCsv(data)], {type: "text/csv"})),
    };
    document.querySelectorAll("[data-tool]").forEach(button => {
      button.addEventListener("click", () => tools[button.dataset.tool]());
    });
    document.addEventListener("fullscreenchange", () => { cy.resize(); tools.fit(); });

    // Colours by community or by kind, each with its legend.
    document.querySelectorAll("input[name=colour]").forEach(input => input.addEventListener("change", () => {
      const mode = input.value;
      cy.batch(() => cy.nodes().forEach(n => n.data("colour", n.data(mode === "kind" ? "kindColour" : "communityColour"))));
      document.querySelectorAll("[data-legend]").forEach(l => { l.hidden = l.dataset.legend !== mode; });
      container.dataset.colours = mode;
    }));
    container.dataset.colours = data.colour_by;

    window.techniekpactNetwork = cy;  // for tests and the console
  }

  window.techniekpactDraw = draw;
  page();
})();
