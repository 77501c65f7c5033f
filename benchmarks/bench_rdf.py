"""Benchmark the RDF stage on a synthetic graph of about a million triples.

Times N-Triples and Turtle export, the embedded pyoxigraph store load (what ``paperkg
build`` does for ``DIR/rdf``) and the canned SPARQL queries (``queries/sparql``, run with
their default parameters, median of ``--repeat`` runs), and prints a table::

    .venv/bin/python benchmarks/bench_rdf.py                 # ~1M triples
    .venv/bin/python benchmarks/bench_rdf.py --papers 400    # ~100k triples

The graph is deterministic (``--seed``) and shaped like a real one: papers propose, use,
evaluate on, address, report and link code; proposed methods are evaluated on datasets and
applied to tasks; every edge has one to three evidence sentences. The entity names include
the canned queries' defaults (CLIP, MMLU, SAM, LoRA, domain generalization).
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from importlib import resources
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import networkx as nx
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.query.sparql_cache import write_embedded  # noqa: E402
from kg.export.rdf.export import export  # noqa: E402
from kg.query.sparql import query_store  # noqa: E402

EXTRACTORS = ("gazetteer", "acronyms", "proposals", "patterns")
SENTENCE = ("We evaluate {name} against strong baselines and report consistent gains on several "
            "benchmarks while keeping the training budget fixed.")


def _entities(kind: str, count: int, named: tuple[str, ...]) -> list[tuple[str, str]]:
    names = list(named) + [f"{kind.title()}-{i}" for i in range(count - len(named))]
    return [(f"{kind}:{name.lower().replace(' ', '')}", name) for name in names]


def synthetic_graph(papers: int, seed: int = 7) -> nx.MultiDiGraph:
    """A deterministic paperkg-shaped graph (see the module docstring)."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    methods = _entities("method", max(papers // 2, 10), ("CLIP", "LoRA", "SAM", "BERT", "GPT-4"))
    datasets = _entities("dataset", max(papers // 5, 10), ("MMLU", "ImageNet", "GSM8K", "GLUE"))
    tasks = _entities("task", max(papers // 8, 10), ("domain generalization", "reasoning", "retrieval"))
    metrics = _entities("metric", 30, ("accuracy", "F1"))
    for kind, rows in (("Method", methods), ("Dataset", datasets), ("Task", tasks), ("Metric", metrics)):
        for key, name in rows:
            graph.add_node(key, id=key, type=kind, name=name, aliases=[name.upper()] if rng.random() < 0.3 else [],
                           ids={}, long_forms=[], paper_count=0)

    def edge(u: str, v: str, etype: str, paper: str, role: str | None = None) -> None:
        evidence = [{"paper": paper, "field": "abstract", "start": 10 * k, "end": 10 * k + 6,
                     "sentence": SENTENCE.format(name=graph.nodes[v].get("name", v))}
                    for k in range(rng.randint(1, 3))]
        attrs = {"type": etype, "confidence": round(rng.uniform(0.5, 1.0), 3),
                 "extractors": [rng.choice(EXTRACTORS)], "support": 1, "evidence": evidence}
        if role:
            attrs["role"] = role
        graph.add_edge(u, v, key=etype, **attrs)

    for i in range(papers):
        pid = f"arxiv:2401.{i:05d}"
        node = f"paper:{pid}"
        graph.add_node(node, id=node, type="Paper", name=f"Paper {i}", aliases=[], title=f"Paper {i}",
                       abstract=f"Abstract of synthetic paper {i}. " * 8,
                       sources=[{"file": "synthetic.jsonl", "line": i + 1, "format": "jsonl"}])
        own = rng.choice(methods)[0]
        edge(node, own, "PROPOSES", pid, "proposed")
        for key, _ in rng.sample(methods, 3):
            if key != own:
                edge(node, key, "USES", pid, "used")
        used = rng.sample(datasets, 2)
        for key, _ in used:
            edge(node, key, "EVALUATES_ON", pid, "used")
            edge(own, key, "EVALUATED_ON", pid)
        task = rng.choice(tasks)[0]
        edge(node, task, "ADDRESSES", pid, "used")
        edge(own, task, "APPLIED_TO", pid)
        edge(node, rng.choice(metrics)[0], "REPORTS", pid, "used")
        if rng.random() < 0.4:
            repo = f"repo:github.com/org{i}/repo{i}"
            graph.add_node(repo, id=repo, type="Repository", name=f"org{i}/repo{i}", aliases=[],
                           url=f"https://github.com/org{i}/repo{i}", host="github.com", paths=[], paper_count=1)
            edge(node, repo, "HAS_CODE", pid)
    for node, data in graph.nodes(data=True):
        if "paper_count" in data:
            data["paper_count"] = len({u for u, _ in graph.in_edges(node) if u.startswith("paper:")})
    return graph


T = TypeVar("T")


def _timed(func: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = func()
    return result, time.perf_counter() - start


def _time_queries(store: ox.Store, repeat: int) -> list[tuple[str, str, float]]:
    """Each canned query with its default parameters: the median of ``repeat`` runs."""
    rows = []
    for entry in sorted(resources.files("queries.sparql").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text("utf-8")
        times, found = [], 0
        for _ in range(repeat):
            (_, result), seconds = _timed(lambda: query_store(store, text))
            times.append(seconds)
            found = len(result)
        rows.append((f"query {entry.name}", f"{found} rows", statistics.median(times)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=3000, help="synthetic papers (3000: about 1M triples)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs per query (median)")
    args = parser.parse_args()

    graph, seconds = _timed(lambda: synthetic_graph(args.papers, args.seed))
    rows = [("generate networkx graph", f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges", seconds)]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        triples, seconds = _timed(lambda: export(graph, out / "g.nt", rdf_format="nt"))
        rows.append(("export N-Triples", f"{triples} triples, {os.path.getsize(out / 'g.nt') / 1e6:.0f} MB", seconds))
        _, seconds = _timed(lambda: export(graph, out / "g.ttl", rdf_format="ttl"))
        rows.append(("export Turtle", f"{os.path.getsize(out / 'g.ttl') / 1e6:.0f} MB", seconds))
        loaded, seconds = _timed(lambda: write_embedded(out / "rdf", graph))
        rows.append(("embedded store load (bulk_load)", f"{loaded} triples", seconds))
        rows += _time_queries(ox.Store.read_only(str(out / "rdf" / "store")), args.repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    width = max(len(r[0]) for r in rows)
    print(f"{'step':{width}}  {'seconds':>8}  size")
    print(f"{'-' * width}  {'-' * 8}  {'-' * 30}")
    for step, size, seconds in rows:
        print(f"{step:{width}}  {seconds:8.3f}  {size}")
    print(f"peak RSS {peak:.0f} MiB; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
