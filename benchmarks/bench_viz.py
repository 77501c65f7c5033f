"""Size and writing time of the HTML view and the PNG on a large synthetic graph.

    .venv/bin/python benchmarks/bench_viz.py --papers 26000

The graph is made like bench_serve.py's (synthetic extraction records with real offsets,
resolved and built by the real builder; no NLP). Prints the graph's size, then for the
HTML page (whole graph: above kg.export.viz.NODE_BUDGET nodes the most connected part, with the
overview) and the default PNG the seconds to write and the file size.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_serve import synthetic  # noqa: E402

from kg.graph.build import build_graph  # noqa: E402
from kg.resolve.resolver import resolve  # noqa: E402
from kg.export.viz import visualize  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=26000)
    args = parser.parse_args()
    started = time.perf_counter()
    records = synthetic(args.papers)
    graph = build_graph(records, resolve(records))
    print(f"graph: {args.papers:,} papers, {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges "
          f"(made in {time.perf_counter() - started:.1f} s)")
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("graph.html", "graph.png"):
            path = Path(tmp) / name
            started = time.perf_counter()
            drawn = visualize(graph, path, title="synthetic")
            print(f"{name:11s} {time.perf_counter() - started:6.1f} s  {path.stat().st_size / 1e6:7.2f} MB  "
                  f"({drawn['nodes']:,} nodes, {drawn['edges']:,} edges drawn)")


if __name__ == "__main__":
    main()
