"""RDF terms between Oxigraph and rdflib: rdflib where pyshacl and owlrl need it, Oxigraph
everywhere else."""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib import XSD, BNode, Literal, URIRef

XSD_STRING = str(XSD.string)


def to_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        # A simple literal, as rdflib writes it when it parses a file: "T7" and
        # "T7"^^xsd:string are one term in RDF 1.1 but two in rdflib.
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise TypeError(f"cannot store {term!r}")


def rdflib_triples(quads):
    """Oxigraph quads (of any graph) as rdflib triples, each distinct term converted once
    (predicates and classes recur on every other triple)."""
    terms: dict = {}

    def term(t):
        found = terms.get(t)
        if found is None:
            found = terms[t] = to_rdflib(t)
        return found

    for quad in quads:
        yield term(quad.subject), term(quad.predicate), term(quad.object)


def rdflib_graph(quads) -> rdflib.Graph:
    """Oxigraph quads (of any graph) as the triples of one rdflib graph."""
    graph = rdflib.Graph()
    for triple in rdflib_triples(quads):
        graph.add(triple)
    return graph


class BadIRI(ValueError):
    """A value that should be an absolute IRI and is not one this store takes."""


# Characters that can never be in an IRI (RFC 3987) and that would end an IRI written into
# SPARQL text as <…>: refused before Oxigraph sees them.
_NEVER_IN_IRI = set('<>"{}|\\^` ') | {chr(c) for c in range(0x20)} | {"\x7f"}


def parse_iri(value: str, what: str = "iri") -> ox.NamedNode:
    """The one way a client's IRI becomes a term: an absolute IRI that Oxigraph accepts, or
    BadIRI saying which parameter (`what`) is wrong and why. Safe to write as <…> in SPARQL."""
    shown = value if len(value) <= 200 else value[:200] + "…"
    if not value:
        raise BadIRI(f"{what} is empty; give an absolute IRI")
    bad = sorted({c for c in value if c in _NEVER_IN_IRI})
    if bad:
        raise BadIRI(
            f"{what} must be an absolute IRI without spaces, control characters or any of "
            f'<>"{{}}|\\^`, got {shown!r} (holds {", ".join(repr(c) for c in bad)})'
        )
    try:
        node = ox.NamedNode(value)
    except ValueError as error:
        raise BadIRI(f"{what} is not a valid absolute IRI: {shown!r} ({error})") from None
    return node
