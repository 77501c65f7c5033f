"""Build the knowledge graph of :mod:`kg.graph.model` from extractions and their resolution.

The graph is a plain ``networkx.MultiDiGraph`` whose edge key is the relation type; every
operation on it is a free function here (``stats``, ``find_entities``, ``describe``).
Nodes and edges are inserted in sorted order, so the node-link JSON of a graph is a
function of its content alone.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import networkx as nx

from kg.errors import DuplicatePaperError, ExportError
from kg.graph.model import EDGE_TYPES, ENTITY_TYPES, NODE_TYPES
from kg.records import Evidence, Extraction, Mention
from kg.resolve.normalize import normalize, singular_candidate
from kg.resolve.resolver import Resolution

LINK_EXTRACTOR = "links"
"""The ``extractors`` value of HAS_CODE edges (links carry no extractor name)."""
TOP_N = 10
_ROLE_RANK = {"proposed": 0, "used": 1, "mentioned": 2}
_PAPER_ATTRS = ("arxiv_id", "url", "authors", "published")


def paper_edge_type(entity_type: str, role: str) -> str:
    """The Paper -> entity relation for a mention of a (resolved) type with a role."""
    if entity_type == "method":
        return "PROPOSES" if role == "proposed" else "USES"
    if entity_type == "dataset":
        return "INTRODUCES" if role == "proposed" else "EVALUATES_ON"
    return {"task": "ADDRESSES", "metric": "REPORTS"}[entity_type]


def repository_of(url: str) -> tuple[str, str, str, str] | None:
    """(node id, canonical url, host, deeper path) of a code link, or ``None`` when the url
    names no ``owner/repo``: ``https://GitHub.com/Owner/Repo/tree/main`` ->
    ``("repo:github.com/owner/repo", "https://github.com/Owner/Repo", "github.com", "/tree/main")``."""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if not host or len(segments) < 2:
        return None
    owner, repo = segments[0], segments[1].removesuffix(".git")
    rest = "/" + "/".join(segments[2:]) if segments[2:] else ""
    return f"repo:{host}/{owner}/{repo}".lower(), f"https://{host}/{owner}/{repo}", host, rest


@dataclass
class _EdgeData:
    role: str | None = None
    confidence: float = 0.0
    extractors: set[str] = field(default_factory=set)
    papers: set[str] = field(default_factory=set)
    evidence: set[tuple[str, str, int, int, str]] = field(default_factory=set)

    def add(self, paper: str, confidence: float, extractors: Iterable[str],
            evidence: Iterable[Evidence], role: str | None = None) -> None:
        if role is not None and (self.role is None or _ROLE_RANK[role] < _ROLE_RANK[self.role]):
            self.role = role
        self.confidence = max(self.confidence, confidence)
        self.extractors.update(x for x in extractors if x)
        self.papers.add(paper)
        self.evidence.update((paper, e.field, e.start, e.end, e.sentence) for e in evidence)

    def attrs(self, etype: str) -> dict[str, Any]:
        out: dict[str, Any] = {"type": etype}
        if self.role is not None:
            out["role"] = self.role
        out.update(confidence=round(self.confidence, 3), extractors=sorted(self.extractors),
                   support=len(self.papers), evidence=[
                       {"paper": p, "sentence": s, "start": a, "end": b, "field": f}
                       for p, f, a, b, s in sorted(self.evidence)])
        return out


class _Edges:
    def __init__(self) -> None:
        self.data: dict[tuple[str, str, str], _EdgeData] = defaultdict(_EdgeData)
        self.papers: dict[str, set[str]] = defaultdict(set)

    def add(self, u: str, v: str, etype: str, paper: str, **kwargs: Any) -> None:
        self.data[(u, v, etype)].add(paper, **kwargs)
        self.papers[v].add(paper)


def build_graph(extractions: Iterable[Extraction], resolution: Resolution) -> nx.MultiDiGraph:
    """The knowledge graph of ``extractions`` (one per unique paper id) resolved by
    ``resolution`` (``kg.resolve.resolver.resolve`` of the same extractions)."""
    papers = sorted(extractions, key=lambda e: e.paper.id)
    graph = nx.MultiDiGraph(merges=len(resolution.merges))
    edges = _Edges()
    repos: dict[str, dict[str, Any]] = {}
    for ext in papers:
        if f"paper:{ext.paper.id}" in graph:
            raise DuplicatePaperError(f"paper id {ext.paper.id!r} occurs twice",
                                      hint="merge duplicate papers first, as kg.store does")
        graph.add_node(f"paper:{ext.paper.id}", **_paper_attrs(ext))
        pid = ext.paper.id
        paper_edges(ext, lambda index: resolution.mentions.get((pid, index)), edges, repos)  # called here, at once
    for node in sorted(n for n in edges.papers if not n.startswith("repo:")):
        ent = resolution.entities[node]
        graph.add_node(node, id=node, type=ENTITY_TYPES[ent.type], name=ent.name,
                       aliases=list(ent.aliases), paper_count=len(edges.papers[node]),
                       ids=dict(ent.ids), long_forms=list(ent.long_forms))
    for node in sorted(repos):
        info = repos[node]
        url = min(info["urls"], key=lambda u: (-info["urls"][u], u))
        graph.add_node(node, id=node, type="Repository", name=url.split("/", 3)[3], aliases=[],
                       url=url, host=info["host"], paper_count=len(edges.papers[node]),
                       paths=sorted(info["paths"]))
    for (u, v, etype) in sorted(edges.data):
        graph.add_edge(u, v, key=etype, **edges.data[(u, v, etype)].attrs(etype))
    return graph


def _paper_attrs(ext: Extraction) -> dict[str, Any]:
    paper = ext.paper
    attrs: dict[str, Any] = {"id": f"paper:{paper.id}", "type": "Paper", "name": paper.title,
                             "aliases": [], "title": paper.title, "abstract": paper.abstract}
    attrs.update({k: paper.metadata[k] for k in _PAPER_ATTRS if paper.metadata.get(k) is not None})
    attrs["sources"] = [s.to_dict() for s in sorted(paper.sources, key=lambda s: (s.file, s.line, s.format))]
    return attrs


def paper_edges(ext: Extraction, node_of: Callable[[int], str | None], edges: _Edges,
                repos: dict[str, dict[str, Any]]) -> None:
    """Add one paper's edges to ``edges`` (and its repositories' urls and paths to ``repos``);
    ``node_of(i)`` is the entity node its mention ``i`` resolved to, or None."""
    _add_mentions(ext, node_of, edges)
    _add_code_links(ext, edges, repos)


def _add_mentions(ext: Extraction, node_of: Callable[[int], str | None], edges: _Edges) -> None:
    pid, paper_node = ext.paper.id, f"paper:{ext.paper.id}"
    resolved: list[tuple[str, str, Mention]] = []
    for index, mention in enumerate(ext.entities):
        node = node_of(index)
        if node is None:
            continue
        etype = node.split(":", 1)[0]  # an entity's node id is "type:key"
        resolved.append((node, etype, mention))
        edges.add(paper_node, node, paper_edge_type(etype, mention.role), pid,
                  confidence=mention.confidence, extractors=[mention.extractor],
                  evidence=mention.evidence, role=mention.role)
    methods = [(n, m) for n, t, m in resolved if t == "method" and m.role == "proposed"]
    targets = [(n, m, "EVALUATED_ON" if t == "dataset" else "APPLIED_TO") for n, t, m in resolved
               if (t == "dataset" and m.role != "proposed") or t == "task"]
    for method, m in methods:
        for target, t, etype in targets:
            edges.add(method, target, etype, pid, confidence=min(m.confidence, t.confidence),
                      extractors=[m.extractor, t.extractor], evidence=t.evidence)


def _add_code_links(ext: Extraction, edges: _Edges, repos: dict[str, dict[str, Any]]) -> None:
    for link in ext.links:
        parsed = repository_of(link.url) if link.kind == "code" else None
        if parsed is None:
            continue
        node, url, host, rest = parsed
        info = repos.setdefault(node, {"urls": Counter(), "host": host, "paths": set()})
        info["urls"][url] += 1
        if rest:
            info["paths"].add(rest)
        edges.add(f"paper:{ext.paper.id}", node, "HAS_CODE", ext.paper.id, confidence=1.0,
                  extractors=[LINK_EXTRACTOR], evidence=link.evidence)


def stats(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Counts per node and edge type, the ten entities with most papers per type, and the
    number of audited merges."""
    nodes = Counter(data.get("type") for _, data in graph.nodes(data=True))
    edge_counts = Counter(key for _, _, key in graph.edges(keys=True))
    top: dict[str, list[list[Any]]] = {}
    for ntype in ("Method", "Dataset", "Task"):
        ranked = sorted(((d["name"], d.get("paper_count", 0), n) for n, d in graph.nodes(data=True)
                         if d.get("type") == ntype), key=lambda x: (-x[1], x[0], x[2]))
        top[ntype] = [[name, count] for name, count, _ in ranked[:TOP_N]]
    return {"nodes": {t: nodes.get(t, 0) for t in NODE_TYPES},
            "edges": {t: edge_counts.get(t, 0) for t in EDGE_TYPES},
            "top": top, "merges": int(graph.graph.get("merges", 0))}


def name_keys(text: str) -> set[str]:
    """The normalized keys under which ``text`` is looked up (and an entity named so is found)."""
    keys = {normalize(text)}
    stem = singular_candidate(text)
    if stem is not None:
        keys.add(normalize(stem))
    return keys - {""}


def entity_name_keys(node: str, data: dict[str, Any]) -> set[str]:
    """Every key an entity or repository node is found under (its name, aliases, long
    forms; a repository's url and path); none for a paper."""
    if data.get("type") == "Paper":
        return set()
    names = [data.get("name", ""), *data.get("aliases", ()), *data.get("long_forms", ())]
    if data.get("type") == "Repository":
        names += [data.get("url", ""), node.removeprefix("repo:")]
    return {key for n in names if n for key in name_keys(n)}


def find_entities(graph: nx.MultiDiGraph, name: str) -> list[str]:
    """Node ids of the entities and repositories whose name, alias or long form matches
    ``name`` after normalization (a node id matches itself); most papers first."""
    if name in graph:
        return [name]
    wanted = name_keys(name)
    found = [node for node, data in graph.nodes(data=True) if wanted & entity_name_keys(node, data)]
    return sorted(found, key=lambda n: (-graph.nodes[n].get("paper_count", 0), n))


def _edge_summary(graph: nx.MultiDiGraph, other: str, data: dict[str, Any]) -> dict[str, Any]:
    node = graph.nodes[other]
    out = {"id": other, "type": node.get("type"), "name": node.get("name")}
    if "role" in data:
        out["role"] = data["role"]
    out.update(confidence=data.get("confidence"), support=data.get("support"),
               evidence=sorted({e["sentence"] for e in data.get("evidence", ())}))
    return out


def _grouped(pairs: Iterator[tuple[str, str, dict[str, Any]]], graph: nx.MultiDiGraph) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for etype, other, data in sorted(pairs, key=lambda x: (x[0], x[1])):
        out[etype].append(_edge_summary(graph, other, data))
    return dict(out)


def describe(graph: nx.MultiDiGraph, node_id: str) -> dict[str, Any]:
    """Everything ``paperkg show`` prints about one node: its attributes, the papers
    linked to it (by relation, with evidence sentences), its datasets, tasks and methods
    (EVALUATED_ON / APPLIED_TO) and the code repositories of the papers proposing it."""
    if node_id not in graph:
        raise ExportError(f"no node {node_id!r} in the graph",
                          hint="look the name up with find_entities / `paperkg show NAME`")
    out = {k: v for k, v in graph.nodes[node_id].items() if k != "abstract"}
    out["id"] = node_id
    incoming = _grouped(((k, u, d) for u, _, k, d in graph.in_edges(node_id, keys=True, data=True)), graph)
    outgoing = _grouped(((k, v, d) for _, v, k, d in graph.out_edges(node_id, keys=True, data=True)), graph)
    if out.get("type") == "Paper":
        out["entities"] = {k: v for k, v in outgoing.items() if k != "HAS_CODE"}
        out["code"] = outgoing.get("HAS_CODE", [])
        return out
    out["papers"] = {k: v for k, v in incoming.items() if k not in ("EVALUATED_ON", "APPLIED_TO")}
    out["datasets"] = outgoing.get("EVALUATED_ON", [])
    out["tasks"] = outgoing.get("APPLIED_TO", [])
    out["methods"] = incoming.get("EVALUATED_ON", []) + incoming.get("APPLIED_TO", [])
    proposers = [p["id"] for k in ("PROPOSES", "INTRODUCES") for p in incoming.get(k, [])]
    repos = sorted({v for p in proposers for _, v, k in graph.out_edges(p, keys=True) if k == "HAS_CODE"})
    out["code"] = [{"id": r, "url": graph.nodes[r].get("url"), "name": graph.nodes[r].get("name")}
                   for r in repos]
    return out
