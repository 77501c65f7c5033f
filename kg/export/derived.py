"""Counts derived from the graph that the embedded SPARQL store keeps for the canned queries,
so they read a few precomputed values instead of counting or sorting the whole graph at
query time (issue 14): the rank of each entity among those of its type, and the top pairs
of entities that occur together.

:func:`ranks`: each method, dataset, task, metric and repository by its paper count, most
first, then by id, from 1 (the order of ``top-methods``, ``top-datasets``, ``tasks-by-papers``,
which then read only the entities ranked within their ``limit``).

The pairs, of two kinds, each ranked by count (most first), then by the two node ids, the first id the
smaller, and cut to the top ``limit`` (:data:`PAIR_LIMIT`):

* ``datasets``: two datasets and the number of papers that evaluate on or introduce both
  (``EVALUATES_ON``/``INTRODUCES``; the ``datasets-used-together`` query);
* ``methods``: two methods and the number of datasets both are evaluated on
  (``EVALUATED_ON``; the ``methods-on-same-dataset`` query).

Counting every pair of methods is quadratic in the methods of a popular dataset (125 s in
SPARQL at 10k papers), so :func:`method_pairs` finds the top pairs without enumerating all of
them: methods are visited by their number of datasets, most first, each paired only with
methods not visited yet, and the walk stops once no unvisited method has as many datasets as
the lowest kept count (a pair shares at most as many datasets as either has). While the
lowest kept count is ``c``, a method with ``n`` datasets meets every partner sharing ``c``
or more of them in its ``n - c + 1`` least-used datasets (prefix filtering), so a popular
dataset is only walked while it can still matter. Both read the graph's edges of one or two
types (a store's through its type index) and hold their endpoints only, never the graph.
"""
from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations

from kg.store.view import GraphSource, edges_of_type, nodes_of_type

PAIR_LIMIT = 100
"""Pairs kept per kind: what the every-pair mode of the canned pair queries can return
(README, "Canned queries"); the pairs of one named entity are counted at query time, all of them."""
KINDS = ("datasets", "methods")
RANKED = ("Method", "Dataset", "Task", "Metric", "Repository")


@dataclass(frozen=True)
class Pair:
    """Two node ids (``first`` < ``second``) and how often they occur together."""

    kind: str
    first: str
    second: str
    count: int


def _top(kind: str, counts: Iterable[tuple[tuple[str, str], int]], limit: int) -> list[Pair]:
    ranked = heapq.nsmallest(limit, ((-n, a, b) for (a, b), n in counts))
    return [Pair(kind, a, b, -n) for n, a, b in ranked]


def dataset_pairs(graph: GraphSource, limit: int = PAIR_LIMIT) -> list[Pair]:
    """The top ``limit`` pairs of datasets by the number of papers that evaluate on or
    introduce both."""
    datasets: dict[str, set[str]] = defaultdict(set)
    for relation in ("EVALUATES_ON", "INTRODUCES"):
        for paper, dataset, _ in edges_of_type(graph, relation):
            datasets[paper].add(dataset)
    counts: Counter[tuple[str, str]] = Counter()
    for used in datasets.values():
        counts.update(combinations(sorted(used), 2))
    return _top("datasets", counts.items(), limit)


def method_pairs(graph: GraphSource, limit: int = PAIR_LIMIT) -> list[Pair]:
    """The top ``limit`` pairs of methods by the number of datasets both are evaluated on
    (see the module doc for how the pairs are found)."""
    datasets: dict[str, set[str]] = defaultdict(set)
    methods: dict[str, set[str]] = defaultdict(set)
    for method, dataset, _ in edges_of_type(graph, "EVALUATED_ON"):
        datasets[method].add(dataset)
        methods[dataset].add(method)
    kept: list[tuple[int, str, str]] = []  # (-count, first, second)
    floor = 1  # the lowest count that can still be kept
    visited: set[str] = set()
    for method in sorted(datasets, key=lambda m: (-len(datasets[m]), m)):
        own = datasets[method]
        if len(own) < floor:
            break
        visited.add(method)
        rarest = sorted(own, key=lambda d: (len(methods[d]), d))[:len(own) - floor + 1]
        partners = {other for d in rarest for other in methods[d]} - visited
        for other in partners:
            shared = len(own & datasets[other])
            if shared >= floor:
                first, second = sorted((method, other))
                kept.append((-shared, first, second))
        if len(kept) >= limit:
            kept = heapq.nsmallest(limit, kept)
            floor = -kept[-1][0]
    return [Pair("methods", a, b, -n) for n, a, b in sorted(kept)[:limit]]


def ranks(graph: GraphSource) -> Iterator[tuple[str, int]]:
    """``(node id, rank)`` of every entity and repository: its position among the nodes of
    its type by ``paper_count`` (most first), then by id, from 1."""
    for node_type in RANKED:
        ranked = sorted((-int(data.get("paper_count") or 0), node) for node, data in nodes_of_type(graph, node_type))
        yield from ((node, rank) for rank, (_, node) in enumerate(ranked, start=1))


def pairs(graph: GraphSource, limit: int = PAIR_LIMIT) -> list[Pair]:
    """The top pairs of every kind (:data:`KINDS`)."""
    return dataset_pairs(graph, limit) + method_pairs(graph, limit)
