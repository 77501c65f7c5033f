"""Latency of ``paperkg serve`` on a large synthetic store, over real HTTP on 127.0.0.1.

    .venv/bin/python benchmarks/bench_serve.py --papers 50000 [--dir /tmp/bench-serve-50000]

The store is made from synthetic extraction records (no NLP): every paper proposes a new
method in most cases, uses methods and evaluates on datasets drawn with a Zipf-like skew
(so there are hubs in thousands of papers, the worst case for an entity page), addresses
a task, reports a metric, and sometimes links code; every evidence span has real offsets.
It is built with the real store builder (resolution + graph) once and reused. Then the app
is started with uvicorn in a thread and each kind of page is timed: search (exact names,
prefixes, substrings, title words), entity pages of the biggest hubs and of random
entities, paper pages and neighbourhood JSON. Prints start-up time and p50/p95/max per kind.
"""
from __future__ import annotations

import argparse
import random
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from kg.records import Evidence, Extraction, Link, Mention, Paper, Source

SYLLABLES = ("ra", "ko", "zen", "vi", "tor", "mar", "lu", "sa", "den", "qui", "fal", "or", "nex", "pi", "gru")


def name(rng: random.Random, prefix: str = "") -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return f"{prefix}{word}-{rng.randint(1, 99)}"


def zipf(rng: random.Random, items: list[str]) -> str:
    # index ~ 1/rank popularity: a few items in thousands of papers, most in a handful
    return items[min(len(items) - 1, int(len(items) ** rng.random()) - 1)]


def synthetic(papers: int, seed: int = 7) -> list[Extraction]:
    rng = random.Random(seed)
    methods = sorted({name(rng) for _ in range(3000)})
    datasets = sorted({name(rng, "DS") for _ in range(800)})
    tasks = sorted({f"{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)} {rng.choice(('detection', 'generation', 'retrieval', 'segmentation', 'translation'))}" for _ in range(400)})
    metrics = ["accuracy", "F1", "BLEU", "mAP", "perplexity", "ROUGE-L", "top-1 accuracy", "IoU"]
    out = []
    for i in range(papers):
        used = [zipf(rng, methods) for _ in range(2)]
        sets = sorted({zipf(rng, datasets) for _ in range(2)})
        task, metric = zipf(rng, tasks), rng.choice(metrics)
        new = f"Prop{i}{rng.choice(SYLLABLES).capitalize()}" if rng.random() < 0.6 else None
        sentences = []
        if new:
            sentences.append(f"We propose {new}, a method for {task} that builds on {used[0]}.")
        else:
            sentences.append(f"We study {task} with {used[0]}.")
        sentences.append(f"It also uses {used[1]} as a baseline.")
        sentences.append(f"Experiments on {' and '.join(sets)} report {metric} gains.")
        abstract = " ".join(sentences)
        mentions = []

        def add(kind: str, text: str, role: str, sentence_index: int) -> None:
            sentence = sentences[sentence_index]
            at = sum(len(s) + 1 for s in sentences[:sentence_index]) + sentence.index(text)
            mentions.append(Mention(type=kind, name=text, role=role, confidence=0.8,  # type: ignore[arg-type]
                                    evidence=(Evidence(sentence, at, at + len(text)),), extractor="synthetic"))
        if new:
            add("method", new, "proposed", 0)
        add("method", used[0], "used", 0)
        add("task", task, "mentioned", 0)
        if used[1] != used[0]:
            add("method", used[1], "used", 1)
        for ds in sets:
            add("dataset", ds, "used", 2)
        add("metric", metric, "mentioned", 2)
        links = (Link(f"https://github.com/lab{i % 5000}/{(new or 'code').lower()}", "code"),) if rng.random() < 0.3 else ()
        out.append(Extraction(Paper(f"title:{i:016x}", f"Synthetic study {i} of {task} with {used[0]}", abstract,
                                    (Source("synthetic.jsonl", i + 1, "jsonl"),),
                                    {"published": f"20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}"}),
                              tuple(mentions), links))
    return out


def ensure_store(directory: Path, papers: int) -> None:
    from kg.store.core import build

    if (directory / "manifest.json").exists():
        print(f"reusing the store in {directory}", file=sys.stderr)
        return
    started = time.perf_counter()
    records = synthetic(papers)
    made = time.perf_counter()
    report = build(records, directory)
    print(f"synthetic records: {made - started:.1f} s; store build: {time.perf_counter() - made:.1f} s "
          f"({report.papers} papers, {report.nodes} nodes, {report.edges} edges)", file=sys.stderr)


def timed(client: httpx.Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def summary(label: str, values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return (f"{label:28s} n={len(values):4d}  p50={statistics.median(values):7.1f} ms  p95={p95:7.1f} ms  "
            f"max={values[-1]:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=50000)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    directory = args.dir or Path(f"/tmp/paperkg-bench-serve-{args.papers}")
    ensure_store(directory, args.papers)

    from kg.serve.app import create_app
    from kg.serve.reader import open_reader

    started = time.perf_counter()
    reader = open_reader(directory)
    app = create_app(directory, reader=reader)
    print(f"start-up (open the store, build the indexes): {time.perf_counter() - started:.1f} s")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    graph = reader.graph  # type: ignore[attr-defined]
    rng = random.Random(1)
    entities = [n for n, t in graph.nodes(data="type") if t in ("Method", "Dataset", "Task")]
    papers = [n for n, t in graph.nodes(data="type") if t == "Paper"]
    hubs = sorted(entities, key=lambda n: -graph.nodes[n].get("paper_count", 0))[:10]
    names = [graph.nodes[n]["name"] for n in rng.sample(entities, args.samples)]
    queries = names + [n[:3] for n in names[:10]] + [n[2:6] for n in names[:10]] + ["synthetic study 4", "detection"]
    from kg.serve.pages import href

    print(f"store: {len(papers):,} papers, {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges; "
          f"biggest hub: {graph.nodes[hubs[0]]['name']} in {graph.nodes[hubs[0]]['paper_count']:,} papers")
    with httpx.Client(timeout=30) as client:
        timed(client, f"{base}/")  # warm-up
        rows = {
            "search page /search?q=": [timed(client, f"{base}/search?q={q}") for q in queries],
            "search API /api/search": [timed(client, f"{base}/api/search?q={q}") for q in queries],
            "entity page, top-10 hubs": [timed(client, base + href(n)) for n in hubs],
            "entity page, random": [timed(client, base + href(n)) for n in rng.sample(entities, args.samples)],
            "entity API, top-10 hubs": [timed(client, f"{base}/api/entity/{n}") for n in hubs],
            "paper page, random": [timed(client, base + href(n)) for n in rng.sample(papers, args.samples)],
            "neighbourhood API, hubs": [timed(client, f"{base}/api/neighbourhood/{n}") for n in hubs],
            "home page": [timed(client, f"{base}/") for _ in range(5)],
        }
    for label, values in rows.items():
        print(summary(label, values))
    worst = max(max(v) for v in rows.values())
    print(f"slowest request: {worst:.1f} ms ({'under' if worst < 300 else 'OVER'} the 300 ms budget)")
    server.should_exit = True
    thread.join(10)


if __name__ == "__main__":
    main()
