"""Node positions for the pictures, computed once in Python.

Positions are precomputed for every view, so the HTML page opens already laid out, with
the browser's physics switched off (smooth on thousands of nodes), and the static images
and the page show the same layout. Coordinates are in *spacing units*: neighbouring nodes
are about 1 apart, and each renderer scales them to its own canvas.

``force`` is Fruchterman-Reingold in vectorized NumPy. networkx has the same algorithm
(``spring_layout``), but from 500 nodes on it needs SciPy, which paperkg does not depend
on; this version is exact (all pairs, no Barnes-Hut approximation), processed in blocks
so memory stays at a few MB: about 1 s for 1,800 nodes, 3 s for 5,000 (fewer iterations
from 2,000 nodes on); an iteration costs the square of the node count. ``hierarchical`` puts the relation flow in rows (code, papers, methods,
datasets/tasks/metrics), and ``circle`` puts nodes on a circle grouped by type.
"""
from __future__ import annotations

import math

import networkx as nx
import numpy as np

from kg.errors import ExportError
from kg.export.viz.options import LAYOUTS
from kg.graph.model import NODE_TYPES

Positions = dict[str, tuple[float, float]]
_ROWS = {"Repository": 0, "Paper": 1, "Method": 2, "Dataset": 3, "Task": 3, "Metric": 3}
_BLOCK = 512


def layout(graph: nx.MultiDiGraph, name: str = "force", *, seed: int = 7) -> Positions:
    """Positions of every node of ``graph`` with the layout ``name`` (one of ``LAYOUTS``)."""
    if name not in LAYOUTS:
        raise ExportError(f"unknown layout {name!r}", hint=f"use one of {', '.join(LAYOUTS)}")
    if graph.number_of_nodes() == 0:
        return {}
    if name == "hierarchical":
        return hierarchical_layout(graph)
    if name == "circle":
        return circle_layout(graph)
    return force_layout(graph, seed=seed)


def _order(graph: nx.MultiDiGraph) -> list[str]:
    """Nodes by type, then most papers first, then id: a deterministic order."""
    rank = {t: i for i, t in enumerate(NODE_TYPES)}
    return sorted(graph, key=lambda n: (rank.get(graph.nodes[n].get("type"), 99),
                                        -graph.nodes[n].get("paper_count", 0), n))


def force_layout(graph: nx.MultiDiGraph, *, seed: int = 7, iterations: int | None = None) -> Positions:
    """Fruchterman-Reingold with a weak pull to the centre (keeps small components near)."""
    nodes = _order(graph)
    n = len(nodes)
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {v: i for i, v in enumerate(nodes)}
    pairs = {(min(index[u], index[v]), max(index[u], index[v])) for u, v in graph.edges() if u != v}
    ends = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    if iterations is None:
        iterations = 300 if n <= 300 else 150 if n <= 1000 else max(30, 90 * 2000 // max(n, 2000))
    rng = np.random.default_rng(seed)
    pos = (rng.random((n, 2)) * 2 - 1).astype(np.float32)
    k = np.float32(2.0 / math.sqrt(n))  # ideal distance in a 2 x 2 box
    step = np.float32(0.2)
    cooling = step / np.float32(iterations + 1)
    gravity = np.float32(0.05 * math.sqrt(n) * k)
    for _ in range(iterations):
        disp = np.zeros_like(pos)
        for start in range(0, n, _BLOCK):  # repulsion k^2 / d between all pairs
            dx = pos[start:start + _BLOCK, 0, None] - pos[None, :, 0]
            dy = pos[start:start + _BLOCK, 1, None] - pos[None, :, 1]
            weight = dx * dx
            weight += dy * dy
            np.maximum(weight, 1e-6, out=weight)
            np.divide(k * k, weight, out=weight)
            disp[start:start + _BLOCK, 0] += (dx * weight).sum(axis=1)
            disp[start:start + _BLOCK, 1] += (dy * weight).sum(axis=1)
        if len(ends):  # attraction d^2 / k along edges
            delta = pos[ends[:, 0]] - pos[ends[:, 1]]
            pull = delta * (np.sqrt((delta * delta).sum(axis=1)) / k)[:, None]
            np.add.at(disp, ends[:, 0], -pull)
            np.add.at(disp, ends[:, 1], pull)
        disp -= pos * (gravity / k)
        length = np.maximum(np.sqrt((disp * disp).sum(axis=1)), 1e-9)[:, None]
        pos += disp / length * np.minimum(length, step)
        step -= cooling
    pos = (pos - pos.mean(axis=0)) / k  # spacing units: ideal edge length 1
    return {v: (float(pos[i, 0]), float(pos[i, 1])) for i, v in enumerate(nodes)}


def circle_layout(graph: nx.MultiDiGraph) -> Positions:
    """One circle, nodes grouped by type (most papers first), about 1 apart."""
    nodes = _order(graph)
    radius = max(len(nodes) / (2 * math.pi), 1.0)
    return {v: (radius * math.cos(2 * math.pi * i / len(nodes)),
                radius * math.sin(2 * math.pi * i / len(nodes))) for i, v in enumerate(nodes)}


def hierarchical_layout(graph: nx.MultiDiGraph, *, sweeps: int = 4) -> Positions:
    """Rows in the direction of the relations: repositories, papers, methods, then
    datasets, tasks and metrics; long rows wrap. Each row is ordered by the mean position
    of its neighbours (a few barycenter sweeps) to reduce crossings."""
    rows: dict[int, list[str]] = {}
    for node in _order(graph):
        rows.setdefault(_ROWS.get(graph.nodes[node].get("type", ""), 3), []).append(node)
    width = max(8, math.ceil(2 * math.sqrt(graph.number_of_nodes())))
    x: dict[str, float] = {}
    for members in rows.values():
        x.update({v: i / max(len(members) - 1, 1) for i, v in enumerate(members)})
    undirected = nx.Graph(graph)
    for _ in range(sweeps):
        for level in sorted(rows):
            members = rows[level]
            centre = {v: (sum(x[u] for u in undirected[v]) / len(undirected[v]) if undirected[v] else x[v])
                      for v in members}
            members.sort(key=lambda v: (centre[v], v))
            x.update({v: i / max(len(members) - 1, 1) for i, v in enumerate(members)})
    pos: Positions = {}
    y = 0.0
    for level in sorted(rows):
        members = rows[level]
        lines = math.ceil(len(members) / width)
        per_line = math.ceil(len(members) / lines)
        for i, v in enumerate(members):
            line, col = divmod(i, per_line)
            stagger = 0.45 * (col % 2)  # alternate heights so that neighbouring labels don't collide
            pos[v] = ((col - (per_line - 1) / 2) * 1.2, y + line * 1.4 + stagger)
        y += lines * 1.4 + 3.0
    return pos
