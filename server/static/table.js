// Result tables: sort by any column (the header buttons), and parameters that take an IRI
// picked by name (autocomplete from /search.json). No inline code: the page's CSP forbids it.
(function () {
  "use strict";

  function cellKey(td) {
    if (!td) return "";
    var raw = td.getAttribute("data-sort");
    return raw !== null ? raw : td.textContent.trim().toLowerCase();
  }

  function compare(a, b, numeric) {
    if (numeric) {
      var x = parseFloat(a), y = parseFloat(b);
      if (isNaN(x)) return isNaN(y) ? 0 : 1;   // empty cells last
      if (isNaN(y)) return -1;
      return x - y;
    }
    if (a === "" || b === "") return a === b ? 0 : (a === "" ? 1 : -1);
    return a.localeCompare(b, document.documentElement.lang || "nl", {numeric: true});
  }

  function sortTable(table, index, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var numeric = rows.some(function (r) { return r.cells[index] && r.cells[index].hasAttribute("data-sort"); });
    rows.sort(function (r1, r2) {
      var c = compare(cellKey(r1.cells[index]), cellKey(r2.cells[index]), numeric);
      return ascending ? c : -c;
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.forEach(function (r) { body.appendChild(r); });
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = th.querySelector("button.sort");
      if (button) button.addEventListener("click", function () { sortTable(table, index, th); });
    });
  });

  // An IRI parameter: a visible field for the name, the IRI in the (now hidden) original.
  var counter = 0;
  document.querySelectorAll("input.iri-param").forEach(function (input) {
    var listId = "iri-choices-" + (counter++);
    var visible = document.createElement("input");
    visible.type = "search";
    visible.value = input.getAttribute("data-label") || input.value;
    visible.placeholder = input.getAttribute("data-placeholder") || "";
    visible.setAttribute("list", listId);
    visible.setAttribute("autocomplete", "off");
    visible.className = "iri-name";
    visible.size = 60;
    var list = document.createElement("datalist");
    list.id = listId;
    var choices = {};
    input.type = "hidden";
    input.parentNode.insertBefore(visible, input);
    input.parentNode.insertBefore(list, input);
    var timer = null;
    function pick() {
      var text = visible.value.trim();
      if (choices[text]) input.value = choices[text];
      else if (/^https?:\/\//.test(text)) input.value = text;   // an IRI typed or pasted
    }
    visible.addEventListener("input", function () {
      pick();
      clearTimeout(timer);
      var text = visible.value.trim();
      if (text.length < 2 || choices[text]) return;
      timer = setTimeout(function () {
        fetch("/search.json?q=" + encodeURIComponent(text), {headers: {"Accept": "application/json"}})
          .then(function (r) { return r.ok ? r.json() : {groups: []}; })
          .then(function (data) {
            list.textContent = "";
            choices = {};
            data.groups.forEach(function (group) {
              group.hits.slice(0, 8).forEach(function (hit) {
                var option = document.createElement("option");
                option.value = hit.label;
                option.textContent = group.kind;
                choices[hit.label] = hit.iri;
                list.appendChild(option);
              });
            });
            pick();
          });
      }, 200);
    });
    visible.addEventListener("change", pick);
    visible.form.addEventListener("submit", pick);
  });
})();
