"""The overview picture: the most-connected methods and datasets, and the tasks they share,
with papers aggregated into the links instead of drawn.

A paper links its methods, datasets and tasks; drawn as a node per paper, even the top 40
entities of a few hundred papers become a cloud of unlabelled squares. Here each paper
only counts: two entities are linked when papers mention both, the link's ``weight`` is
the number of such papers, and each entity keeps only its ``keep`` strongest links. The
tasks shown are those shared by at least two of the chosen methods and datasets (most
shared first). Every node is an entity with its label, so the picture names the field's
main methods and benchmarks and how they connect.

"Most connected" ranks by paper count, then by distinct neighbours. The methods and
datasets are picked together, with at least a third of ``top`` for each type while it has
that many, so one type cannot crowd out the other.
"""
from __future__ import annotations

from collections import Counter
from itertools import combinations

import networkx as nx

from kg.export.viz.view import degree

MAIN_TYPES = ("Method", "Dataset")
SHARED_TYPES = ("Task",)
KEEP_LINKS = 3
LINK = "SHARED_PAPERS"


def _ranked(graph: nx.MultiDiGraph, ntype: str, min_papers: int = 0) -> list[str]:
    nodes = [n for n, d in graph.nodes(data=True) if d.get("type") == ntype and d.get("paper_count", 0) >= min_papers]
    return sorted(nodes, key=lambda n: (-graph.nodes[n].get("paper_count", 0), -degree(graph, n), n))


def pick(graph: nx.MultiDiGraph, top: int, types: tuple[str, ...] = MAIN_TYPES, min_papers: int = 0) -> list[str]:
    """The ``top`` most-connected entities of ``types``, each type getting at least a third."""
    ranked = {t: _ranked(graph, t, min_papers) for t in types}
    floor = top // 3 if len(types) > 1 else top
    chosen = [n for t in types for n in ranked[t][:floor]]
    rest = sorted((n for t in types for n in ranked[t][floor:]),
                  key=lambda n: (-graph.nodes[n].get("paper_count", 0), -degree(graph, n), n))
    return chosen + rest[: max(0, top - len(chosen))]


def overview(graph: nx.MultiDiGraph, top: int = 40, *, types: tuple[str, ...] = MAIN_TYPES,
             tasks: int | None = None, keep: int = KEEP_LINKS, min_papers: int = 0) -> nx.MultiDiGraph:
    """The aggregated picture (see the module docstring): a graph of entities only, whose
    edges (key ``SHARED_PAPERS``) carry ``weight``, the number of papers in common."""
    main = pick(graph, top, tuple(t for t in types if t not in SHARED_TYPES) or types, min_papers)
    if not main:  # no methods or datasets at all: the entities there are
        main = pick(graph, top, ("Method", "Dataset", "Task", "Metric", "Repository"), min_papers)
    chosen = set(main)
    shared_cap = tasks if tasks is not None else max(4, top // 3)
    pairs: Counter[tuple[str, str]] = Counter()
    task_links: dict[str, set[str]] = {}
    task_pairs: Counter[tuple[str, str]] = Counter()
    papers = {p for n in main for p in graph.predecessors(n) if graph.nodes[p].get("type") == "Paper"}
    for paper in sorted(papers):
        targets = set(graph.successors(paper))
        here = sorted(targets & chosen)
        for a, b in combinations(here, 2):
            pairs[(a, b)] += 1
        if shared_cap:
            for task in (t for t in targets if graph.nodes[t].get("type") in SHARED_TYPES):
                task_links.setdefault(task, set()).update(here)
                for entity in here:
                    task_pairs[(entity, task)] += 1
    shared = sorted((t for t, links in task_links.items() if len(links) >= 2),
                    key=lambda t: (-len(task_links[t]), -graph.nodes[t].get("paper_count", 0), t))[:shared_cap]
    out = nx.MultiDiGraph()
    for node in [*main, *shared]:
        data = graph.nodes[node]
        out.add_node(node, id=node, type=data.get("type"), name=data.get("name"), aliases=list(data.get("aliases") or ()),
                     long_forms=list(data.get("long_forms") or ()), paper_count=data.get("paper_count", 0))
    shown = set(shared)
    candidates = [(a, b, w) for (a, b), w in pairs.items()]
    candidates += [(a, t, w) for (a, t), w in task_pairs.items() if t in shown]
    strongest: dict[str, list[tuple[int, str, str]]] = {}
    for a, b, w in candidates:
        strongest.setdefault(a, []).append((w, a, b))
        strongest.setdefault(b, []).append((w, a, b))
    kept: set[tuple[str, str]] = set()
    for node, links in strongest.items():
        for w, a, b in sorted(links, key=lambda x: (-x[0], x[1], x[2]))[:keep]:
            kept.add((a, b))
    weights = {(a, b): w for a, b, w in candidates}
    for a, b in sorted(kept):
        out.add_edge(a, b, key=LINK, type=LINK, weight=weights[(a, b)])
    alone = [n for n in out if out.degree(n) == 0]
    if len(alone) < out.number_of_nodes():  # an entity sharing no paper with the others says nothing here
        out.remove_nodes_from(alone)
    return out


def describe_overview(graph: nx.MultiDiGraph) -> str:
    counts = Counter(t for _, t in graph.nodes(data="type"))
    parts = [f"{counts[t]} {t.lower()}s" for t in ("Method", "Dataset", "Task", "Metric") if counts.get(t)]
    return (f"the {' and '.join(parts[:2])} in most papers" + (f", {parts[2]} they share" if len(parts) > 2 else "")
            + "; a line: papers mentioning both")
