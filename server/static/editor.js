// The SPARQL editor at /sparql: YASGUI (vendored, server/static/vendor/yasgui/) set up for
// this graph and this server only — the endpoint is the local /sparql, prefixes, classes and
// properties come from this graph (never prefix.cc or LOV), the result table shows labels
// and links to this server's entity pages, a chart view draws aggregates with the vendored
// Chart.js, and the page's address is a permalink of the last query run.
// The page passes its data in two JSON blocks (#editor-data, #editor-text): no inline script.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("editor-data").textContent);
  const T = JSON.parse(document.getElementById("editor-text").textContent);
  const Yasgui = window.Yasgui;
  const Yasqe = Yasgui.Yasqe;
  const Yasr = Yasgui.Yasr;
  const endpoint = new URL(data.endpoint, window.location.href).toString();
  const statusEl = document.getElementById("status");
  const errorEl = document.getElementById("query-error");
  const downloadForm = document.getElementById("download");
  const locale = data.lang === "nl" ? "nl-NL" : "en-GB";

  // --- small helpers ------------------------------------------------------------------
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (m, key) => (key in values ? values[key] : m));
  }

  function compact(iri) {
    for (const [prefix, ns] of Object.entries(data.prefixes)) {
      if (iri.startsWith(ns) && /^[\w\-./]*$/.test(iri.slice(ns.length))) return prefix + ":" + iri.slice(ns.length);
    }
    return null;
  }

  // Where an IRI links to: this graph's own IRIs to their entity page here, other http(s)
  // IRIs to themselves; anything else (urn:, mailto:, javascript:) is no link at all.
  function hrefFor(iri) {
    if (iri.startsWith(data.entityBase)) return data.entityPath + iri.slice(data.entityBase.length);
    return /^https?:\/\//i.test(iri) ? iri : null;
  }

  // IRIs that can be written between <> in a query (VALUES of the label look-up).
  const WRITABLE_IRI = /^[^<>"{}|^`\\\s]+$/;

  async function select(query) {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"},
      body: new URLSearchParams({query: query}),
    });
    if (!response.ok) throw new Error(await response.text());
    return (await response.json()).results.bindings;
  }

  // --- labels of the IRIs in a result, in the page's language when there is one ----------
  const labels = new Map();  // iri -> label (null: looked up, has none)

  function pickLabel(found) {
    return found[data.lang] || found.nl || found.en || found[""] || Object.values(found)[0] || null;
  }

  async function fetchLabels(iris) {
    const wanted = [...new Set(iris)].filter(iri => !labels.has(iri) && WRITABLE_IRI.test(iri));
    for (let start = 0; start < wanted.length; start += 500) {
      const chunk = wanted.slice(start, start + 500);
      const query = "SELECT ?s ?l WHERE { VALUES ?s { " + chunk.map(i => "<" + i + ">").join(" ") +
        " } ?s skos:prefLabel|rdfs:label|foaf:name|schema:name ?l }";
      const found = new Map(chunk.map(iri => [iri, {}]));
      try {
        for (const row of await select(query)) {
          const lang = row.l["xml:lang"] || "";
          const entry = found.get(row.s.value);
          if (entry && !(lang in entry)) entry[lang] = row.l.value;
        }
      } catch (error) {
        console.warn("labels", error);
        return;  // the table is drawn with prefixed names instead
      }
      for (const [iri, entry] of found) labels.set(iri, pickLabel(entry));
    }
  }

  function resultIris(results) {
    const iris = [];
    for (const binding of results.getBindings() || []) {
      for (const term of Object.values(binding)) if (term && term.type === "uri") iris.push(term.value);
    }
    return iris;
  }

  function iriText(iri) {
    return labels.get(iri) || compact(iri) || iri;
  }

  function iriHtml(iri) {
    const href = hrefFor(iri);
    const text = escapeHtml(iriText(iri));
    const title = escapeHtml(iri);
    return href ? `<a class="iri" href="${escapeHtml(href)}" title="${title}">${text}</a>`
                : `<span class="iri" title="${title}">${text}</span>`;
  }

  // --- result views ---------------------------------------------------------------------
  // The table of YASR, with labels instead of bare IRIs and links to the entity pages.
  class LabelledTable extends Yasr.plugins.table {
    constructor(yasr) {
      super(yasr);
      this.label = T.table;
      // A cut-off cell (ellipsis) opens at a click, as in YASR, but a click on a link in it
      // follows the link at once (YASR's own handler swallows that first click).
      this.setEllipsisHandlers = () => {
        if (!this.dataTable) return;
        const table = this.dataTable;
        table.cells({page: "current"}).every(function () {
          const div = this.node() && this.node().firstChild;
          if (!div || !div.firstElementChild) return;
          const cut = div.firstElementChild.getBoundingClientRect().width > div.getBoundingClientRect().width;
          div.classList.toggle("expandable", cut);
          if (cut && !div.dataset.expands) {
            div.dataset.expands = "1";
            div.addEventListener("click", event => {
              if (!event.target.closest("a")) div.classList.add("expanded");
            });
          }
        });
      };
    }
    async draw(persistentConfig) {
      if (this.yasr.results) await fetchLabels(resultIris(this.yasr.results).slice(0, 20000));
      return super.draw(persistentConfig);
    }
    getUriLinkFromBinding(binding) {
      return iriHtml(binding.value);
    }
    formatLiteral(literal, prefixes) {
      // Numbers as numbers (a COUNT reads 128, not "128"^^xsd:integer).
      if (NUMERIC.test(literal.datatype || "")) return '<span class="number">' + escapeHtml(literal.value) + "</span>";
      return super.formatLiteral(literal, prefixes);
    }
  }

  const NUMERIC = /#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|unsignedInt|unsignedLong)$/;

  function numericColumns(results) {
    const bindings = results.getBindings() || [];
    return (results.getVariables() || []).filter(v => {
      const terms = bindings.map(b => b[v]).filter(Boolean);
      return terms.length > 0 && terms.every(t => t.type !== "uri" && NUMERIC.test(t.datatype || ""));
    });
  }

  // Bars or a line for results with a column of numbers (a COUNT, a SUM …): the first other
  // column names the bars, each numeric column is a series.
  class ChartPlugin {
    constructor(yasr) {
      this.yasr = yasr;
      this.label = T.chart;
      this.priority = 5;
      this.chart = null;
    }
    canHandleResults() {
      const results = this.yasr.results;
      return !!(results && !results.hasError() && results.getBindings() && results.getBindings().length &&
                numericColumns(results).length);
    }
    getIcon() {
      const icon = document.createElement("div");
      icon.className = "chart-icon";
      icon.setAttribute("aria-hidden", "true");
      for (const h of [6, 12, 9]) {
        const bar = document.createElement("i");  // not a span: YASR hides spans on small screens
        bar.style.height = h + "px";
        icon.appendChild(bar);
      }
      return icon;
    }
    async draw(persistentConfig) {
      const config = Object.assign({type: "bar"}, persistentConfig || {});
      const results = this.yasr.results;
      const numbers = numericColumns(results).slice(0, 6);
      const vars = results.getVariables();
      const category = vars.find(v => !numbers.includes(v));
      const rows = results.getBindings().slice(0, 300);
      await fetchLabels(rows.map(r => r[category]).filter(t => t && t.type === "uri").map(t => t.value));
      const names = rows.map((row, i) => {
        const term = category && row[category];
        if (!term) return String(i + 1);
        return term.type === "uri" ? iriText(term.value) : term.value;
      });

      const controls = document.createElement("label");
      controls.className = "chart-type";
      const select = document.createElement("select");
      for (const [value, text] of [["bar", T.bar], ["line", T.line]]) {
        const option = new Option(text, value, false, value === config.type);
        select.appendChild(option);
      }
      select.addEventListener("change", () => {
        this.yasr.storePluginConfig("chart", {type: select.value});
        this.yasr.draw();
      });
      controls.appendChild(select);
      this.yasr.pluginControls.appendChild(controls);

      const horizontal = config.type === "bar" && rows.length > 8;
      const box = document.createElement("div");
      box.className = "chart-box";
      box.style.height = (horizontal ? Math.max(300, rows.length * 24 + 60) : 380) + "px";
      const canvas = document.createElement("canvas");
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", T.chart + ": " + numbers.join(", "));
      box.appendChild(canvas);
      this.yasr.resultsEl.appendChild(box);
      const colours = ["#0b6e4f", "#d97706", "#2563eb", "#be123c", "#7c3aed", "#0891b2"];
      this.chart = new window.Chart(canvas, {
        type: config.type,
        data: {
          labels: names.map(n => (n.length > 60 ? n.slice(0, 57) + "…" : n)),
          datasets: numbers.map((v, i) => ({
            label: v,
            data: rows.map(r => (r[v] ? Number(r[v].value) : null)),
            backgroundColor: colours[i % colours.length],
            borderColor: colours[i % colours.length],
          })),
        },
        options: {
          indexAxis: horizontal ? "y" : "x",
          maintainAspectRatio: false,
          animation: false,
          plugins: {legend: {display: numbers.length > 1}},
        },
      });
    }
    destroy() {
      if (this.chart) this.chart.destroy();
      this.chart = null;
    }
  }

  Yasr.registerPlugin("table", LabelledTable);
  Yasr.registerPlugin("chart", ChartPlugin);

  // --- autocompletion from this graph -----------------------------------------------------
  let vocabularyPromise = null;

  // Classes and properties the ontology declares, with their Dutch and English labels.
  function vocabulary() {
    if (!vocabularyPromise) {
      const query = "SELECT ?term ?kind ?label WHERE { GRAPH <" + data.ontologyGraph + "> {" +
        " VALUES (?type ?kind) { (owl:Class 'class') (rdfs:Class 'class') (owl:ObjectProperty 'property')" +
        " (owl:DatatypeProperty 'property') (rdf:Property 'property') (owl:AnnotationProperty 'property') }" +
        " ?term a ?type FILTER(isIRI(?term)) OPTIONAL { ?term rdfs:label|skos:prefLabel ?label } } }";
      vocabularyPromise = select(query).then(rows => {
        const terms = new Map();
        for (const row of rows) {
          const iri = row.term.value;
          const key = row.kind.value + " " + iri;
          if (!terms.has(key)) {
            terms.set(key, {iri: iri, kind: row.kind.value, name: compact(iri) || "<" + iri + ">", labels: {}});
          }
          if (row.label) terms.get(key).labels[row.label["xml:lang"] || ""] = row.label.value;
        }
        return [...terms.values()].sort((a, b) => a.name.localeCompare(b.name));
      }, error => {
        vocabularyPromise = null;  // ask again at the next completion
        throw error;
      });
    }
    return vocabularyPromise;
  }

  // "tp:Goal  —  goal 2016-2020 · doel 2016-2020": the page's language first.
  function describe(term) {
    const first = term.labels[data.lang], other = term.labels[data.lang === "nl" ? "en" : "nl"];
    const both = first && other && first !== other ? first + " · " + other : (first || other || term.labels[""] || "");
    return both ? term.name + "  —  " + both : term.name;
  }

  // A typed "tp:Go", "Goal", "doel" or "<https://…" finds tp:Goal: by its prefixed name,
  // its IRI, its local name or one of its labels.
  function matches(term, typed) {
    if (!typed) return true;
    const local = term.iri.replace(/^.*[#/]/, "").toLowerCase();
    return term.name.toLowerCase().startsWith(typed) || term.iri.toLowerCase().startsWith(typed) ||
      local.startsWith(typed) || Object.values(term.labels).some(l => l.toLowerCase().includes(typed));
  }

  function termCompleter(base, kind) {
    Yasqe.forkAutocompleter(base, {
      name: "tp-" + kind,
      bulk: false,
      autoShow: true,
      persistenceId: null,
      get: function (yasqe, token) {
        const typed = ((token && token.string) || "").trim().replace(/^</, "").toLowerCase();
        return vocabulary().then(terms => terms.filter(t => t.kind === kind && matches(t, typed))
          .slice(0, 60).map(t => t.name), () => []);
      },
      preProcessToken: (yasqe, token) => token,
      postProcessSuggestion: (yasqe, token, suggestion) => suggestion,
      postprocessHints: function (yasqe, hints) {
        const byName = new Map();
        (vocabularyCache || []).forEach(t => { if (t.kind === kind) byName.set(t.name, t); });
        return hints.map(h => Object.assign(h, {displayText: byName.has(h.text) ? describe(byName.get(h.text)) : h.text,
                                                 className: "tp-hint"}));
      },
    }, false);
  }

  let vocabularyCache = null;
  vocabulary().then(terms => { vocabularyCache = terms; }, () => {});

  // PREFIX declarations: this project's prefixes (which the endpoint declares anyway), never
  // prefix.cc's list, and no PREFIX line added to the query when a prefixed name is typed.
  Yasqe.forkAutocompleter("prefixes", {
    name: "tp-prefixes",
    onInitialize: function () {},
    get: () => Object.entries(data.prefixes).map(([p, iri]) => p + ": <" + iri + ">").sort(),
    persistenceId: null,
  }, false);
  termCompleter("class", "class");
  termCompleter("property", "property");

  // The endpoint declares the project's prefixes, so the editor's own syntax check must
  // know them too (else it flags every tp: as "Prefix 'tp' is not defined"): each parse of
  // the text starts with them declared.
  const sparqlMode = Yasqe.modes.sparql11;
  Yasqe.defineMode("sparql11", function (config, parserConfig) {
    const mode = sparqlMode(config, parserConfig);
    const startState = mode.startState;
    mode.startState = function () {
      const state = startState.apply(this, arguments);
      state.prefixes = Object.assign({}, data.prefixes);
      return state;
    };
    return mode;
  });

  // --- errors, with the parser's position marked in the editor ---------------------------
  let marks = [];

  function clearError() {
    marks.forEach(m => m.clear());
    marks = [];
    errorEl.hidden = true;
    errorEl.textContent = "";
  }

  // "error at 3:14: …" (Oxigraph) or "line 3 column 14" / "line 3, column 14".
  function position(message) {
    const m = /error at (\d+):(\d+)/i.exec(message) || /line (\d+),? column (\d+)/i.exec(message);
    return m ? {line: Number(m[1]), column: Number(m[2])} : null;
  }

  function showError(message) {
    clearError();
    const tab = yasgui.getTab();
    const yasqe = tab && tab.getYasqe();
    const where = position(message);
    const heading = document.createElement("p");
    heading.className = "query-error-title";
    const detail = document.createElement("pre");
    detail.textContent = message.replace(/^Malformed query:\s*/, "").trim();
    if (where && yasqe && where.line <= yasqe.lineCount()) {
      const line = where.line - 1;
      const length = yasqe.getLine(line).length;
      const ch = Math.max(0, Math.min(where.column - 1, Math.max(length - 1, 0)));
      heading.textContent = format(T.syntax, {line: where.line, column: where.column});
      marks.push(yasqe.markText({line: line, ch: ch}, {line: line, ch: Math.max(ch + 1, Math.min(length, ch + 1))},
                                {className: "tp-error-mark"}));
      yasqe.addLineClass(line, "background", "tp-error-line");
      marks.push({clear: () => yasqe.removeLineClass(line, "background", "tp-error-line")});
      const go = document.createElement("button");
      go.type = "button";
      go.textContent = T.goto;
      go.addEventListener("click", () => { yasqe.focus(); yasqe.setCursor({line: line, ch: ch}); });
      errorEl.append(heading, document.createTextNode(T.parser + " "), detail, go);
      yasqe.setCursor({line: line, ch: ch});
      yasqe.scrollIntoView({line: line, ch: ch}, 60);
    } else {
      heading.textContent = /timed out|time limit/i.test(message) ? T.timeout :
        /Malformed/i.test(message) ? T.syntaxNoPosition : T.failed;
      errorEl.append(heading, detail);
    }
    errorEl.hidden = false;
    statusEl.textContent = T.error;
  }

  // --- status line, downloads, permalink ---------------------------------------------------
  function seconds(ms) {
    return (ms / 1000).toLocaleString(locale, {maximumFractionDigits: 3}) + " s";
  }

  function kindOf(results) {
    if (typeof results.getBoolean() === "boolean") return "ask";
    const type = (results.getContentType() || "").toLowerCase();
    return type.includes("sparql-results") || type.includes("json") && !type.includes("ld+json") ? "select" : "graph";
  }

  function showDownloads(kind) {
    downloadForm.hidden = !kind;
    downloadForm.querySelectorAll("button").forEach(b => { b.hidden = !b.dataset.kind.split(" ").includes(kind); });
  }

  // The parser's first line, short enough for a line of the history.
  function errorSummary(message) {
    const first = message.replace(/^Malformed query:\s*/, "").trim().split("\n")[0];
    return first.length > 160 ? first.slice(0, 157) + "…" : first;
  }

  function permalink(query) {
    return data.endpoint + "?query=" + encodeURIComponent(query);
  }

  function afterResponse(tab) {
    const results = tab.getYasr().results;
    if (!results) return;
    const took = results.getResponseTime();
    if (results.hasError()) {
      const message = (results.getError() || {}).text || T.failed;
      showError(message);
      showDownloads(null);
      queryHistory.record({query: tab.getQuery(), ok: false, ms: took || null, message: errorSummary(message)});
      return;
    }
    clearError();
    const kind = kindOf(results);
    let text;
    const n = (results.getBindings() || []).length;
    if (kind === "ask") {
      text = T.ask + " " + (results.getBoolean() ? T.yes : T.no);
    } else {
      text = n.toLocaleString(locale) + " " + (kind === "graph" ? T.triples : n === 1 ? T.row : T.rows);
    }
    statusEl.textContent = took ? text + " " + T.in + " " + seconds(took) : text;
    showDownloads(kind);
    window.history.replaceState(null, "", permalink(tab.getQuery()));
    queryHistory.record({query: tab.getQuery(), ok: true, kind: kind, count: kind === "ask" ? null : n,
                    answer: kind === "ask" ? results.getBoolean() : null, ms: took || null});
  }

  downloadForm.addEventListener("submit", () => {
    downloadForm.elements.query.value = yasgui.getTab().getQuery();
  });

  // --- YASGUI itself ----------------------------------------------------------------------
  // Every tab asks this server, also one made from the library's defaults (dbpedia.org).
  Yasgui.defaults.requestConfig.endpoint = endpoint;
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: {
      endpoint: endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json",
      acceptHeaderGraph: "text/turtle",
    },
    copyEndpointOnNewTab: false,
    populateFromUrl: false,  // the server hands a permalink's query over in #editor-data
    corsProxy: undefined,
    endpointCatalogueOptions: {getData: () => []},
    yasqe: {
      value: data.firstQuery,
      prefixCcApi: null,
      autocompleters: ["tp-prefixes", "variables", "tp-class", "tp-property"],
      createShareableLink: yasqe => window.location.origin + permalink(yasqe.getValue()),
      createShortLink: undefined,
      editorHeight: "280px",
    },
    yasr: {
      prefixes: data.prefixes,
      defaultPlugin: "table",
      pluginOrder: ["table", "chart", "response"],
    },
  });

  // Tabs the browser kept may name this server under another address (host or port).
  Object.values(yasgui._tabs).forEach(tab => { if (tab.getEndpoint() !== endpoint) tab.setEndpoint(endpoint); });

  yasgui.on("queryBefore", () => {
    clearError();
    statusEl.textContent = T.running;
  });
  // A tab says "queryResponse" just before it hands the response to its YASR.
  yasgui.on("queryResponse", (instance, tab) => setTimeout(() => afterResponse(tab), 0));
  yasgui.on("tabSelect", () => { clearError(); statusEl.textContent = ""; showDownloads(null); });

  function openInTab(name, query) {
    return yasgui.addTab(true, {name: name, yasqe: {value: query}});
  }

  // The history: an entry runs again in a new tab, or in the tab shown now.
  const queryHistory = window.createQueryHistory({
    text: T,
    locale: locale,
    open: (query, newTab) => {
      let tab = yasgui.getTab();
      if (newTab || !tab) tab = openInTab(T.newTab, query);
      else tab.setQuery(query);
      // A failed query is shown by afterResponse; its rejected promise needs no more.
      Promise.resolve(tab.query()).catch(() => {});
    },
  });

  document.getElementById("examples").addEventListener("change", event => {
    const chosen = data.examples.find(e => e.name === event.target.value);
    event.target.value = "";
    if (chosen) openInTab(chosen.title, chosen.text).query();
  });

  // A permalink: the query in a tab of its own (an open tab with the same text is reused),
  // run at once.
  if (data.permalink && data.permalink.query.trim()) {
    const text = data.permalink.query;
    // (A tab not shown yet has no editor: its text is in its persisted JSON.)
    const existing = Object.values(yasgui._tabs).find(t => t.getPersistedJson().yasqe.value === text);
    const tab = existing ? yasgui.selectTabId(existing.getId()) : openInTab(T.newTab, text);
    tab.query();
  }
  window.techniekpactEditor = yasgui;  // for the browser tests
})();
