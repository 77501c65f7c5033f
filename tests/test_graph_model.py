"""The built graph follows kg.graph.model, and everything that names types derives from it."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from kg.export.cypher.schema import LABELS, NODE_PROPS, REL_ENDPOINTS
from kg.export.rdf.iris import NODE_KINDS as IRI_KINDS
from kg.export.viz.layout import _ROWS
from kg.export.viz.view import TYPE_STYLE
from kg.graph.model import (EDGE_ENDPOINTS, EDGE_PROPERTIES, NODE_KINDS, NODE_PROPERTIES, NODE_TYPES, edge, graph_of,
                            node, node_type)

GOLDEN = Path(__file__).parent / "data" / "golden" / "examples-graph.json"


def test_built_graph_follows_the_model() -> None:
    graph = nx.node_link_graph(json.loads(GOLDEN.read_text("utf-8")), edges="edges")  # the builder's golden output
    assert {node_type(graph, n) for n in graph} <= set(NODE_TYPES) and len(graph) > 20
    for n in graph:
        attrs = node(graph, n)
        assert n.startswith(NODE_KINDS[attrs["type"]] + ":"), n
        assert set(attrs) <= {name for name, _ in NODE_PROPERTIES[attrs["type"]]}, n
    assert {k for _, _, k in graph.edges(keys=True)} <= set(EDGE_ENDPOINTS)
    for u, v, k in graph.edges(keys=True):
        assert (node_type(graph, u), node_type(graph, v)) == EDGE_ENDPOINTS[k], (u, v, k)
        assert set(edge(graph, u, v, k)) <= {name for name, _ in EDGE_PROPERTIES}, (u, v, k)


def test_schemas_and_views_cover_exactly_the_model_types() -> None:
    assert LABELS == NODE_TYPES and REL_ENDPOINTS == EDGE_ENDPOINTS
    assert all(p.name in {name for name, _ in NODE_PROPERTIES[t]} | {"name_keys"} for t in LABELS for p in NODE_PROPS[t])
    assert IRI_KINDS == tuple(NODE_KINDS.values())
    assert set(TYPE_STYLE) == set(NODE_TYPES) == set(_ROWS)


def test_graph_of_takes_a_graph_or_a_store() -> None:
    @dataclass
    class Holder:
        graph: nx.MultiDiGraph

    graph = nx.MultiDiGraph()
    assert graph_of(graph) is graph and graph_of(Holder(graph)) is graph
