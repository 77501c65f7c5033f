"""Exporters, found by format name in one registry with lazy imports.

An exporter is ``function(store, destination, **options)``; built-ins register exactly like
an outside plugin would, with :func:`register`.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.errors import ExportError

Exporter = Callable[..., Any]
_REGISTRY: dict[str, str] = {}
_DESCRIPTIONS: dict[str, str] = {}


_DEFAULTS: dict[str, dict[str, Any]] = {}


def register(name: str, target: str, description: str = "", **defaults: Any) -> None:
    """Register ``target`` (``"module:function"``) as the exporter for format ``name``;
    ``defaults`` are keyword options always passed to it (e.g. ``rdf_format="nt"``)."""
    _REGISTRY[name] = target
    _DESCRIPTIONS[name] = description
    _DEFAULTS[name] = defaults


def formats() -> dict[str, str]:
    return dict(sorted(_DESCRIPTIONS.items()))


def get(name: str) -> Exporter:
    if name not in _REGISTRY:
        raise ExportError(f"unknown export format '{name}'", hint=f"use one of: {', '.join(sorted(_REGISTRY))}")
    module, func = _REGISTRY[name].split(":")
    return getattr(importlib.import_module(module), func)  # type: ignore[no-any-return]


def export(store: Any, name: str, destination: str | Path, **options: Any) -> Any:
    return get(name)(store, destination, **{**_DEFAULTS.get(name, {}), **options})


register("json", "kg.store:export_json", "networkx node-link JSON (every node has id, type, name, aliases)")
for _fmt, _label in (("ttl", "Turtle"), ("nt", "N-Triples (streamed)"), ("nq", "N-Quads (streamed)"),
                     ("trig", "TriG"), ("jsonld", "JSON-LD"), ("xml", "RDF/XML")):
    register(_fmt, "kg.rdf.export:export", f"RDF: {_label}", rdf_format=_fmt)
register("neo4j-csv", "kg.cypher.export:export_csv", "neo4j-admin import CSV files + README (a directory)")
register("cypher", "kg.cypher.export:export_script", "a Cypher script runnable with cypher-shell")
register("graphml", "kg.viz.files:export", "GraphML for Gephi/Cytoscape", file_format="graphml")
register("gexf", "kg.viz.files:export", "GEXF for Gephi", file_format="gexf")
