"""The interactive view: one self-contained HTML file that works offline.

The page is our own small HTML/CSS/JS (``page.css``, ``page.js`` next to this module)
around vis-network 9.1.2, whose minified build ships inside the ``pyvis`` package and is
read with ``importlib.resources`` and inlined; nothing is fetched from a network. The
graph is embedded as JSON in ``<script type="application/json">`` with every ``<``
written as ``\\u003c``, so no title or evidence sentence can close the script element.

Data contract of the embedded JSON (read by ``page.js``)::

    meta     {title, subtitle, nodes_total, edges_total, layout, focus}   focus: ids opened first
    types    [{type, color, shape, count}]              one per node type shown
    nodes    [{id, type, name, label, value, x, y, paper_count, aliases, long_forms}]
    edges    [{from, to, type}]
    details  {node id: what `paperkg show` knows (kg.graph.build.describe), trimmed: at most
             MAX_ITEMS items per list (totals: the longer lists' full counts), evidence as
             [{sentence, field, mark: [start, end] in the sentence, from the stored offsets}]}
    overview {subtitle, nodes, edges: [{from, to, weight}]}   (pages above OVERVIEW_FROM
             nodes) the top methods and datasets and shared tasks, papers aggregated
    links    {node id: url}    arXiv/paper pages and repository urls of every node named
"""
from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from importlib import resources
from typing import Any

import networkx as nx

from kg.graph.build import describe
from kg.graph.model import NODE_TYPES
from kg.errors import ExportError
from kg.export.viz.layout import Positions
from kg.export.viz.view import TYPE_STYLE, node_link, shorten

VIS_PACKAGE, VIS_PATH = "pyvis", "lib/vis-9.1.2/vis-network.min.js"
EVIDENCE_LIMIT = 3
MAX_ITEMS = 25
"""Items per list in a details panel (a hub's thousands of papers stay in the store)."""
LABEL_LIMIT = {"Paper": 40}
DEFAULT_LABEL_LIMIT = 32
PIXELS_PER_UNIT = 130
_DROPPED_ATTRS = ("sources", "papers", "entities", "datasets", "tasks", "methods", "code", "id")

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="paperkg">
<title>{title}</title>
<style>
{css}
</style>
<script>
{guard}
</script>
</head>
<body>
<header>
  <h1>{title}</h1>
  <div class="search">
    <input id="search" type="search" autocomplete="off" spellcheck="false"
           placeholder="Search a name, alias or paper title" aria-label="Search the graph">
    <ul id="results" role="listbox" hidden></ul>
  </div>
  <span id="search-status" role="status"></span>
</header>
<nav id="controls" aria-label="Filters">
  <p class="subtitle">{subtitle}</p>
  <fieldset id="legend"><legend>Node types</legend></fieldset>
  <label class="min-papers">Min. papers <input id="min-papers" type="number" min="0" value="0"></label>
  <div class="buttons"><button id="fit" type="button">Fit</button>
    <button id="reset" type="button">Reset</button>
    <button id="show-overview" type="button" hidden>Overview</button></div>
  <p id="counts"></p>
  <section id="top-entities" aria-label="Entities with most papers"><h2>Most papers</h2><ol></ol></section>
  <p class="hint">Drag to pan, scroll to zoom, click a node for details.
    Node size: number of papers.</p>
</nav>
<main id="graph" aria-label="Graph"></main>
<section id="overview" aria-label="Overview" hidden><div class="bar"><strong>Overview</strong>
  <span id="overview-subtitle"></span>
  <button id="show-full" type="button">Show the full graph</button></div><div id="overview-graph"></div></section>
<aside id="panel" hidden><button id="close" type="button" aria-label="Close">&times;</button>
  <div id="details"></div></aside>
<div id="diagnostics" role="alert" hidden></div>
<script type="application/json" id="paperkg-data">{data}</script>
<script>
{vis}
</script>
<script>
{page}
</script>
</body>
</html>
"""

# Installed first, so that any later script error or console.error is recorded in the
# page (#diagnostics) for the reader and for the browser tests.
GUARD = """window.paperkgErrors = [];
(function () {
  function record(message) {
    window.paperkgErrors.push(String(message));
    var box = document.getElementById("diagnostics");
    if (box) { box.textContent = "Error: " + window.paperkgErrors.join(" | "); box.hidden = false; }
  }
  window.addEventListener("error", function (e) {
    record(e.message || ("cannot load " + ((e.target && (e.target.src || e.target.href)) || "a resource")));
  }, true);
  window.addEventListener("unhandledrejection", function (e) { record(e.reason); });
  var original = console.error;
  console.error = function () {
    record(Array.prototype.join.call(arguments, " "));
    return original.apply(console, arguments);
  };
})();"""


def _asset(package: str, path: str) -> str:
    try:
        return resources.files(package).joinpath(path).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise ExportError(f"cannot read {package}/{path}: {exc}",
                          hint="reinstall paperkg with its dependencies (pip install -e .)") from None


def script_text(code: str) -> str:
    """``code`` made safe inside a ``<script>`` element (no ``</script`` or ``<!--``)."""
    return code.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT").replace("<!--", "<\\!--")


def json_text(data: Any) -> str:
    """``data`` as JSON for a ``<script type="application/json">`` element: every ``<``
    (so ``</script>`` and ``<!--``) is written ``\\u003c``, which JSON.parse reads back."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _evidence(graph: nx.MultiDiGraph, a: str, b: str, relation: str | None) -> list[dict[str, Any]]:
    """The evidence of the edge(s) between ``a`` and ``b`` (either direction; ``relation``
    if given), each with the span to highlight placed by its stored offsets."""
    from kg.graph.evidence import mark

    found: list[dict[str, Any]] = []
    for u, v in ((a, b), (b, a)):
        for key, data in (graph.get_edge_data(u, v) or {}).items():
            if relation is None or key == relation:
                found.extend(data.get("evidence") or ())
    out = []
    for ev in found[:EVIDENCE_LIMIT + 1]:
        paper = graph.nodes.get(f"paper:{ev.get('paper')}", {})
        out.append(mark(paper, ev))
    return out


def _item(graph: nx.MultiDiGraph, node: str, row: dict[str, Any], relation: str | None) -> dict[str, Any]:
    data = graph.nodes[row["id"]]
    out = {"id": row["id"], "type": data.get("type"), "name": row.get("name") or data.get("name") or row["id"]}
    evidence = _evidence(graph, node, row["id"], relation)
    if evidence:
        out["evidence"] = evidence[:EVIDENCE_LIMIT]
        out["more"] = max(0, len(row.get("evidence") or ()) - EVIDENCE_LIMIT)
    return out


def _items(graph: nx.MultiDiGraph, node: str, rows: list[dict[str, Any]], relation: str | None,
           totals: dict[str, int], name: str) -> list[dict[str, Any]]:
    """At most ``MAX_ITEMS`` rows (most papers first for entities), the total in ``totals``."""
    if len(rows) > MAX_ITEMS:
        totals[name] = len(rows)
        rows = sorted(rows, key=lambda r: (-graph.nodes[r["id"]].get("paper_count", 0), r["id"]))[:MAX_ITEMS]
    return [_item(graph, node, r, relation) for r in rows]


def node_details(graph: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    """The side panel's content for ``node``: :func:`kg.graph.build.describe` with at most
    ``MAX_ITEMS`` items per list (``totals`` has the full counts of longer lists), evidence
    cut to ``EVIDENCE_LIMIT`` sentences per item with the spans marked by their offsets, and
    without the bulky source records."""
    info = describe(graph, node)
    out: dict[str, Any] = {k: v for k, v in info.items() if k not in _DROPPED_ATTRS and v not in ([], {}, None)}
    if info.get("type") == "Paper" and graph.nodes[node].get("abstract"):
        out["abstract"] = graph.nodes[node]["abstract"]
    totals: dict[str, int] = {}
    for group in ("papers", "entities"):
        if info.get(group):
            out[group] = {rel: _items(graph, node, rows, rel, totals, rel) for rel, rows in sorted(info[group].items())}
    relation = {"datasets": "EVALUATED_ON", "tasks": "APPLIED_TO", "code": None, "methods": None}
    for group in ("datasets", "tasks", "methods", "code"):
        if info.get(group):
            out[group] = _items(graph, node, info[group], relation[group], totals, group)
    if totals:
        out["totals"] = totals
    return out


def _node(graph: nx.MultiDiGraph, node: str, xy: tuple[float, float]) -> dict[str, Any]:
    data = graph.nodes[node]
    ntype = data.get("type", "")
    name = str(data.get("name") or node)
    count = int(data.get("paper_count", 0))
    return {"id": node, "type": ntype, "name": name,
            "label": shorten(name, LABEL_LIMIT.get(ntype, DEFAULT_LABEL_LIMIT)),
            "value": 1.0 if ntype == "Paper" else round(1.0 + math.sqrt(count), 3),
            "x": round(xy[0] * PIXELS_PER_UNIT, 1), "y": round(xy[1] * PIXELS_PER_UNIT, 1),
            "paper_count": count, "aliases": list(data.get("aliases") or ()),
            "long_forms": list(data.get("long_forms") or ())}


def page_data(graph: nx.MultiDiGraph, shown: nx.MultiDiGraph, positions: Positions, *,
              title: str, subtitle: str, layout: str, focus: Sequence[str] = (),
              overview: nx.MultiDiGraph | None = None, overview_positions: Positions | None = None) -> dict[str, Any]:
    """The JSON the page embeds (see the module docstring): ``shown`` drawn at
    ``positions``, with details about each of its nodes taken from the whole ``graph``."""
    details = {n: node_details(graph, n) for n in sorted(shown)}
    named = set(shown)
    for info in details.values():
        for group in ("papers", "entities"):
            named.update(r["id"] for rows in info.get(group, {}).values() for r in rows)
        for group in ("datasets", "tasks", "methods", "code"):
            named.update(r["id"] for r in info.get(group, ()))
    links = {n: url for n in sorted(named) if n in graph and (url := node_link(graph.nodes[n]))}
    counts = {t: 0 for t in NODE_TYPES}
    for _, ntype in shown.nodes(data="type"):
        counts[ntype] = counts.get(ntype, 0) + 1
    extra: dict[str, Any] = {}
    if overview is not None and overview_positions is not None and overview.number_of_nodes():
        from kg.export.viz.overview import describe_overview

        extra["overview"] = {
            "subtitle": describe_overview(overview),
            "nodes": [_node(overview, n, overview_positions[n]) for n in sorted(overview)],
            "edges": [{"from": u, "to": v, "weight": d.get("weight", 1)} for u, v, d in sorted(overview.edges(data=True))]}
    return {
        **extra,
        "meta": {"title": title, "subtitle": subtitle, "layout": layout, "focus": list(focus),
                 "nodes_total": graph.number_of_nodes(), "edges_total": graph.number_of_edges()},
        "types": [{"type": t, "color": TYPE_STYLE[t]["color"], "shape": TYPE_STYLE[t]["shape"],
                   "count": counts.get(t, 0)} for t in NODE_TYPES],
        "nodes": [_node(shown, n, positions[n]) for n in sorted(shown)],
        "edges": [{"from": u, "to": v, "type": k} for u, v, k in sorted(shown.edges(keys=True))],
        "details": details,
        "links": links,
    }


def render_html(data: dict[str, Any]) -> str:
    """The whole page for ``page_data`` output, every script and style inlined."""
    return PAGE.format(
        title=html.escape(data["meta"]["title"]), subtitle=html.escape(data["meta"]["subtitle"]),
        css=_asset("kg.export.viz", "page.css"), guard=GUARD, data=json_text(data),
        vis=script_text(_asset(VIS_PACKAGE, VIS_PATH)), page=script_text(_asset("kg.export.viz", "page.js")))
