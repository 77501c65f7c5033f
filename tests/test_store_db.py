"""The SQLite store (format 2): migration from format 1, reads from indices and counters,
the refusal to load a graph too big, and the doctor's checks of the database."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import networkx as nx
import pytest

from kg.errors import StoreError
from kg.graph.build import build_graph, describe, find_entities, stats
from kg.records import Evidence, Extraction, Link, Mention, Paper, Source
from kg.resolve.resolver import resolve
from kg.store.core import build, export_json, open_store
from kg.store.doctor import check_store
from support import stored_content

NAMES = ["SAM", "LoRA", "low-rank adaptation", "ResNet-50", "Transformers", "GPT-4"]


def paper(i: int) -> Extraction:
    mentions = (Mention("method", NAMES[i % len(NAMES)], (), "proposed" if i % 3 == 0 else "used", 0.9,
                        (Evidence(f"We use {NAMES[i % len(NAMES)]}.", 7, 10),), "fake"),
                Mention("dataset", ["ImageNet", "CIFAR-10"][i % 2], (), "used", 0.8,
                        (Evidence("on the benchmark", 0, 2),), "fake"))
    links = (Link(f"https://github.com/org/repo{i % 2}", "code"),) if i % 3 == 0 else ()
    return Extraction(Paper(f"arxiv:{i:04d}", f"Paper {i}", f"Abstract {i}.", (Source("a.jsonl", i + 1, "jsonl"),)),
                      mentions, links)


CORPUS = [paper(i) for i in range(12)]


def _dumps(data: object, **kwargs: object) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, **kwargs)  # type: ignore[arg-type]


def write_format_1(directory: Path, records: list[Extraction]) -> None:
    """A store as paperkg wrote it before the SQLite store (format 1), written here from the
    format's description: three files and a manifest with their sha256."""
    from kg.store.core import canonical, content_hash

    records = sorted((canonical(e) for e in records), key=lambda e: e.paper.id)
    resolution = resolve(records)
    graph = build_graph(records, resolution)
    files = {"extractions.jsonl": "".join(_dumps(e.to_dict()) + "\n" for e in records),
             "graph.json": _dumps(nx.node_link_data(graph, edges="edges"), separators=(",", ":")),
             "merges.jsonl": "".join(_dumps(m.to_dict()) + "\n" for m in resolution.merges)}
    directory.mkdir()
    for name, text in files.items():
        (directory / name).write_text(text, "utf-8")
    manifest = {"format": "paperkg-store", "format_version": 1, "paperkg_version": "0",
                "counts": {"papers": len(records), "nodes": graph.number_of_nodes(),
                           "edges": graph.number_of_edges(), "entities": len(resolution.entities),
                           "merges": len(resolution.merges)},
                "files": {n: hashlib.sha256(t.encode("utf-8")).hexdigest() for n, t in files.items()},
                "papers": {e.paper.id: content_hash(e) for e in records}, "inputs": {"a.jsonl": "0" * 64}}
    (directory / "manifest.json").write_text(_dumps(manifest, indent=1) + "\n", "utf-8")


def test_format_1_store_is_migrated_on_open(tmp_path: Path) -> None:
    write_format_1(tmp_path / "old", CORPUS)
    build(CORPUS, tmp_path / "new")
    store = open_store(tmp_path / "old")
    # (a database in WAL mode has its -wal and -shm files while a reader has it open)
    assert sorted(p.name for p in (tmp_path / "old").iterdir()
                  if not p.name.endswith(("-wal", "-shm"))) == ["graph.sqlite", "manifest.json"]
    manifest = json.loads((tmp_path / "old" / "manifest.json").read_text())
    assert manifest["format_version"] == 3 and manifest["inputs"] == {"a.jsonl": "0" * 64}
    export_json(store, tmp_path / "old.json")
    export_json(open_store(tmp_path / "new"), tmp_path / "new.json")
    assert (tmp_path / "old.json").read_bytes() == (tmp_path / "new.json").read_bytes()
    assert [e.to_dict() for e in store.extractions()] == [e.to_dict() for e in open_store(tmp_path / "new").extractions()]
    assert store.merges == open_store(tmp_path / "new").merges


def test_building_into_a_format_1_store_migrates_it(tmp_path: Path) -> None:
    write_format_1(tmp_path / "old", CORPUS[:6])
    report = build(CORPUS[6:], tmp_path / "old")
    assert (report.papers, report.added) == (12, 6)
    build(CORPUS, tmp_path / "new")
    assert stored_content(tmp_path / "old")["graph.sqlite"] == stored_content(tmp_path / "new")["graph.sqlite"]


def test_damaged_format_1_store_is_not_migrated(tmp_path: Path) -> None:
    write_format_1(tmp_path / "old", CORPUS)
    (tmp_path / "old" / "graph.json").write_text("{}")
    with pytest.raises(StoreError, match="graph.json does not match the manifest.*--rebuild"):
        open_store(tmp_path / "old")
    assert (tmp_path / "old" / "extractions.jsonl").is_file()


def test_stats_come_from_the_counters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(CORPUS, tmp_path / "kg")
    expected = {"papers": len(CORPUS), **stats(open_store(tmp_path / "kg").graph)}
    monkeypatch.setenv("PAPERKG_MAX_GRAPH", "1")  # loading the graph is refused ...
    store = open_store(tmp_path / "kg")
    assert store.stats() == expected  # ... and stats does not need it
    with pytest.raises(StoreError, match="more than the 1 this command may load.*PAPERKG_MAX_GRAPH"):
        store.graph  # noqa: B018


@pytest.mark.parametrize("name", ["SAM", "low-rank adaptation", "LoRA", "imagenet", "org/repo0",
                                  "method:sam", "paper:arxiv:0003", "nothing at all"])
def test_neighbourhood_answers_show_as_the_whole_graph_does(tmp_path: Path, name: str) -> None:
    build(CORPUS, tmp_path / "kg")
    store = open_store(tmp_path / "kg")
    part = store.neighbourhood(name)
    assert part.number_of_nodes() < store.graph.number_of_nodes()
    found = find_entities(store.graph, name)
    assert find_entities(part, name) == found
    assert [describe(part, n) for n in found] == [describe(store.graph, n) for n in found]


def test_doctor_checks_the_database(tmp_path: Path) -> None:
    build(CORPUS, tmp_path / "kg")
    assert check_store(tmp_path / "kg").ok
    conn = sqlite3.connect(tmp_path / "kg" / "graph.sqlite")
    conn.execute("UPDATE papers SET hash = 'x' WHERE id = 'arxiv:0002'")
    conn.commit()
    conn.close()
    checks = {c.name: c for c in check_store(tmp_path / "kg").checks}
    assert checks["file graph.sqlite"].ok  # the graph's rows are intact
    assert not checks["papers"].ok and '"arxiv:0002"' in checks["papers"].detail
    conn = sqlite3.connect(tmp_path / "kg" / "graph.sqlite")
    conn.execute("UPDATE nodes SET name = 'x', data = '{}' WHERE id = 'paper:arxiv:0003'")
    conn.commit()
    conn.close()
    checks = {c.name: c for c in check_store(tmp_path / "kg").checks}
    assert not checks["file graph.sqlite"].ok and '"paper:arxiv:0003"' in checks["file graph.sqlite"].detail
    conn = sqlite3.connect(tmp_path / "kg" / "graph.sqlite")
    conn.execute("DELETE FROM nodes WHERE id = 'paper:arxiv:0003'")  # a row gone: the sum no longer adds up
    conn.commit()
    conn.close()
    checks = {c.name: c for c in check_store(tmp_path / "kg").checks}
    assert not checks["file graph.sqlite"].ok and "graph_key" in checks["file graph.sqlite"].detail


def test_export_json_streams_from_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(CORPUS, tmp_path / "kg")
    graph = open_store(tmp_path / "kg").graph
    data = nx.node_link_data(graph, edges="edges")
    for node in data["nodes"]:
        node.setdefault("type", "")
        node.setdefault("name", str(node["id"]))
        node.setdefault("aliases", [])
    expected = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    monkeypatch.setenv("PAPERKG_MAX_GRAPH", "1")  # the whole graph may not be loaded
    export_json(open_store(tmp_path / "kg"), tmp_path / "g.json")
    assert (tmp_path / "g.json").read_text("utf-8") == expected
    export_json(nx.MultiDiGraph(), tmp_path / "empty.json")
    assert json.loads((tmp_path / "empty.json").read_text()) == {
        "directed": True, "multigraph": True, "graph": {}, "nodes": [], "edges": []}
