"""The ontology and SHACL shapes as package data, and the mapping the exporter derives from them.

``ontology/paperkg.ttl`` says which class represents each node type and which property each
edge type (``pkg:graphLabel``), and how they align with other vocabularies. The exporter
writes, for every node, its class and all named super-classes, and for every edge its
property, all named super- or equivalent properties and, reversed, the properties stated
as inverses (``rdfs:subPropertyOf [ owl:inverseOf lpwcp:introducedBy ]``). Changing the
ontology therefore changes the export, with no table in the code to keep in sync.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.errors import ExportError
from kg.export.rdf.namespace import PKG

ONTOLOGY_FILE = "paperkg.ttl"
SHAPES_FILE = "shapes.ttl"


def read_text(name: str) -> str:
    """The text of ``ontology/<name>`` (package data)."""
    return resources.files("ontology").joinpath(name).read_text("utf-8")


@functools.cache
def ontology_graph() -> Graph:
    return Graph().parse(data=read_text(ONTOLOGY_FILE), format="turtle")


@functools.cache
def shapes_graph() -> Graph:
    return Graph().parse(data=read_text(SHAPES_FILE), format="turtle")


@dataclass(frozen=True)
class EdgeTerms:
    """The property of an edge type, the properties also written in the same direction
    (``forward``) and those written from target to source (``inverse``)."""

    iri: str
    forward: tuple[str, ...]
    inverse: tuple[str, ...]


@dataclass(frozen=True)
class Mapping:
    node_types: dict[str, tuple[str, ...]]
    """node type -> its class followed by every named super-class (the ``rdf:type`` objects)."""
    edges: dict[str, EdgeTerms]
    """edge type -> its terms."""
    types: dict[str, tuple[str, ...]]
    """class IRI -> the class followed by its named super-classes, for every pkg class."""

    def node_classes(self, node_type: str, node: str) -> tuple[str, ...]:
        try:
            return self.node_types[node_type]
        except KeyError:
            raise ExportError(f"node type '{node_type}' of node '{node}' has no class in the ontology",
                              hint="add a class with pkg:graphLabel to ontology/paperkg.ttl") from None

    def edge_terms(self, edge_type: str, source: str, target: str) -> EdgeTerms:
        try:
            return self.edges[edge_type]
        except KeyError:
            raise ExportError(f"edge type '{edge_type}' ({source} -> {target}) has no property in the "
                              "ontology", hint="add a property with pkg:graphLabel to ontology/paperkg.ttl") from None


def _closure(graph: Graph, start: URIRef, links: Iterable[URIRef]) -> tuple[list[str], list[str]]:
    """The named terms reachable from ``start`` over ``links`` (in the stated direction), and
    the ``X`` of every ``owl:inverseOf X`` met on the way (on a blank-node super-property
    or on a term itself)."""
    links = tuple(links)
    seen: list[str] = []
    inverse: list[str] = []
    todo = [start]
    visited = {start}
    while todo:
        term = todo.pop()
        for link in links:
            for obj in graph.objects(term, link):
                if isinstance(obj, BNode):
                    inverse.extend(str(x) for x in graph.objects(obj, OWL.inverseOf) if isinstance(x, URIRef))
                elif isinstance(obj, URIRef) and obj not in visited and obj != OWL.Thing:
                    visited.add(obj)
                    seen.append(str(obj))
                    todo.append(obj)
        for obj in graph.objects(term, OWL.inverseOf):
            if isinstance(obj, URIRef):
                inverse.append(str(obj))
    return sorted(seen), sorted(set(inverse))


@functools.cache
def mapping() -> Mapping:
    graph = ontology_graph()
    types: dict[str, tuple[str, ...]] = {}
    classes = {c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    for cls in sorted(classes):
        if str(cls).startswith(str(PKG)):
            supers, _ = _closure(graph, cls, (RDFS.subClassOf, OWL.equivalentClass))
            types[str(cls)] = (str(cls), *supers)
    node_types: dict[str, tuple[str, ...]] = {}
    edges: dict[str, EdgeTerms] = {}
    for term, label in graph.subject_objects(PKG.graphLabel):
        if not isinstance(term, URIRef):
            continue
        if str(term) in types:
            node_types[str(label)] = types[str(term)]
        else:
            forward, inverse = _closure(graph, term, (RDFS.subPropertyOf, OWL.equivalentProperty))
            edges[str(label)] = EdgeTerms(str(term), tuple(forward), tuple(inverse))
    return Mapping(node_types, edges, types)
