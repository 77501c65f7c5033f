"""See the graph: an offline interactive HTML view, static PNG/SVG images, GraphML/GEXF.

Modules: ``options`` (the command's choices and defaults), ``view`` (which nodes a picture
shows, colours per type), ``layout`` (node positions), ``html`` (the self-contained page; ``page.js``/``page.css`` are its assets),
``static`` (matplotlib images), ``files`` (GraphML/GEXF exporters), ``cli`` (``paperkg
viz``). :func:`visualize` is the one entry point the command calls. Imports are lazy so
that registering the exporters costs nothing.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import ExportError
from kg.graph.model import GraphLike, graph_of
from kg.export.viz.options import FORMATS, STATIC_TOP

if TYPE_CHECKING:
    from kg.export.viz.view import ViewOptions

NODE_BUDGET = 3000
"""Most nodes an HTML page holds: above it, the most connected entities and the papers
linking them (a 26,000-paper graph then writes a page of a few MB in seconds)."""
OVERVIEW_FROM = 200
"""An HTML page with more nodes than this opens on the overview (kg.export.viz.overview)."""
_EXTENSIONS = {".html": "html", ".htm": "html", ".png": "png", ".svg": "svg"}


def infer_format(path: str | Path, fmt: str | None = None) -> str:
    """``fmt`` if given, else the format of ``path``'s extension; ``ExportError`` if neither."""
    if fmt:
        if fmt not in FORMATS:
            raise ExportError(f"unknown picture format '{fmt}'", hint=f"use one of: {', '.join(FORMATS)}")
        return fmt
    found = _EXTENSIONS.get(Path(path).suffix.lower())
    if found is None:
        raise ExportError(f"cannot tell the picture format of '{path}'",
                          hint="end the file name in .html, .png or .svg, or pass --format")
    return found


def visualize(source: GraphLike, path: str | Path, *, options: ViewOptions | None = None,
              fmt: str | None = None, layout: str = "force", title: str | None = None) -> dict[str, int]:
    """Draw the graph of ``source`` (a ``Store`` or a graph) to ``path`` as ``fmt`` (html,
    png or svg; default from the extension), showing what ``options`` selects. Returns the
    number of nodes and edges drawn."""

    from kg.export.viz.layout import layout as place
    from kg.export.viz.view import ViewOptions, focus_nodes, select

    graph = graph_of(source)
    fmt = infer_format(path, fmt)
    options = options or ViewOptions()
    if fmt != "html" and options.top is None:
        options = ViewOptions(options.focus, options.hops, STATIC_TOP, options.min_papers, options.types)
    if fmt != "html" and not options.focus:
        return _draw_overview(graph, path, fmt, options, layout, title or _default_title(source))
    subtitle = options.describe()
    if fmt == "html" and not options.focus and graph.number_of_nodes() > NODE_BUDGET:
        shown, subtitle = _within_budget(graph, options)  # no copy of the whole graph first
    else:
        shown = select(graph, options)
        if fmt == "html" and shown.number_of_nodes() > NODE_BUDGET:
            shown, subtitle = _within_budget(shown, options)
    if shown.number_of_nodes() == 0:
        raise ExportError("nothing to draw: the selection is empty",
                          hint="lower --min-papers, add --type values or widen --hops")
    focus = [n for n in focus_nodes(graph, options.focus) if n in shown] if options.focus else []
    positions = place(shown, layout)
    name = title or _default_title(source)
    if fmt == "html":
        from kg.export.viz.html import page_data, render_html
        from kg.export.viz.output import write_output

        summary = overview_positions = None
        if not options.focus and shown.number_of_nodes() > OVERVIEW_FROM:
            from kg.export.viz.overview import overview

            summary = overview(graph, STATIC_TOP)
            overview_positions = place(summary, "force")
        data = page_data(graph, shown, positions, title=name, subtitle=subtitle, layout=layout,
                         focus=focus, overview=summary, overview_positions=overview_positions)
        write_output(path, render_html(data))
    else:
        from kg.export.viz.static import draw

        draw(shown, positions, path, fmt=fmt, title=name, subtitle=options.describe(), highlight=focus)
    return {"nodes": shown.number_of_nodes(), "edges": shown.number_of_edges()}


def _within_budget(graph: Any, options: ViewOptions) -> tuple[Any, str]:
    """At most ``NODE_BUDGET`` nodes of ``graph``: the entities with most papers (then most
    links) that ``options`` allows, one by one, each with the papers that now link two kept
    entities, until the next one would not fit. One pass over the kept entities' papers."""
    counts: dict[str, int] = {}
    kept: list[str] = []
    papers: list[str] = []
    with_papers = "Paper" in options.types
    nodes = graph.nodes
    entities = [n for n, d in graph.nodes(data=True) if d.get("type") != "Paper"
                and d.get("type") in options.types and d.get("paper_count", 0) >= options.min_papers]
    entities.sort(key=lambda n: (-nodes[n].get("paper_count", 0), -len(graph.succ[n]) - len(graph.pred[n]), n))
    limit = min(options.top or NODE_BUDGET, NODE_BUDGET)
    for node in entities:
        near = [p for p in (*graph.pred[node], *graph.succ[node]) if nodes[p].get("type") == "Paper"] \
            if with_papers else []
        joining = [p for p in set(near) if counts.get(p, 0) == 1]
        if len(kept) + 1 + len(papers) + len(joining) > NODE_BUDGET or len(kept) >= limit:
            break
        kept.append(node)
        papers.extend(joining)
        for p in set(near):
            counts[p] = counts.get(p, 0) + 1
    shown = graph.subgraph(kept + papers).copy()
    note = (f"{options.describe()}: the {len(kept):,} entities in most papers and the papers linking two of them "
            f"(the whole graph has {graph.number_of_nodes():,} nodes; --focus NAME, --top N or --min-papers N "
            f"draw other parts)")
    return shown, note


def _draw_overview(graph: Any, path: str | Path, fmt: str, options: ViewOptions, layout: str,
                   title: str) -> dict[str, int]:
    """A PNG/SVG of the most-connected methods and datasets and the tasks they share, papers
    aggregated into the links (:mod:`kg.export.viz.overview`)."""
    from kg.graph.model import NODE_TYPES
    from kg.export.viz.layout import layout as place
    from kg.export.viz.overview import MAIN_TYPES, describe_overview, overview
    from kg.export.viz.static import draw

    chosen = set(options.types) != set(NODE_TYPES)  # --type given: draw those types
    types = tuple(t for t in options.types if t != "Paper") if chosen else (*MAIN_TYPES, "Task")
    shown = overview(graph, options.top or graph.number_of_nodes(), types=types, tasks=None if "Task" in types else 0,
                     min_papers=options.min_papers)
    if shown.number_of_nodes() == 0:
        raise ExportError("nothing to draw: the graph has no methods or datasets to show",
                          hint="lower --min-papers or add --type values")
    papers = sum(1 for _, t in graph.nodes(data="type") if t == "Paper")
    draw(shown, place(shown, layout), path, fmt=fmt, title=title,
         subtitle=f"{describe_overview(shown)} ({papers:,} papers)")
    return {"nodes": shown.number_of_nodes(), "edges": shown.number_of_edges()}


def _default_title(source: GraphLike) -> str:
    directory = getattr(source, "directory", None)
    return f"paperkg: {Path(directory).name}" if directory else "paperkg graph"
