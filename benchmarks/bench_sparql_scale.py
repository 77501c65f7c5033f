"""Time every canned SPARQL query on an embedded store of a big graph, old query texts beside new.

A big graph cheaply: the extracted records of a store of real abstracts (``--source``, e.g.
``paperkg build ../shared/seeds/*.txt -o /tmp/seeds``) are recombined into N new papers,
without running extraction again. Paper i is source record ``a`` with the mentions of a second
record ``b`` appended (its abstract after ``a``'s, offsets shifted), under a unique id and
title; the methods it proposes get the suffix ``-i``, so every paper brings its own new
method (as real papers do) while the used methods, datasets and tasks are shared with a
long tail. The store is built with ``kg.store.core.build``, its embedded SPARQL store made as a
first query makes it (``kg.query.sparql_cache.write_embedded``, compacted), and each canned
query run with its default parameters, three times, under the texts of ``--before`` (a git
revision) and of the working tree::

    .venv/bin/python benchmarks/bench_sparql_scale.py --source /tmp/seeds --sizes 10000,50000

Prints one table: the median seconds of each query per size, before and after.
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kg.query.sparql import query_store  # noqa: E402
from kg.query.sparql_cache import STORE_DIR, write_embedded  # noqa: E402
from kg.records import Evidence, Extraction, Mention, Paper  # noqa: E402
from kg.store.core import build, open_store  # noqa: E402

QUERIES = REPO / "queries" / "sparql"


def _shift(evidence: tuple[Evidence, ...], offset: int) -> tuple[Evidence, ...]:
    return tuple(replace(e, start=e.start + offset, end=e.end + offset) if e.field == "abstract" else e
                 for e in evidence)


def recombine(sources: list[Extraction], size: int, seed: int) -> list[Extraction]:
    """``size`` new papers from pairs of ``sources`` (see the module docstring)."""
    rng = random.Random(seed)
    out = []
    for i in range(size):
        a, b = rng.choice(sources), rng.choice(sources)
        offset = len(a.paper.abstract) + 1
        mentions = [*a.entities, *(replace(m, evidence=_shift(m.evidence, offset)) for m in b.entities)]
        mentions = [replace(m, name=f"{m.name}-{i}", aliases=()) if m.role == "proposed" and m.type == "method"
                    else m for m in mentions]
        paper = Paper(id=f"bench:{i}", title=f"{a.paper.title} ({i})", abstract=f"{a.paper.abstract} {b.paper.abstract}",
                      sources=a.paper.sources)
        out.append(Extraction(paper=paper, entities=tuple(mentions), links=a.links))
    return out


def texts(revision: str | None) -> dict[str, str]:
    """The canned queries of the working tree, or of ``revision`` (``git show``)."""
    names = sorted(p.stem for p in QUERIES.glob("*.rq"))
    if revision is None:
        return {n: (QUERIES / f"{n}.rq").read_text("utf-8") for n in names}
    return {n: subprocess.run(["git", "show", f"{revision}:queries/sparql/{n}.rq"], cwd=REPO, check=True,
                              capture_output=True, text=True).stdout for n in names}


def timed(store: object, text: str, repeat: int) -> tuple[float, int]:
    seconds, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = len(query_store(store, text)[1])  # type: ignore[arg-type]
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), rows


def bench(size: int, sources: list[Extraction], work: Path, before: dict[str, str], after: dict[str, str],
          args: argparse.Namespace) -> dict[str, tuple[float, int, float, int]]:
    import pyoxigraph as ox

    directory, embedded = work / f"store-{size}", work / f"sparql-{size}"
    if args.reuse and (embedded / STORE_DIR).is_dir():
        print(f"{size:,} papers: reusing {embedded}", flush=True)
    else:
        shutil.rmtree(embedded, ignore_errors=True)
        start = time.perf_counter()
        build(recombine(sources, size, args.seed), directory, rebuild=True)
        built = time.perf_counter() - start
        start = time.perf_counter()
        graph = open_store(directory).graph
        triples = write_embedded(embedded, graph)
        del graph
        loaded = time.perf_counter() - start
        print(f"{size:,} papers: store built in {built:.0f} s; SPARQL store of {triples:,} triples made in "
              f"{loaded:.0f} s", flush=True)
    store = ox.Store.read_only(str(embedded / STORE_DIR))
    results = {}
    for name in after:
        old = timed(store, before[name], args.repeat) if name in before else (float("nan"), 0)
        new = timed(store, after[name], args.repeat)
        results[name] = (*old, *new)
        print(f"  {name:<30} before {old[0]:8.2f} s ({old[1]} rows)   after {new[0]:8.2f} s ({new[1]} rows)",
              flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, required=True, help="a paperkg store of real abstracts")
    parser.add_argument("--sizes", default="10000", help="comma-separated numbers of papers (default: 10000)")
    parser.add_argument("--before", default=None, help="git revision of the 'before' queries (default: none)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query (the median is shown)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the stores here")
    parser.add_argument("--reuse", action="store_true", help="with --workdir: query the stores made by an earlier run")
    parser.add_argument("--skip", default="", help="comma-separated canned queries not to run (e.g. the all-pairs ones)")
    args = parser.parse_args()
    sources = list(open_store(args.source).extractions())
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    before = texts(args.before) if args.before else {}
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    after = {name: text for name, text in texts(None).items() if name not in skip}
    work = args.workdir or Path(tempfile.mkdtemp(prefix="paperkg-bench-sparql-"))
    table = {}
    try:
        for size in sizes:
            table[size] = bench(size, sources, work, before, after, args)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"{'query (median s)':<30}" + "".join(f"{f'{n:,} before':>14}{f'{n:,} after':>14}" for n in sizes))
    for name in after:
        print(f"{name:<30}" + "".join(f"{table[n][name][0]:14.2f}{table[n][name][2]:14.2f}" for n in sizes))


if __name__ == "__main__":
    main()
