"""Benchmark the store stage alone (no NLP): build a store from extraction records, add
papers to it, and read it, each step in a fresh process, with wall time and peak RSS.

The records are what ``paperkg extract`` writes (one ``Extraction`` JSON per line, e.g. the
``papers.jsonl`` that ``benchmarks/bench_scale.py --workdir DIR`` keeps); the last
``--added`` of them are held back and added to the built store as the incremental step::

    .venv/bin/python benchmarks/bench_store.py /tmp/w/10000/papers.jsonl
    PYTHONPATH=/path/to/older/checkout .venv/bin/python benchmarks/bench_store.py FILE  # "before"

Steps: build (all but the held-back records, from scratch), stats, show (the name with most
papers), build +N (the held-back records), export json. A step that the code under test does
not have is reported as "n/a".
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_READ = ("import json, sys\nfrom kg.records import Extraction\n"
         "def records(path, lo, hi):\n"
         "    with open(path, encoding='utf-8') as handle:\n"
         "        for i, line in enumerate(handle):\n"
         "            if lo <= i < hi:\n"
         "                yield Extraction.from_dict(json.loads(line))\n")
STEPS = {
    "build": _READ + "from kg.store.core import build\nbuild(records(sys.argv[1], 0, int(sys.argv[3])), sys.argv[2])\n",
    "stats": "import sys\nfrom kg.store.core import open_store\nprint(open_store(sys.argv[2]).stats()['papers'])\n",
    "show": ("import sys\nfrom kg.store.core import open_store\nfrom kg.graph.build import describe, find_entities\n"
             "store = open_store(sys.argv[2]); name = store.stats()['top']['Method'][0][0]\n"
             "graph = store.neighbourhood(name) if hasattr(store, 'neighbourhood') else store.graph\n"
             "print([describe(graph, n)['id'] for n in find_entities(graph, name)])\n"),
    "build +added": _READ + ("from kg.store.core import build\n"
                             "build(records(sys.argv[1], int(sys.argv[3]), 10**12), sys.argv[2])\n"),
    "export json": ("import sys\nfrom kg.store.core import export_json, open_store\n"
                    "export_json(open_store(sys.argv[2]), sys.argv[2] + '.json')\n"),
}


def run(code: str, args: list[str], cwd: str) -> tuple[float, float, bool]:
    start = time.perf_counter()
    # ``-c`` puts the working directory first on sys.path: run where no ``kg`` package is,
    # so PYTHONPATH decides which code is measured
    process = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.DEVNULL, cwd=cwd)
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status) == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("records", type=Path, help="extraction records (JSON Lines)")
    parser.add_argument("--added", type=int, default=100, help="records held back and added last")
    args = parser.parse_args()
    with args.records.open(encoding="utf-8") as handle:
        total = sum(1 for line in handle if line.strip())
    base = total - args.added
    import kg

    print(f"kg from {Path(kg.__file__).parent}; {base:,} + {args.added} papers", flush=True)
    with tempfile.TemporaryDirectory(prefix="paperkg-bench-store-") as tmp:
        store = str(Path(tmp) / "store")
        for name, code in STEPS.items():
            seconds, peak, ok = run(code, [str(args.records.resolve()), store, str(base)], tmp)
            print(f"{name:<14} {seconds:9.1f} s {peak:8.0f} MiB{'' if ok else '  FAILED'}", flush=True)


if __name__ == "__main__":
    main()
