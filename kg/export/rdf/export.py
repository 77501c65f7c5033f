"""``paperkg export DIR --format ttl|nt|nq|trig|jsonld|xml [--evidence none|summary|full]``: the graph as RDF.

Registered in :mod:`kg.export` as the exporter of those formats. The triples are generated
from the graph (:mod:`kg.export.rdf.triples`) — a store's graph read from its database in
batches (:mod:`kg.store.view`), never loaded whole — and streamed to the output file, which is
written to a temporary sibling and renamed into place (``kg.output.atomic_open``).
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.errors import ExportError, PaperKGError
from kg.graph.model import GraphLike
from kg.output import atomic_open
from kg.export.rdf.iris import Iris, check_iri
from kg.export.rdf.namespace import PREFIXES
from kg.export.evidence import DEFAULT_EVIDENCE, check_evidence
from kg.export.rdf.triples import Triple, graph_triples
from kg.export.rdf.writers import nt_lines, write_lines, write_pyoxigraph, write_turtle
from kg.store.view import GraphSource, stream_of

RDF_FORMATS = ("ttl", "nt", "nq", "trig", "jsonld", "xml")
BASE_IRI_ENV = "PAPERKG_BASE_IRI"
"""Environment variable with the base IRI to use when none is given."""


def base_iri_default(base_iri: str | None = None) -> str | None:
    return base_iri or os.environ.get(BASE_IRI_ENV) or None


def triples_of(source: GraphLike, base_iri: str | None = None, evidence: str = "full") -> Iterator[Triple]:
    """The triples of a store (streamed from its database) or a networkx graph under
    ``base_iri`` at the ``evidence`` level."""
    return graph_triples(stream_of(source), Iris(base_iri_default(base_iri)), evidence=evidence)


def prefixes_for(iris: Iris) -> dict[str, str]:
    return {**PREFIXES, **iris.prefixes()}


def write(graph: GraphSource, handle: Any, rdf_format: str, *, base_iri: str | None = None,
          graph_iri: str | None = None, evidence: str = DEFAULT_EVIDENCE) -> int:
    """Write ``graph`` to the text ``handle`` in ``rdf_format`` at the ``evidence`` level;
    returns the triple count."""
    if rdf_format not in RDF_FORMATS:
        raise ExportError(f"unknown RDF format '{rdf_format}'", hint=f"use one of: {', '.join(RDF_FORMATS)}")
    check_evidence(evidence)
    iris = Iris(base_iri_default(base_iri))
    named = check_iri(graph_iri, "graph IRI") if graph_iri else iris.graph()
    triples = graph_triples(graph, iris, evidence=evidence)
    if rdf_format == "nt":
        return write_lines(nt_lines(triples), handle)
    if rdf_format == "nq":
        return write_lines(nt_lines(triples, named), handle)
    if rdf_format in ("ttl", "trig"):
        return write_turtle(triples, handle, prefixes_for(iris), graph=named if rdf_format == "trig" else None)
    handle.flush()
    return write_pyoxigraph(triples, handle.buffer, rdf_format, prefixes_for(iris))


def export(store: GraphLike, destination: str | Path, *, rdf_format: str = "ttl", base_iri: str | None = None,
           graph_iri: str | None = None, evidence: str = DEFAULT_EVIDENCE) -> int:
    """Export ``store`` (or a networkx graph) to ``destination`` (``-``: stdout) atomically;
    returns the number of triples written. N-Quads and TriG put every triple in
    ``graph_iri`` (default ``<base>graph``); ``evidence`` is ``none``, ``summary`` or ``full``."""
    graph = stream_of(store)
    try:
        with atomic_open(destination) as handle:
            return write(graph, handle, rdf_format, base_iri=base_iri, graph_iri=graph_iri, evidence=evidence)
    except PaperKGError:
        raise
    except OSError as exc:
        raise ExportError(f"cannot write {destination}: {exc.strerror or exc}",
                          hint="check the path and free space") from None
