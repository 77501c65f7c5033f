"""What a picture of the graph shows: the selection of nodes and how each type looks.

Every view (the HTML page, the PNG/SVG images, the Gephi colors) is drawn from the same
:func:`select` and the same :data:`TYPE_STYLE`, so a ``--focus``/``--top`` picture is
the same subgraph whatever the output format.

Selection rules (documented in ``docs/viz.md``):

* ``focus``: the entities named ``focus`` (name, alias, long form or node id, via
  :func:`kg.graph.build.find_entities`; a paper title also works) and every node within
  ``hops`` steps of them, ignoring edge direction;
* ``types`` / ``min_papers``: entities of other types, or with fewer papers, are dropped
  (the focus nodes are always kept);
* ``top``: the ``top`` most connected entities (most distinct neighbours; in a focus view
  the nearest first, and among equally near ones those most tied to the focus: with the
  largest share of neighbours nearer to it);
* papers are kept when they link a kept entity, and, once ``top`` trims the entities,
  only when they link two or more of them (or sit next to a focus node), so that the
  picture shows how the top entities connect rather than every paper's leaf.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kg.graph.build import find_entities
from kg.graph.model import NODE_TYPES
from kg.errors import ExportError
from kg.resolve.normalize import normalize

# Okabe-Ito colors (distinguishable with the common colour-vision deficiencies), plus a
# shape per type so that the type can be told without colour too.
TYPE_STYLE: dict[str, dict[str, str]] = {
    "Paper": {"color": "#8c8c8c", "shape": "square", "marker": "s"},
    "Method": {"color": "#0072b2", "shape": "dot", "marker": "o"},
    "Dataset": {"color": "#e69f00", "shape": "diamond", "marker": "D"},
    "Task": {"color": "#009e73", "shape": "dot", "marker": "o"},
    "Metric": {"color": "#cc79a7", "shape": "triangle", "marker": "^"},
    "Repository": {"color": "#d55e00", "shape": "star", "marker": "*"},
}
ARXIV_ABS = "https://arxiv.org/abs/"


@dataclass(frozen=True)
class ViewOptions:
    """Which part of the graph to show (see the module docstring)."""

    focus: str | None = None
    hops: int = 2
    top: int | None = None
    """``None``: the output format's default (all for html); ``0``: all entities."""
    min_papers: int = 0
    types: tuple[str, ...] = field(default=NODE_TYPES)

    def describe(self) -> str:
        """A short human description, e.g. ``around LoRA (2 hops), top 40 entities``."""
        parts = []
        if self.focus:
            parts.append(f"around {self.focus} ({self.hops} hop{'s' if self.hops != 1 else ''})")
        if self.top:
            parts.append(f"top {self.top} entities")
        if self.min_papers > 1:
            parts.append(f"entities in >= {self.min_papers} papers")
        if set(self.types) != set(NODE_TYPES):
            parts.append("types " + ", ".join(self.types))
        return ", ".join(parts) or "whole graph"


def is_paper(graph: nx.MultiDiGraph, node: str) -> bool:
    return bool(graph.nodes[node].get("type") == "Paper")


def paper_link(data: dict[str, Any]) -> str | None:
    """Where a paper can be read: its arXiv abstract page, else its own http(s) url."""
    if data.get("arxiv_id"):
        return ARXIV_ABS + str(data["arxiv_id"])
    return web_url(data.get("url"))


def web_url(url: Any) -> str | None:
    """``url`` if it is an http(s) URL (never a ``javascript:`` or ``file:`` one), else None."""
    if isinstance(url, str) and url.lower().startswith(("https://", "http://")):
        return url
    return None


def node_link(data: dict[str, Any]) -> str | None:
    """The outside link of a node: a paper's page or a repository's url."""
    if data.get("type") == "Paper":
        return paper_link(data)
    if data.get("type") == "Repository":
        return web_url(data.get("url"))
    return None


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "\u2026"


def focus_nodes(graph: nx.MultiDiGraph, name: str) -> list[str]:
    """The nodes ``name`` names: entities by name/alias/long form/id, else papers by title."""
    found = find_entities(graph, name)
    if not found:
        key = normalize(name)
        found = sorted(n for n, d in graph.nodes(data=True)
                       if d.get("type") == "Paper" and normalize(str(d.get("name", ""))) == key)
    if not found:
        raise ExportError(f"no entity or paper named '{name}' in the graph",
                          hint="check the spelling, or list names with 'paperkg stats DIR'")
    return found


def _distances(graph: nx.MultiDiGraph, sources: Iterable[str], hops: int) -> dict[str, int]:
    """Undirected distances (in hops) from the nearest of ``sources``, up to ``hops``."""
    lengths = nx.multi_source_dijkstra_path_length(graph.to_undirected(as_view=True), set(sources), cutoff=hops)
    return {node: int(length) for node, length in lengths.items()}


def degree(graph: nx.MultiDiGraph, node: str) -> int:
    """Number of distinct neighbours, whatever the edge direction or type."""
    return len(neighbours(graph, node))


def neighbours(graph: nx.MultiDiGraph, node: str) -> set[str]:
    """The nodes linked to ``node`` by an edge in either direction."""
    return set(nx.all_neighbors(graph, node))


def _relevance(graph: nx.MultiDiGraph, node: str, dist: dict[str, int]) -> float:
    """The share of ``node``'s neighbours that are nearer the focus than it is: a node
    reached only through the focus (the repository of its paper) beats a hub's neighbour."""
    near = neighbours(graph, node)
    closer = sum(1 for n in near if dist.get(n, dist[node]) < dist[node])
    return round(closer / len(near), 3) if near else 0.0


def select(graph: nx.MultiDiGraph, options: ViewOptions) -> nx.MultiDiGraph:
    """The subgraph (a copy) that ``options`` asks to show; raises ``ExportError`` when
    ``focus`` names nothing."""
    unknown = set(options.types) - set(NODE_TYPES)
    if unknown:
        raise ExportError(f"unknown node type(s): {', '.join(sorted(unknown))}",
                          hint=f"use some of: {', '.join(NODE_TYPES)}")
    focus = focus_nodes(graph, options.focus) if options.focus else []
    dist = _distances(graph, focus, options.hops) if focus else dict.fromkeys(graph, 0)
    if not focus and not options.top and options.min_papers <= 1 \
            and set(options.types) == set(NODE_TYPES):
        return graph.copy()
    entities = [n for n in dist if not is_paper(graph, n) and (n in focus or (
        graph.nodes[n].get("type") in options.types
        and graph.nodes[n].get("paper_count", 0) >= options.min_papers))]
    need = 1
    limit = max(options.top or 0, len([n for n in focus if not is_paper(graph, n)]))
    if options.top and len(entities) > limit:
        entities.sort(key=lambda n: (dist[n], -_relevance(graph, n, dist) if focus else 0,
                                     -degree(graph, n), -graph.nodes[n].get("paper_count", 0), n))
        entities, need = entities[:limit], 2
    kept = set(entities) | set(focus)
    papers = []
    if "Paper" in options.types or any(is_paper(graph, n) for n in focus):
        for node in dist:
            if not is_paper(graph, node) or node in kept:
                continue
            near = neighbours(graph, node)
            links = len(near & kept)
            if links >= need or (links and near & set(focus)):
                papers.append(node)
    return graph.subgraph(kept | set(papers)).copy()
