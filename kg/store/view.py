"""The stored graph read as a stream: what the exporters and the query caches walk instead of
loading the whole graph into networkx (issue 14).

:class:`StoredGraph` answers the part of networkx's ``MultiDiGraph`` reading API that the
writers use — ``nodes(data=True)``, ``edges(keys=True, data=True)``, ``out_edges`` /
``in_edges`` of one node, ``nodes[id]`` — from the store's database in bounded batches, in
the graph's own order (the order ``Store.graph`` would iterate: the ``nodes`` and ``edges``
tables are written in graph order, ``kg.store.db``). So a writer produces the same bytes
from either, holding one node's or one edge's rows at a time.

:func:`stream_of` picks the source for a store or a graph; :func:`nodes_of_type` and
:func:`edges_of_type` read one label or relation type through the database's indices when
they can (and filter a networkx graph otherwise).
"""
from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any, Union

import networkx as nx

from kg.store import db

CACHED_NODES = 4096
"""Node attribute dicts kept for ``nodes[id]`` lookups (an edge's endpoints repeat: a paper's
edges are consecutive, entities are shared)."""


class _NodeLookup:
    """``nodes(data=…)`` and ``nodes[id]`` of a :class:`StoredGraph`."""

    def __init__(self, reader: db.Reader) -> None:
        self._reader = reader
        self._lookup = lru_cache(maxsize=CACHED_NODES)(self._data)

    def _data(self, node: str) -> dict[str, Any]:
        data = self._reader.node_data(node)
        if data is None:
            raise KeyError(node)
        return data

    def __call__(self, data: bool = False) -> Iterator[Any]:
        if data:
            return self._reader.node_rows()
        return (node for node, _ in self._reader.node_rows())

    def __getitem__(self, node: str) -> dict[str, Any]:
        return self._lookup(node)


class StoredGraph:
    """A read-only, streamed view of the graph in a store's database (see the module doc)."""

    def __init__(self, reader: db.Reader) -> None:
        self.reader = reader
        self.nodes = _NodeLookup(reader)
        self._types: dict[str, str | None] = {}

    @property
    def graph(self) -> dict[str, Any]:
        """The graph's attributes (``nx.MultiDiGraph.graph``)."""
        return dict(self.reader.meta("graph", {}))

    def __iter__(self) -> Iterator[str]:
        return self.nodes()

    def __len__(self) -> int:
        return self.reader.count("nodes")

    def number_of_nodes(self) -> int:
        return self.reader.count("nodes")

    def number_of_edges(self) -> int:
        return self.reader.count("edges")

    def node_type(self, node: str) -> str | None:
        """The type of ``node``: remembered from the last edges read, else by the id index."""
        if node in self._types:
            return self._types[node]
        found = self.reader.node_type(node)
        self._remember(node, found)
        return found

    def _remember(self, node: str, node_type: str | None) -> None:
        if len(self._types) >= CACHED_NODES:
            self._types.clear()
        self._types[node] = node_type

    def edges_of_type(self, edge_type: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """``(source, target, attributes)`` of the edges of ``edge_type`` in graph order; the
        endpoints' types come with them (one join), so :meth:`node_type` answers from memory."""
        for u, v, data, u_type, v_type in self.reader.typed_edge_rows(edge_type):
            self._remember(u, u_type)
            self._remember(v, v_type)
            yield u, v, data

    def edges(self, keys: bool = False, data: bool = False) -> Iterator[tuple[Any, ...]]:
        for u, v, k, attrs in self.reader.edge_rows():
            yield (u, v) + ((k,) if keys else ()) + ((attrs,) if data else ())

    def out_edges(self, node: str, keys: bool = False) -> Iterator[tuple[str, ...]]:
        for target, key in self.reader.out_edges(node):
            yield (node, target, key) if keys else (node, target)

    def in_edges(self, node: str, keys: bool = False) -> Iterator[tuple[str, ...]]:
        for source, key in self.reader.in_edges(node):
            yield (source, node, key) if keys else (source, node)


GraphSource = Union[nx.MultiDiGraph, StoredGraph]
"""What the streaming writers read: a networkx graph or a store's :class:`StoredGraph`."""


def stream_of(source: Any) -> GraphSource:
    """What to stream the graph of ``source`` from: a networkx graph as it is; a store by
    its database (unless a graph was put in its place in memory: then that graph)."""
    if isinstance(source, (nx.MultiDiGraph, StoredGraph)):
        return source
    loaded = getattr(source, "_graph", None)
    if loaded is not None:
        return loaded
    return StoredGraph(source.db)


def nodes_of_type(graph: GraphSource, node_type: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(id, attributes)`` of the nodes of ``node_type`` in graph order."""
    if isinstance(graph, StoredGraph):
        return graph.reader.node_rows_of_type(node_type)
    return ((node, data) for node, data in graph.nodes(data=True) if data.get("type") == node_type)


def edges_of_type(graph: GraphSource, edge_type: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(source, target, attributes)`` of the edges of ``edge_type`` in graph order."""
    if isinstance(graph, StoredGraph):
        return graph.edges_of_type(edge_type)
    return ((u, v, data) for u, v, key, data in graph.edges(keys=True, data=True) if key == edge_type)


def node_type(graph: GraphSource, node: str) -> Any:
    """The ``type`` attribute of ``node`` (None when absent; KeyError for no such node in a
    networkx graph)."""
    if isinstance(graph, StoredGraph):
        return graph.node_type(node)
    return graph.nodes[node].get("type")
