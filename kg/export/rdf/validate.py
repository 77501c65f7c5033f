"""``paperkg validate DIR``: check the graph's RDF against the SHACL shapes (``ontology/shapes.ttl``).

The RDF is generated exactly as ``paperkg export`` writes it, loaded into an rdflib graph
and validated with pyshacl (no inference: the exporter already materializes the classes
the shapes target). Each violation is reported with its focus node, path and message.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.export.rdf.export import base_iri_default, prefixes_for
from kg.export.rdf.iris import Iris
from kg.export.rdf.ontology import shapes_graph
from kg.export.rdf.triples import Triple, graph_triples


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str
    severity: str
    shape: str | None = None
    value: str | None = None

    def format(self) -> str:
        where = f"{self.focus}" + (f" {self.path}" if self.path else "")
        value = f" (value: {self.value})" if self.value is not None else ""
        return f"{self.severity}: {where}: {self.message}{value}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    triples: int
    violations: tuple[Violation, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"conforms": self.conforms, "triples": self.triples,
                "violations": [v.to_dict() for v in self.violations]}


def rdflib_graph(triples: Iterable[Triple], prefixes: dict[str, str] | None = None) -> Graph:
    """An rdflib graph of generated triples (with ``prefixes`` bound, for display)."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in (prefixes or {}).items():
        graph.bind(prefix, namespace)
    iris: dict[str, URIRef] = {}

    def iri(value: str) -> URIRef:
        term = iris.get(value)
        if term is None:
            term = iris[value] = URIRef(value)
        return term

    add = graph.add
    for s, p, o in triples:
        obj: Node = iri(o) if isinstance(o, str) else Literal(o[0], datatype=iri(o[1]) if o[1] else None)
        add((iri(s), iri(p), obj))
    return graph


def validate_rdf(data: Graph) -> ValidationReport:
    """Validate an rdflib graph against the paperkg shapes (``data`` is not modified)."""
    from pyshacl import validate

    # advanced: the SHACL-AF SPARQL target of pkgsh:AssertedShape; inplace: the shapes have
    # no rules, so nothing is added to ``data`` and cloning it would only cost time
    conforms, results, _ = validate(data, shacl_graph=shapes_graph(), inference="none", advanced=True,
                                    inplace=True, abort_on_first=False, allow_warnings=False)
    violations = []
    for result in results.subjects(SH.resultSeverity, None, unique=True):
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        violations.append(Violation(
            focus=_show(results.value(result, SH.focusNode), data),
            path=_show(path, data) if path is not None else None,
            message=str(results.value(result, SH.resultMessage) or "constraint not met"),
            severity=str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            shape=_show(results.value(result, SH.sourceShape), data),
            value=_show(value, data) if value is not None else None))
    violations.sort(key=lambda v: (v.focus, v.path or "", v.message))
    return ValidationReport(bool(conforms), len(data), tuple(violations))


def validate_graph(graph: nx.MultiDiGraph, base_iri: str | None = None,
                   evidence: str = "full") -> ValidationReport:
    """Validate the RDF of ``graph`` as exported at the ``evidence`` level."""
    iris = Iris(base_iri_default(base_iri))
    return validate_rdf(rdflib_graph(graph_triples(graph, iris, evidence=evidence), prefixes_for(iris)))


def validate_store(directory: str | Path, base_iri: str | None = None,
                   evidence: str = "full") -> ValidationReport:
    from kg.store.core import open_store

    return validate_graph(open_store(directory).graph, base_iri, evidence)


def _show(term: Node | None, graph: Graph) -> str:
    if term is None:
        return "?"
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:  # noqa: BLE001 - rdflib raises various errors for unusual IRIs
            return f"<{term}>"
    return term.n3() if hasattr(term, "n3") else str(term)
