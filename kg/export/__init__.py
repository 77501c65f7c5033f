"""Exporters, found by format name in one registry with lazy imports.

An exporter is ``function(store, destination, **options)``; built-ins register exactly like
an outside plugin would, with :func:`register`. Each built-in imports its module on first
use, so exporting JSON never loads rdflib or the Cypher writer.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.errors import ExportError
from kg.graph.model import GraphLike

Exporter = Callable[..., Any]
_REGISTRY: dict[str, Exporter] = {}
_DESCRIPTIONS: dict[str, str] = {}


_DEFAULTS: dict[str, dict[str, Any]] = {}


def register(name: str, target: Exporter, description: str = "", **defaults: Any) -> None:
    """Register ``target`` as the exporter for format ``name``;
    ``defaults`` are keyword options always passed to it (e.g. ``rdf_format="nt"``)."""
    _REGISTRY[name] = target
    _DESCRIPTIONS[name] = description
    _DEFAULTS[name] = defaults


def formats() -> dict[str, str]:
    return dict(sorted(_DESCRIPTIONS.items()))


def get(name: str) -> Exporter:
    if name not in _REGISTRY:
        raise ExportError(f"unknown export format '{name}'", hint=f"use one of: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


def export(store: GraphLike, name: str, destination: str | Path, **options: Any) -> Any:
    return get(name)(store, destination, **{**_DEFAULTS.get(name, {}), **options})


def _json(store: GraphLike, destination: str | Path, **options: Any) -> Any:
    from kg.store.core import export_json
    return export_json(store, destination, **options)


def _rdf(store: GraphLike, destination: str | Path, **options: Any) -> Any:
    from kg.export.rdf.export import export as export_rdf
    return export_rdf(store, destination, **options)


def _neo4j_csv(store: GraphLike, destination: str | Path, **options: Any) -> Any:
    from kg.export.cypher.export import export_csv
    return export_csv(store, destination, **options)


def _cypher(store: GraphLike, destination: str | Path, **options: Any) -> Any:
    from kg.export.cypher.export import export_script
    return export_script(store, destination, **options)


def _graph_file(store: GraphLike, destination: str | Path, **options: Any) -> Any:
    from kg.export.viz.files import export as export_file
    return export_file(store, destination, **options)


register("json", _json, "networkx node-link JSON (every node has id, type, name, aliases)")
for _fmt, _label in (("ttl", "Turtle"), ("nt", "N-Triples (streamed)"), ("nq", "N-Quads (streamed)"),
                     ("trig", "TriG"), ("jsonld", "JSON-LD"), ("xml", "RDF/XML")):
    register(_fmt, _rdf, f"RDF: {_label}", rdf_format=_fmt)
register("neo4j-csv", _neo4j_csv, "neo4j-admin import CSV files + README (a directory)")
register("cypher", _cypher, "a Cypher script runnable with cypher-shell")
register("graphml", _graph_file, "GraphML for Gephi/Cytoscape", file_format="graphml")
register("gexf", _graph_file, "GEXF for Gephi", file_format="gexf")
