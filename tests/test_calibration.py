"""Calibrated confidence: the feature cells, the back-off, and how the fitting tool reads
held-out SciREX papers (abstracts and body passages) and judges entities."""
from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from extractors.calibrate import calibrate, fit, keys, probability

TRAIN = Path(__file__).resolve().parents[1] / "tools" / "train"


def _entity(extractor: str = "tagger", etype: str = "method", role: str = "used", n: int = 1) -> dict[str, object]:
    return {"type": etype, "name": "ZorbNet", "extractor": extractor, "role": role, "evidence": [{}] * n,
            "confidence": 0.5}


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    sys.path[:0] = [str(TRAIN)]
    try:
        return importlib.import_module("calibrate")
    finally:
        sys.path.remove(str(TRAIN))


def test_cells_tell_role_and_support_apart() -> None:
    assert keys(_entity(role="proposed", n=1))[0] == "method|tagger|proposed|one"
    assert keys(_entity(role="used", n=2))[0] == "method|tagger|used|two"
    assert keys(_entity(role="mentioned", n=5))[0] == "method|tagger|mentioned|many"
    assert keys(_entity("gazetteer+tagger", "dataset"))[1:] == ["dataset|list+tagger|used", "dataset|list+tagger",
                                                               "dataset"]


def test_a_thin_cell_backs_off_to_its_coarser_cells() -> None:
    # mentioned-once tagger methods are mostly wrong, those seen several times mostly right
    samples = [(_entity(role="mentioned", n=1), i < 20) for i in range(100)]
    samples += [(_entity(role="mentioned", n=3), i < 90) for i in range(100)]
    cells = fit(samples)
    once = probability(cells, _entity(role="mentioned", n=1), 0.5)
    many = probability(cells, _entity(role="mentioned", n=3), 0.5)
    assert 0.15 < once < 0.3 and 0.8 < many < 0.95
    # no sample was used twice: the parent cell's share, not the prior
    unseen = probability(cells, _entity(role="mentioned", n=2), 0.5)
    assert abs(unseen - 110 / 200) < 0.03
    ents = [_entity(role="mentioned", n=1), _entity(role="mentioned", n=3)]
    calibrate(ents, cells)
    assert ents[0]["confidence"] < 0.3 < 0.8 < float(ents[1]["confidence"])  # type: ignore[arg-type]


def _write_doc(root: Path, doc_id: str) -> None:
    """A tiny SciREX-format paper: title, abstract, then a body of eight sentences, one of
    them opening with a section heading."""
    sentences = [["Zorb", "Nets"], ["We", "propose", "ZorbNet", "."]]
    sentences += [["section", ":", "Method", "ZorbNet", "works", "."]]
    sentences += [["We", "test", "ZorbNet", "on", "GlimmerQA", "."]] + [["More", "text", str(i), "."] for i in range(7)]
    words, spans, ner = [], [], []
    for sent in sentences:
        spans.append([len(words), len(words) + len(sent)])
        words += sent
    ner.append([4, 5, "Method"])  # ZorbNet in the abstract
    ner.append([spans[3][0] + 2, spans[3][0] + 3, "Method"])  # ZorbNet in the body
    ner.append([spans[3][0] + 4, spans[3][0] + 5, "Material"])  # GlimmerQA
    doc = {"doc_id": doc_id, "words": words, "sentences": spans, "ner": ner,
           "sections": [spans[0], spans[1], [spans[2][0], len(words)]]}
    folder = root / "scirex-train-docs" / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{doc_id}.json").write_text(json.dumps(doc), encoding="utf-8")


def test_held_out_papers_give_abstracts_and_body_passages(tool: ModuleType, tmp_path: Path) -> None:
    _write_doc(tmp_path, "p1")
    abstracts, passages = tool.scirex_papers(tmp_path, ["p1"], passages=4)
    assert [(a[0], a[1]) for a in abstracts] == [("Zorb Nets", "We propose ZorbNet.")]
    assert abstracts[0][2]["method"] == {"zorbnet"}
    # eight body sentences less the heading one: passages of six sentences, headings left out
    assert len(passages) == 2
    assert passages[0][1].startswith("We test ZorbNet on GlimmerQA.") and "section" not in passages[0][1]
    assert all(p[2] == abstracts[0][2] for p in passages)  # judged against the paper's annotation


def test_the_shipped_table_has_the_cells_it_is_read_by() -> None:
    from extractors.calibrate import default_table

    table = default_table()
    for etype in ("method", "dataset", "task"):
        assert any(k.startswith(f"{etype}|") and k.count("|") == 3 for k in table)
    assert all(0 <= right <= total for right, total in table.values())
