"""Describing the nodes a report names (labels, kinds, landsdelen, sources), looked up in the
validated graph itself, so that a file being checked is described from its own triples."""

from __future__ import annotations

import functools

import rdflib
from rdflib import RDF, RDFS, SH, XSD, BNode, Literal, URIRef
from rdflib.collection import Collection

from graph.labels import compact
from graph.namespaces import DEF, PREFIXES, entity_path

SKOS = rdflib.Namespace(PREFIXES["skos"])
DCT = rdflib.Namespace(PREFIXES["dcterms"])
FOAF = rdflib.Namespace(PREFIXES["foaf"])
TIME = rdflib.Namespace(PREFIXES["time"])
TP = rdflib.Namespace(DEF)


def _lang_values(graph, subject, predicate) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in sorted(graph.objects(subject, predicate)):  # the same pick whatever the store's order
        if isinstance(value, Literal):
            out.setdefault(value.language or "", str(value))
    return out


def _pick(values: dict[str, str], lang: str = "nl") -> str | None:
    for key in (lang, "", "en"):
        if key in values:
            return values[key]
    return next(iter(values.values()), None)


def _once_per_node(method):
    """A node with many findings is described once, and the findings share the description
    (a report of 600k findings at 1000× would otherwise hold each copy)."""

    @functools.wraps(method)
    def described(self, node, *args):
        key = (method.__name__, node, *args)
        if key not in self._described:
            self._described[key] = method(self, node, *args)
        return self._described[key]

    return described


class Describer:
    """Labels, kinds, landsdelen and sources of the nodes a report names, looked up in the
    validated graph itself (so a file being checked is described from its own triples)."""

    def __init__(self, data: rdflib.Graph, shapes: rdflib.Graph):
        self.data, self.shapes = data, shapes
        self._labels: dict = {}
        self._described: dict = {}

    def label(self, node, lang: str = "nl") -> str:
        key = (node, lang)
        if key not in self._labels:
            text = None
            for graph in (self.data, self.shapes):
                for predicate in (SKOS.prefLabel, RDFS.label, FOAF.name, DCT.title):
                    text = _pick(_lang_values(graph, node, predicate), lang)
                    if text:
                        break
                if text:
                    break
            self._labels[key] = text or (compact(str(node)) if isinstance(node, URIRef) else "")
        return self._labels[key]

    def labels(self, node, key: str = "label") -> dict:
        """{key: the Dutch label} and, when the graph has an English one that differs, {key_en: it}."""
        nl, en = self.label(node, "nl"), self.label(node, "en")
        return {key: nl, **({f"{key}_en": en} if en != nl else {})}

    @_once_per_node
    def entity(self, node):
        """The named resource a blank node hangs off (an action for its timeline), with the
        properties it hangs off by (at most four steps)."""
        via, depth = [], 4
        while isinstance(node, BNode) and depth:
            parent = next(((s, p) for s, p in self.data.subject_predicates(node)), None)
            if parent is None:
                break
            node, prop = parent
            via.insert(0, prop)
            depth -= 1
        return node, via

    @_once_per_node
    def kind(self, node, lang: str = "nl") -> str:
        types = set(self.data.objects(node, RDF.type))
        specific = [
            t for t in types if not any(u != t and (u, RDFS.subClassOf, t) in self.data for u in types)
        ]
        ranked = sorted(specific, key=lambda t: (not str(t).startswith(DEF), str(t)))
        return ", ".join(self.label(t, lang) for t in ranked[:2])

    @_once_per_node
    def landsdelen(self, node) -> tuple[str, list[dict]]:
        """('landsdeel' | 'national' | 'none', the landsdelen) by tp:scope / tp:refArea and tp:within*."""
        areas = set(self.data.objects(node, TP.scope)) | set(self.data.objects(node, TP.refArea))
        if (node, RDF.type, TP.Area) in self.data:
            areas.add(node)
        found, national = {}, False
        for area in areas:
            if (area, RDF.type, TP.Country) in self.data:
                national = True
            for place in self.data.transitive_objects(area, TP.within):
                if (place, RDF.type, TP.Landsdeel) in self.data:
                    found[str(place)] = {"iri": str(place), **self.labels(place)}
        if found:
            return "landsdeel", sorted(found.values(), key=lambda d: d["label"])
        return ("national" if national else "none"), []

    @_once_per_node
    def sources(self, node) -> list[dict]:
        out = []
        for source in sorted(self.data.objects(node, DCT.source), key=str):
            documents = [
                d
                for d in self.data.objects(source, DCT.isPartOf)
                if (d, RDF.type, TP.SourceDocument) in self.data
            ]
            if (source, RDF.type, TP.SourceDocument) in self.data:
                documents, section = [source], None
            else:
                section = {"iri": str(source), **self.labels(source), "href": entity_path(str(source))}
            document = documents[0] if documents else None
            out.append(
                {
                    "section": section,
                    "document": {
                        "iri": str(document),
                        **self.labels(document, "title"),
                        "href": entity_path(str(document)),
                    }
                    if document
                    else None,
                }
            )
        return out

    @_once_per_node
    def says(self, node) -> str | None:
        """What the source document says about the entity (our summary of it), if anything."""
        for predicate in (TP.stateOfAffairs, DCT.description):
            text = _pick(_lang_values(self.data, node, predicate))
            if text:
                return text
        return None

    def value_text(self, value) -> str:
        if isinstance(value, Literal):
            suffix = (
                f"@{value.language}" if value.language else f"^^{compact(str(value.datatype or XSD.string))}"
            )
            return f'"{value}"{suffix}'
        if isinstance(value, URIRef):
            return self.label(value)
        begin = self.data.value(self.data.value(value, TIME.hasBeginning), TIME.inXSDgYear)
        end = self.data.value(self.data.value(value, TIME.hasEnd), TIME.inXSDgYear)
        if begin is not None or end is not None:
            return f"{begin or '…'} – {end or '…'}"
        return ", ".join(
            f"{compact(str(p))} {self.value_text(o)}"
            for p, o in self.data.predicate_objects(value)
            if p != RDF.type
        ) or "_:" + str(value)

    def path_text(self, path) -> str:
        if isinstance(path, URIRef):
            return compact(str(path))
        alternatives = self.shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            return " | ".join(compact(str(p)) for p in Collection(self.shapes, alternatives))
        return "…"
