// Draws a network view with vis-network: physics until stable, then still; search; click
// opens the entity page. Labels are given to vis-network as data (drawn as text on a
// canvas), and every list built here uses textContent, so no label is ever parsed as HTML.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("view-data").textContent);
  const nodes = new vis.DataSet(data.nodes);
  const edges = new vis.DataSet(data.edges);
  const container = document.getElementById("network");
  const big = data.nodes.length > 300;
  const network = new vis.Network(container, {nodes, edges}, {
    nodes: {font: {size: 13, face: "system-ui"}, scaling: {min: 8, max: 40}},
    edges: {color: {color: "#b6c2cd", highlight: "#0b6e4f"}, smooth: false, font: {size: 10, align: "middle"},
            scaling: {min: 1, max: 6}},
    physics: {solver: "forceAtlas2Based", stabilization: {iterations: big ? 150 : 400, fit: true},
              forceAtlas2Based: {gravitationalConstant: -40, springLength: 90}},
    interaction: {hover: true, tooltipDelay: 150, hideEdgesOnDrag: big},
  });
  // A stable picture stays still, so a big view does not keep the CPU busy.
  network.once("stabilizationIterationsDone", () => {
    network.setOptions({physics: false});
    container.dataset.stable = "true";  // drawn and still (the browser tests wait for it)
  });
  // Clicking a node opens its entity page.
  network.on("click", params => {
    if (!params.nodes.length) return;
    const node = nodes.get(params.nodes[0]);
    if (node && node.href) window.location.href = node.href;
  });

  const list = document.getElementById("node-names");
  data.nodes.map(n => n.label).sort().forEach(label => {
    const option = document.createElement("option");
    option.value = label;
    list.appendChild(option);
  });
  document.getElementById("search").addEventListener("change", event => {
    const wanted = event.target.value.trim().toLowerCase();
    const hit = data.nodes.find(n => n.label.toLowerCase() === wanted) ||
                data.nodes.find(n => n.label.toLowerCase().includes(wanted));
    if (hit) {
      network.selectNodes([hit.id]);
      network.focus(hit.id, {scale: 1.3, animation: true});
    }
  });
  window.techniekpactNetwork = network;  // for tests and the console
})();
