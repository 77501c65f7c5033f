"""Store contracts: layout, atomic replacement, incremental == batch, idempotence, errors."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.fsutil
import kg.store.core
from kg.errors import StoreError
from kg.records import Evidence, Extraction, Link, Mention, Paper, Source
from kg.store.core import build, export_json, open_store

FILES = ("manifest.json", "graph.sqlite")
NAMES = [("SAM", "Sharpness-Aware Minimization"), ("SAM", "Segment Anything Model"), ("SAM", ""),
         ("LoRA", "Low-Rank Adaptation"), ("low-rank adaptation", ""), ("ResNet-50", ""), ("ResNet 50", ""),
         ("Transformers", ""), ("Transformer", ""), ("GPT-4", ""), ("GPT-4o", "")]
DATASETS = ["CIFAR-10", "CIFAR-100", "ImageNet", "GLUE"]


def synthetic_paper(i: int, file: str = "a.jsonl") -> Extraction:
    """A deterministic fake extraction: a few methods (some ambiguous), a dataset, a task."""
    picks = [NAMES[(i * 7 + k * 3) % len(NAMES)] for k in range(2)]
    mentions = [Mention("method", name, (long,) if long else (), "proposed" if k == 0 else "used",
                        0.5 + k / 10, (Evidence(f"We use {name}.", 7, 7 + len(name)),), "fake")
                for k, (name, long) in enumerate(picks)]
    mentions.append(Mention("dataset", DATASETS[i % len(DATASETS)], (), "used", 0.8,
                            (Evidence("on the benchmark", 0, 2),), "fake"))
    mentions.append(Mention("task", "image classification" if i % 2 else "Image Classification"))
    links = (Link(f"https://github.com/Org{i % 3}/repo{i % 3}", "code"),) if i % 2 else ()
    return Extraction(Paper(f"arxiv:{i:04d}", f"Paper {i}", f"Abstract {i} about segmentation.",
                            (Source(file, i + 1, "jsonl"),)), tuple(mentions), links)


CORPUS = [synthetic_paper(i) for i in range(14)]


def snapshot(directory: Path) -> dict[str, bytes]:
    return {name: (directory / name).read_bytes() for name in FILES}


def test_layout_and_manifest(tmp_path: Path) -> None:
    report = build(CORPUS[::-1], tmp_path / "kg")
    assert sorted(os.listdir(tmp_path)) == [".kg.lock", "kg"]  # the lock file; no temporary or backup left
    listed = set(os.listdir(tmp_path / "kg"))
    assert listed == set(FILES)  # no query cache: those are made on first query
    assert not {name for name in listed if name.startswith(".")}
    manifest = json.loads((tmp_path / "kg" / "manifest.json").read_text())
    assert manifest["format"] == "paperkg-store" and manifest["format_version"] == 3
    assert manifest["counts"]["papers"] == len(CORPUS) == report.papers == report.added
    store = open_store(tmp_path / "kg")
    assert [e.paper.id for e in store.extractions()] == [e.paper.id for e in CORPUS]
    assert store.stats()["nodes"]["Paper"] == len(CORPUS) and store.stats()["papers"] == len(CORPUS)
    assert store.merges and len(store.merges) == manifest["counts"]["merges"]
    assert all(store.graph.nodes[n]["id"] == n for n in store.graph)


def test_re_adding_changes_nothing(tmp_path: Path) -> None:
    build(CORPUS, tmp_path / "kg")
    before = snapshot(tmp_path / "kg")
    report = build(CORPUS[3:5], tmp_path / "kg")
    assert (report.added, report.updated, report.unchanged) == (0, 0, 2)
    assert snapshot(tmp_path / "kg") == before


def test_same_paper_from_another_input_unions_sources(tmp_path: Path) -> None:
    build(CORPUS, tmp_path / "kg")
    report = build([synthetic_paper(3, file="b.jsonl")], tmp_path / "kg")
    assert (report.added, report.updated, report.sources_added) == (0, 0, 1)
    paper = open_store(tmp_path / "kg").graph.nodes["paper:arxiv:0003"]
    assert [s["file"] for s in paper["sources"]] == ["a.jsonl", "b.jsonl"]


def test_changed_content_replaces_and_rebuild_starts_over(tmp_path: Path) -> None:
    build(CORPUS, tmp_path / "kg")
    changed = Extraction(Paper("arxiv:0001", "New title", "", (Source("c.jsonl", 1, "jsonl"),)))
    assert build([changed], tmp_path / "kg").updated == 1
    assert open_store(tmp_path / "kg").graph.nodes["paper:arxiv:0001"]["title"] == "New title"
    report = build(CORPUS[:2], tmp_path / "kg", rebuild=True)
    assert report.papers == 2 and report.rebuilt
    assert open_store(tmp_path / "kg").stats()["nodes"]["Paper"] == 2


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=len(CORPUS), max_size=len(CORPUS)), st.randoms(use_true_random=False))
def test_incremental_equals_batch(parts: list[int], rng: object) -> None:
    from support import stored_content  # here: other tests' subprocesses import this module as tests.test_store

    with tempfile.TemporaryDirectory() as tmp:
        build(CORPUS, Path(tmp) / "batch")  # graph files only: fast
        batches: list[list[Extraction]] = [[] for _ in range(4)]
        for ext, part in zip(CORPUS, parts):
            batches[part].append(ext)
        rng.shuffle(batches)  # type: ignore[attr-defined]
        batches.append(CORPUS[:3])  # re-adding papers already stored is a no-op
        for batch in batches:
            build(batch, Path(tmp) / "step")
        assert stored_content(Path(tmp) / "step") == stored_content(Path(tmp) / "batch")


def test_crash_while_writing_leaves_previous_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(CORPUS[:5], tmp_path / "kg")
    before = snapshot(tmp_path / "kg")
    real_write = kg.store.core.atomic_write

    def crashing_write(path: Path, data: str | bytes) -> None:
        if Path(path).name == "manifest.json":
            raise RuntimeError("simulated crash")
        real_write(path, data)

    monkeypatch.setattr(kg.store.core, "atomic_write", crashing_write)
    with pytest.raises(RuntimeError, match="simulated crash"):
        build(CORPUS, tmp_path / "kg", rebuild=True)  # a staged build (in place: tests/test_store_commit.py)
    assert snapshot(tmp_path / "kg") == before
    assert sorted(os.listdir(tmp_path)) == [".kg.lock", "kg"]
    assert open_store(tmp_path / "kg").stats()["nodes"]["Paper"] == 5


def test_crash_between_the_renames_is_recovered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(CORPUS[:5], tmp_path / "kg")
    before = snapshot(tmp_path / "kg")
    real_rename, calls = os.rename, []

    def crashing_rename(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:  # the old store is moved aside, the new one not yet in place
            raise OSError("simulated crash")
        real_rename(src, dst)

    monkeypatch.setattr(kg.fsutil.os, "rename", crashing_rename)
    with pytest.raises(StoreError, match="previous store is unchanged"):
        build(CORPUS, tmp_path / "kg", rebuild=True)  # a staged build swaps the directory
    monkeypatch.undo()
    assert not (tmp_path / "kg").exists()
    assert open_store(tmp_path / "kg").stats()["nodes"]["Paper"] == 5  # recovered from the backup
    assert snapshot(tmp_path / "kg") == before


def test_missing_and_foreign_directories(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no graph store at .*paperkg build"):
        open_store(tmp_path / "missing")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("mine")
    with pytest.raises(StoreError, match="not a paperkg graph store"):
        open_store(tmp_path / "notes")
    for rebuild in (False, True):
        with pytest.raises(StoreError, match="will not overwrite"):
            build(CORPUS, tmp_path / "notes", rebuild=rebuild)
    assert os.listdir(tmp_path / "notes") == ["todo.txt"]
    (tmp_path / "empty").mkdir()
    assert build(CORPUS[:1], tmp_path / "empty").papers == 1


@pytest.mark.parametrize("name, content, message", [
    ("manifest.json", "{not json", "manifest is unreadable"),
    ("manifest.json", '{"format": "other"}', "not a paperkg store manifest"),
    ("graph.sqlite", "", "cannot read graph.sqlite"),
    ("graph.sqlite", "not a database\n" * 100, "cannot read graph.sqlite"),
])
def test_corrupt_store(tmp_path: Path, name: str, content: str, message: str) -> None:
    build(CORPUS[:3], tmp_path / "kg")
    (tmp_path / "kg" / name).write_text(content)
    with pytest.raises(StoreError, match=message) as info:
        open_store(tmp_path / "kg")
    assert "--rebuild" in str(info.value)
    with pytest.raises(StoreError, match=message):
        build(CORPUS[3:4], tmp_path / "kg")
    assert build(CORPUS[3:4], tmp_path / "kg", rebuild=True).papers == 1


def test_database_not_matching_the_manifest_is_refused(tmp_path: Path) -> None:
    build(CORPUS[:3], tmp_path / "kg")
    before = snapshot(tmp_path / "kg")
    path = tmp_path / "kg" / "manifest.json"
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps({**manifest, "graph_key": "0" * 64}))
    with pytest.raises(StoreError, match="graph.sqlite does not match the manifest.*--rebuild"):
        open_store(tmp_path / "kg")
    assert build(CORPUS[:3], tmp_path / "kg", rebuild=True).papers == 3
    assert snapshot(tmp_path / "kg") == before


def test_newer_format_is_refused(tmp_path: Path) -> None:
    build(CORPUS[:1], tmp_path / "kg")
    path = tmp_path / "kg" / "manifest.json"
    path.write_text(path.read_text().replace('"format_version": 3', '"format_version": 99'))
    with pytest.raises(StoreError, match="format 99 is not supported.*upgrade paperkg"):
        open_store(tmp_path / "kg")


def test_export_json(tmp_path: Path) -> None:
    build(CORPUS, tmp_path / "kg")
    store = open_store(tmp_path / "kg")
    export_json(store, tmp_path / "out.json")
    data = json.loads((tmp_path / "out.json").read_text())
    assert len(data["nodes"]) == store.graph.number_of_nodes() and "edges" in data
    assert all({"id", "type", "name", "aliases"} <= set(node) for node in data["nodes"])
    export_json(store.graph, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == (tmp_path / "out.json").read_bytes()


def test_build_needs_neither_pyoxigraph_nor_ladybug(tmp_path: Path) -> None:
    """The embedded query stores are caches made on first query: a build imports neither."""
    import subprocess
    import sys

    records = tmp_path / "records.jsonl"
    records.write_text("".join(json.dumps(e.to_dict()) + "\n" for e in CORPUS))
    code = ("import json, sys; sys.modules['pyoxigraph'] = None; sys.modules['ladybug'] = None\n"
            "from kg.records import Extraction\n"
            "from kg.store.core import build\n"
            "lines = open(sys.argv[1]).read().splitlines()\n"
            "print(build([Extraction.from_dict(json.loads(x)) for x in lines], sys.argv[2]).papers)\n")
    done = subprocess.run([sys.executable, "-c", code, str(records), str(tmp_path / "kg")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(len(CORPUS))
    assert not (tmp_path / "kg" / "cache").exists()
