"""Time the reads of a built store as a user runs them: ``stats``, ``show``, the making of the
embedded SPARQL and Cypher caches, and every canned query on each, old code beside new.

Each ``--python`` is an interpreter with a paperkg installed (this checkout's ``.venv/bin/python``,
an older checkout's for the "before" column). Every one works on its own copy of the store
(caches are stamped with the code that made them, so two versions must not share one), and
every step runs in a fresh process: wall time and peak RSS (``os.wait4``) of ``stats`` and
``show NAME``, of making each cache (the first query), then each canned query of that
interpreter's ``queries/`` with its default parameters, ``--repeat`` times in one process after
one warm-up run (median seconds: store opened and query run, as ``paperkg query`` does), with
the row count and a digest of the rows, so "same rows" can be read off the table::

    .venv/bin/python benchmarks/bench_queries.py /tmp/w/10000/store \\
        --python /work/base0/.venv/bin/python --python .venv/bin/python
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

CHILD_QUERIES = r"""
import hashlib, json, statistics, sys, time
from kg.api import run_query
from kg.query.files import CYPHER, SPARQL, canned
store, repeat = sys.argv[1], int(sys.argv[2])
out = {}
for lang in (SPARQL, CYPHER):
    for name in canned(lang):
        query = name + lang.suffix
        result = run_query(store, query)  # warm-up (and the cache, if it was not made yet)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            result = run_query(store, query)
            times.append(time.perf_counter() - start)
        digest = hashlib.sha256(json.dumps(result.rows, sort_keys=True, default=str).encode()).hexdigest()[:8]
        out[f"{name} {lang.name}"] = [statistics.median(times), len(result.rows), digest]
print(json.dumps(out))
"""
CHILD_CACHE = r"""
import sys
from kg.api import run_query
run_query(sys.argv[1], sys.argv[2])
"""


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


def measure(python: str, store: Path, name: str, repeat: int) -> dict[str, str]:
    cli = str(Path(python).parent / "paperkg")
    cells: dict[str, str] = {}
    for label, argv in (("stats", [cli, "stats", str(store)]), (f"show {name}", [cli, "show", str(store), name])):
        seconds, peak, _ = timed(argv)
        cells[label] = f"{seconds:.2f} s {peak:.0f} MiB"
    for label, query in (("make SPARQL cache", "top-methods.rq"), ("make Cypher cache", "top-methods.cypher")):
        seconds, peak, _ = timed([python, "-c", CHILD_CACHE, str(store), query])
        cells[label] = f"{seconds:.1f} s {peak:.0f} MiB"
    _, _, text = timed([python, "-c", CHILD_QUERIES, str(store), str(repeat)])
    for query, (seconds, rows, digest) in json.loads(text.strip().splitlines()[-1]).items():
        cells[query] = f"{seconds:.3f} s {rows:>3} rows {digest}"
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path, help="a built store directory (copied; never changed)")
    parser.add_argument("--python", action="append", required=True, help="an interpreter with paperkg (repeatable)")
    parser.add_argument("--show", default="BERT", help="the name `show` looks up (default: BERT)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None, help="where the copies go (default: a temporary directory)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="paperkg-bench-queries-", dir=args.workdir))
    columns = []
    try:
        for i, python in enumerate(args.python):
            copy = root / f"store{i}"
            shutil.copytree(args.store, copy, ignore=shutil.ignore_patterns("cache", ".*"))
            columns.append(measure(python, copy, args.show, args.repeat))
            shutil.rmtree(copy, ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    names = list(dict.fromkeys(k for cells in columns for k in cells))
    width = max(len(n) for n in names) + 2
    print(f"{'step':<{width}}" + "".join(f"{p[-36:]:>38}" for p in args.python))
    for name in names:
        print(f"{name:<{width}}" + "".join(f"{cells.get(name, '-'):>38}" for cells in columns))


if __name__ == "__main__":
    main()
