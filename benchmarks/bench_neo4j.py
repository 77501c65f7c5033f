"""Benchmark the Neo4j push and the neo4j-admin bulk import on a synthetic graph of about a
million nodes plus relationships, against the test Neo4j of ``tools/neo4j-server``::

    .venv/bin/python benchmarks/bench_neo4j.py                      # ~1M elements
    .venv/bin/python benchmarks/bench_neo4j.py --papers 5000        # ~70k elements
    .venv/bin/python benchmarks/bench_neo4j.py --batch-size 500 --batch-size 2000

The graph is ``bench_rdf.synthetic_graph`` (deterministic, paperkg-shaped, one to three
evidence sentences per edge). Steps, each timed: start a fresh Neo4j (Bolt on 127.0.0.1),
``paperkg push neo4j``'s :func:`kg.export.cypher.push.push_graph` into the empty database (the
constraints first, then ``UNWIND`` batches), the same push again (every row is unchanged,
nothing is written), then ``paperkg export --format neo4j-csv`` and Neo4j's own
``neo4j-admin database import full`` of those files into a second, fresh home. Rates are
elements (nodes + relationships) per second. With several ``--batch-size`` values, each one
pushes into a freshly emptied database.
"""
from __future__ import annotations

import argparse
import re
import shlex
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tools" / "neo4j-server"))

from bench_rdf import synthetic_graph  # noqa: E402
from launcher import Neo4jServer  # noqa: E402

from kg.export.cypher.export import export_csv  # noqa: E402
from kg.export.cypher.push import DEFAULT_BATCH_SIZE, push_graph, total_rows  # noqa: E402

BENCH_JVM = ("-Xms2g", "-Xmx2g", "-XX:+UseParallelGC")
"""The server's JVM for the benchmark: a fixed 2 GB heap (the tests use 1 GB and a quick JIT)."""


def _empty(server: Neo4jServer) -> None:
    with server.driver() as driver, driver.session() as session:  # IN TRANSACTIONS needs an auto-commit run
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=73000, help="synthetic papers (73000: about 1M elements)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch-size", type=int, action="append", help=f"rows per transaction ({DEFAULT_BATCH_SIZE})")
    parser.add_argument("--pagecache", default="1g", help="the server's page cache (1g)")
    args = parser.parse_args()
    sizes = args.batch_size or [DEFAULT_BATCH_SIZE]

    start = time.perf_counter()
    graph = synthetic_graph(args.papers, args.seed)
    elements = total_rows(graph)
    print(f"graph: {graph.number_of_nodes()} nodes + {graph.number_of_edges()} relationships = {elements} elements "
          f"(generated in {time.perf_counter() - start:.1f} s)")
    rows: list[tuple[str, float, int]] = []
    with tempfile.TemporaryDirectory(prefix="bench-neo4j-") as tmp:
        env = {"PAPERKG_NEO4J_PAGECACHE": args.pagecache}
        server = Neo4jServer(Path(tmp) / "home", jvm=BENCH_JVM, env=env)
        start = time.perf_counter()
        server.start()
        print(f"Neo4j started on {server.uri} in {time.perf_counter() - start:.1f} s")
        try:
            for i, size in enumerate(sizes):
                if i:
                    _empty(server)
                with server.driver() as driver:
                    report = push_graph(graph, driver, batch_size=size, uri=server.uri)
                    rows.append((f"push, batch size {size}", report.seconds, elements))
                    print(report.summary())
            with server.driver() as driver:
                again = push_graph(graph, driver, batch_size=sizes[-1], uri=server.uri)
            rows.append((f"push again (nothing to write), batch size {sizes[-1]}", again.seconds, elements))
        finally:
            server.stop()

        csv_dir = Path(tmp) / "csv"
        start = time.perf_counter()
        export_csv(graph, csv_dir)
        rows.append(("export neo4j-csv", time.perf_counter() - start, elements))
        readme = (csv_dir / "README.md").read_text("utf-8")
        block = re.search(r"```\n(neo4j-admin database import full.*?)\n```", readme, re.S)
        assert block, "the export's README has no neo4j-admin command"
        command = shlex.split(block.group(1).replace("\\\n", " "))
        target = Neo4jServer(Path(tmp) / "import-home", env=env)
        (target.home / "conf").mkdir(parents=True)
        start = time.perf_counter()
        done = target.admin(*command[1:], cwd=csv_dir, heap="2g")
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"neo4j-admin import failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        rows.append(("neo4j-admin database import full (JVM start included)", seconds, elements))
        imported = re.search(r"Imported:\s*(\d+) nodes\s*(\d+) relationships", done.stdout)
        if imported:
            print(f"neo4j-admin imported {imported.group(1)} nodes and {imported.group(2)} relationships")

    width = max(len(r[0]) for r in rows)
    print(f"\n{'step':{width}}  {'seconds':>8}  {'elements/s':>10}")
    print(f"{'-' * width}  {'-' * 8}  {'-' * 10}")
    for step, seconds, count in rows:
        print(f"{step:{width}}  {seconds:8.1f}  {count / seconds:10,.0f}")


if __name__ == "__main__":
    main()
