"""Incremental builds (store format 3): "A then B" gives the database rows of "A + B" (the
bytes of its canonical copy) for
random splits, re-added and updated papers, ambiguous acronyms and plurals whose evidence
arrives in another batch; a build re-resolves only what the new papers touch; a format 2
store is migrated on open."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.store.engine
from kg.records import Evidence, Extraction, Link, Mention, Paper, Source
from kg.store.core import build, content_hash, export_json, open_store
from support import stored_content



def paper(pid: str, mentions: list[tuple[str, str, tuple[str, ...], str]], text: str = "",
          file: str = "a.jsonl", links: tuple[str, ...] = ()) -> Extraction:
    return Extraction(Paper(pid, f"Title of {pid}", text or f"Abstract of {pid}.", (Source(file, 1, "jsonl"),)),
                      tuple(Mention(t, name, aliases, role, 0.7, (Evidence(f"We use {name}.", 7, 7 + len(name)),),
                                    "fake") for t, name, aliases, role in mentions),
                      tuple(Link(url, "code") for url in links))


CORPUS = [
    paper("p01", [("method", "SAM", ("Sharpness-Aware Minimization",), "proposed"), ("dataset", "CIFAR-10", (), "used")]),
    paper("p02", [("method", "SAM", ("Segment Anything Model",), "proposed"), ("task", "image segmentation", (), "used")],
          links=("https://github.com/org/sam",)),
    paper("p03", [("method", "SAM", (), "used"), ("dataset", "CIFAR-10", (), "used")],
          text="We train with sharpness-aware minimization on CIFAR-10."),
    paper("p04", [("method", "SAM", (), "used"), ("task", "image segmentation", (), "used")]),
    paper("p05", [("method", "Transformers", (), "used"), ("dataset", "ImageNet", (), "used")]),
    paper("p06", [("method", "Transformer", (), "proposed"), ("dataset", "ImageNet", (), "used")],
          links=("https://github.com/Org/Sam/tree/main",)),
    paper("p07", [("method", "LoRA", ("Low-Rank Adaptation",), "proposed"), ("task", "fine-tuning", (), "used")]),
    paper("p08", [("method", "low-rank adaptation", (), "used"), ("dataset", "GLUE", (), "used")]),
    paper("p09", [("dataset", "ImageNets", (), "used"), ("method", "ResNet-50", (), "used")]),
    paper("p10", [("method", "ResNet 50", (), "used"), ("dataset", "ImageNet", (), "proposed")]),
    paper("p11", [("method", "BEADs", (), "proposed"), ("metric", "accuracy", (), "used")]),
    paper("p12", [("method", "BEAD", (), "used"), ("dataset", "GLUE", (), "used"), ("method", "SAM", (), "used")]),
]
UPDATED = [
    paper("p03", [("method", "SAM", (), "used"), ("task", "image segmentation", (), "used")], file="b.jsonl"),
    paper("p08", [("method", "LoRA", (), "proposed")], file="b.jsonl"),
    paper("p05", [("method", "Transformers", (), "used"), ("dataset", "ImageNet", (), "used")], file="c.jsonl"),
]


@settings(max_examples=12, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=len(CORPUS) + len(UPDATED), max_size=len(CORPUS) + len(UPDATED)),
       st.randoms(use_true_random=False))
def test_any_split_equals_one_build(parts: list[int], rng: object) -> None:
    records = CORPUS + UPDATED
    batches: list[list[Extraction]] = [[] for _ in range(4)]
    for ext, part in zip(records, parts):
        batches[part].append(ext)
    rng.shuffle(batches)  # type: ignore[attr-defined]
    batches.append(CORPUS[:4])  # re-adding
    with tempfile.TemporaryDirectory() as tmp:
        for batch in batches:
            build(batch, Path(tmp) / "step")
        build([e for batch in batches for e in batch], Path(tmp) / "batch")
        assert stored_content(Path(tmp) / "step") == stored_content(Path(tmp) / "batch")


def _nodes(directory: Path) -> set[str]:
    return set(open_store(directory).graph.nodes)


def test_second_long_form_in_a_later_batch_splits_the_acronym(tmp_path: Path) -> None:
    first = [CORPUS[0], CORPUS[2], CORPUS[3]]
    build(first, tmp_path / "step")
    assert {n for n in _nodes(tmp_path / "step") if n.startswith("method:sam")} == {"method:sam"}
    build([CORPUS[1]], tmp_path / "step")
    senses = {n for n in _nodes(tmp_path / "step") if n.startswith("method:sam")}
    assert senses == {"method:sam~sharpness-aware-minimization", "method:sam~segment-anything-model"}
    graph = open_store(tmp_path / "step").graph
    assert graph.has_edge("paper:p03", "method:sam~sharpness-aware-minimization")  # by its text
    build(first + [CORPUS[1]], tmp_path / "batch")
    assert stored_content(tmp_path / "step") == stored_content(tmp_path / "batch")


def test_singular_in_a_later_batch_folds_the_stored_plural(tmp_path: Path) -> None:
    build([CORPUS[4]], tmp_path / "step")
    assert "method:transformers" in _nodes(tmp_path / "step")
    build([CORPUS[5]], tmp_path / "step")
    nodes = _nodes(tmp_path / "step")
    assert "method:transformer" in nodes and "method:transformers" not in nodes
    build([CORPUS[4], CORPUS[5]], tmp_path / "batch")
    assert stored_content(tmp_path / "step") == stored_content(tmp_path / "batch")


def test_updated_paper_removes_what_only_it_said(tmp_path: Path) -> None:
    build(CORPUS, tmp_path / "step")
    assert "task:finetuning" in _nodes(tmp_path / "step")
    report = build([paper("p07", [("method", "LoRA", (), "used")])], tmp_path / "step")
    assert report.updated == 1
    nodes = _nodes(tmp_path / "step")
    assert "task:finetuning" not in nodes and "method:lora" in nodes
    final = CORPUS[:6] + [paper("p07", [("method", "LoRA", (), "used")])] + CORPUS[7:]
    build(CORPUS + final[6:7], tmp_path / "batch")
    assert stored_content(tmp_path / "step") == stored_content(tmp_path / "batch")


def test_a_new_paper_re_resolves_only_what_it_touches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(CORPUS, tmp_path / "kg")
    seen: list[str] = []
    real = kg.store.engine.resolve_part

    def spy(occs, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.extend(o.name for o in occs)
        return real(occs, *args, **kwargs)

    monkeypatch.setattr(kg.store.engine, "resolve_part", spy)
    p13 = paper("p13", [("method", "GLUE-Net", (), "proposed"), ("dataset", "ImageNet", (), "used")])
    build([p13], tmp_path / "kg")
    # "ImageNet" joins the stored ImageNet entity (its component holds "ImageNets", which folds
    # onto it): only that entity is recomputed, the component is not resolved again
    assert seen == ["GLUE-Net"]
    assert open_store(tmp_path / "kg").graph.has_edge("paper:p13", "dataset:imagenet")
    build(CORPUS + [p13], tmp_path / "batch")
    assert stored_content(tmp_path / "kg") == stored_content(tmp_path / "batch")
    seen.clear()
    build([paper("p14", [("method", "SAM", (), "used")])], tmp_path / "kg")
    assert seen == ["SAM"] * 6  # an ambiguous component: resolved again; co-mentions (p12's GLUE) read from the store


PARSING = paper("p15", [("task", "semantic segmentation", ("scene parsing",), "used")])


def with_ids(ext: Extraction, *ids: tuple[str, str]) -> Extraction:
    return Extraction(ext.paper, tuple(replace(m, ids=ids) for m in ext.entities), ext.links)


IMAGENET = [with_ids(paper(f"p1{i}", [("dataset", "ImageNet", (), "used")]), ("pwc", "imagenet")) for i in (6, 7)]


@pytest.mark.parametrize(("stored", "added"), [
    # a new name with another key: "scene parsing" outnumbers "semantic segmentation" (one entity)
    (CORPUS + [PARSING], [paper(f"p2{i}", [("task", "scene parsing", (), "used")]) for i in range(3)]),
    # the same key, another spelling wins; a new type beside a stored one (a new entity)
    (CORPUS, [paper(f"p2{i}", [("method", "ResNet-50", (), "used"), ("method", "GLUE", (), "used")])
              for i in range(3)]),
    # a new alias joins; a mention bridging two entities; a plural folding onto a stored singular
    (CORPUS, [paper("p21", [("dataset", "GLUE", ("GLUE benchmark",), "used")]),
              paper("p22", [("method", "ResNet-50", ("low-rank adaptation",), "used")]),
              paper("p23", [("dataset", "GLUEs", (), "used")])]),
    # a singular attested anew folds a stored plural
    ([CORPUS[4]], [paper("p20", [("method", "Transformer", (), "used")])]),
    # an id and an acronym definition the entity holds join it; another id, another long form do not
    (CORPUS + IMAGENET, [with_ids(paper("p20", [("dataset", "ImageNet", (), "used")]), ("pwc", "imagenet")),
                         paper("p21", [("method", "LoRA", ("Low-Rank Adaptation",), "used")])]),
    (CORPUS + IMAGENET, [with_ids(paper("p20", [("dataset", "ImageNet", (), "used")]), ("pwc", "imagenet-1k")),
                         paper("p21", [("method", "LoRA", ("Layer-wise Relevance Adaptation",), "used")])]),
    # new mentions of two types joining one entity (linked by an id, typed by majority)
    (CORPUS + [with_ids(paper(f"p1{i}", [(t, "SGD", (), "used")]), ("pwc", "sgd"))
               for i, t in ((6, "method"), (7, "dataset"), (8, "method"))],
     [with_ids(paper(f"p2{i}", [(t, "SGD", (), "used")]), ("pwc", "sgd")) for i, t in ((0, "dataset"), (1, "method"))]),
    # the only paper coining a stored name; a second paper coining one (the resolver decides)
    (CORPUS, [paper("p20", [("dataset", "GLUE", (), "proposed")])]),
    (CORPUS, [paper("p20", [("dataset", "ImageNet", (), "proposed")])]),
    # a mention sorting before the component's first one
    (CORPUS, [paper("p00", [("dataset", "CIFAR-10", (), "used")])]),
])
def test_joining_stored_entities_equals_one_build(tmp_path: Path, stored: list[Extraction],
                                                   added: list[Extraction]) -> None:
    build(stored, tmp_path / "step")
    build(added, tmp_path / "step")
    build(stored + added, tmp_path / "batch")
    assert stored_content(tmp_path / "step") == stored_content(tmp_path / "batch")


def write_format_2(directory: Path, records: list[Extraction]) -> None:
    """A store as paperkg wrote it in format 2 (before the resolution tables), from the
    format's description: graph.sqlite with papers and a graph key, and its manifest."""
    directory.mkdir()
    conn = sqlite3.connect(directory / "graph.sqlite")
    conn.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute("CREATE TABLE papers(id TEXT PRIMARY KEY, hash TEXT NOT NULL, record TEXT NOT NULL) WITHOUT ROWID")
    conn.execute("CREATE TABLE nodes(seq INTEGER PRIMARY KEY, id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL)")
    for ext in records:
        conn.execute("INSERT INTO papers VALUES (?, ?, ?)", (ext.paper.id, content_hash(ext),
                                                            json.dumps(ext.to_dict(), ensure_ascii=False, sort_keys=True)))
    conn.execute("INSERT INTO meta VALUES ('graph_key', ?)", (json.dumps("k" * 64),))
    conn.commit()
    conn.close()
    data = (directory / "graph.sqlite").read_bytes()
    manifest = {"format": "paperkg-store", "format_version": 2, "paperkg_version": "0", "graph_key": "k" * 64,
                "counts": {"papers": len(records)}, "files": {"graph.sqlite": hashlib.sha256(data).hexdigest()},
                "inputs": {"a.jsonl": "0" * 64}}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", "utf-8")


def test_format_2_store_is_migrated_on_open(tmp_path: Path) -> None:
    write_format_2(tmp_path / "old", CORPUS)
    build(CORPUS, tmp_path / "new")
    store = open_store(tmp_path / "old")
    manifest = json.loads((tmp_path / "old" / "manifest.json").read_text())
    assert manifest["format_version"] == 3 and manifest["inputs"] == {"a.jsonl": "0" * 64}
    assert stored_content(tmp_path / "old")["graph.sqlite"] == stored_content(tmp_path / "new")["graph.sqlite"]
    export_json(store, tmp_path / "old.json")
    assert json.loads((tmp_path / "old.json").read_text())["nodes"]


def test_building_into_a_format_2_store_migrates_it(tmp_path: Path) -> None:
    write_format_2(tmp_path / "old", CORPUS[:6])
    report = build(CORPUS[6:], tmp_path / "old")
    assert (report.papers, report.added) == (len(CORPUS), len(CORPUS) - 6)
    build(CORPUS, tmp_path / "new")
    assert stored_content(tmp_path / "old")["graph.sqlite"] == stored_content(tmp_path / "new")["graph.sqlite"]


def test_batches_of_components_give_the_same_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(CORPUS + UPDATED, tmp_path / "one")
    monkeypatch.setattr(kg.store.engine, "BATCH_OCCURRENCES", 2)  # a from-scratch build of a big corpus
    monkeypatch.setattr(kg.store.engine, "PAPER_BATCH", 3)
    build(CORPUS + UPDATED, tmp_path / "many")
    assert stored_content(tmp_path / "many") == stored_content(tmp_path / "one")
    build(CORPUS[:5], tmp_path / "step")
    build(CORPUS[5:] + UPDATED, tmp_path / "step")
    assert stored_content(tmp_path / "step") == stored_content(tmp_path / "one")
