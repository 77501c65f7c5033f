"""Static PNG/SVG pictures of a (small) selection of the graph, for reports.

matplotlib without pyplot (an explicit Agg canvas: no global backend state, no display
needed). Labels are placed greedily, biggest nodes first: each label tries eight
positions around its node, at two distances, and takes the first that overlaps no label
or node already placed, measured on the real rendered text extents; an entity whose
label fits nowhere keeps its least-overlapping spot, a paper's label is dropped (papers
are labelled only in small pictures). Long names are cut at a word boundary.
"""
from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from kg.graph.model import NODE_TYPES
from kg.export.viz.layout import Positions
from kg.export.viz.view import TYPE_STYLE, neighbours, shorten

FIGSIZE = (12.0, 9.0)
"""Inches; at ``DPI`` a PNG is 1800 x 1350 pixels."""
DPI = 150
LABEL_LIMIT = 32
PAPER_LABEL_LIMIT = 34
MAX_PAPER_LABELS = 12
FONT_SIZE = 9.0
_DIRECTIONS = ((1, 0, "left", "center"), (-1, 0, "right", "center"), (0, 1, "center", "bottom"),
               (0, -1, "center", "top"), (0.75, 0.75, "left", "bottom"), (0.75, -0.75, "left", "top"),
               (-0.75, 0.75, "right", "bottom"), (-0.75, -0.75, "right", "top"))


def marker_area(data: dict[str, object]) -> float:
    """Marker area in points^2: papers small, entities growing with sqrt(paper count)."""
    if data.get("type") == "Paper":
        return 22.0
    count = data.get("paper_count", 1)
    return min(40.0 + 70.0 * math.sqrt(count if isinstance(count, int) else 1), 700.0)


def _overlap(box: np.ndarray, boxes: np.ndarray) -> float:
    """Total intersection area of ``box`` (x0, y0, x1, y1) with each row of ``boxes``."""
    if not len(boxes):
        return 0.0
    w = np.clip(np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]), 0, None)
    h = np.clip(np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]), 0, None)
    return float((w * h).sum())


def _outside(box: np.ndarray, frame: np.ndarray) -> float:
    w = box[2] - box[0]
    h = box[3] - box[1]
    inside_w = max(0.0, min(box[2], frame[2]) - max(box[0], frame[0]))
    inside_h = max(0.0, min(box[3], frame[3]) - max(box[1], frame[1]))
    return float(w * h - inside_w * inside_h)


def draw(shown: nx.MultiDiGraph, positions: Positions, path: str | Path, *, fmt: str, title: str,
         subtitle: str = "", highlight: Sequence[str] = (), figsize: tuple[float, float] = FIGSIZE,
         dpi: int = DPI) -> None:
    """Draw ``shown`` at ``positions`` into ``path`` as ``fmt`` (png or svg), atomically;
    the ``highlight`` nodes (a focus) get a ring and a bold label."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from kg.export.viz.output import write_output

    nodes = sorted(shown, key=lambda n: (-marker_area(shown.nodes[n]), n))
    xy = np.array([positions[n] for n in nodes], dtype=float).reshape(-1, 2)
    index = {n: i for i, n in enumerate(nodes)}
    with matplotlib.rc_context({"svg.hashsalt": "paperkg", "svg.fonttype": "none",
                                "font.family": "DejaVu Sans"}):
        fig = Figure(figsize=figsize, dpi=dpi)
        canvas = FigureCanvasAgg(fig)
        ax = fig.add_axes((0.01, 0.07, 0.98, 0.84))
        ax.set_axis_off()
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        pad = np.maximum((hi - lo) * 0.06, 1.0)
        ax.set_xlim(lo[0] - pad[0], hi[0] + pad[0])
        ax.set_ylim(lo[1] - pad[1], hi[1] + pad[1])
        pairs = [(u, v) for u, v in sorted(set(shown.edges())) if u != v]
        segments = [(xy[index[u]], xy[index[v]]) for u, v in pairs]
        ax.add_collection(LineCollection(segments, colors="#9aa5b1", linewidths=_widths(shown, pairs),
                                         alpha=0.55, zorder=1))
        handles = []
        for ntype in NODE_TYPES:
            members = [index[n] for n in nodes if shown.nodes[n].get("type") == ntype]
            if not members:
                continue
            style = TYPE_STYLE[ntype]
            ax.scatter(xy[members, 0], xy[members, 1], s=[marker_area(shown.nodes[nodes[i]]) for i in members],
                       c=style["color"], marker=style["marker"], edgecolors="#24292f", linewidths=0.5,
                       zorder=3 if ntype != "Paper" else 2)
            handles.append(Line2D([], [], linestyle="", marker=style["marker"], markersize=8,
                                  markerfacecolor=style["color"], markeredgecolor="#24292f",
                                  label=f"{ntype} ({len(members)})"))
        rings = [index[n] for n in highlight if n in index]
        if rings:
            ax.scatter(xy[rings, 0], xy[rings, 1], s=[marker_area(shown.nodes[nodes[i]]) * 2.6 for i in rings],
                       facecolors="none", edgecolors="#1f2328", linewidths=2.0, zorder=4)
        fig.suptitle(title, x=0.01, y=0.985, ha="left", va="top", fontsize=14, fontweight="bold")
        if subtitle:
            fig.text(0.01, 0.935, f"{subtitle}; size: number of papers", fontsize=10, color="#57606a")
        fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False, fontsize=10,
                   bbox_to_anchor=(0.5, 0.005))
        near = {m for n in highlight if n in shown for m in neighbours(shown, n)}
        renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
        _label(ax, renderer, shown, nodes, xy, dpi, set(highlight), near)
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata={"Date": None} if fmt == "svg" else None)
    write_output(path, buffer.getvalue())


def _widths(shown: nx.MultiDiGraph, pairs: list[tuple[str, str]]) -> list[float]:
    """Line widths: 0.6 pt, or growing with the ``weight`` (papers in common) of an
    aggregated link, up to 4 pt for the heaviest."""
    weights = [max((d.get("weight", 0) for d in shown.get_edge_data(u, v).values()), default=0) for u, v in pairs]
    heaviest = max(weights, default=0)
    if not heaviest:
        return [0.6] * len(pairs)
    return [0.6 + 3.4 * math.sqrt(w / heaviest) for w in weights]


def _label(ax: Any, renderer: Any, shown: nx.MultiDiGraph, nodes: list[str], xy: np.ndarray,
           dpi: int, bold: set[str], near: set[str]) -> None:
    transform = ax.transData
    screen = transform.transform(xy)
    radius = np.array([math.sqrt(marker_area(shown.nodes[n])) / 2 * dpi / 72 for n in nodes])
    node_boxes = np.column_stack([screen[:, 0] - radius, screen[:, 1] - radius,
                                  screen[:, 0] + radius, screen[:, 1] + radius])
    frame = np.array(ax.get_window_extent(renderer).extents)
    papers = [n for n in nodes if shown.nodes[n].get("type") == "Paper"]
    label_papers = len(papers) <= MAX_PAPER_LABELS
    placed: list[np.ndarray] = []
    # A translucent white box, not a stroke path effect: path effects turn SVG text into paths.
    halo = {"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.75}
    for i, node in enumerate(nodes):
        data = shown.nodes[node]
        is_paper = data.get("type") == "Paper"
        if is_paper and not label_papers and node not in bold | near:
            continue
        text = shorten(str(data.get("name") or node), PAPER_LABEL_LIMIT if is_paper else LABEL_LIMIT)
        size = FONT_SIZE - 1 if is_paper else FONT_SIZE + (1.0 if data.get("paper_count", 0) >= 5 else 0.0)
        others = np.delete(node_boxes, i, axis=0)
        best: tuple[float, Any, np.ndarray, float] | None = None
        for distance in (1.0, 2.4):
            for dx, dy, ha, va in _DIRECTIONS:
                gap = (radius[i] * 72 / dpi + 2.0) * distance
                label = ax.annotate(text, xy[i], xytext=(dx * gap, dy * gap), textcoords="offset points",
                                    ha=ha, va=va, fontsize=size, color="#1f2328", zorder=5, bbox=halo,
                                    fontweight="bold" if node in bold else "normal")
                box = np.array(label.get_window_extent(renderer).extents)
                stacked = np.array(placed) if placed else np.empty((0, 4))
                cost = _overlap(box, stacked) + _overlap(box, others) + 4 * _outside(box, frame)
                if best is None or cost < best[0]:
                    if best is not None:
                        best[1].remove()
                    best = (cost, label, box, distance)
                else:
                    label.remove()
                if cost == 0:
                    break
            if best is not None and best[0] == 0:
                break
        assert best is not None
        cost, label, box, distance = best
        if cost > 0 and is_paper:
            label.remove()
            continue
        if distance > 1:  # a leader line says whose label a far one is
            label.remove()
            ax.annotate(text, xy[i], xytext=label.get_position(), textcoords="offset points",
                        ha=label.get_ha(), va=label.get_va(), fontsize=size, color="#1f2328", zorder=5,
                        fontweight=label.get_fontweight(),
                        bbox=halo, arrowprops={"arrowstyle": "-", "color": "#57606a", "lw": 0.6,
                                                       "shrinkA": 0, "shrinkB": radius[i] * 72 / dpi})
        placed.append(box)
