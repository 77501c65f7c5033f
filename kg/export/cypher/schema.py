"""The property-graph schema shared by every Cypher target, and the rows it is written from.

One fixed whitelist of labels, relationship types and typed properties (``docs/graph-model.md``)
drives the Neo4j push, the ``neo4j-admin`` CSV files, the ``cypher-shell`` script and the
embedded Ladybug store, so the four hold exactly the same properties.

Every attribute of the graph model becomes a property, ``type`` included (so queries can
name a node's or relationship's type without ``labels()``/``type()``, which Ladybug spells
differently); entities and repositories also get ``name_keys``, the normalized match keys
of their names, aliases and long forms (``(key)`` query parameters are compared with them). Values that are not valid property values are flattened: the maps ``ids`` and
``sources`` become JSON strings, and the evidence list of an edge becomes parallel lists
(``evidence_papers``, ``evidence_fields``, ``evidence_starts``, ``evidence_ends``,
``evidence_sentences``: item *k* of each describes evidence *k*), which Cypher can unwind
without a JSON parser. Every row carries a ``kg_hash`` of its content, which lets a write
skip rows that are already up to date (so a second push of the same graph writes nothing).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from kg.graph.model import EDGE_ENDPOINTS, EDGE_PROPERTIES, NODE_PROPERTIES, NODE_TYPES, PropertyKind
from kg.errors import ExportError
from kg.export.evidence import check_evidence
from kg.resolve.normalize import normalize
from kg.store.view import GraphSource, StoredGraph, edges_of_type, node_type, nodes_of_type

Kind = PropertyKind


@dataclass(frozen=True)
class Prop:
    """A property: its name and its kind (``json`` is a JSON-encoded string)."""

    name: str
    kind: Kind


_ENTITY_NAME_KEYS = Prop("name_keys", "string[]")
"""Added after ``aliases`` on every node but papers: the match keys of ``find-entity``."""
EVIDENCE_FIELDS = {"evidence_papers": "paper", "evidence_fields": "field", "evidence_starts": "start",
                   "evidence_ends": "end", "evidence_sentences": "sentence"}
"""Parallel list property -> key of the items of an edge's ``evidence`` list."""
_EVIDENCE_KINDS: dict[str, Kind] = {"paper": "string[]", "field": "string[]", "start": "int[]", "end": "int[]",
                                    "sentence": "string[]"}


def _node_props(node_type: str) -> tuple[Prop, ...]:
    out = []
    for name, kind in NODE_PROPERTIES[node_type]:
        out.append(Prop(name, kind))
        if name == "aliases" and node_type != "Paper":
            out.append(_ENTITY_NAME_KEYS)
    return tuple(out)


def _rel_props() -> tuple[Prop, ...]:
    out: list[Prop] = []
    for name, kind in EDGE_PROPERTIES:
        if name == "evidence":  # a list of maps: one parallel list property per key
            out.extend(Prop(prop, _EVIDENCE_KINDS[key]) for prop, key in EVIDENCE_FIELDS.items())
        else:
            out.append(Prop(name, kind))
    return tuple(out)


NODE_PROPS: dict[str, tuple[Prop, ...]] = {node_type: _node_props(node_type) for node_type in NODE_TYPES}
"""Properties per node label (:data:`kg.graph.model.NODE_PROPERTIES` plus ``name_keys``), ``id`` first."""
REL_PROPS: tuple[Prop, ...] = _rel_props()
"""Properties of every relationship (``role`` is null on HAS_CODE and Method edges)."""
EVIDENCE_REF = Prop("evidence_ref", "string")
"""The ``summary`` level's one evidence pointer: ``<paper node id>#<field>:<start>-<end>``, the
span of the first evidence in the text its paper node holds (not a copy of the sentence)."""
LEVEL_REL_PROPS: dict[str, tuple[Prop, ...]] = {
    "none": (Prop("type", "string"),),
    "summary": (Prop("type", "string"), Prop("confidence", "float"), Prop("support", "int"), EVIDENCE_REF),
    "full": REL_PROPS,
}
"""The relationship properties written at each evidence level (``--evidence``): ``full`` is
:data:`REL_PROPS` (role, extractors and the parallel evidence lists); ``summary`` the
confidence, support and one pointer; ``none`` the type only. The embedded Ladybug store
keeps ``full`` (the ``relation-evidence`` query lists the sentences)."""
REL_ENDPOINTS: dict[str, tuple[str, str]] = EDGE_ENDPOINTS
"""The start and end label of each relationship type."""

LABELS: tuple[str, ...] = tuple(NODE_PROPS)
REL_TYPES: tuple[str, ...] = tuple(REL_ENDPOINTS)
HASH = "kg_hash"
"""The content-hash property each written node and relationship carries."""


def property_keys() -> list[str]:
    """Every property key the writers use (for the linter's schema)."""
    keys = {p.name for props in NODE_PROPS.values() for p in props} | {p.name for p in REL_PROPS} | {EVIDENCE_REF.name}
    return sorted(keys | {HASH})


class _NotAList(ValueError):
    """A list property holds something else (turned into an ``ExportError`` with where)."""


def _value(prop: Prop, value: Any) -> Any:
    if value is None:
        return None
    if prop.kind == "json":
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if prop.kind in ("string[]", "int[]"):
        if type(value) is not list and (isinstance(value, str) or not isinstance(value, Iterable)):
            raise _NotAList(f"property {prop.name!r} should be a list, got {value!r}")
        return [int(v) for v in value] if prop.kind == "int[]" else [str(v) for v in value]
    if prop.kind == "int":
        return int(value)
    if prop.kind == "float":
        return float(value)
    return str(value)


def content_hash(row: dict[str, Any]) -> str:
    """A short, stable hash of a row's values (everything except ``kg_hash``)."""
    data = json.dumps({k: v for k, v in row.items() if k != HASH}, ensure_ascii=False,
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:24]


def node_rows(graph: GraphSource, label: str, *, with_hash: bool = True) -> Iterator[dict[str, Any]]:
    """One row per node of ``label``: every property of ``NODE_PROPS[label]`` (null when
    absent), in graph order, plus ``kg_hash``."""
    props = NODE_PROPS[label]
    for node, data in nodes_of_type(graph, label):
        attrs = {**data, "id": node, "type": label}
        if label != "Paper":
            attrs["name_keys"] = name_keys(data)
        try:
            row = {p.name: _value(p, attrs.get(p.name)) for p in props}
        except _NotAList as exc:
            raise ExportError(str(exc), where=f"node {node}", hint="rebuild the graph with this paperkg version") from None
        if with_hash:
            row[HASH] = content_hash(row)
        yield row


Edge = tuple[Any, Any, dict[str, Any]]


class _TypedEdges:
    """The edges of one relationship type of a stored graph, read again on each iteration."""

    def __init__(self, graph: StoredGraph, rel_type: str) -> None:
        self._rows: Callable[[], Iterator[Edge]] = lambda: edges_of_type(graph, rel_type)

    def __iter__(self) -> Iterator[Edge]:
        return self._rows()


def edges_by_type(graph: GraphSource) -> dict[str, Iterable[Edge]]:
    """``(u, v, data)`` of every edge, grouped by relationship type in one pass over the
    graph (``rel_rows(…, edges=)`` then reads only its own type: one pass instead of one
    per type). Holds references, not copies. A stored graph's edges are not held at all:
    each type is read from the database (by type, in graph order) when iterated."""
    if isinstance(graph, StoredGraph):
        return {rel: _TypedEdges(graph, rel) for rel in REL_TYPES}
    out: dict[str, list[Edge]] = {rel: [] for rel in REL_TYPES}
    for u, v, key, data in graph.edges(keys=True, data=True):
        out.setdefault(key, []).append((u, v, data))
    return out  # type: ignore[return-value]


def rel_props(evidence: str = "full") -> tuple[Prop, ...]:
    """The relationship properties of the ``evidence`` level (:data:`LEVEL_REL_PROPS`)."""
    return LEVEL_REL_PROPS[check_evidence(evidence)]


def rel_rows(graph: GraphSource, rel_type: str, *, with_hash: bool = True,
             edges: Iterable[Edge] | None = None, evidence: str = "full") -> Iterator[dict[str, Any]]:
    """One row per edge of ``rel_type``: ``start``, ``end`` and every property of the
    ``evidence`` level (:func:`rel_props`; ``full``: ``REL_PROPS``), plus ``kg_hash``.
    ``edges`` are this type's edges when the caller grouped them already
    (:func:`edges_by_type`). Raises ``ExportError`` when an edge joins other labels than
    ``REL_ENDPOINTS`` says."""
    props = rel_props(evidence)
    start_label, end_label = REL_ENDPOINTS[rel_type]
    if edges is None:
        edges = edges_of_type(graph, rel_type)
    for u, v, data in edges:
        types = (node_type(graph, u), node_type(graph, v))
        if types != (start_label, end_label):
            raise ExportError(f"{rel_type} edge {u} -> {v} joins {types[0]} to {types[1]}, "
                              f"expected {start_label} to {end_label}",
                              hint="the graph does not follow docs/graph-model.md; rebuild it")
        spans = [e for e in data.get("evidence") or () if isinstance(e, dict)]
        attrs = {**data, "type": rel_type}
        attrs.update({name: [e.get(key) for e in spans] for name, key in EVIDENCE_FIELDS.items()})
        attrs["evidence_papers"] = [_paper_node(str(e.get("paper", ""))) for e in spans]
        if spans:
            first = spans[0]
            attrs[EVIDENCE_REF.name] = (f"{_paper_node(str(first.get('paper', '')))}#{first.get('field', 'abstract')}:"
                                        f"{int(first.get('start', 0))}-{int(first.get('end', 0))}")
        row: dict[str, Any] = {"start": u, "end": v}
        try:
            row.update((p.name, _value(p, attrs.get(p.name))) for p in props)
        except _NotAList as exc:
            raise ExportError(str(exc), where=f"edge {u} -{rel_type}-> {v}",
                              hint="rebuild the graph with this paperkg version") from None
        if with_hash:
            row[HASH] = content_hash(row)
        yield row


def name_keys(data: dict[str, Any]) -> list[str]:
    """The match keys (``kg.resolve.normalize.normalize``) of a node's name, aliases and long forms,
    distinct and non-empty: what a ``(key)`` query parameter is compared with, as
    ``pkg:nameKey`` is in RDF."""
    names = [data.get("name") or "", *(data.get("aliases") or ()), *(data.get("long_forms") or ())]
    return [key for key in dict.fromkeys(normalize(str(n)) for n in names) if key]


def _paper_node(paper: str) -> str:
    """Evidence names its paper by paper id (``arxiv:…``); the node id is ``paper:<paper id>``."""
    return paper if not paper or paper.startswith("paper:") else f"paper:{paper}"


def counts(graph: GraphSource) -> dict[str, int]:
    """Rows per label and relationship type (what each target should end up holding)."""
    out = {label: 0 for label in LABELS} | {rel: 0 for rel in REL_TYPES}
    for _, data in graph.nodes(data=True):
        if data.get("type") in out:
            out[data["type"]] += 1
    for _, _, key in graph.edges(keys=True):
        if key in out:
            out[key] += 1
    return out
