"""The trained tagger: the shipped model loads offline and tags names it never saw; its
candidates are filtered and merged; confidence is calibrated; retraining works."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest
import spacy
from click.testing import CliRunner

from extractors.acronyms import find_definitions
from extractors.calibrate import calibrate, fit, keys, probability, source
from extractors.components import COMPONENTS
from extractors.context import PaperText
from extractors.gazetteer import TypeIndex, default_gazetteer
from extractors.tagger import load_model, named, predict, tag_candidates
from kg.api import confident
from kg.cli.main import main
from kg.records import Extraction, Mention, Paper

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TRAIN = ROOT / "tools" / "train"

# Invented names: in no curated list, in no corpus.
SENTENCES = [
    "We compare our approach with Zorblax-3B and QuillFormer on the GlimmerQA benchmark.",
    "Experiments on the TrinketNet-12 dataset show that PlimsollGAN outperforms strong baselines.",
    "We fine-tune KestrelLM on the WobbleBench and Fernwood-200K datasets for question answering.",
]
NOVEL = ["Zorblax-3B", "QuillFormer", "GlimmerQA", "TrinketNet-12", "PlimsollGAN", "KestrelLM", "WobbleBench",
         "Fernwood-200K"]


@pytest.fixture(scope="module")
def known() -> TypeIndex:
    return TypeIndex(default_gazetteer())


def test_shipped_model_loads_offline_and_tags_unseen_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAPERKG_TAGGER_MODEL", raising=False)
    model = load_model()
    assert set(model.get_pipe("ner").labels) == {"METHOD", "DATASET", "TASK", "METRIC"}
    docs = [spacy.blank("en").make_doc(s) for s in SENTENCES]
    found = {s[start:end] for s, tags in zip(SENTENCES, predict(model, docs)) for start, end, label in tags
             if label in ("METHOD", "DATASET")}
    hits = [n for n in NOVEL if any(n in f for f in found)]
    assert len(hits) >= 6, (hits, found)
    assert {"GlimmerQA", "PlimsollGAN"} <= set(hits)


def test_shipped_model_is_small() -> None:
    size = sum(p.stat().st_size for p in (ROOT / "extractors" / "model").rglob("*") if p.is_file())
    assert size <= 25 * 1024 * 1024


@pytest.mark.slow
def test_extract_finds_names_only_the_tagger_knows(tmp_path: Path) -> None:
    src = tmp_path / "p.jsonl"
    src.write_text(json.dumps({"title": "A study of retrieval", "abstract": " ".join(SENTENCES)}) + "\n")
    runs = {}
    for name, extra in (("with", []), ("without", ["--exclude", "paperkg_tagger"])):
        out = tmp_path / f"{name}.jsonl"
        res = CliRunner().invoke(main, ["-q", "extract", str(src), "-o", str(out), *extra])
        assert res.exit_code == 0, res.output
        rec = json.loads(out.read_text())
        runs[name] = {f for e in rec["entities"] for f in (e["name"], *e["aliases"])}
    gained = {n for n in NOVEL if n in runs["with"] and n not in runs["without"]}
    assert gained, runs


def test_tagger_component_on_blank_pipeline_stores_plain_values() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("paperkg_tagger")
    doc = nlp(SENTENCES[0])
    assert isinstance(doc._.paperkg_tags, list)
    assert all(isinstance(s, int) and isinstance(e, int) and isinstance(lab, str) for s, e, lab in doc._.paperkg_tags)
    json.dumps(doc._.paperkg_tags)
    assert doc.to_bytes()


def test_tagger_component_without_model_keeps_the_rules(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("paperkg_tagger", config={"model_path": str(tmp_path / "absent")})
    assert nlp("We use BERT.")._.paperkg_tags == []


def test_pipeline_order() -> None:
    assert COMPONENTS.index("paperkg_tagger") == COMPONENTS.index("paperkg_entities") - 1


@pytest.mark.parametrize("text,first,expected", [
    ("ZorbNet", False, True), ("GLUE", False, True), ("Natural Questions", False, True),
    ("ResNet-50", False, True), ("encoder", False, False), ("attention mechanism", False, False),
    ("large language models", False, False), ("Transformers", True, False), ("v2 model", False, True),
    ("SOTA", False, False), ("GitHub", False, False), ("LiDAR", False, False), ("FLOPs", False, False),
    ("NVIDIA TITAN GPU", False, False), ("Vision Transformer", False, True), ("ZorbNet GPU", False, False),
])
def test_naming_test(text: str, first: bool, expected: bool) -> None:
    assert named(text, first) is expected


def _pt(title: str, abstract: str) -> PaperText:
    text = f"{title}\n\n{abstract}"
    end = len(title)
    sents, start = [(0, end)], end + 2
    for part in abstract.split(". "):
        sents.append((start, start + len(part) + 1))
        start += len(part) + 2
    return PaperText(text, end, sents)


def _tags(pt: PaperText, *pieces: tuple[str, str]) -> list[list[object]]:
    out: list[list[object]] = []
    for piece, label in pieces:
        s = pt.text.index(piece, pt.title_end)
        out.append([s, s + len(piece), label])
    return out


def test_tag_candidates_filter_and_trim(known: TypeIndex) -> None:
    pt = _pt("Learning Fast Things", "We train the encoder and the mirrored QuillFormer network on GlimmerQA data. "
                                     "We report accuracy for image classification.")
    tags = _tags(pt, ("the encoder", "METHOD"), ("the mirrored QuillFormer network", "METHOD"),
                 ("GlimmerQA", "DATASET"), ("accuracy", "METRIC"), ("image classification", "TASK"))
    cands = tag_candidates(pt, tags, known, [])
    got = {(c.type, c.name) for c in cands}
    assert ("method", "QuillFormer") in got
    assert ("dataset", "GlimmerQA") in got
    assert ("metric", "accuracy") in got
    assert ("task", "image classification") in got
    assert not any(c.name.lower().endswith("encoder") for c in cands)
    assert all(c.extractor == "tagger" for c in cands)


def test_tag_candidates_defer_to_rule_boundaries_and_title_case(known: TypeIndex) -> None:
    pt = _pt("Label Shift Adapter for Test-Time Adaptation", "Then QuillFormer runs with care.")
    s = pt.text.index("QuillFormer", pt.title_end)
    rule = (s, s + len("QuillFormer"))
    then = pt.text.index("Then")
    tags: list[list[object]] = [[then, rule[1], "METHOD"], [0, len("Label Shift Adapter"), "METHOD"]]
    assert tag_candidates(pt, tags, known, [rule]) == []  # overlaps a rule span; title case is no name
    same = tag_candidates(pt, [[rule[0], rule[1], "METHOD"]], known, [rule])
    assert [c.name for c in same] == ["QuillFormer"]  # the same span joins the rule's entity


def test_tag_candidates_cut_words_and_organizations(known: TypeIndex) -> None:
    pt = _pt("T", "We use Distilled Pre-Training at Argonne National Laboratory in English.")
    s = pt.text.index("Distilled Pre")
    tags: list[list[object]] = [[s, s + len("Distilled Pre"), "METHOD"],
                                *_tags(pt, ("Argonne National Laboratory", "METHOD"), ("English", "DATASET"))]
    assert tag_candidates(pt, tags, known, []) == []


def test_tag_candidates_drop_name_shaped_general_words(known: TypeIndex) -> None:
    pt = _pt("T", "Our code is on GitHub and beats SOTA with LiDAR inputs on QuillBench. "
                  "A 1.3B-parameter QuillFormer runs on the GlimmerSet dataset.")
    tags = _tags(pt, ("GitHub", "DATASET"), ("SOTA", "METHOD"), ("LiDAR", "METHOD"), ("1.3B-parameter", "METHOD"),
                 ("QuillFormer", "METHOD"), ("GlimmerSet", "DATASET"))
    got = {c.name for c in tag_candidates(pt, tags, known, [])}
    assert got == {"QuillFormer", "GlimmerSet"}


def _entity(extractor: str, etype: str = "method", role: str = "used", n: int = 1) -> dict[str, object]:
    return {"type": etype, "extractor": extractor, "role": role, "evidence": [{}] * n, "confidence": 0.5}


def test_calibration_source_and_cells() -> None:
    assert source("gazetteer") == "list"
    assert source("gazetteer+tagger") == "list+tagger"
    assert source("patterns+tagger") == "rules+tagger"
    assert source("tagger") == "tagger"
    assert keys(_entity("tagger"))[0] == "method|tagger|used|one"


def test_calibration_is_the_share_right_per_cell() -> None:
    samples = [(_entity("tagger"), i < 30) for i in range(100)] + [(_entity("gazetteer"), i < 90) for i in range(100)]
    cells = fit(samples)
    assert cells["method|tagger"] == [30, 100]
    low = probability(cells, _entity("tagger"), 0.5)
    high = probability(cells, _entity("gazetteer"), 0.5)
    assert 0.25 < low < 0.35 and 0.85 < high < 0.95
    ents = [_entity("tagger"), _entity("gazetteer")]
    calibrate(ents, cells)
    assert ents[0]["confidence"] == round(low, 3) and ents[1]["confidence"] == round(high, 3)


def test_shipped_calibration_table_is_used() -> None:
    from extractors.calibrate import default_table

    table = default_table()
    assert table and all(0 <= r <= t for r, t in table.values())


def test_min_confidence_filters() -> None:
    paper = Paper.from_dict({"id": "t", "title": "T", "abstract": "A"})
    ex = Extraction(paper=paper, entities=(Mention(type="method", name="A", confidence=0.2),
                                           Mention(type="method", name="B", confidence=0.8)))
    assert [m.name for m in confident(ex, 0.5).entities] == ["B"]
    assert confident(ex, 0.0) is ex


@pytest.mark.slow
def test_cli_min_confidence(tmp_path: Path) -> None:
    src = tmp_path / "p.jsonl"
    src.write_text(json.dumps({"title": "ZorbNet: fast", "abstract": " ".join(SENTENCES)}) + "\n")
    counts = []
    cut = "0"
    for _ in range(2):
        out = tmp_path / f"o{cut}.jsonl"
        res = CliRunner().invoke(main, ["-q", "extract", str(src), "-o", str(out), "--min-confidence", cut])
        assert res.exit_code == 0, res.output
        ents = json.loads(out.read_text())["entities"]
        assert all(e["confidence"] >= float(cut) for e in ents)
        counts.append(len(ents))
        confs = sorted({e["confidence"] for e in ents})
        assert len(confs) > 1 or counts[-1] < counts[0]
        cut = str(confs[-1])  # the most confident only, next
    assert counts[0] > counts[1] > 0
    res = CliRunner().invoke(main, ["extract", str(src), "--min-confidence", "2"])
    assert res.exit_code == 2 and "Traceback" not in res.output


NEEDS_CORPORA = pytest.mark.skipif(not (SHARED / "corpora").is_dir() and os.environ.get("CI") != "true",
                                   reason="../shared/corpora is not beside the project")


def _train_tagger() -> ModuleType:
    """The training script as a module (it lives in tools/train, not in the package)."""
    sys.path[:0] = [str(TRAIN)]
    try:
        import train_tagger
    finally:
        sys.path.remove(str(TRAIN))
    return train_tagger


@pytest.mark.slow
@NEEDS_CORPORA
def test_retrain_smoke(tmp_path: Path) -> None:
    """The documented retraining command works on tiny data (1 step) into a temp folder."""
    train_tagger = _train_tagger()
    out = tmp_path / "model"
    assert train_tagger.main(["--shared", str(SHARED), "--limit", "2", "--max-steps", "1", "--output", str(out)]) == 0
    info = json.loads((out / "training.json").read_text())
    assert info["scirex_sentences"] > 0 and info["tdmsci_sentences"] > 0
    model = spacy.load(out)
    assert "ner" in model.pipe_names
    assert set(model.get_pipe("ner").labels) <= {"METHOD", "DATASET", "TASK", "METRIC"}


@pytest.mark.slow
@NEEDS_CORPORA
def test_retrain_architecture_options(tmp_path: Path) -> None:
    """The network's size is set from the command line and recorded beside the model."""
    train_tagger = _train_tagger()
    out = tmp_path / "model"
    assert train_tagger.main(["--shared", str(SHARED), "--limit", "2", "--max-steps", "1", "--output", str(out),
                              "--width", "48", "--depth", "3", "--embed-size", "700", "--window", "2",
                              "--hidden", "32"]) == 0
    cfg = spacy.load(out).config["components"]["ner"]["model"]
    assert cfg["hidden_width"] == 32
    assert [cfg["tok2vec"][k] for k in ("width", "depth", "embed_size", "window_size")] == [48, 3, 700, 2]
    info = json.loads((out / "training.json").read_text())
    assert info["overrides"]["components.ner.model.tok2vec.depth"] == 3


def test_tag_candidates_types_and_measures(known: TypeIndex) -> None:
    pt = _pt("T", "We release GlimmerSet, a contrastive benchmark for captions. "
                  "The loss uses the Kullback-Leibler divergence with 2.5B tokens. "
                  "QuuxMix helps TrinketNet.")
    tags = _tags(pt, ("GlimmerSet", "METHOD"), ("Kullback-Leibler", "METHOD"), ("2.5B", "METHOD"),
                 ("TrinketNet", "DATASET"))
    got = {(c.type, c.name) for c in tag_candidates(pt, tags, known, [])}
    assert got == {("dataset", "GlimmerSet")}  # appositive types it; a measure, a size and an uncued dataset are dropped


def test_tag_candidates_skip_plural_of_a_rule_name(known: TypeIndex) -> None:
    pt = _pt("T", "Generative Language Models (GLMs) are popular. GLM knowledge is broad.")
    s = pt.text.index("GLM knowledge")
    assert tag_candidates(pt, [[s, s + 3, "METHOD"]], known, [], {"glms"}) == []


def test_tag_candidates_longer_variant_wins(known: TypeIndex) -> None:
    pt = _pt("T", "We compare with 2D CNNs and with CNNs trained on faces.")
    s = pt.text.index("2D CNNs")
    rule = (s + 3, s + 7)
    got = tag_candidates(pt, [[s, s + 7, "METHOD"]], known, [rule])
    assert [c.name for c in got] == ["2D CNNs"]
    t = pt.text.index("CNNs trained")
    assert tag_candidates(pt, [[t, t + len("CNNs trained"), "METHOD"]], known, [(t, t + 4)]) == []


def test_tag_candidates_capitalized_modifier_makes_a_longer_name(known: TypeIndex) -> None:
    """A capitalized word inside a sentence before a rule's name makes another model
    ("Clinical BioBERT" beside "BioBERT"); a capital that only starts the sentence or a kind
    noun ("QuillNet Model") does not."""
    pt = _pt("T", "We compare Velvet QuillNet with QuillNet. Velvet QuillNet wins. We tune the QuillNet Model.")
    s = pt.text.index("Velvet QuillNet")
    got = tag_candidates(pt, [[s, s + len("Velvet QuillNet"), "METHOD"]], known, [(s + 7, s + 15)])
    assert [c.name for c in got] == ["Velvet QuillNet"]
    t = pt.text.index("Velvet QuillNet wins")
    assert tag_candidates(pt, [[t, t + len("Velvet QuillNet"), "METHOD"]], known, [(t + 7, t + 15)]) == []
    m = pt.text.index("QuillNet Model")
    assert tag_candidates(pt, [[m, m + len("QuillNet Model"), "METHOD"]], known, [(m, m + 8)]) == []


def test_defined_acronym_counts_when_the_long_form_agrees(known: TypeIndex) -> None:
    """An acronym of three letters or more the tagger labels a method, defined with a lowercase
    long form, counts (the guidelines' N2: a parenthesised acronym names it) unless the long
    form reads as a task, a measure or a class; the lowercase long form itself counts only when
    the tagger labels it a method too or it is built on a coined name."""
    pt = _pt("T", "We use sparse glimmer quilting (SGQ) and braided QuillNet (B-QuillNet). "
                  "SGQ and B-QuillNet help. We study tidal harbour motion (THM). THM is hard. "
                  "We target quilt pattern detection (QPD). QPD is hard. We report mean glimmer error (MGE). "
                  "MGE drops. We use gorp braiding (GB). GB works.")
    tags = _tags(pt, ("sparse glimmer quilting", "METHOD"), ("SGQ", "METHOD"), ("B-QuillNet", "METHOD"),
                 ("THM", "METHOD"), ("QPD", "METHOD"), ("MGE", "METHOD"), ("GB", "METHOD"),
                 ("tidal harbour motion", "METHOD"))
    pt.definitions = find_definitions(pt.text, pt.sentences)
    got = {c.name for c in tag_candidates(pt, tags, known, [])}
    assert got == {"SGQ", "B-QuillNet", "THM"}  # not a task (detection), a measure (error), two letters
    # the definition's other form is an alias of the same entity
    aliases = {c.name: c.aliases for c in tag_candidates(pt, tags, known, [])}
    assert aliases["SGQ"] == ("sparse glimmer quilting",)
    assert aliases["B-QuillNet"] == ("braided QuillNet",)


def test_tagger_tasks_pass_the_free_phrase_test(known: TypeIndex) -> None:
    pt = _pt("T", "We study glimmer span classification on natural language queries. "
                  "Evaluating AI models is hard. We also report 11 retrieval runs after pre-training.")
    tags = _tags(pt, ("glimmer span classification", "TASK"), ("natural language queries", "TASK"),
                 ("Evaluating AI models", "TASK"), ("11 retrieval", "TASK"), ("pre-training", "TASK"))
    got = {c.name for c in tag_candidates(pt, tags, known, [])}
    assert got == {"glimmer span classification"}
    # the same phrase joins a task the rules found, whatever its head
    agreed = tag_candidates(pt, _tags(pt, ("natural language queries", "TASK")), known, [], set(),
                            {"naturallanguagequeries"})
    assert [c.name for c in agreed] == ["natural language queries"]


def test_tag_candidates_skip_citation_keys(known: TypeIndex) -> None:
    pt = _pt("T", "As in bahdanau2014neural and Kiros:2015 we train QuillFormer with word2vec inputs.")
    tags = _tags(pt, ("bahdanau2014neural", "METHOD"), ("Kiros:2015", "METHOD"), ("QuillFormer", "METHOD"),
                 ("word2vec", "METHOD"))
    assert {c.name for c in tag_candidates(pt, tags, known, [])} == {"QuillFormer", "word2vec"}


def _training_module(name: str):  # type: ignore[no-untyped-def]
    """A module of ``tools/train`` (not a package: imported from its folder)."""
    import importlib

    sys.path[:0] = [str(TRAIN)]
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(TRAIN))


def test_calibration_judge_mirrors_the_scorers() -> None:
    judge = _training_module("calibrate")
    gold = {"method": {"quillformer"}, "dataset": {"glimmerqa"},
            "task": {judge.task_form("Relation Extraction"), judge.task_form("classification")}}
    annotated = set().union(*gold.values()) | {"imagenet"}

    def right(name: str, etype: str, extractor: str = "tagger") -> float | None:
        return judge.is_right({"type": etype, "name": name, "aliases": [], "extractor": extractor}, gold, annotated)

    assert right("QuillFormer", "method") == 1.0
    assert right("the decoder", "method") == 0.0  # a plain phrase the annotation left out: wrong
    assert right("ZorbNet", "method") == judge.UNKNOWN  # a coined name the annotation left out
    assert right("ImageNet", "dataset", "gazetteer") == judge.UNKNOWN  # the list and the annotation disagree
    assert right("ImageNet", "dataset", "tagger") == 0.0
    assert right("document-level relation extraction", "task") == 1.0  # containment, as the seed scorer
    assert right("image classification", "task") == 0.0  # a one-word gold task contains nothing
    assert right("GlimmerQA", "metric") is None  # no metric annotation here: not counted


def test_tag_candidates_keep_editions_and_read_data_contexts(known: TypeIndex) -> None:
    pt = _pt("T", "We report results on Zorb-Caltech 101 and GlimmerBase v 2.0 with 300 Zorb-Caltech 101 samples. "
                  "We build on QuillFormer.")
    tags = _tags(pt, ("Zorb-Caltech", "METHOD"), ("GlimmerBase", "DATASET"), ("QuillFormer", "METHOD"))
    got = {(c.type, c.name) for c in tag_candidates(pt, tags, known, [])}
    assert got == {("dataset", "Zorb-Caltech 101"), ("dataset", "GlimmerBase v 2.0"), ("method", "QuillFormer")}


def test_tag_candidates_read_definitions_and_method_heads(known: TypeIndex) -> None:
    pt = _pt("T", "We stack Zorbic Convolutional Networks (ZCN) over quill temporal logic (QTL) inputs. "
                  "Massively multilingual Transformers (MMTs) are costly. "
                  "The Glimmer Spatial Pyramid Pooling helps. Meta-SGD and CNN-LSTM are compared.")
    pt.definitions = find_definitions(pt.text, pt.sentences)
    assert {d.short for d in pt.definitions} >= {"ZCN", "QTL", "MMTs"}
    tags = _tags(pt, ("ZCN", "METHOD"), ("QTL", "METHOD"), ("MMTs", "METHOD"),
                 ("Glimmer Spatial Pyramid Pooling", "METHOD"), ("Meta-SGD", "METHOD"), ("CNN-LSTM", "METHOD"))
    got = {c.name for c in tag_candidates(pt, tags, known, [])}
    assert got == {"ZCN", "QTL", "Glimmer Spatial Pyramid Pooling", "Meta-SGD", "CNN-LSTM"}  # MMTs: a class


def _define(pt: PaperText, long: str, short: str) -> None:
    from extractors.acronyms import Definition

    ls, ss = pt.text.index(long), pt.text.index(f"({short})") + 1
    pt.definitions.append(Definition(short, ss, ss + len(short), long, ls, ls + len(long)))


def test_tagger_acronym_with_a_name_shaped_long_form_counts(known: TypeIndex) -> None:
    pt = _pt("T", "We fit a Wobbly Plinth Lattice (WPLX) to the data. Then WPLX is refined. "
                  "We also use flimsy gorp lattices (FGLX) once. FGLX helps. Then a Quorn Sample (QS) follows. QS ends.")
    _define(pt, "Wobbly Plinth Lattice", "WPLX")
    _define(pt, "flimsy gorp lattices", "FGLX")
    _define(pt, "Quorn Sample", "QS")
    second = pt.text.index("WPLX is")
    tags = [[second, second + 4, "METHOD"]]
    for short in ("FGLX helps", "QS ends"):
        s = pt.text.index(short)
        tags.append([s, s + len(short.split()[0]), "METHOD"])
    assert {c.name for c in tag_candidates(pt, tags, known, [])} == {"WPLX", "FGLX"}  # two letters: no
    as_dataset = [[second, second + 4, "DATASET"]]
    assert tag_candidates(pt, as_dataset, known, []) == []  # the acronym rule stays for other labels


def test_tagger_hyphenated_name_said_once_counts(known: TypeIndex) -> None:
    pt = _pt("T", "We build on Quill-Net here. We run Lab-Style Experiments and Distilled Pre-Training.")
    tags = _tags(pt, ("Quill-Net", "METHOD"), ("Lab-Style Experiments", "METHOD"),
                 ("Distilled Pre-Training", "METHOD"))
    assert {c.name for c in tag_candidates(pt, tags, known, [])} == {"Quill-Net"}


def test_drop_log_records_reasons(known: TypeIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "drops.jsonl"
    monkeypatch.setenv("PAPERKG_TAGGER_DROPS", str(log))
    pt = _pt("T", "Our code is on GitHub and QuillFormer is new. QuillFormer wins.")
    tag_candidates(pt, _tags(pt, ("GitHub", "METHOD"), ("QuillFormer", "METHOD")), known, [])
    rows = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    assert [(r["text"], r["reason"]) for r in rows] == [("GitHub", "naming-test"), ("QuillFormer", "kept")]


def test_tagger_name_keeps_a_size_written_in_capitals(known: TypeIndex) -> None:
    pt = _pt("T", "We distil QuillFormer SMALL from QuillFormer. The BASE model is larger.")
    s = pt.text.index("QuillFormer SMALL")
    tags = [[s, s + len("QuillFormer"), "METHOD"]]
    assert [c.name for c in tag_candidates(pt, tags, known, [])] == ["QuillFormer SMALL"]


def test_said_once_phrase_counts_when_the_paper_defines_it(known: TypeIndex) -> None:
    """A capitalized phrase said once is as often a heading as a name; defined with an
    acronym (N2) it is a name."""
    pt = _pt("T", "We add Glimmer Quilt Fields (GQF) to the model. Then Velvet Harbour Sails help.")
    pt.definitions = find_definitions(pt.text, pt.sentences)
    tags = _tags(pt, ("Glimmer Quilt Fields", "METHOD"), ("Velvet Harbour Sails", "METHOD"))
    got = {c.name: c.aliases for c in tag_candidates(pt, tags, known, [])}
    assert got == {"Glimmer Quilt Fields": ("GQF",)}


def test_gerund_compound_with_a_kind_noun_is_a_name(known: TypeIndex) -> None:
    """"Quilting Networks" names a model; "Evaluating Quill Models" is a clause."""
    pt = _pt("T", "We compare Quilting Networks and Quilting Networks with care. "
                  "We list Evaluating Quill Models and Evaluating Quill Models too.")
    tags = _tags(pt, ("Quilting Networks", "METHOD"), ("Evaluating Quill Models", "METHOD"))
    assert [c.name for c in tag_candidates(pt, tags, known, [])] == ["Quilting Networks"]


def test_disguise_invents_names_of_the_same_shape() -> None:
    """Training copies with invented names keep offsets, shape, head nouns and labels."""
    import random

    corpus = _training_module("corpus")
    text = "We train QuillFormer-2 on SQuAD with the Glimmer Spatial Network and QuillFormer-2 again."
    spans = [(text.index("QuillFormer-2"), text.index("QuillFormer-2") + 13, "METHOD"),
             (text.index("SQuAD"), text.index("SQuAD") + 5, "DATASET"),
             (text.index("Glimmer"), text.index(" and QuillFormer"), "METHOD"),
             (text.rindex("QuillFormer-2"), text.rindex("QuillFormer-2") + 13, "METHOD")]
    sent = corpus.Sentence(text, spans, [(0, 2)], "weak", "d1")
    copy = corpus.disguise(sent, random.Random(0), share=1.0)
    assert copy is not None and len(copy.text) == len(text) and copy.spans == spans and copy.missing == [(0, 2)]
    first, data, long, again = (copy.text[s:e] for s, e, _ in spans)
    assert first != "QuillFormer-2" and first == again  # one invented name per name, in every mention
    assert first.endswith("mer-2") and first[0].isupper() and any(c.isupper() for c in first[1:-5])
    assert data != "SQuAD" and [c.isupper() for c in data] == [c.isupper() for c in "SQuAD"]
    assert long.endswith(" Network") and long != "Glimmer Spatial Network"
    assert copy.text.startswith("We train ") and corpus.disguise(sent, random.Random(0), share=0.0) is None


def test_weak_labels_keep_name_boundaries() -> None:
    corpus = _training_module("corpus")
    assert corpus._kind_variant("QuillNet model", ("QuillNet", "QuillNet model"))
    assert not corpus._kind_variant("Quill Network", ("Quill Network",))


def test_a_bare_dimension_takes_the_noun_it_is_said_of(known: TypeIndex) -> None:
    """The tagger's ``3D`` alone is no name; ``3D convolutions`` (a plural or a method kind noun
    within two plain words) is, even said once; a clause word after the dimension stops it."""
    pt = _pt("T", "We stack 3D convolutions over 2D residual networks. The 3D is hard in 4D and more.")
    tags = _tags(pt, ("3D", "METHOD"), ("2D", "METHOD"), ("4D", "METHOD"))
    tags.append([pt.text.index("3D is"), pt.text.index("3D is") + 2, "METHOD"])
    got = {c.name for c in tag_candidates(pt, tags, known, [])}
    assert {"3D convolutions", "2D residual networks"} <= got
    assert not got & {"3D is", "4D and"}


def test_a_dataset_label_without_a_cue_listed_with_methods_is_a_method(known: TypeIndex) -> None:
    """The tagger's DATASET span with no dataset cue is dropped, unless the tagger calls the other
    items of its list methods: the list votes for its type."""
    pt = _pt("T", "Detectors such as GlimDet [4], QuillSSD [7] and Zorbo-CNN [9] predict boxes. We like FoozLex.")
    tags = _tags(pt, ("GlimDet", "METHOD"), ("QuillSSD", "METHOD"), ("Zorbo-CNN", "DATASET"), ("FoozLex", "DATASET"))
    got = {(c.type, c.name) for c in tag_candidates(pt, tags, known, [])}
    assert ("method", "Zorbo-CNN") in got
    assert "FoozLex" not in {n for _, n in got}


def test_training_label_mapping_loose_reads_names_as_the_merge_does() -> None:
    """``--loose-names`` (an experiment): a SciREX method span is trained as a name when the
    merge's naming test would keep it: a capitalized word mid-sentence ("Zorvak", "Plimsoll
    initialization") counts; a generic class, a general name-shaped word or a capital that only
    starts the sentence does not. The default (shipped recipe) mapping is unchanged."""
    corpus = _training_module("corpus")
    named = corpus.named_method
    assert named("Zorvak", False, True) and not named("Zorvak", False)
    assert named("Plimsoll initialization", False, True) and not named("Plimsoll initialization", False)
    for loose in (False, True):
        assert named("QuillNet", True, loose) and named("Fernwood Spatial Network", False, loose)
        assert not named("Zorvak", True, loose)  # only the sentence start is capitalized
        assert not named("Pooling layer", True, loose)
        assert not named("M", False, loose)  # a variable, not a name
        assert not named("encoder", False, loose) and not named("CNNs", False, loose)
    assert not named("GPU", False, True)
    words = "We compare with Zorvak and a deep encoder .".split()
    ents = [(3, 4, "METHOD"), (7, 8, "METHOD")]
    loose = corpus._sentence(words, ents, "scirex", "d", True)
    assert [loose.text[s:e] for s, e, _ in loose.spans] == ["Zorvak"]
    strict = corpus._sentence(words, ents, "scirex", "d")
    assert strict.spans == [] and (loose.text.index("Zorvak"), loose.text.index("Zorvak") + 6) in strict.missing
