"""The saved query library: `queries/*.rq`, each with its metadata in a comment header.

Header lines start with `#` and carry `key: value` pairs before the query text:

    # title: Acties per doel
    # title@en: Actions per goal
    # description: Alle acties van een doel met eigenaar en looptijd.
    # description@en: All actions of a goal with owner and timeline.
    # audience: analyst            (analyst | coordinator)
    # keywords: doel, actie, eigenaar
    # param goal: iri = https://w3id.org/techniekpact/id/goal/2016-07 -- het doel / the goal
    # column owners: eigenaar(s) | owner(s)
    # hide: title                  (shown in the column before it: HTML leaves it out)
    # value: ontbreekt = missing   (a word the query itself writes, in English)

A `column` line gives a variable's column title in Dutch and English (people read these, not
the variable names); `hide` names columns that only repeat another's label; `value` lines
translate the few Dutch words a query writes into its answers.

A parameter `goal` is the variable `?goal` of the query, which must be in its SELECT
projection. Values are checked against their type, made typed RDF terms, and bound as a
VALUES block that Oxigraph writes (graph.query.bind_as_values): a value cannot inject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from graph.namespaces import ID, QUERIES_DIR, QUERIES_GRAPH
from graph.terms import BadIRI, parse_iri

XSD = "http://www.w3.org/2001/XMLSchema#"
_HEADER = re.compile(r"^#\s*([\w@.-]+(?:\s+\w+)?)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(?P<type>\w+)\s*(?:=\s*(?P<default>.*?))?\s*(?:--\s*(?P<doc>.*))?$")
# An absolute http(s) IRI with none of the characters IRIREF forbids.
_IRI = re.compile(r"^https?://[^\s<>\"{}|^`\\]+$")
_YEAR = re.compile(r"^\d{4}$")
_INTEGER = re.compile(r"^[+-]?\d{1,18}$")
PARAM_TYPES = ("iri", "string", "integer", "decimal", "year")
# Query-string names the service keeps for itself (format and paging), never a parameter's.
RESERVED = ("format", "page", "size", "lang")  # the page's, not the query's


class ParameterError(ValueError):
    """A parameter value that is missing, unknown or not of its declared type."""


@dataclass
class Parameter:
    name: str
    type: str
    default: str | None = None
    doc: str = ""

    def term(self, value: str):
        """The value as a typed RDF term; raises ParameterError if it does not fit the type."""
        value = value.strip() if self.type != "string" else value
        if self.type == "iri":
            if not _IRI.match(value):
                raise ParameterError(
                    f"parameter {self.name!r} must be an absolute http(s) IRI, got {value!r}"
                )
            try:
                return parse_iri(value, f"parameter {self.name!r}")
            except BadIRI as error:
                raise ParameterError(str(error)) from None
        if self.type == "year":
            if not _YEAR.match(value):
                raise ParameterError(f"parameter {self.name!r} must be a four-digit year, got {value!r}")
            return ox.Literal(value, datatype=ox.NamedNode(XSD + "gYear"))
        if self.type == "integer":
            if not _INTEGER.match(value):
                raise ParameterError(f"parameter {self.name!r} must be an integer, got {value!r}")
            return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
        if self.type == "decimal":
            try:
                number = Decimal(value)
            except InvalidOperation:
                raise ParameterError(
                    f"parameter {self.name!r} must be a decimal number, got {value!r}"
                ) from None
            if not number.is_finite():
                raise ParameterError(f"parameter {self.name!r} must be a finite number, got {value!r}")
            return ox.Literal(str(number), datatype=ox.NamedNode(XSD + "decimal"))
        if len(value) > 500:
            raise ParameterError(f"parameter {self.name!r} is longer than 500 characters")
        return ox.Literal(value)


@dataclass
class SavedQuery:
    name: str
    text: str
    meta: dict[str, str] = field(default_factory=dict)
    params: list[Parameter] = field(default_factory=list)
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)
    values_en: dict[str, str] = field(default_factory=dict)

    def column_title(self, variable: str, lang: str = "nl") -> str:
        """The column's title in `lang`: from the `column` header lines, else the variable's name."""
        nl, en = self.columns.get(variable, (variable, variable))
        return en if lang == "en" else nl

    @property
    def hidden(self) -> list[str]:
        return [h.strip() for h in self.meta.get("hide", "").split(",") if h.strip()]

    def value_text(self, text: str, lang: str = "nl") -> str:
        """A word the query writes into its answer, in the page's language."""
        return self.values_en.get(text, text) if lang == "en" else text

    def label(self, lang: str = "nl") -> str:
        return self.meta.get(f"title@{lang}") or self.meta.get("title") or self.name

    def description(self, lang: str = "nl") -> str:
        return self.meta.get(f"description@{lang}") or self.meta.get("description", "")

    @property
    def audience(self) -> str:
        return self.meta.get("audience", "analyst")

    @property
    def keywords(self) -> list[str]:
        return [k.strip() for k in self.meta.get("keywords", "").split(",") if k.strip()]


def parse(name: str, text: str) -> SavedQuery:
    query = SavedQuery(name, text)
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.group(1), match.group(2).strip()
        if key.startswith("column "):
            nl, _, en = value.partition("|")
            query.columns[key.split()[1]] = (nl.strip(), (en or nl).strip())
        elif key == "value":
            nl, _, en = value.partition("=")
            query.values_en[nl.strip()] = en.strip()
        elif key.startswith("param "):
            spec = _PARAM.match(value)
            if not spec or spec.group("type") not in PARAM_TYPES:
                raise ValueError(f"{name}.rq: bad parameter line {line!r}")
            if key.split()[1] in RESERVED:
                raise ValueError(
                    f"{name}.rq: {key.split()[1]!r} is reserved for the service, not a parameter name"
                )
            query.params.append(
                Parameter(
                    key.split()[1],
                    spec.group("type"),
                    spec.group("default"),
                    (spec.group("doc") or "").strip(),
                )
            )
        else:
            query.meta[key] = value
    return query


def names(directory: Path = QUERIES_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.rq"))


def load(name: str, directory: Path = QUERIES_DIR) -> SavedQuery:
    path = directory / f"{name}.rq"
    if len(name) > 100 or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name) or not path.exists():
        raise KeyError(name)
    return parse(name, path.read_text(encoding="utf-8"))


def load_all(directory: Path = QUERIES_DIR) -> list[SavedQuery]:
    return [load(n, directory) for n in names(directory)]


def bind(query: SavedQuery, values: dict[str, str]) -> dict[str, object]:
    """Typed RDF terms for the query's parameters: given values, else defaults."""
    known = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ParameterError(
            f"unknown parameter(s) {', '.join(unknown)}; {query.name} takes {', '.join(known) or 'none'}"
        )
    bound = {}
    for param in query.params:
        value = values.get(param.name, param.default)
        if value in (None, ""):
            raise ParameterError(f"parameter {param.name!r} is required")
        bound[param.name] = param.term(value)
    return bound


def catalogue_quads(queries: list[SavedQuery]) -> list[ox.Quad]:
    """The library as RDF (sh:SPARQLExecutable, as SIB's sparql-examples do), for the store."""
    sh = "http://www.w3.org/ns/shacl#"
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    graph = ox.NamedNode(QUERIES_GRAPH)
    quads = []

    def add(s, p, o):
        quads.append(ox.Quad(s, ox.NamedNode(p), o, graph))

    for q in queries:
        node = ox.NamedNode(f"{ID}query/{q.name}")
        kind = "SPARQLSelectExecutable" if re.search(r"\bSELECT\b", q.text, re.I) else "SPARQLExecutable"
        add(node, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode(sh + kind))
        add(node, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode(sh + "SPARQLExecutable"))
        add(node, rdfs + "label", ox.Literal(q.label("nl"), language="nl"))
        add(node, rdfs + "label", ox.Literal(q.label("en"), language="en"))
        for lang in ("nl", "en"):
            if q.description(lang):
                add(node, rdfs + "comment", ox.Literal(q.description(lang), language=lang))
        add(node, sh + "select", ox.Literal(q.text))
        add(node, "https://schema.org/audience", ox.Literal(q.audience))
        for keyword in q.keywords:
            add(node, "https://schema.org/keywords", ox.Literal(keyword))
    return quads
