"""Time the reads of a built store as a user runs them: ``stats``, ``show``, the making of the
embedded SPARQL and Cypher caches, and every canned query, its old text beside the new.

The store is copied (its caches are made in the copy) and every step runs in a fresh process
with this checkout's paperkg: wall time and peak RSS (``os.wait4``) of ``stats``, ``show NAME``
and of making each cache (the first query); then each canned query, with its default
parameters, under its text at git revision ``--before`` and under the working tree's text, on
the same caches (so both columns see the same machine load): ``--repeat`` runs after one
warm-up, median seconds of opening the store and running the query as ``paperkg query`` does,
with the row count and a digest of the rows, so "same rows" can be read off the table::

    .venv/bin/python benchmarks/bench_queries.py /tmp/w/10000/store --before 0f53740
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD_QUERIES = r"""
import hashlib, json, statistics, sys, time
from kg.query.cypher import run_cypher
from kg.query.sparql import run_sparql
store, repeat, texts = sys.argv[1], int(sys.argv[2]), json.load(open(sys.argv[3]))
out = {}
for key, versions in texts.items():
    run = run_sparql if key.endswith("sparql") else run_cypher
    cells = []
    for text in versions:
        if text is None:
            cells.append(None)
            continue
        rows = run(store, text)[1]  # warm-up (and the cache, if it was not made yet)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            rows = run(store, text)[1]
            times.append(time.perf_counter() - start)
        digest = hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()[:8]
        cells.append([statistics.median(times), len(rows), digest])
    out[key] = cells
print(json.dumps(out))
"""
CHILD_CACHE = r"""
import sys
from kg.api import run_query
run_query(sys.argv[1], sys.argv[2])
"""
LANGUAGES = (("sparql", ".rq"), ("cypher", ".cypher"))


def timed(argv: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB and stdout of ``argv`` run to the end."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        text, errors = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{errors[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, text


def texts(before: str) -> dict[str, list[str | None]]:
    """``"name language"`` -> [the query text at git revision ``before`` (None: no such
    query then), the text in the working tree], for every canned query of the working tree."""
    out: dict[str, list[str | None]] = {}
    for language, suffix in LANGUAGES:
        for path in sorted((REPO / "queries" / language).glob(f"*{suffix}")):
            old = subprocess.run(["git", "-C", str(REPO), "show", f"{before}:queries/{language}/{path.name}"],
                                 capture_output=True, text=True)
            out[f"{path.stem} {language}"] = [old.stdout if old.returncode == 0 else None, path.read_text("utf-8")]
    return out


def measure(store: Path, name: str, repeat: int, before: str, scratch: Path) -> list[tuple[str, str, str]]:
    """``(step, before, after)`` cells: the reads of this checkout's paperkg, and each canned
    query's text at ``before`` beside the working tree's, on the same caches."""
    python = sys.executable
    cli = str(Path(python).parent / "paperkg")
    cells: list[tuple[str, str, str]] = []
    for label, argv in (("stats", [cli, "stats", str(store)]), (f"show {name}", [cli, "show", str(store), name])):
        seconds, peak, _ = timed(argv)
        cells.append((label, "", f"{seconds:.2f} s {peak:.0f} MiB"))
    for label, query in (("make SPARQL cache", "top-methods.rq"), ("make Cypher cache", "top-methods.cypher")):
        seconds, peak, _ = timed([python, "-c", CHILD_CACHE, str(store), query])
        cells.append((label, "", f"{seconds:.1f} s {peak:.0f} MiB"))
    given = scratch / "texts.json"
    given.write_text(json.dumps(texts(before)), "utf-8")
    _, _, text = timed([python, "-c", CHILD_QUERIES, str(store), str(repeat), str(given)])
    for query, versions in json.loads(text.strip().splitlines()[-1]).items():
        shown = ["-" if v is None else f"{v[0]:.3f} s {v[1]:>3} rows {v[2]}" for v in versions]
        cells.append((query, shown[0], shown[1]))
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path, help="a built store directory (copied; never changed)")
    parser.add_argument("--before", default="0f53740", help="git revision of the old query texts (default: 0f53740)")
    parser.add_argument("--show", default="BERT", help="the name `show` looks up (default: BERT)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None, help="where the copy goes (default: a temporary directory)")
    parser.add_argument("--in-place", action="store_true",
                        help="use the store itself, not a copy (its caches are made only if missing or stale)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="paperkg-bench-queries-", dir=args.workdir))
    try:
        copy = args.store if args.in_place else root / "store"
        if not args.in_place:
            shutil.copytree(args.store, copy, ignore=shutil.ignore_patterns("cache", ".*"))
        cells = measure(copy, args.show, args.repeat, args.before, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    width = max(len(c[0]) for c in cells) + 2
    print(f"{'step':<{width}}{'query text at ' + args.before:>34}{'working tree':>34}")
    for step, old, new in cells:
        print(f"{step:<{width}}{old:>34}{new:>34}")


if __name__ == "__main__":
    main()
