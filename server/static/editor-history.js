// The query history of the SPARQL editor: every query run in this browser, newest first,
// with when it ran and how it went (rows, triples, the ASK answer, or the error), kept in
// localStorage so that it survives a reload. The panel (#history, a <details>) lists the
// entries; each opens in a new tab or the current one and runs again, can be removed, and
// the whole history can be cleared. Built with DOM calls and textContent only, so a query's
// text is never read as HTML.
// editor.js makes one with createQueryHistory({...}) and calls record() after each run.
(function () {
  "use strict";

  const KEY = "techniekpact.editor.history";
  const LIMIT = 100;

  function readStore() {
    try {
      const entries = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(entries) ? entries.filter(e => e && typeof e.query === "string").slice(0, LIMIT) : [];
    } catch (error) {
      return [];  // storage switched off, or not our JSON: start empty
    }
  }

  // A full storage (other tabs, big results kept by YASGUI) drops the oldest entries rather
  // than the newest run.
  function writeStore(entries) {
    let keep = entries.length;
    for (;;) {
      try {
        window.localStorage.setItem(KEY, JSON.stringify(entries.slice(0, keep)));
        return;
      } catch (error) {
        if (keep === 0) return;  // no storage at all: the history lives as long as the page
        keep = Math.floor(keep / 2);
      }
    }
  }

  function button(text, className, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  window.createQueryHistory = function (options) {
    const T = options.text;
    const locale = options.locale;
    const panel = document.getElementById("history");
    const countEl = panel.querySelector(".history-count");
    const list = panel.querySelector(".history-list");
    const empty = panel.querySelector(".history-empty");
    const clearButton = panel.querySelector(".history-clear");
    let entries = readStore();

    function save() {
      writeStore(entries);
      render();
    }

    // "12 resultaten in 0,021 s", "Antwoord: ja (true)", "Fout: …".
    function outcome(entry) {
      if (!entry.ok) {
        // Oxigraph's "error at 1:25: expected …": the position in the page's language.
        const m = /^error at (\d+):(\d+):\s*/i.exec(entry.message || "");
        if (m) return T.error + " (" + T.historyAt.replace("{line}", m[1]).replace("{column}", m[2]) + "): " + entry.message.slice(m[0].length);
        return T.error + (entry.message ? ": " + entry.message : "");
      }
      let text;
      if (entry.kind === "ask") text = T.ask + " " + (entry.answer ? T.yes : T.no);
      else {
        const n = Number(entry.count) || 0;
        text = n.toLocaleString(locale) + " " + (entry.kind === "graph" ? T.triples : n === 1 ? T.row : T.rows);
      }
      return entry.ms ? text + " " + T.in + " " + (entry.ms / 1000).toLocaleString(locale, {maximumFractionDigits: 3}) + " s" : text;
    }

    function when(iso) {
      const date = new Date(iso);
      return isNaN(date) ? "" : date.toLocaleString(locale, {dateStyle: "medium", timeStyle: "short"});
    }

    function item(entry, index) {
      const li = document.createElement("li");
      li.className = "history-entry" + (entry.ok ? "" : " failed");
      li.dataset.index = String(index);
      const meta = document.createElement("p");
      meta.className = "history-meta";
      const time = document.createElement("time");
      time.dateTime = entry.at;
      time.textContent = when(entry.at);
      const result = document.createElement("span");
      result.className = "history-outcome";
      result.textContent = outcome(entry);
      meta.append(time, document.createTextNode(" · "), result);
      const text = document.createElement("pre");
      text.className = "history-query";
      text.textContent = entry.query.trim();
      text.title = entry.query;
      const actions = document.createElement("div");
      actions.className = "history-actions";
      actions.append(
        button(T.historyNewTab, "history-open", () => options.open(entry.query, true)),
        button(T.historyThisTab, "history-here", () => options.open(entry.query, false)),
        button(T.historyRemove, "history-remove", () => remove(entry)));
      li.append(meta, text, actions);
      return li;
    }

    // (Read again first: another browser tab may have added entries since.)
    function remove(entry) {
      entries = readStore().filter(e => !(e.query === entry.query && e.at === entry.at));
      save();
    }

    function render() {
      countEl.textContent = entries.length ? "(" + entries.length.toLocaleString(locale) + ")" : "";
      list.replaceChildren(...entries.map(item));
      empty.hidden = entries.length > 0;
      clearButton.hidden = entries.length === 0;
    }

    clearButton.addEventListener("click", () => {
      if (window.confirm(T.historyConfirm)) {
        entries = [];
        save();
      }
    });
    // Another browser tab of this editor ran a query or cleared the history.
    window.addEventListener("storage", event => {
      if (event.key === KEY || event.key === null) {
        entries = readStore();
        render();
      }
    });
    render();

    return {
      // entry: {query, ok, kind ("select" | "graph" | "ask"), count, answer, ms, message}.
      // The same text run again moves to the top with its latest outcome: one line a query.
      record(entry) {
        if (!entry.query || !entry.query.trim()) return;
        entries = readStore().filter(e => e.query !== entry.query);
        entries.unshift(Object.assign({at: new Date().toISOString()}, entry));
        entries = entries.slice(0, LIMIT);
        save();
      },
      entries: () => entries.slice(),
    };
  };
})();
