"""The doublure page at /doublures: ranked candidates with their evidence side by side, filters,
a CSV of the open ones, and the form on which a coordinator decides same / different / related.

Candidates are made once per store version (graph.doublures.find, about a second on the curated
graph), in a background thread, never in a request: a request that comes first waits at most the
query time limit, then gets 503 with Retry-After. Recording a decision changes the store (its
decisions graph), hence its version; the candidates do not depend on that graph, so they are
carried over to the new version instead of being made again.

Decisions are allowed with the update token or the reviewer token (TECHNIEKPACT_REVIEWER_TOKEN),
compared in constant time. The TriG file beside the store is the record (graph/doublures/
decisions.py); the store's decisions graph is replaced by its content after every decision.
"""

from __future__ import annotations

import csv
import hmac
import io
import re
import threading

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from graph import doublures
from graph.doublures import decisions as dec
from graph.doublures.features import stem, surface_words
from graph.namespaces import DEF, entity_path
from graph.terms import BadIRI, parse_iri
from server.engine import UpdatesDisabled
from server.i18n import current_lang, t
from server.prepared import KeptByPrepared, Prepared, StillPreparing
from server.rendering import positive_arg
from server.representation import CSV, HTML, JSON, choose, engine, fresh

bp = Blueprint("doublures", __name__)

PER_PAGE = 50
FOLDED_SHOWN = 200  # merged nodes listed on the page (the JSON has them all)
MAX_TEXT = 700  # characters of a description shown beside the other
KIND_NAMES = {
    "action": ("actie", "action"),
    "sub-action": ("deelactie", "sub-action"),
    "measure": ("maatregel 2016", "2016 measure"),
    "initiative": ("initiatief", "initiative"),
}
VERDICT_NAMES = {
    "same": ("hetzelfde", "same"),
    "different": ("verschillend", "different"),
    "related": ("verwant", "related"),
}
# The links the documents state between a pair (graph/doublures/scoring.py stated_links), named.
LINK_NAMES = {
    "related": ("verwant (skos:related)", "related (skos:related)"),
    "continued": ("voortgezet onder een doel van de ander", "carried on under the other's goal"),
    "same-initiative": ("hetzelfde initiatief", "the same initiative"),
    "mentions": ("de actie noemt het initiatief", "the action mentions the initiative"),
}


class CandidatesUnavailable(Exception):
    """The candidates of this version could not be made (the message says why); tried again."""


def prepare(store) -> doublures.Candidates:
    """Everything the page needs of one store version, made once (the one function a shared
    per-version preparer calls)."""
    return doublures.find(store)


class PreparedCandidates(KeptByPrepared):
    """The candidates of the engine's current version, made by server/prepared.py's helper in a
    builder thread of their own (`prepare-doublures`), warmed up after every change of version."""

    def __init__(self, engine, background: bool):
        self._engine = engine
        self.on_made = None  # called with the version whose candidates were just made
        self._kept: Prepared[doublures.Candidates] = Prepared(
            engine,
            "doublure candidates",
            lambda key: "the doublure candidates of this store version",
            doing="being made (at 100× the curated graph that takes tens of seconds)",
            max_kept=2,
            builder="prepare-doublures",
        )
        if background:
            self._kept.warm_up(lambda version: [((version,), lambda version=version: self._make(version))])

    def ready(self) -> doublures.Candidates | None:
        return self._kept.ready((self._engine.version,))

    def get(self, timeout: float) -> doublures.Candidates:
        """The candidates, made now if need be; StillPreparing past `timeout` seconds."""
        version = self._engine.version
        return self._kept.get((version,), lambda: self._make(version), timeout)

    def carry_over(self, old: str, new: str, made: doublures.Candidates | None = None) -> None:
        """The store changed only in its decisions graph: the candidates of `old` (`made`, when
        they are being made) are those of `new`."""
        made = made if made is not None else self._kept.ready((old,))
        if made is not None:
            self._kept.put((new,), made)

    def _make(self, version: str) -> doublures.Candidates:
        try:
            candidates = prepare(self._engine.reader())  # the snapshot of `version`, never the live store
        except Exception as error:  # told to the requests; made again when asked again
            raise CandidatesUnavailable(
                f"the doublure candidates could not be made: {type(error).__name__}: {error}"
            ) from error
        if self.on_made is not None:
            self.on_made(version, candidates)
        return candidates


class DecisionBook:
    """The decisions file of the engine's store, read again only when it changed on disk."""

    def __init__(self, engine):
        self._engine = engine
        self.path = dec.decisions_path(engine.path)
        self._lock = threading.Lock()
        self._cache: tuple[float, dict] | None = None

    def all(self) -> dict[tuple[str, str], dec.Decision]:
        try:
            stamp = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return {}
        cache = self._cache
        if cache is None or cache[0] != stamp:
            cache = self._cache = (stamp, dec.read(self.path))
        return cache[1]

    def record(self, decision: dec.Decision, prepared: PreparedCandidates) -> None:
        """Write the file first (the record), then replace the store's decisions graph with it."""
        with self._lock:
            everything = dec.record(self.path, decision)
            self._cache = None
            self._copy_to_store(everything, prepared)

    def _copy_to_store(
        self, everything: dict, prepared: PreparedCandidates, candidates: doublures.Candidates | None = None
    ) -> None:
        before = self._engine.version
        triples = b"".join(str(q.triple).encode("utf-8") + b" .\n" for q in dec.to_quads(everything.values()))
        self._engine.replace_graph(dec.DECISIONS_GRAPH, triples)
        prepared.carry_over(before, self._engine.version, candidates)

    def sync(self, prepared: PreparedCandidates, candidates: doublures.Candidates) -> None:
        """After a change of version: a build that read the file just before a decision was
        written swapped in a store without it. The file is the record; copy it again if the
        store's decisions graph holds another number of decisions."""
        with self._lock:
            everything = self.all()
            rows = list(
                self._engine.store.query(
                    "SELECT (COUNT(?d) AS ?n) WHERE { GRAPH <%s> { ?d a tp:DoublureDecision } }"
                    % dec.DECISIONS_GRAPH,
                    prefixes={"tp": DEF},
                )
            )
            if int(rows[0]["n"].value) != len(everything):
                self._copy_to_store(everything, prepared, candidates)

    def stamp(self) -> int | None:
        """When the decisions file last changed (None: no decision yet): part of every ETag here."""
        try:
            return self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return None


def _prepared() -> PreparedCandidates:
    return current_app.extensions["techniekpact.doublures"]


def _book() -> DecisionBook:
    return current_app.extensions["techniekpact.decisions"]


def _name(pair) -> str:
    return pair[1] if current_lang() == "en" else pair[0]


def _highlight(text: str, stems: set[str]) -> list[dict]:
    """The text in pieces, those whose stem is shared marked: the template escapes each piece."""
    text = text[:MAX_TEXT] + ("…" if len(text) > MAX_TEXT else "")
    pieces = []
    for word in re.split(r"(\w+)", text):
        if not word:
            continue
        plain = doublures.features.plain_words(word)
        marked = len(plain) == 1 and plain[0] not in doublures.features.STOPWORDS and stem(plain[0]) in stems
        if pieces and pieces[-1]["marked"] == marked and not marked:
            pieces[-1]["text"] += word
        else:
            pieces.append({"text": word, "marked": marked})
    return pieces


def _side(
    record: doublures.Record, labels: dict, shared_stems: set[str], matched_name: str, full: bool
) -> dict:
    side = {
        "iri": record.iri,
        "href": entity_path(record.iri),
        "name": record.name,
        "matched_name": matched_name,
        "kind": record.kind,
        "kind_name": _name(KIND_NAMES[record.kind]),
        "plans": sorted(labels.get(p, p) for p in record.plans),
        "landsdelen": sorted(labels.get(a, a) for a in record.landsdelen),
        "areas": sorted(labels.get(a, a) for a in record.areas),
        "years": list(record.years) if record.years else None,
        "documents": sorted(labels.get(d, d) for d in record.documents),
    }
    if full:
        side["text"] = _highlight(record.text, shared_stems) if record.text else []
    return side


def _name_pieces(action_name: str, embodies: dict, initiative_name: str) -> list[dict]:
    """The action's name in pieces, the initiative's name and the word before it that says the
    action sets it up marked (the template escapes each piece)."""
    at = action_name.lower().find(initiative_name.lower())
    if at >= 0:
        before, end = action_name[:at], at + len(initiative_name)
        cue = before.rfind(embodies["cue_word"]) if embodies["cue_word"] else -1
        pieces = (
            [
                (before[:cue], False),
                (embodies["cue_word"], True),
                (before[cue + len(embodies["cue_word"]) :], False),
            ]
            if cue >= 0
            else [(before, False)]
        )
        pieces += [(action_name[at:end], True), (action_name[end:], False)]
        return [{"text": text, "marked": marked} for text, marked in pieces if text]
    # spelled otherwise ("topsector-beurzen" for "topsectorbeurzen"): the words of the name
    wanted = {
        w for w in doublures.features.plain_words(initiative_name) if w not in doublures.features.STOPWORDS
    }
    cue = doublures.features.plain_words(embodies["cue_word"])
    pieces = []
    for word in re.split(r"(\w+)", action_name):
        plain = doublures.features.plain_words(word)
        marked = len(plain) == 1 and (plain[0] in wanted or plain == cue)
        if pieces and pieces[-1]["marked"] == marked:
            pieces[-1]["text"] += word
        elif word:
            pieces.append({"text": word, "marked": marked})
    return pieces


def _embodiment_view(c: doublures.Candidate, found: doublures.Candidates) -> dict | None:
    """An action and an initiative: which is which, and the words that say the action is it."""
    e = c.evidence
    if not e.get("embodies"):
        return None
    action_first = found.records[c.a].kind != "initiative"
    action_name, initiative_name = e["names"] if action_first else e["names"][::-1]
    return {
        **e["embodies"],
        "percent": round(e["embodies"]["contained"] * 100),
        "action_side": "a" if action_first else "b",
        "action_name": action_name,
        "initiative_name": initiative_name,
        "pieces": _name_pieces(action_name, e["embodies"], initiative_name),
    }


def _links(iris: list[str], labels: dict) -> list[dict]:
    return [{"iri": i, "text": labels.get(i, i), "href": entity_path(i)} for i in iris]


def candidate_view(c: doublures.Candidate, found: doublures.Candidates, full: bool = True) -> dict:
    e, labels = c.evidence, found.labels
    shared = set(e["shared_words"])
    a, b = found.records[c.a], found.records[c.b]
    words_a, words_b = surface_words(a.text), surface_words(b.text)
    embodies = _embodiment_view(c, found)
    return {
        "a": _side(a, labels, shared, e["names"][0], full),
        "b": _side(b, labels, shared, e["names"][1], full),
        "embodies": embodies,
        # the initiative both actions are, and the initiatives both name
        "same_initiative": _links(e.get("same_initiative", []), labels),
        "initiatives": _links(
            [i for i in e.get("initiatives", []) if i not in e.get("same_initiative", [])], labels
        ),
        "score": c.score,
        "name": e["name"],
        "words": e["words"],
        "shared_words": sorted(
            {w for s in e["shared_words"] for w in words_a.get(s, set()) | words_b.get(s, set())}
        )[:15],
        "parties": [
            {"iri": p, "text": labels.get(p, p), "href": entity_path(p), "owner": p in e["owners"]}
            for p in e["parties"]
        ],
        "goals": [{"iri": g, "text": labels.get(g, g), "href": entity_path(g)} for g in e["goals"]],
        "targets": [{"iri": g, "text": labels.get(g, g), "href": entity_path(g)} for g in e["targets"]],
        "areas": [labels.get(x, x) for x in e["areas"]],
        "period": e["period"],
        "links": e["links"],
        "same_plan": e["same_plan"],
        "siblings": e["siblings"],
    }


def _filters() -> dict:
    filters = {
        k: (request.args.get(k) or "").strip() or None for k in ("landsdeel", "plan", "kind", "status")
    }
    for key in ("landsdeel", "plan"):
        if filters[key]:
            try:
                filters[key] = parse_iri(filters[key], key).value
            except BadIRI as error:
                abort(400, str(error))
    if filters["kind"] and filters["kind"] not in doublures.KINDS:
        abort(400, f"kind must be one of {', '.join(doublures.KINDS)}")
    if filters["status"] and filters["status"] not in ("open", "decided"):
        abort(400, "status must be open or decided")
    filters["status"] = filters["status"] or "open"
    return filters


def select(found: doublures.Candidates, decided: dict, filters: dict) -> list[doublures.Candidate]:
    records = found.records

    def keep(c) -> bool:
        a, b = records[c.a], records[c.b]
        if (filters["status"] == "open") == (c.key in decided):
            return False
        if filters["kind"] and filters["kind"] not in (a.kind, b.kind):
            return False
        if filters["landsdeel"] and filters["landsdeel"] not in a.landsdelen | b.landsdelen:
            return False
        return not filters["plan"] or filters["plan"] in a.plans | b.plans

    return [c for c in found.ranked if keep(c)]


def _options(found: doublures.Candidates) -> dict:
    labels = found.labels
    landsdelen = {x for r in found.records.values() for x in r.landsdelen}
    plans = {x for r in found.records.values() for x in r.plans}
    return {
        "landsdelen": sorted(
            ({"iri": x, "text": labels.get(x, x)} for x in landsdelen), key=lambda o: o["text"]
        ),
        "plans": sorted(({"iri": x, "text": labels.get(x, x)} for x in plans), key=lambda o: o["text"]),
        "kinds": [{"value": k, "text": _name(KIND_NAMES[k])} for k in doublures.KINDS],
    }


def folded(found: doublures.Candidates) -> list[dict]:
    """Items the curators made one node of although the documents list them more than once: a
    doublure already resolved, which a coordinator should still know of."""
    rows = [r for r in found.records.values() if len(r.documents) > 1]
    return [
        {
            "iri": r.iri,
            "href": entity_path(r.iri),
            "name": r.name,
            "kind_name": _name(KIND_NAMES[r.kind]),
            "documents": sorted(found.labels.get(d, d) for d in r.documents),
        }
        for r in sorted(rows, key=lambda r: (-len(r.documents), r.name))
    ]


def _per_version(found: doublures.Candidates, name: str, make):
    """What every request of one version and language shows alike (the filter options, the
    merged nodes), made once: at 100× the curated graph it is a pass over 43,500 items."""
    kept = found.__dict__.setdefault("_page_parts", {})
    key = (name, current_lang())
    if key not in kept:
        kept[key] = make(found)
    return kept[key]


@bp.route("/doublures")
@bp.route("/doublures.<suffix>")
def index(suffix=None):
    fmt = choose(
        {"html": HTML, "json": JSON, "csv": CSV},
        suffix=suffix,
        suffixes={"json": "json", "csv": "csv"},
        what="the doublures",
    )
    filters = _filters()
    page = positive_arg("page", 1, 100_000) if fmt == "html" else 1
    # Decisions change the store's version, and the file beside it is the record: both name the answer.
    fresh(
        engine().version,
        _book().stamp(),
        "doublures",
        fmt,
        sorted(filters.items()),
        page,
        request.args.get("done"),
    )
    found = _prepared().get(engine().config.query_timeout)
    decided = _book().all()
    selected = select(found, decided, filters)
    if fmt == "csv":
        return Response(
            _csv(selected, found),
            headers={"Content-Type": CSV, "Content-Disposition": "attachment; filename=doublures.csv"},
        )
    if fmt == "json":
        return jsonify(
            {
                "filters": filters,
                "count": len(selected),
                "candidates": [
                    {"a": c.a, "b": c.b, "score": c.score, "evidence": c.evidence} for c in selected
                ],
                "decisions": [d.__dict__ for d in decided.values()],
                "merged": _per_version(found, "folded", folded),
            }
        )
    pages = max(1, -(-len(selected) // PER_PAGE))
    if page > pages:
        abort(404, t(f"er zijn {pages} pagina's kandidaten", f"there are {pages} pages of candidates"))
    first = (page - 1) * PER_PAGE
    shown = [
        {**candidate_view(c, found), "decision": decided.get(c.key)}
        for c in selected[first : first + PER_PAGE]
    ]
    kept = {k: v for k, v in filters.items() if v and not (k == "status" and v == "open")}
    return render_template(
        "doublures.html",
        candidates=shown,
        count=len(selected),
        total=len(found.ranked),
        decided=len(decided),
        filters=filters,
        kept=kept,
        options=_per_version(found, "options", _options),
        page=page,
        pages=pages,
        first=first + 1,
        folded=_per_version(found, "folded", folded),
        folded_shown=FOLDED_SHOWN,
        verdicts=[{"value": v, "text": _name(n)} for v, n in VERDICT_NAMES.items()],
        decisions_allowed=bool(engine().config.update_token or engine().config.reviewer_token),
        done=request.args.get("done"),
    )


def _csv(selected, found) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "a",
            "a_name",
            "a_kind",
            "b",
            "b_name",
            "b_kind",
            "score",
            "name_similarity",
            "matched_name_a",
            "matched_name_b",
            "word_similarity",
            "shared_words",
            "shared_parties",
            "shared_goals",
            "same_area",
            "period_overlap",
            "stated_links",
            "action_is_initiative",
            "cue_word",
            "same_initiative",
            "shared_initiatives",
        ]
    )
    for c in selected:
        e, a, b = c.evidence, found.records[c.a], found.records[c.b]
        writer.writerow(
            [
                c.a,
                a.name,
                a.kind,
                c.b,
                b.name,
                b.kind,
                c.score,
                e["name"],
                e["names"][0],
                e["names"][1],
                e["words"],
                " ".join(e["shared_words"]),
                "; ".join(found.labels.get(p, p) for p in e["parties"]),
                "; ".join(found.labels.get(g, g) for g in e["goals"]),
                "; ".join(found.labels.get(x, x) for x in e["areas"]),
                "" if e["period"] is None else e["period"],
                " ".join(e["links"]),
                (e.get("embodies") or {}).get("cue", ""),
                (e.get("embodies") or {}).get("cue_word", ""),
                "; ".join(found.labels.get(i, i) for i in e.get("same_initiative", [])),
                "; ".join(found.labels.get(i, i) for i in e.get("initiatives", [])),
            ]
        )
    return out.getvalue()


def authorise(given: str) -> str:
    """The role of a valid token: 'update' or 'reviewer'. Constant-time comparison of each."""
    config = engine().config
    tokens = [
        (role, token)
        for role, token in (("update", config.update_token), ("reviewer", config.reviewer_token))
        if token
    ]
    if not tokens:
        raise UpdatesDisabled(
            "decisions are disabled on this service (set TECHNIEKPACT_REVIEWER_TOKEN "
            "or TECHNIEKPACT_UPDATE_TOKEN)"
        )
    given_bytes = given.encode("utf-8", "replace")  # a lone surrogate is no token, and no 500
    matches = [role for role, token in tokens if hmac.compare_digest(given_bytes, token.encode("utf-8"))]
    if not given or not matches:
        raise PermissionError(
            t("een geldig token is nodig om te beslissen", "a valid token is needed to decide")
        )
    return matches[0]


@bp.route("/doublures/decide", methods=["POST"])
def decide():
    form = request.form if request.form else request.get_json(silent=True)
    if not isinstance(form, dict):
        form = {}
    header = request.headers.get("Authorization", "")
    given = str(form.get("token") or (header[7:] if header.lower().startswith("bearer ") else "")).strip()
    role = authorise(given)
    try:
        a, b = (parse_iri(str(form.get(k) or ""), k).value for k in ("a", "b"))
    except BadIRI as error:
        abort(400, str(error))
    verdict = str(form.get("verdict") or "")
    if verdict not in dec.VERDICTS:
        abort(400, f"verdict must be one of {', '.join(dec.VERDICTS)}")
    note = str(form.get("note") or "").strip()
    if len(note) > dec.MAX_NOTE:
        abort(400, f"the note is longer than {dec.MAX_NOTE} characters")
    who = re.sub(r"\s+", " ", str(form.get("who") or "")).strip()[:100] or f"{role} token"
    found = _prepared().get(engine().config.query_timeout)
    if a == b or a not in found.records or b not in found.records:
        abort(400, "a and b must be two actions or initiatives of this graph")
    # A browser's form goes back to the list; a JSON client gets the decision (chosen before
    # the decision is recorded: a format not offered is refused without writing).
    back_to_list = bool(request.form) and choose({"html": HTML, "json": JSON}, what="a decision") == "html"
    decision = dec.Decision(*dec.pair_key(a, b), verdict, who, dec.now(), note)
    _book().record(decision, _prepared())
    if back_to_list:
        back = {k: v for k, v in request.form.items() if k.startswith("f_") and v}
        return redirect(url_for("doublures.index", done="1", **{k[2:]: v for k, v in back.items()}), 303)
    return jsonify(decision.__dict__), 201


@bp.route("/doublures/decisions.<suffix>")
def decisions_download(suffix):
    media = {"trig": "application/trig; charset=utf-8", "ttl": "text/turtle; charset=utf-8", "json": JSON}
    fmt = choose(media, suffix=suffix, suffixes={name: name for name in media}, what="the decisions")
    fresh(_book().stamp(), "decisions", fmt)
    found = _book().all().values()
    if fmt == "json":
        return jsonify([d.__dict__ for d in found])
    return Response(
        (dec.to_trig if fmt == "trig" else dec.to_turtle)(found), headers={"Content-Type": media[fmt]}
    )


@bp.route("/doublures/same.ttl")
def same_links():
    kind = request.args.get("as", "sameAs")
    if kind not in dec.EXPORTS:
        abort(400, f"as must be one of {', '.join(dec.EXPORTS)}")
    fresh(_book().stamp(), "same", kind)
    return Response(
        dec.links(_book().all().values(), kind), headers={"Content-Type": "text/turtle; charset=utf-8"}
    )


def for_entity(iri: str) -> dict:
    """The entity page's block: this item's open and decided candidates with their evidence, and
    whether the documents list it more than once. Waits for them as a saved query's answer is
    waited for (at most TECHNIEKPACT_PREPARE_TIMEOUT; a second or two on the curated graph, once
    per version); past that the page shows none."""
    config = engine().config
    try:
        found = _prepared().get(max(config.query_timeout, config.prepare_timeout))
    except (StillPreparing, CandidatesUnavailable):
        found = None
    if found is None or iri not in found.records:
        return {"doublures": [], "doublures_ready": found is not None, "listed_in": []}
    decided = _book().all()
    rows = []
    for c in found.involving(iri)[:20]:
        view = candidate_view(c, found, full=False)
        here, other = (view["a"], view["b"]) if c.a == iri else (view["b"], view["a"])
        decision = decided.get(c.key)
        rows.append(
            {
                **view,
                "here": here,
                "other": other,
                "decision": decision,
                "decision_text": _name(VERDICT_NAMES[decision.verdict]) if decision else None,
                "link_names": [
                    _name(LINK_NAMES[link]) if link in LINK_NAMES else link for link in c.evidence["links"]
                ],
            }
        )
    record = found.records[iri]
    return {
        "doublures": rows,
        "doublures_ready": True,
        "listed_in": sorted(found.labels.get(d, d) for d in record.documents)
        if len(record.documents) > 1
        else [],
    }


def register(app) -> None:
    from server.errors import respond

    app.register_error_handler(
        CandidatesUnavailable, lambda e: respond(503, "Doublure candidates not available", str(e))
    )
    engine = app.extensions["techniekpact.engine"]
    config = app.config["TECHNIEKPACT"]
    prepared = app.extensions["techniekpact.doublures"] = PreparedCandidates(
        engine, background=config.prepare_timeout > 0
    )
    book = app.extensions["techniekpact.decisions"] = DecisionBook(engine)
    prepared.on_made = lambda version, candidates: book.sync(prepared, candidates)
    app.register_blueprint(bp)
