"""Parallel extraction, side by side in one run: one process, ``--workers N`` as it was
(spaCy's ``nlp.pipe(n_process=N)``, which ships every Doc back serialized), ``--workers N``
now (a process pool returning Extractions) and, with ``--dask``, ``--engine dask`` on a
LocalCluster of N workers (cluster start-up included).

Each measurement runs in its own fresh Python process, the modes alternate, and the median
of ``--repeat`` runs is reported with the CPU seconds spent (this process + its worker
processes, the LocalCluster's too). Every mode must
give the same Extractions (checked by hash)::

    .venv/bin/python benchmarks/bench_parallel.py CORPUS.jsonl --workers 2 --repeat 3 --dask

A corpus of real abstracts: ``benchmarks/bench_scale.py`` writes one (``write_corpus``).

Run it on a quiet machine: with ``sched_autogroup`` on (Linux desktops and shared hosts),
all processes of one session share one CPU weight, so while other sessions keep the cores
busy N workers get no more CPU than one process, and only the CPU columns compare.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

CHILD = r"""
import hashlib, json, os, resource, sys, time
mode, workers, inputs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
digest = hashlib.sha256()
t0 = time.perf_counter()
n = 0
if mode == "n_process":  # how --workers ran before: spaCy ships each Doc back to the parent
    from kg.api import _nlp, components_without
    from kg.extract.pipeline import DEFAULT_MODEL, to_extraction
    from kg.ingest import read_papers
    from extractors.components import paper_text
    nlp = _nlp(DEFAULT_MODEL, (), None)
    pairs = ((paper_text(p.title, p.abstract), p) for p in read_papers(inputs))
    for doc, paper in nlp.pipe(pairs, as_tuples=True, batch_size=64, n_process=workers):
        x = to_extraction(paper, doc._.paperkg_entities or [], doc._.paperkg_links or [])
        digest.update(json.dumps(x.to_dict(), sort_keys=True).encode()); n += 1
else:
    from kg.api import extract_papers
    engine = "dask" if mode == "dask" else "local"
    for x in extract_papers(inputs, workers=workers, engine=engine):
        digest.update(json.dumps(x.to_dict(), sort_keys=True).encode()); n += 1
wall = time.perf_counter() - t0
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
print(json.dumps({"n": n, "wall_s": wall, "cpu_s": cpu, "parent_cpu_s": me.ru_utime + me.ru_stime,
                  "sha": digest.hexdigest()[:12]}))
"""


def run(mode: str, workers: int, inputs: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(workers), *inputs], capture_output=True,
                         text=True, check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dask", action="store_true", help="also measure --engine dask (local cluster)")
    args = parser.parse_args()
    n = args.workers
    modes = [("1 process", "local", 1), (f"n_process={n} (before)", "n_process", n),
             (f"--workers {n} (now)", "local", n)]
    if args.dask:
        modes.append((f"--engine dask, {n} workers", "dask", n))
    runs: dict[str, list[dict]] = {label: [] for label, _, _ in modes}
    for _ in range(args.repeat):
        for label, mode, workers in modes:
            runs[label].append(run(mode, workers, args.inputs))
            print(f"  {label}: {runs[label][-1]}", file=sys.stderr)
    base = statistics.median(r["wall_s"] for r in runs[modes[0][0]])
    print(f"{'mode':28s} {'papers':>7s} {'wall s':>8s} {'papers/s':>9s} {'speed-up':>9s} "
          f"{'CPU s':>7s} {'parent CPU s':>13s} {'output':>13s}")
    for label, mode, _ in modes:
        rs = runs[label]
        wall = statistics.median(r["wall_s"] for r in rs)
        cpu = f"{statistics.median(r['cpu_s'] for r in rs):.1f}"
        parent = statistics.median(r["parent_cpu_s"] for r in rs)
        shas = {r["sha"] for r in rs}
        print(f"{label:28s} {rs[0]['n']:7d} {wall:8.1f} {rs[0]['n'] / wall:9.1f} {base / wall:8.2f}x "
              f"{cpu:>7s} {parent:13.1f} {','.join(sorted(shas)):>13s}")
    print(f"load average after the run (other users of the machine): {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    all_shas = {r["sha"] for rs in runs.values() for r in rs}
    print("same output in every mode" if len(all_shas) == 1 else f"OUTPUTS DIFFER: {sorted(all_shas)}")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"benchmark wall time {time.perf_counter() - started:.0f} s", file=sys.stderr)
