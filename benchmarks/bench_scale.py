"""Benchmark paperkg end to end at corpus sizes a user would reach, as a user runs it.

For each size N it writes a corpus of N papers made from real abstracts, then runs each step
in a fresh ``paperkg`` process and records its wall time and peak RSS (``os.wait4``):

    extract -> build -> stats -> export nt -> export neo4j-csv -> SPARQL top-methods (twice:
    the first run makes the query cache) -> Cypher top-methods (twice) -> build +100 new papers

``build`` extracts again (it does not read ``extract``'s output), so "build" includes the
extraction time measured by "extract". It prints one table with every size and a projection
to 576,000 papers (Papers with Code's size): time scaled from the largest size, memory on
the least-squares line through the sizes::

    .venv/bin/python benchmarks/bench_scale.py                          # 2,000 papers
    .venv/bin/python benchmarks/bench_scale.py --sizes 10000,50000,100000 --workers 2
    .venv/bin/python benchmarks/bench_scale.py --sizes 10000 --from-records 2000   # no NLP at size N

The corpus: sentences of ``../shared/corpora/unlabeled-*`` and ``../shared/seeds`` abstracts
(read at run time; nothing is copied into the project), recombined into abstracts of 4 to 8
sentences under unique titles, deterministically (``--seed``). Titles are real titles with a
number appended, so each paper is a new paper to the resolver.

``--build-only RECORDS`` measures the build stage alone at sizes extraction cannot reach here:
it reuses one extraction (``RECORDS``, e.g. the ``papers.jsonl`` a ``--workdir`` run keeps)
and recombines its records under unique paper ids (copy k of a record is paper
``<id>~k``; in copies after the first a "proposed" mention becomes "used": one paper
proposes a method, the others use it), then times ``build`` of N - 100 papers from scratch
and ``build`` of the last 100 into that store, each in a fresh process::

    .venv/bin/python benchmarks/bench_scale.py --build-only /tmp/w/10000/papers.jsonl --sizes 10000,50000,100000

``--from-records B`` skips the extraction of N papers (to measure the stages after it at sizes
where extraction alone would take hours on a shared machine): it extracts B papers of the
corpus once, then builds the store from N extraction records recombined from those B —
record ``i`` is record ``i mod B`` under a new paper id and a numbered title, its mentions,
evidence and links unchanged — and adds 100 more such records as the incremental step. The
output says so; the entity vocabulary is then that of the B real abstracts.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PWC_PAPERS = 576_000
ADDED = 100
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@dataclass
class Step:
    name: str
    seconds: float
    peak_mib: float
    ok: bool
    cpu_s: float = 0.0  # user + system CPU of the step's process and its worker processes
    load: float = 0.0  # 1-minute load average when the step ended (other users of the machine)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) > 20]


def _read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def real_text(shared: Path) -> tuple[list[str], list[str]]:
    """(titles, sentences) of the real abstracts under ``shared``."""
    titles: list[str] = []
    sentences: list[str] = []
    for path in sorted(shared.glob("corpora/unlabeled-*/*.jsonl")):
        for record in _read_jsonl(path):
            items = record.get("sentences") or record.get("source") or []
            sentences.extend(s.strip() for s in items if isinstance(s, str) and len(s.strip()) > 20)
    for path in sorted(shared.glob("corpora/unlabeled-*/*.json")):
        for record in json.loads(path.read_text("utf-8")):
            if isinstance(record, dict):
                if record.get("title"):
                    titles.append(str(record["title"]).strip())
                sentences.extend(_sentences(str(record.get("abstract") or "")))
    seeds = sorted(str(p) for p in shared.glob("seeds/*.txt"))
    if seeds:
        sys.path.insert(0, str(REPO))
        from kg.ingest import read_papers

        for paper in read_papers(seeds):
            titles.append(paper.title)
            sentences.extend(_sentences(paper.abstract or ""))
    if not titles or not sentences:
        raise SystemExit(f"bench_scale: no abstracts found under {shared} (corpora/unlabeled-*, seeds)")
    return titles, list(dict.fromkeys(sentences))


def write_corpus(path: Path, start: int, count: int, titles: list[str], sentences: list[str], seed: int) -> None:
    """``count`` papers numbered from ``start`` as JSON Lines {title, abstract}."""
    rng = random.Random(seed * 1_000_003 + start)
    with path.open("w", encoding="utf-8") as handle:
        for number in range(start, start + count):
            abstract = " ".join(rng.sample(sentences, rng.randint(4, 8)))
            title = f"{rng.choice(titles)} {number}"
            handle.write(json.dumps({"title": title, "abstract": abstract}, ensure_ascii=False) + "\n")


def run(name: str, argv: list[str], log: Path, cwd: Path | None = None,
        env: dict[str, str] | None = None) -> Step:
    """Run ``argv`` in a fresh process (in ``cwd``: ``python -c`` imports from there first;
    with ``env`` if given); its wall time and peak RSS."""
    start = time.perf_counter()
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(argv)}\n")
        out.flush()
        process = subprocess.Popen(argv, stdout=out, stderr=out, cwd=cwd, env=env)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    # wait4's usage covers the child and the processes it waited for (its extraction workers)
    return Step(name, seconds, usage.ru_maxrss / 1024, process.returncode == 0,
                usage.ru_utime + usage.ru_stime, os.getloadavg()[0])


_BUILD_FROM_RECORDS = """import json, sys
from dataclasses import replace
from kg.records import Extraction
from kg.store.core import build
def records(path, start, count):
    with open(path, encoding='utf-8') as handle:
        base = [line for line in handle if line.strip()]
    for number in range(start, start + count):
        ext = Extraction.from_dict(json.loads(base[number % len(base)]))
        paper = replace(ext.paper, id=f"bench:{number}", title=f"{ext.paper.title} {number}")
        yield replace(ext, paper=paper)
build(records(sys.argv[1], int(sys.argv[3]), int(sys.argv[4])), sys.argv[2])
"""


def bench(size: int, work: Path, titles: list[str], sentences: list[str], args: argparse.Namespace) -> list[Step]:
    paperkg = str(Path(sys.executable).with_name("paperkg"))
    work.mkdir(parents=True, exist_ok=True)
    if args.from_records:
        return bench_records(size, work, titles, sentences, args)
    corpus, added, store = work / "corpus.jsonl", work / "added.jsonl", work / "store"
    write_corpus(corpus, 0, size, titles, sentences, args.seed)
    write_corpus(added, size, ADDED, titles, sentences, args.seed)
    workers = ["--workers", str(args.workers)]
    log = work / "log.txt"
    extract = ("extract", [paperkg, "extract", str(corpus), "-o", str(work / "papers.jsonl"), *workers])
    if args.extract_only:
        return run_steps(size, [extract], log)
    steps = [
        extract,
        ("build (extract + build)", [paperkg, "build", str(corpus), "-o", str(store), "--rebuild", *workers]),
        *downstream(paperkg, work, store),
        (f"build +{ADDED} papers", [paperkg, "build", str(added), "-o", str(store), *workers]),
    ]
    return run_steps(size, steps, log)


def downstream(paperkg: str, work: Path, store: Path) -> list[tuple[str, list[str]]]:
    """The steps after the build: read, export and query the store."""
    return [
        ("stats", [paperkg, "stats", str(store)]),
        ("export nt (summary)", [paperkg, "export", str(store), "--format", "nt", "-o", str(work / "graph.nt")]),
        ("export neo4j-csv", [paperkg, "export", str(store), "--format", "neo4j-csv", "-o", str(work / "csv")]),
        # the first query of each language makes its cache (kg.store.cache); the second runs on it
        ("SPARQL top-methods", [paperkg, "query", str(store), str(REPO / "queries/sparql/top-methods.rq")]),
        ("SPARQL top-methods again", [paperkg, "query", str(store), str(REPO / "queries/sparql/top-methods.rq")]),
        ("Cypher top-methods", [paperkg, "query", str(store), str(REPO / "queries/cypher/top-methods.cypher")]),
        ("Cypher top-methods again", [paperkg, "query", str(store), str(REPO / "queries/cypher/top-methods.cypher")]),
    ]


def bench_records(size: int, work: Path, titles: list[str], sentences: list[str],
                  args: argparse.Namespace) -> list[Step]:
    """``--from-records``: extract B papers once, build from N recombined records (module doc)."""
    paperkg = str(Path(sys.executable).with_name("paperkg"))
    corpus, records, store = work / "base-corpus.jsonl", work / "base-records.jsonl", work / "store"
    write_corpus(corpus, 0, args.from_records, titles, sentences, args.seed)
    log = work / "log.txt"
    print(f"  {size:>7} papers: built from {args.from_records} extracted records recombined under new ids "
          f"(extraction of {size} papers not run)", flush=True)
    build = [sys.executable, "-c", _BUILD_FROM_RECORDS, str(records), str(store)]
    steps = [
        (f"extract {args.from_records} (base)", [paperkg, "extract", str(corpus), "-o", str(records),
                                                 "--workers", str(args.workers)]),
        ("build (from records)", [*build, "0", str(size)]),
    ]
    results = run_steps(size, steps, log)
    if args.baseline:
        # the same store, read by the baseline's paperkg (before) and by this one (after), step by step
        before_dir = work / "before"
        shutil.rmtree(before_dir, ignore_errors=True)
        before_dir.mkdir()
        shutil.copytree(store, before_dir / "store", ignore=shutil.ignore_patterns("cache"))
        before = downstream(str(Path(args.baseline).with_name("paperkg")), before_dir, before_dir / "store")
        for (name, argv_before), (_, argv_after) in zip(before, downstream(paperkg, work, store)):
            results += run_steps(size, [(f"{name} [before]", argv_before), (f"{name} [after]", argv_after)], log)
    else:
        results += run_steps(size, downstream(paperkg, work, store), log)
    results += run_steps(size, [(f"build +{ADDED} (records)", [*build, str(size), str(ADDED)])], log)
    return results


def run_steps(size: int, steps: list[tuple[str, list[str]]], log: Path) -> list[Step]:
    results = []
    for name, argv in steps:
        results.append(run(name, argv, log))
        print(f"  {size:>7} papers  {name:<26} {results[-1].seconds:9.1f} s {results[-1].peak_mib:8.0f} MiB"
              f" {results[-1].cpu_s:9.1f} CPU s  load {results[-1].load:4.1f}"
              f"{'' if results[-1].ok else '  FAILED (see ' + str(log) + ')'}", flush=True)
    return results


BUILD = ("import json, sys\nfrom kg.records import Extraction\nfrom kg.store.core import build\n"
         "def records(path):\n"
         "    with open(path, encoding='utf-8') as handle:\n"
         "        for line in handle:\n"
         "            yield Extraction.from_dict(json.loads(line))\n"
         "print(build(records(sys.argv[1]), sys.argv[2]))\n")


def recombined(source: Path, out: Path, start: int, count: int) -> None:
    """Records ``start`` .. ``start + count`` of the endless recombination of ``source``."""
    with source.open(encoding="utf-8") as handle:
        base = [line for line in handle if line.strip()]
    with out.open("w", encoding="utf-8") as handle:
        for n in range(start, start + count):
            copy, record = divmod(n, len(base))
            data = json.loads(base[record])
            if copy:
                data["paper"]["id"] = f"{data['paper']['id']}~{copy}"
                data["paper"]["title"] = f"{data['paper']['title']} ({copy})"
                for mention in data["entities"]:
                    if mention.get("role") == "proposed":
                        mention["role"] = "used"
            handle.write(json.dumps(data, ensure_ascii=False) + "\n")


def bench_build(size: int, work: Path, records: Path, baseline: str | None = None) -> list[Step]:
    """Build N - 100 recombined records from scratch, then add the last 100; with
    ``baseline`` (another checkout's interpreter) the same two builds into a second store
    with it, each step right after this tree's (side by side, under the same load)."""
    work = work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    corpus, added, log = work / "records.jsonl", work / "added.jsonl", work / "log.txt"
    recombined(records, corpus, 0, size - ADDED)
    recombined(records, added, size - ADDED, ADDED)
    trees: list[tuple[str, str, Path, dict[str, str] | None]] = [("", sys.executable, work / "store", None)]
    if baseline:  # its own packages only (not this tree's PYTHONPATH, if any)
        own = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        trees.insert(0, ("before: ", baseline, work / "store-before", own))
    results = []
    for name, path in (("build (no NLP)", corpus), (f"build +{ADDED} papers", added)):
        for label, python, store, env in trees:
            results.append(run(label + name, [python, "-c", BUILD, str(path), str(store)], log, cwd=work, env=env))
            print(f"  {size:>7} papers  {results[-1].name:<26} {results[-1].seconds:9.1f} s "
                  f"{results[-1].peak_mib:8.0f} MiB {results[-1].cpu_s:9.1f} s CPU"
                  f"{'' if results[-1].ok else '  FAILED (see ' + str(log) + ')'}", flush=True)
    for i, (label, *_) in enumerate(trees):
        full, step = results[i], results[i + len(trees)]
        print(f"  {size:>7} papers  {label}+{ADDED} = {100 * step.seconds / full.seconds:.1f}% of the build "
              f"({100 * step.cpu_s / max(full.cpu_s, 1e-9):.1f}% of its CPU time)", flush=True)
    return results


def fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least-squares ``a + b * n`` through ``points`` (through the origin for one point)."""
    if len(points) == 1:
        return 0.0, points[0][1] / points[0][0]
    mean_n = sum(n for n, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    slope = sum((n - mean_n) * (y - mean_y) for n, y in points) / sum((n - mean_n) ** 2 for n, _ in points)
    return mean_y - slope * mean_n, slope


def project(table: dict[int, list[Step]], sizes: list[int], i: int, largest: int) -> str:
    seconds = table[largest][i].seconds * PWC_PAPERS / largest
    if len(sizes) < 2:
        return f"{seconds:13.0f}{'-':>13}"
    intercept, slope = fit([(n, table[n][i].peak_mib) for n in sizes])
    peak = max(intercept + slope * PWC_PAPERS, table[largest][i].peak_mib)
    return f"{seconds:13.0f}{peak:13.0f}"


def projection(steps: list[Step], size: int, workers: int) -> str:
    """576,000 papers, extraction included, with ``workers`` processes on this machine: from
    the wall times as measured (under whatever load there was) and from the CPU seconds
    (what the same work takes when the machine's cores are free), with the formula."""
    by_name = {step.name: step for step in steps}
    extract = by_name.get("extract")
    if extract is None or not extract.ok:
        return "576k projection: needs a measured extract step (not --build-only / --from-records)"
    cores = os.cpu_count() or 1
    used = max(1, min(workers, cores))
    scale = PWC_PAPERS / size
    lines = [f"576,000-paper projection from {size:,} papers, --workers {workers} on {cores} cores "
             f"(scale = 576,000 / {size:,} = {scale:.1f}):",
             f"  extraction: {size / extract.seconds:6.1f} papers/s wall (load {extract.load:.1f}), "
             f"{extract.cpu_s / size * 1000:.2f} ms CPU per paper"]
    wall_x = extract.seconds * scale
    cpu_x = extract.cpu_s * scale / used
    lines.append(f"    as measured:  t_extract x scale = {extract.seconds:.1f} s x {scale:.1f} = {wall_x / 3600:.2f} h")
    lines.append(f"    cores free:   CPU_extract x scale / min(workers, cores) = {extract.cpu_s:.1f} s x {scale:.1f} "
                 f"/ {used} = {cpu_x / 3600:.2f} h ({size * used / extract.cpu_s:.0f} papers/s)")
    build = by_name.get("build (extract + build)")
    if build is None or not build.ok:
        lines.append("  build: not measured here (bench_scale.py --build-only RECORDS measures it alone)")
        return "\n".join(lines)
    # "build" extracts again: the build stage alone is the difference; it runs in one process
    wall_b = max(build.seconds - extract.seconds, 0.0) * scale
    cpu_b = max(build.cpu_s - extract.cpu_s, 0.0) * scale
    lines.append(f"  build stage (serial, in the writing process): t_build - t_extract = {build.seconds:.1f} - "
                 f"{extract.seconds:.1f} s wall, CPU_build - CPU_extract = {build.cpu_s:.1f} - {extract.cpu_s:.1f} s")
    lines.append(f"    as measured:  (t_build - t_extract) x scale = {wall_b / 3600:.2f} h;  "
                 f"cores free: (CPU_build - CPU_extract) x scale = {cpu_b / 3600:.2f} h")
    lines.append(f"  total (extraction + build, no overlap assumed): as measured {(wall_x + wall_b) / 3600:.2f} h, "
                 f"cores free {(cpu_x + cpu_b) / 3600:.2f} h (target < 2 h); CPU seconds measured under load "
                 "run high (shared caches, switches), so 'cores free' errs long")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000", help="comma-separated corpus sizes (default: 2000)")
    parser.add_argument("--workers", type=int, default=1, help="extraction worker processes")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shared", type=Path, default=SHARED, help="where corpora/ and seeds/ are")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the corpora and stores here")
    parser.add_argument("--build-only", type=Path, default=None, metavar="RECORDS",
                        help="time the build stage alone on recombined copies of these extraction records")
    parser.add_argument("--from-records", type=int, default=0, metavar="B",
                        help="extract B papers once and build each size from recombined records (no NLP at size N)")
    parser.add_argument("--extract-only", action="store_true",
                        help="run only the extract step at each size (its rate feeds the 576k projection)")
    parser.add_argument("--baseline", default=None, metavar="PYTHON",
                        help="with --from-records: also run the read/export/query steps with the paperkg beside "
                             "this interpreter (e.g. an older checkout's .venv/bin/python), on a copy of the store; "
                             "with --build-only: also time both builds with it, each beside this tree's")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    root = args.workdir or Path(tempfile.mkdtemp(prefix="paperkg-bench-scale-"))
    table: dict[int, list[Step]] = {}
    if args.build_only:
        print(f"build stage only: records of {args.build_only} recombined under unique paper ids "
              f"(extraction streams and is measured separately); {os.cpu_count()} CPUs", flush=True)
    else:
        titles, sentences = real_text(args.shared)
        print(f"{len(sentences)} real sentences, {len(titles)} real titles; workers={args.workers}, "
              f"{os.cpu_count()} CPUs", flush=True)
    try:
        for size in sizes:
            table[size] = (bench_build(size, root / str(size), args.build_only, args.baseline) if args.build_only
                           else bench(size, root / str(size), titles, sentences, args))
    finally:
        if args.workdir is None:
            shutil.rmtree(root, ignore_errors=True)
    names = [step.name for step in next(iter(table.values()))]
    largest = max(sizes)
    print()
    print(f"{'step':<26}" + "".join(f"{f'{n:,} papers':>24}" for n in sizes) + f"{'576,000 (projected)':>26}")
    print(f"{'':<26}" + "".join(f"{'s':>12}{'MiB':>12}" for _ in sizes) + f"{'s':>13}{'MiB':>13}")
    for i, name in enumerate(names):
        cells = "".join(f"{table[n][i].seconds:12.1f}{table[n][i].peak_mib:12.0f}" for n in sizes)
        print(f"{name:<26}{cells}{project(table, sizes, i, largest)}")
    print(f"projected: time scaled linearly from {largest:,} papers (fixed start-up costs included, so an "
          "upper bound for a linear step); memory on the least-squares line through all sizes "
          "(needs two sizes; never below the largest measured)")
    print(projection(table[largest], largest, args.workers))
    failed = [f"{n}: {s.name}" for n in sizes for s in table[n] if not s.ok]
    if failed:
        print(f"FAILED steps: {', '.join(failed)}")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
