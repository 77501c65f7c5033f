"""The graph model (``docs/graph-model.md``) in one place: node and edge types, which node
types each edge type joins, the properties each carries, and the typed views of a graph
that the exporters, query caches and views read.

The graph itself stays a plain ``networkx.MultiDiGraph`` (node ids are the stable keys
``<kind>:<rest>``; the edge key is the edge type), built by :mod:`kg.graph.build`.
Everything that names a type or a property (the Cypher schema, the RDF IRIs, the views)
derives from the tables here, so adding a type is one edit.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Protocol, TypedDict, Union, cast

if TYPE_CHECKING:  # the tables are read by `paperkg --help`: networkx loads with the first graph
    import networkx as nx

NodeType = Literal["Paper", "Method", "Dataset", "Task", "Metric", "Repository"]
EdgeType = Literal["PROPOSES", "USES", "INTRODUCES", "EVALUATES_ON", "ADDRESSES", "REPORTS",
                   "HAS_CODE", "EVALUATED_ON", "APPLIED_TO"]

NODE_KINDS: dict[str, str] = {"Paper": "paper", "Method": "method", "Dataset": "dataset",
                              "Task": "task", "Metric": "metric", "Repository": "repo"}
"""Node type -> the prefix of its node keys (``method:lora``); also its IRI path segment."""
NODE_TYPES: tuple[str, ...] = tuple(NODE_KINDS)
"""Every node type, in the fixed order of counts, schemas and legends."""
ENTITY_TYPES: dict[str, str] = {"method": "Method", "dataset": "Dataset", "task": "Task", "metric": "Metric"}
"""Mention type (``kg.records``) -> the node type its resolved entity becomes."""

EDGE_ENDPOINTS: dict[str, tuple[str, str]] = {
    "PROPOSES": ("Paper", "Method"), "USES": ("Paper", "Method"),
    "INTRODUCES": ("Paper", "Dataset"), "EVALUATES_ON": ("Paper", "Dataset"),
    "ADDRESSES": ("Paper", "Task"), "REPORTS": ("Paper", "Metric"),
    "HAS_CODE": ("Paper", "Repository"),
    "EVALUATED_ON": ("Method", "Dataset"), "APPLIED_TO": ("Method", "Task"),
}
"""Edge type -> (source node type, target node type)."""
EDGE_TYPES: tuple[str, ...] = tuple(EDGE_ENDPOINTS)
METHOD_EDGES = ("EVALUATED_ON", "APPLIED_TO")
"""The Method -> Dataset/Task edges, drawn from the papers that propose the method."""

PropertyKind = Literal["string", "int", "float", "string[]", "int[]", "json"]
"""How a property is stored where values are typed (``json``: a nested value, kept as JSON text)."""
_COMMON = "id type name aliases:string[]"
_ENTITY = f"{_COMMON} paper_count:int long_forms:string[] ids:json"
_SPECS = {
    "Paper": f"{_COMMON} title abstract arxiv_id url authors:string[] published sources:json",
    "Method": _ENTITY, "Dataset": _ENTITY, "Task": _ENTITY, "Metric": _ENTITY,
    "Repository": f"{_COMMON} url host paper_count:int paths:string[]",
}


def _properties(spec: str) -> tuple[tuple[str, PropertyKind], ...]:
    return tuple((name, cast(PropertyKind, kind or "string"))
                 for name, _, kind in (item.partition(":") for item in spec.split()))


NODE_PROPERTIES: dict[str, tuple[tuple[str, PropertyKind], ...]] = {t: _properties(_SPECS[t]) for t in NODE_TYPES}
"""Node type -> its properties ``(name, kind)`` in a fixed order, ``id`` first."""
EDGE_PROPERTIES: tuple[tuple[str, PropertyKind], ...] = _properties(
    "type role confidence:float extractors:string[] support:int evidence:json")
"""The properties of every edge (``role`` only on Paper -> entity edges)."""


class SourceRef(TypedDict):
    file: str
    line: int
    format: str


class EvidenceSpan(TypedDict):
    """One place a relation was read: a sentence of a paper and the offsets of the mention."""

    paper: str
    sentence: str
    start: int
    end: int
    field: str


class NodeAttrs(TypedDict, total=False):
    """The attributes of a node (which ones a type has: :data:`NODE_PROPERTIES`)."""

    id: str
    type: str
    name: str
    aliases: list[str]
    title: str
    abstract: str
    arxiv_id: str
    url: str
    authors: list[str]
    published: str
    sources: list[SourceRef]
    paper_count: int
    long_forms: list[str]
    ids: dict[str, str]
    host: str
    paths: list[str]


class EdgeAttrs(TypedDict, total=False):
    """The attributes of an edge (:data:`EDGE_PROPERTIES`)."""

    type: str
    role: str
    confidence: float
    extractors: list[str]
    support: int
    evidence: list[EvidenceSpan]


class GraphSource(Protocol):
    """Anything that holds a built graph: the store (``kg.store.core.Store``) is one."""

    @property
    def graph(self) -> nx.MultiDiGraph: ...


GraphLike = Union["nx.MultiDiGraph", GraphSource]
"""What the exporters and views accept: a graph, or a store holding one."""


def graph_of(source: GraphLike) -> nx.MultiDiGraph:
    """The graph of ``source`` (the graph itself, or the graph a store holds)."""
    import networkx as nx

    return source if isinstance(source, nx.MultiDiGraph) else source.graph


def node(graph: nx.MultiDiGraph, node_id: str) -> NodeAttrs:
    """The typed attributes of node ``node_id``."""
    return cast(NodeAttrs, graph.nodes[node_id])


def edge(graph: nx.MultiDiGraph, source: str, target: str, edge_type: str) -> EdgeAttrs:
    """The typed attributes of the ``edge_type`` edge from ``source`` to ``target``."""
    return cast(EdgeAttrs, graph.edges[source, target, edge_type])


def node_type(graph: nx.MultiDiGraph, node_id: str) -> str:
    """The node type of ``node_id`` (``""`` for a node without one)."""
    return str(graph.nodes[node_id].get("type", ""))
