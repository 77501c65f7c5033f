"""Contracts of the rule extractors: the pure cores (acronyms, names, task names) and the
registered spaCy components on ``spacy.blank("en")`` (no trained model needed).

Every sentence here is invented for these tests. Tests of bugs found while writing them
(coordinated proposals, known names after "called", task evidence spans, "-ise" spelling,
title offsets) stay as regression tests.
"""
from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import Any

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language
from support import named

import extractors.components  # noqa: F401  (registers the factories)
from extractors.acronyms import Definition, best_long_form, find_definitions
from extractors.components import COMPONENTS, paper_text
from extractors.names import is_acronym, is_coined, norm_key
from extractors.tasks import MAX_TASKS, normalize_task
from kg.records import Paper, Source
from kg.extract.pipeline import BLANK, DEFAULT_MODEL, build_nlp, extract

Entity = dict[str, Any]


# --- fixtures and helpers ------------------------------------------------------------

def proposed(entities: list[Entity]) -> list[Entity]:
    return [e for e in entities if e["role"] == "proposed"]


TITLE = "Sparse Kernels for Scene Parsing"  # a neutral title: no headline, no coined token


# --- acronyms: find_definitions / best_long_form -------------------------------------

@pytest.mark.parametrize("text, short, long", [
    # long form first, short form in parentheses
    ("We train with Sharpness-aware minimization (SAM) throughout.", "SAM", "Sharpness-aware minimization"),
    # short form first, long form in parentheses
    ("We train with SAM (Sharpness-Aware Minimization) throughout.", "SAM", "Sharpness-Aware Minimization"),
    # plural short forms
    ("Modern large language models (LLMs) write code.", "LLMs", "large language models"),
    ("We revisit graph neural networks (GNNs) for chemistry.", "GNNs", "graph neural networks"),
    # lowercase long forms
    ("We add dynamic architecture skipping (DAS) to save compute.", "DAS", "dynamic architecture skipping"),
    ("Training uses reinforcement learning from human feedback (RLHF) at scale.", "RLHF",
     "reinforcement learning from human feedback"),
    # mixed-case short forms
    ("A vision transformer (ViT) encodes the patches.", "ViT", "vision transformer"),
    ("Low-Rank Adaptation (LoRA) keeps the update small.", "LoRA", "Low-Rank Adaptation"),
    # more text after the short form inside the parentheses
    ("Masked Patch Coders (MPC; see below) are fast.", "MPC", "Masked Patch Coders"),
])
def test_definition_found(text: str, short: str, long: str) -> None:
    found = [(d.short, d.long) for d in find_definitions(text)]
    assert found == [(short, long)]


@pytest.mark.parametrize("text", [
    "This was shown before (Smith et al., 2020) on toy data.",
    "The corpus was released (2023) by a consortium.",
    "Accuracy improves steadily (see Figure 2) with depth.",
    "Gains are large (12.5%) on every split.",
    "We report results (Table 3) for all runs.",
    "Errors drop (e.g., on long inputs) noticeably.",
    "We rent hardware (GPU) by the hour.",
    "",
])
def test_not_a_definition(text: str) -> None:
    assert find_definitions(text) == []


@pytest.mark.parametrize("text", [
    "We train with Sharpness-aware minimization (SAM) throughout.",
    "We train with SAM (Sharpness-Aware Minimization) throughout.",
    "Intro. Modern large language models (LLMs) write code; a vision transformer (ViT) reads images.",
    "Both “Token Merging” (ToMe) and ToMe (Token Merging) appear.",
])
def test_definition_offsets(text: str) -> None:
    defs = find_definitions(text)
    assert defs
    for d in defs:
        assert text[d.short_start:d.short_end] == d.short
        assert text[d.long_start:d.long_end] == d.long


def test_definition_never_crosses_a_sentence_boundary() -> None:
    text = "We build a Graph Router. (GR) results follow below."
    cut = text.index("(GR)")
    assert find_definitions(text, [(0, cut - 1), (cut, len(text))]) == []
    # inside one sentence the same words are a definition
    inside = "We build a fast Graph Router (GR). It routes tokens."
    end = inside.index(".") + 1
    defs = find_definitions(inside, [(0, end), (end + 1, len(inside))])
    assert [(d.short, d.long) for d in defs] == [("GR", "Graph Router")]


def test_definitions_on_a_doc_stay_in_their_sentence(nlp: Language) -> None:
    doc = nlp(paper_text(TITLE, "We build a Graph Router. (GR) results follow below."))
    assert doc._.paperkg_acronyms == []


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ABCDabcd (),.;-1 ", max_size=60), st.data())
def test_definitions_offsets_and_sentences_property(text: str, data: st.DataObject) -> None:
    cuts = sorted(set(data.draw(st.lists(st.integers(0, len(text)), max_size=3))))
    bounds = [0, *cuts, len(text)]
    spans = [(a, b) for a, b in zip(bounds, bounds[1:]) if a < b]
    for d in find_definitions(text, spans):
        assert isinstance(d, Definition)
        assert text[d.short_start:d.short_end] == d.short
        assert text[d.long_start:d.long_end] == d.long
        lo, hi = min(d.short_start, d.long_start), max(d.short_end, d.long_end)
        assert any(a <= lo and hi <= b for a, b in spans), (d, spans)


@pytest.mark.parametrize("short, candidate, expected", [
    ("SAM", "we train with Sharpness-aware minimization", "Sharpness-aware minimization"),
    ("DAS", "we add dynamic architecture skipping", "dynamic architecture skipping"),
    ("LLMs", "modern large language models", "large language models"),
    ("ViT", "a vision transformer", "vision transformer"),
    ("XYZ", "nothing matches here", None),
    ("GNN", "neural networks", None),  # the first letter must start a word
])
def test_best_long_form(short: str, candidate: str, expected: str | None) -> None:
    assert best_long_form(short, candidate) == expected


# --- names: is_coined / is_acronym / norm_key ----------------------------------------

@pytest.mark.parametrize("token", [
    "GPT-4", "LLaVA-KD", "ParlaSent", "mBERT", "T5", "ResNet-50", "X^2Y", "e-SNLI", "Phi-2", "x86",
    "(GPT-4),", "BERT.",
])
def test_is_coined(token: str) -> None:
    assert is_coined(token)


@pytest.mark.parametrize("token", [
    "7B", "1.6B", "100M", "28K", "70B", "2023", "III", "IV", "The", "large", "3x", "10ms", "16GB", "a", "",
    "github.com/a/b", "https://github.com/a/b", "www.example.org",
])
def test_is_not_coined(token: str) -> None:
    assert not is_coined(token)


@pytest.mark.parametrize("token, expected", [
    ("SAM", True), ("LLMs", True), ("CNNs", True), ("GPT4", True), ("GPT-4", True), ("ViT", True),
    ("LoRA", True), ("mBERT", True), ("Sam", False), ("sam", False), ("I", False), ("large", False),
])
def test_is_acronym(token: str, expected: bool) -> None:
    assert is_acronym(token) is expected


@pytest.mark.parametrize("a, b", [
    ("ResNet-50", "resnet50"), ("GPT-4", "GPT 4"), ("GPT-4", "gpt_4"), ("ＢＥＲＴ", "BERT"),
    ("Pre-Training", "pretraining"), ("(SAM)", "SAM"),
])
def test_norm_key_equal(a: str, b: str) -> None:
    assert norm_key(a) == norm_key(b)


@pytest.mark.parametrize("a, b", [("GPT-4", "GPT-4o"), ("GPT-4", "GPT-3.5"), ("CIFAR-10", "CIFAR-100")])
def test_norm_key_different(a: str, b: str) -> None:
    assert norm_key(a) != norm_key(b)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_norm_key_is_idempotent_and_plain(text: str) -> None:
    key = norm_key(text)
    assert norm_key(key) == key
    assert all(c.isdigit() or "a" <= c <= "z" for c in key)


# --- components: proposals -------------------------------------------------------------

def test_components_are_registered() -> None:
    for name in COMPONENTS:
        assert Language.has_factory(name)


def test_headline_name_is_proposed(run: Callable[..., list[Entity]]) -> None:
    title = "FooNet: Efficient Image Segmentation with Sparse Kernels"
    ents = run(title, "We study segmentation of aerial images.")
    foo = named(ents, "FooNet")
    assert foo is not None and foo["type"] == "method" and foo["role"] == "proposed"
    assert {"field": "title", "start": 0, "end": 6} in [
        {k: ev[k] for k in ("field", "start", "end")} for ev in foo["evidence"]]


@pytest.mark.parametrize("title", [
    "Rethinking Attention: A Study of Sparse Heads",
    "Towards Faithful Parsing: Lessons from Sparse Heads",
    "Scaling Up: What Happens to Sparse Heads",
])
def test_descriptive_headline_is_not_a_name(run: Callable[..., list[Entity]], title: str) -> None:
    ents = run(title, "We analyze attention heads in vision models.")
    head = title.split(":")[0]
    assert proposed(ents) == []
    assert all(norm_key(e["name"]) != norm_key(head) for e in ents)


@pytest.mark.parametrize("abstract, name, etype", [
    ("In this work, we propose QuuxNet for video parsing.", "QuuxNet", "method"),
    ("This paper introduces Blorp, a method for fast parsing.", "Blorp", "method"),
    ("We design a sparse module, termed ZedMix, for parsing.", "ZedMix", "method"),
    ("We present a routing scheme dubbed HopRoute that reduces cost.", "HopRoute", "method"),
    ("We describe a new sampler called FlimSampler in detail.", "FlimSampler", "method"),
    ("GlimFormer, a novel framework for joint parsing, is described here.", "GlimFormer", "method"),
    ("QuaxNet is a novel architecture for parsing.", "QuaxNet", "method"),
    ("We propose Dynamic Token Routing (DTR), which skips tokens.", "DTR", "method"),
    ("We introduce FooBench, a benchmark for long-horizon planning.", "FooBench", "dataset"),
    ("We propose ZapNet, ZipNet for robust parsing.", "ZipNet", "method"),
])
def test_proposed_names(run: Callable[..., list[Entity]], abstract: str, name: str, etype: str) -> None:
    ents = run(TITLE, abstract)
    e = named(ents, name)
    assert e is not None, ents
    assert (e["type"], e["role"]) == (etype, "proposed")


def test_proposed_acronym_keeps_its_long_form(run: Callable[..., list[Entity]]) -> None:
    ents = run(TITLE, "We propose a novel method, termed Dynamic Token Routing (DTR), which skips tokens.")
    dtr = named(ents, "DTR")
    assert dtr is not None and dtr["role"] == "proposed"
    assert "Dynamic Token Routing" in dtr["aliases"]


def test_title_coinage_before_dataset_noun(run: Callable[..., list[Entity]]) -> None:
    ents = run("The ZorpSet Multilingual Dataset for Parsing", "We release parallel data.")
    zorp = named(ents, "ZorpSet")
    assert zorp is not None and (zorp["type"], zorp["role"]) == ("dataset", "proposed")


@pytest.mark.parametrize("abstract", [
    "We propose a novel framework for joint parsing of scenes.",
    "This paper introduces a simple method that skips tokens.",
    "We present an efficient approach to routing.",
])
def test_unnamed_proposal_gives_no_entity(run: Callable[..., list[Entity]], abstract: str) -> None:
    assert proposed(run(TITLE, abstract)) == []


@pytest.mark.parametrize("abstract, missing", [
    ("We propose ZapNet and ZipNet for robust parsing.", "ZipNet"),
    ("We propose ZapNet, ZipNet, and ZopNet for robust parsing.", "ZopNet"),
])
def test_coordinated_proposals(run: Callable[..., list[Entity]], abstract: str, missing: str) -> None:
    e = named(run(TITLE, abstract), missing)
    assert e is not None and e["role"] == "proposed"


# --- components: known methods, generic classes, datasets ----------------------------

def test_known_models_are_used_not_proposed(run: Callable[..., list[Entity]]) -> None:
    ents = run(TITLE, "We fine-tune BERT and GPT-4 on legal documents.")
    for name in ("BERT", "GPT-4"):
        e = named(ents, name)
        assert e is not None and e["type"] == "method"
        assert e["role"] in ("used", "mentioned")
    assert proposed(ents) == []


def test_model_versions_stay_apart(run: Callable[..., list[Entity]]) -> None:
    ents = run("GPT-4 and GPT-3.5 Compared", "We prompt GPT-4 and GPT-3.5 on math word problems.")
    gpt4, gpt35 = named(ents, "GPT-4"), named(ents, "GPT-3.5")
    assert gpt4 is not None and gpt35 is not None and gpt4 is not gpt35
    assert "GPT-3.5" not in gpt4["aliases"] and "GPT-4" not in gpt35["aliases"]


def test_name_inside_hyphenated_compound_is_not_a_mention(run: Callable[..., list[Entity]]) -> None:
    ents = run(TITLE, "We fine-tune PHS-BERT on health forum posts.")
    assert all(e["name"] != "BERT" and "BERT" not in e["aliases"] for e in ents)


@pytest.mark.parametrize("abstract, name", [
    ("We fine-tune a pretrained encoder called BERT on clinical notes.", "BERT"),
    ("Our baseline is a strong model called GPT-4.", "GPT-4"),
])
def test_known_name_after_naming_word_is_not_proposed(run: Callable[..., list[Entity]], abstract: str,
                                                      name: str) -> None:
    e = named(run(TITLE, abstract), name)
    assert e is not None and e["role"] != "proposed"


@pytest.mark.parametrize("abstract", [
    "Large language models (LLMs) now write most of our code.",
    "We use diffusion models for fast image synthesis.",
    "We use transformers and diffusion models to build large language models (LLMs).",
    "Recent graph neural networks (GNNs) are strong on molecules.",
])
def test_generic_classes_are_not_methods(run: Callable[..., list[Entity]], abstract: str) -> None:
    assert [e["name"] for e in run(TITLE, abstract) if e["type"] == "method"] == []


def test_known_datasets_are_used(run: Callable[..., list[Entity]]) -> None:
    ents = run(TITLE, "We report accuracy on CIFAR-10, CIFAR-100 and ImageNet.")
    for name in ("CIFAR-10", "CIFAR-100", "ImageNet"):
        e = named(ents, name)
        assert e is not None and (e["type"], e["role"]) == ("dataset", "used"), (name, ents)


def test_the_x_dataset_pattern(run: Callable[..., list[Entity]]) -> None:
    e = named(run(TITLE, "Experiments on the WexCorp dataset show clear gains."), "WexCorp")
    assert e is not None and e["type"] == "dataset"


# --- components: acronyms typed by their long form, tasks ----------------------------

def test_task_acronym_is_a_task(run: Callable[..., list[Entity]]) -> None:
    ents = run(TITLE, "We study domain generalization (DG) for retinal scans.")
    task = named(ents, "domain generalization")
    assert task is not None and task["type"] == "task" and "DG" in task["aliases"]
    assert not [e for e in ents if e["type"] == "method" and (e["name"] == "DG" or "DG" in e["aliases"])]


@pytest.mark.parametrize("abstract, long", [
    ("Sharpness-aware minimization (SAM) improves generalization of deep nets.", "Sharpness-aware minimization"),
    ("We adopt SAM (Sharpness-Aware Minimization) to train deep nets.", "Sharpness-Aware Minimization"),
])
def test_method_acronym_keeps_long_form(run: Callable[..., list[Entity]], abstract: str, long: str) -> None:
    sam = named(run(TITLE, abstract), "SAM")
    assert sam is not None and sam["type"] == "method"
    assert long in sam["aliases"]


@pytest.mark.parametrize("abstract", [
    "Flat minima help domain generalization in practice.",
    "Sharpness-aware minimization (SAM) helps domain generalization (DG).",
    "We introduce FooBench, a benchmark for long-horizon planning.",
])
def test_task_evidence_is_the_task_phrase(run: Callable[..., list[Entity]], abstract: str) -> None:
    tasks = [e for e in run(TITLE, abstract) if e["type"] == "task"]
    assert tasks
    for task in tasks:
        forms = {norm_key(x) for x in (task["name"], *task["aliases"])}
        spans = [(ev["field"], ev["start"], ev["end"]) for ev in task["evidence"]]
        for field, start, end in spans:
            mention = (TITLE if field == "title" else abstract)[start:end]
            assert norm_key(normalize_task(mention)) in forms, (task["name"], mention)
            assert not any(f == field and a <= start and end <= b and (a, b) != (start, end) for f, a, b in spans)


MANY_TASKS = ("We address object detection, semantic segmentation, depth estimation, pose estimation, "
              "image captioning, visual question answering and text summarization. Object detection and "
              "semantic segmentation remain hard. Depth estimation and pose estimation too. Image "
              "captioning, visual question answering, and machine translation as well.")


@pytest.mark.parametrize("title, abstract", [
    ("A Multi-Task Study of Perception", MANY_TASKS),
    ("Domain Generalisation via Flat Minima", "Domain generalisation (DG) matters. We study language modelling."),
])
def test_tasks_are_lowercase_and_few(run: Callable[..., list[Entity]], title: str, abstract: str) -> None:
    tasks = [e for e in run(title, abstract) if e["type"] == "task"]
    assert tasks
    assert len(tasks) <= MAX_TASKS == 5
    assert all(t["name"] == t["name"].lower() for t in tasks)
    assert len({t["name"] for t in tasks}) == len(tasks)


def test_task_names_are_normalized_in_the_pipeline(run: Callable[..., list[Entity]]) -> None:
    ents = run("Domain Generalisation via Flat Minima", "Domain generalisation (DG) matters. We study language modelling.")
    names = {e["name"] for e in ents if e["type"] == "task"}
    assert "domain generalization" in names and "language modeling" in names


# --- components: evidence, links, serializable results -------------------------------

CORPUS = [
    ("FooNet: Efficient Image Segmentation with Sparse Kernels",
     "We propose FooNet. FooNet beats BERT on CIFAR-10. Code: https://github.com/o/r."),
    ("GPT-4 and GPT-3.5 Compared", "We prompt GPT-4 and GPT-3.5 on math word problems."),
    ("Domain Generalisation via Flat Minima",
     "Sharpness-aware minimization (SAM) helps domain generalization (DG). We introduce FooBench, a benchmark "
     "for long-horizon planning."),
    ("The ZorpSet Multilingual Dataset for Parsing", "  Leading spaces. We evaluate ZorpSet with T5 and mBERT."),
    ("A Multi-Task Study of Perception", MANY_TASKS),
    ("", "An abstract without a title; we propose QuuxNet for parsing."),
    ("Title Only With ImageNet", ""),
]


@pytest.mark.parametrize("title, abstract", CORPUS)
def test_evidence_indexes_its_field(run: Callable[..., list[Entity]], title: str, abstract: str) -> None:
    run(title, abstract)  # check_entities does the work


def test_title_evidence_indexes_the_title(run: Callable[..., list[Entity]]) -> None:
    title = "Sparse Routing with ImageNet Priors"
    ents = run(title, "We report results on ImageNet.")
    ev = named(ents, "ImageNet")["evidence"]  # type: ignore[index]
    fields = {(e["field"], (title if e["field"] == "title" else "We report results on ImageNet.")[e["start"]:e["end"]])
              for e in ev}
    assert fields == {("title", "ImageNet"), ("abstract", "ImageNet")}


def test_code_link(nlp: Language) -> None:
    abstract = "We release everything. Code: https://github.com/o/r."
    doc = nlp(paper_text(TITLE, abstract))
    links = doc._.paperkg_links
    assert [(x["url"], x["kind"]) for x in links] == [("https://github.com/o/r", "code")]
    ev = links[0]["evidence"][0]
    assert ev["field"] == "abstract"
    assert abstract[ev["start"]:ev["end"]] == "https://github.com/o/r"


@pytest.mark.parametrize("title, abstract", CORPUS)
def test_doc_results_are_plain_json(nlp: Language, title: str, abstract: str) -> None:
    doc = nlp(paper_text(title, abstract))
    for attr in ("paperkg_acronyms", "paperkg_hits", "paperkg_links", "paperkg_entities"):
        value = getattr(doc._, attr)
        assert isinstance(value, list), attr
        assert json.loads(json.dumps(value)) == value, attr  # no tuples, sets or objects


# --- kg.extract.pipeline -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def blank_nlp() -> Language:
    return build_nlp(BLANK)


RULES_ONLY = tuple(c for c in COMPONENTS if c != "paperkg_syntax")


def test_blank_pipeline_has_only_the_rule_components(blank_nlp: Language) -> None:
    assert tuple(blank_nlp.pipe_names) == RULES_ONLY  # no trained parser to run


def test_blank_matches_default_model(blank_nlp: Language) -> None:
    if not spacy.util.is_package(DEFAULT_MODEL):
        pytest.skip(f"{DEFAULT_MODEL} is not installed")
    default = build_nlp()
    assert tuple(default.pipe_names) == COMPONENTS  # trained components excluded; parser only in syntax
    for title, abstract in CORPUS[:4]:
        text = paper_text(title, abstract)
        assert default(text)._.paperkg_entities == blank_nlp(text)._.paperkg_entities
        assert default(text)._.paperkg_links == blank_nlp(text)._.paperkg_links


def test_missing_model_warns_and_falls_back_to_blank() -> None:
    with pytest.warns(UserWarning, match="no_such_model_xyz"):
        fallback = build_nlp("no_such_model_xyz")
    assert tuple(fallback.pipe_names) == RULES_ONLY
    assert fallback.lang == "en"
    doc = fallback(paper_text(TITLE, "We fine-tune BERT on legal documents."))
    assert named(doc._.paperkg_entities, "BERT") is not None


def papers() -> list[Paper]:
    return [Paper(f"p{i}", title, abstract, (Source("mem.jsonl", i + 1, "jsonl"),))
            for i, (title, abstract) in enumerate(CORPUS[:3])]


def test_extract_workers_give_the_same_output() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork inside a threaded test runner
        one = [x.to_dict() for x in extract(papers(), build_nlp(BLANK), workers=1)]
        two = [x.to_dict() for x in extract(papers(), build_nlp(BLANK), workers=2)]
    assert [x["paper"]["id"] for x in one] == ["p0", "p1", "p2"]
    assert one == two
    assert any(x["entities"] for x in one) and one[0]["links"]


def test_extract_title_offsets_index_the_paper_title() -> None:
    paper = Paper("p", "The  ZorpSet Multilingual Dataset for Parsing", "We release parallel data.",
                  (Source("mem.jsonl", 1, "jsonl"),))
    [result] = extract([paper], build_nlp(BLANK))
    spans = [(paper.title[ev.start:ev.end], m) for m in result.entities for ev in m.evidence if ev.field == "title"]
    assert "ZorpSet" in [s for s, _ in spans], spans
    assert all(norm_key(s) in {norm_key(f) for f in (m.name, *m.aliases)} for s, m in spans), spans


# --- tasks: normalize_task --------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("domain generalisation", "domain generalization"),
    ("language modelling", "language modeling"),
    ("sequence labelling", "sequence labeling"),
    ("the downstream text summarisation", "text summarization"),
    ("Pretraining", "pre-training"),
    ("pre training", "pre-training"),
    ("continued pre-training", "continual pre-training"),
    ("continued pretraining", "continual pre-training"),
    ("fine tuning", "fine-tuning"),
    ("The image segmentation", "image segmentation"),
    ("An  Object   Detection.", "object detection"),
    ("a new multilingual parsing", "multilingual parsing"),
    ("visual question answering", "visual question answering"),
    ("noise", "noise"),
    ("crowd size estimation", "crowd size estimation"),
])
def test_normalize_task(raw: str, expected: str) -> None:
    assert normalize_task(raw) == expected


@pytest.mark.parametrize("raw", ["noise detection", "pairwise ranking", "label noise learning",
                                 "enterprise search", "exercise recognition"])
def test_normalize_task_keeps_words_ending_in_ise(raw: str) -> None:
    assert normalize_task(raw) == raw


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["the", "a", "an", "our", "image", "pretraining", "pre", "training",
                                 "generalisation", "modelling", "continued", "Domain", "Labelling", "parsing"]),
                max_size=6).map(" ".join))
def test_normalize_task_is_idempotent_and_lowercase(raw: str) -> None:
    name = normalize_task(raw)
    assert name == name.lower()
    assert normalize_task(name) == name
    assert not name.startswith(("the ", "a ", "an ", "our "))
