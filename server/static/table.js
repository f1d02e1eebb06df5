// Result tables: parameters that take an IRI picked by name (autocomplete from /search.json).
// Sorting is the server's (the header links, server/facets.py): over the whole answer, not
// one page. No inline code: the page's CSP forbids it.
(function () {
  "use strict";

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
