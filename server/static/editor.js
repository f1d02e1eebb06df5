// The query editor: highlighting, running a query through the endpoint, a result table
// with clickable IRIs, and CSV download. No dependencies, so it works offline.
(function () {
  "use strict";
  const textarea = document.getElementById("query");
  const code = document.getElementById("highlight");
  const form = document.getElementById("query-form");
  const results = document.getElementById("results");
  const status = document.getElementById("status");
  const download = document.getElementById("download");
  const examples = JSON.parse(document.getElementById("example-data").textContent);
  const prefixes = JSON.parse(document.getElementById("prefix-data").textContent);

  const KEYWORDS = /\b(SELECT|CONSTRUCT|DESCRIBE|ASK|WHERE|PREFIX|BASE|FILTER|OPTIONAL|UNION|MINUS|GRAPH|SERVICE|BIND|VALUES|GROUP|BY|ORDER|HAVING|LIMIT|OFFSET|DISTINCT|REDUCED|AS|FROM|NAMED|NOT|EXISTS|IN|ASC|DESC|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT|SEPARATOR|STR|LANG|LANGMATCHES|REGEX|CONTAINS|LCASE|UCASE|COALESCE|IF|BOUND|INSERT|DELETE|DATA|a)\b/g;
  const TOKENS = /(#[^\n]*)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(<[^<>\s]*>)|(\?[A-Za-z_]\w*|\$[A-Za-z_]\w*)|([A-Za-z][\w-]*:[\w\-.\/]*)/g;

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  }

  function highlight(text) {
    let out = "", last = 0;
    text.replace(TOKENS, (match, comment, string, iri, variable, pname, offset) => {
      out += escapeHtml(text.slice(last, offset)).replace(KEYWORDS, '<span class="kw">$1</span>');
      const cls = comment ? "comment" : string ? "string" : iri ? "iri" : variable ? "var" : "pname";
      out += '<span class="' + cls + '">' + escapeHtml(match) + "</span>";
      last = offset + match.length;
      return match;
    });
    out += escapeHtml(text.slice(last)).replace(KEYWORDS, '<span class="kw">$1</span>');
    code.innerHTML = out + "\n";
  }

  function sync() {
    highlight(textarea.value);
    code.parentElement.scrollTop = textarea.scrollTop;
    code.parentElement.scrollLeft = textarea.scrollLeft;
  }

  function compact(iri) {
    for (const [prefix, ns] of Object.entries(prefixes)) {
      if (iri.startsWith(ns)) return prefix + ":" + iri.slice(ns.length);
    }
    return iri;
  }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      // Entity IRIs of this graph resolve on this server; others are plain links.
      const local = term.value.startsWith("https://w3id.org/techniekpact/id/");
      a.href = local ? "/id/" + term.value.slice("https://w3id.org/techniekpact/id/".length) : term.value;
      a.textContent = compact(term.value);
      a.title = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.setAttribute("lang", term["xml:lang"]);
      if (term.datatype && /(integer|decimal|double|float)$/.test(term.datatype)) td.className = "num";
    }
    return td;
  }

  function renderTable(data) {
    results.textContent = "";
    if (typeof data.boolean === "boolean") {
      results.textContent = data.boolean ? "true" : "false";
      return;
    }
    const vars = data.head.vars;
    const table = document.createElement("table");
    table.className = "results";
    const head = table.createTHead().insertRow();
    vars.forEach(v => { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); });
    const body = table.createTBody();
    data.results.bindings.forEach(binding => {
      const row = body.insertRow();
      vars.forEach(v => row.appendChild(cell(binding[v])));
    });
    results.appendChild(table);
    status.textContent = data.results.bindings.length + " resultaten";
  }

  async function run(event) {
    if (event) event.preventDefault();
    const query = textarea.value;
    status.textContent = "Bezig…";
    results.textContent = "";
    const params = new URLSearchParams({query: query});
    download.href = "/sparql?" + params.toString() + "&format=csv";
    try {
      const response = await fetch("/sparql", {
        method: "POST",
        headers: {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
        body: params,
      });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok) {
        status.textContent = "Fout " + response.status + ": " + (await response.text());
        return;
      }
      if (type.includes("json")) {
        renderTable(await response.json());
        download.hidden = false;
      } else {
        const pre = document.createElement("pre");
        pre.textContent = await response.text();
        results.appendChild(pre);
        status.textContent = "Graaf";
        download.hidden = true;
      }
    } catch (error) {
      status.textContent = "Fout: " + error;
    }
  }

  document.getElementById("examples").addEventListener("change", event => {
    const chosen = examples.find(e => e.name === event.target.value);
    if (chosen) { textarea.value = chosen.text; sync(); }
  });
  textarea.addEventListener("input", sync);
  textarea.addEventListener("scroll", sync);
  textarea.addEventListener("keydown", event => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run(event);
  });
  form.addEventListener("submit", run);
  sync();
})();
