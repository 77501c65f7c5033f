"""GraphML and GEXF exporters (``paperkg export DIR --format graphml|gexf``), for Gephi,
Cytoscape, yEd.

Both formats take scalar attributes only, so every list or dict value of the graph model
(``aliases``, ``ids``, ``evidence``, ...) is written as its JSON text
(``["LoRA", "low-rank adaptation"]``), which any tool can show and a script can parse
back; a ``None`` value is left out. Each node also gets ``label`` (its name); each edge
gets ``label`` (its relation type), ``weight`` (its ``support``, the number of papers) and
an ``id`` unique in the file, ``<source>|<type>|<target>``. In GEXF, where an edge's
``type`` means directed/undirected, the relation type is the attribute ``relation``, and
nodes carry Gephi's ``viz`` colour (by type, as in every paperkg picture) and size (by
paper count). The file is written atomically.
"""
from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import ExportError
from kg.graph.model import GraphLike, graph_of
from kg.export.viz.view import TYPE_STYLE

FILE_FORMATS = ("graphml", "gexf")


def scalar(value: Any) -> str | int | float | bool | None:
    """A GraphML/GEXF-ready value: scalars as they are, lists and dicts as JSON text."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def flat_graph(graph: nx.MultiDiGraph, *, gephi_viz: bool = False) -> nx.MultiDiGraph:
    """A copy of ``graph`` with scalar attributes only (see the module docstring)."""
    out = nx.MultiDiGraph()
    for key, value in sorted(graph.graph.items()):
        if scalar(value) is not None:
            out.graph[key] = scalar(value)
    for node, data in graph.nodes(data=True):
        attrs: dict[str, Any] = {k: scalar(v) for k, v in sorted(data.items())
                                 if scalar(v) is not None and k != "id"}
        attrs["label"] = str(data.get("name") or node)
        if gephi_viz:
            style = TYPE_STYLE.get(str(data.get("type")), {"color": "#999999"})
            rgb = style["color"].lstrip("#")
            attrs["viz"] = {"color": {"r": int(rgb[0:2], 16), "g": int(rgb[2:4], 16), "b": int(rgb[4:6], 16), "a": 1.0},
                            "size": round(4.0 + 4.0 * math.sqrt(int(data.get("paper_count", 0) or 0)), 2)}
        out.add_node(node, **attrs)
    for u, v, key, data in graph.edges(keys=True, data=True):
        attrs = {k: scalar(val) for k, val in sorted(data.items()) if scalar(val) is not None}
        attrs.update(label=str(key), id=f"{u}|{key}|{v}")
        if isinstance(data.get("support"), int):
            attrs["weight"] = data["support"]
        if gephi_viz:  # a GEXF edge's "type" attribute means directed/undirected/mutual
            attrs["relation"] = attrs.pop("type", str(key))
        out.add_edge(u, v, key=key, **attrs)
    return out


def export(store: GraphLike, destination: str | Path | Any, *, file_format: str = "graphml") -> None:
    """Write the graph of ``store`` (a ``Store`` or a graph) to ``destination`` (a path,
    or a binary file object) as ``file_format`` (``graphml`` or ``gexf``)."""
    if file_format not in FILE_FORMATS:
        raise ExportError(f"unknown file format '{file_format}'", hint=f"use one of: {', '.join(FILE_FORMATS)}")
    graph = graph_of(store)
    buffer = io.BytesIO()
    if file_format == "graphml":
        nx.write_graphml(flat_graph(graph), buffer, encoding="utf-8", prettyprint=True,
                         edge_id_from_attribute="id")
    else:
        nx.write_gexf(flat_graph(graph, gephi_viz=True), buffer, encoding="utf-8", prettyprint=True, version="1.2draft")
    if hasattr(destination, "write"):
        destination.write(buffer.getvalue())
        return
    from kg.export.viz.output import write_output

    write_output(destination, buffer.getvalue())
