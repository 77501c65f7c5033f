"""Rules that generalize (issue 10, items 2 and 3): each test is one pattern of the language of
abstracts, on sentences invented for these tests (names like "Zorblax" exist nowhere), run
through the registered components on ``spacy.blank("en")``."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from support import named

from extractors.gazetteer import TypeIndex, default_gazetteer
from extractors.mentions import dataset_variant
from extractors.names import is_paradigm, same_long_form
from extractors.tasks import task_like

Entity = dict[str, Any]
Run = Callable[[str, str], list[Entity]]
TITLE = "A Study of Things"


def tasks(entities: list[Entity]) -> dict[str, Entity]:
    return {e["name"]: e for e in entities if e["type"] == "task"}


def of_type(entities: list[Entity], etype: str) -> dict[str, Entity]:
    return {e["name"]: e for e in entities if e["type"] == etype}


# --- tasks: paradigms --------------------------------------------------------------------

def test_a_paradigm_in_passing_is_not_a_task(run: Run) -> None:
    found = tasks(run(TITLE, "The encoder is pre-trained on web text and then fine-tuned on coral reef "
                             "segmentation. Coral reef segmentation remains hard."))
    assert "pre-training" not in found and "fine-tuning" not in found
    assert "coral reef segmentation" in found


@pytest.mark.parametrize("title, abstract", [
    ("Rethinking Fine-Tuning for Glyph Models", "Glyph models are fine-tuned in many ways."),
    (TITLE, "We study fine-tuning of glyph models. It is costly."),
    (TITLE, "We propose a new fine-tuning recipe for glyph models."),
])
def test_a_paradigm_that_is_the_subject_is_a_task(run: Run, title: str, abstract: str) -> None:
    assert "fine-tuning" in tasks(run(title, abstract))


def test_paradigm_list() -> None:
    assert is_paradigm("Transfer Learning") and is_paradigm("pre-training") and not is_paradigm("object detection")


# --- tasks: free phrases -------------------------------------------------------------------

@pytest.mark.parametrize("name, ok", [
    ("coral reef segmentation", True),       # a task head is enough
    ("final classification", False),         # an evaluative modifier
    ("accelerate classification", False),    # led by a verb
    ("hypothesis evaluation", False),        # a weak head said once, in the abstract
    ("glyph (classification", False),        # broken text
])
def test_task_like(name: str, ok: bool) -> None:
    assert task_like(name, [], False, default_known()) is ok


def default_known() -> TypeIndex:
    return TypeIndex(default_gazetteer())


def test_weak_head_phrase_needs_the_title_or_a_second_mention(run: Run) -> None:
    once = tasks(run(TITLE, "We report hypothesis evaluation results for the model."))
    assert "hypothesis evaluation" not in once
    titled = tasks(run("Hypothesis Evaluation at Scale", "We report hypothesis evaluation results."))
    assert "hypothesis evaluation" in titled


def test_every_enumerated_task(run: Run) -> None:
    found = tasks(run(TITLE, "The model handles downstream tasks such as glyph recognition, rune translation "
                             "and scroll dating in one pass."))
    assert {"glyph recognition", "rune translation", "scroll dating"} <= set(found)


def test_enumerated_applications_need_a_task_head(run: Run) -> None:
    found = tasks(run(TITLE, "It has many applications, including but not limited to glyph recognition, "
                             "pottery dating, and museum logistics."))
    assert "glyph recognition" in found and "museum logistics" not in found


@pytest.mark.parametrize("title, expected", [
    ("Zorblax: A Tiny Network for Coral Reef Segmentation", "coral reef segmentation"),
    ("Zorblax Nets for Clinical Decision-Making", "clinical decision-making"),
    ("A Survey on Mixture of Experts", "mixture of experts"),
])
def test_what_a_title_says_the_work_is_for(run: Run, title: str, expected: str) -> None:
    assert expected in tasks(run(title, "We describe it."))


def test_a_domain_in_the_title_is_not_a_task(run: Run) -> None:
    assert not tasks(run("Zorblax: Small Language Models for Telecommunications", "We describe it."))


def test_a_phrase_said_once_joins_the_listed_task_it_ends_with(run: Run) -> None:
    found = tasks(run(TITLE, "Cross-lingual transfer is costly. We improve cross-lingual transfer with Zorblax "
                             "and also report zero-shot cross-lingual transfer results."))
    assert "zero-shot cross-lingual transfer" not in found
    assert "zero-shot cross-lingual transfer" in found["cross-lingual transfer"]["aliases"]


def test_a_listed_synonym_is_one_task(run: Run) -> None:
    found = tasks(run(TITLE, "Out-of-distribution generalization matters. OOD generalization of glyph models "
                             "is poor, and OOD generalization is what we improve."))
    assert len(found) == 1 and "out-of-distribution generalization" in found


def test_a_task_inside_a_longer_task_mention_is_part_of_it(run: Run) -> None:
    found = tasks(run("Few-shot Dense Retrieval with Zorblax", "We study few-shot dense retrieval."))
    assert "few-shot dense retrieval" in found and "dense retrieval" not in found


def test_one_word_task_when_repeated_and_alone(run: Run) -> None:
    alone = tasks(run(TITLE, "We study segmentation of coral. Our segmentation is fast."))
    assert "segmentation" in alone
    beside = tasks(run(TITLE, "We study segmentation of coral. Our segmentation helps coral reef segmentation."))
    assert "segmentation" not in beside and "coral reef segmentation" in beside


def test_an_acronym_before_a_task_head_belongs_to_the_task(run: Run) -> None:
    assert "hsi classification" in tasks(run(TITLE, "HSI classification is hard. We improve HSI classification."))


# --- names: normalized list forms, variants, lists ------------------------------------------

def test_list_names_match_on_a_normalized_form(run: Run) -> None:
    ents = of_type(run(TITLE, "We pre-train on Slim-Pajama and test robustness on CIFAR-10C."), "dataset")
    assert "Slim-Pajama" in ents["SlimPajama"]["aliases"] and "CIFAR-10C" in ents["CIFAR-10-C"]["aliases"]


@pytest.mark.parametrize("text, end, expected", [
    ("PASCAL VOC 2007 test", 10, " 2007"),
    ("WMT 2014 English-German", 8, " English-German"),
    ("WMT14 English-to-French.", 5, " English-to-French"),
    ("OntoNotes v5.0 and", 9, " v5.0"),
    ("ImageNet 2000 images", 8, ""),
    ("MNIST 28.5% error", 5, ""),
    ("VOC 2012-style masks", 3, ""),
])
def test_dataset_variant(text: str, end: int, expected: str) -> None:
    assert dataset_variant(text, end) == expected


def test_editions_and_sizes_are_their_own_entities(run: Run) -> None:
    ents = run(TITLE, "We fine-tune LLaMA-2 7B and ViT-L on PASCAL VOC 2007 and WMT 2014 English-German.")
    methods, datasets = of_type(ents, "method"), of_type(ents, "dataset")
    assert {"LLaMA-2 7B", "ViT-L"} <= set(methods) and "LLaMA-2" not in methods
    assert {"PASCAL VOC 2007", "WMT 2014 English-German"} <= set(datasets) and "PASCAL VOC" not in datasets


def test_every_member_of_a_dataset_list(run: Run) -> None:
    datasets = of_type(run(TITLE, "We evaluate on datasets such as Quill Harbor, Zentrix and Marrow Fen."), "dataset")
    assert {"Quill Harbor", "Zentrix", "Marrow Fen"} <= set(datasets)


def test_every_item_before_a_plural_dataset_noun(run: Run) -> None:
    datasets = of_type(run(TITLE, "We report results on the Quill Harbor, Zentrix3D, and Marrow Fen datasets."), "dataset")
    assert {"Quill Harbor", "Zentrix3D", "Marrow Fen"} <= set(datasets)
    assert not of_type(run(TITLE, "We release the German and French datasets."), "dataset")


def test_items_after_a_colon_and_between_references(run: Run) -> None:
    datasets = of_type(run(TITLE, "We test on two public databases: Quill-Harbor [10] and ZENTRIX-NPU [23]."), "dataset")
    assert {"Quill-Harbor", "ZENTRIX-NPU"} <= set(datasets)


def test_results_on_coined_names_are_data(run: Run) -> None:
    assert {"ZorbSet", "GlimNet3D"} <= set(of_type(run(TITLE, "We report results on ZorbSet and GlimNet3D."), "dataset"))
    assert not of_type(run(TITLE, "We build on ZorbNet and QuillFormer."), "dataset")


def test_a_common_word_dataset_after_datasets_such_as(run: Run) -> None:
    assert "Adult" in of_type(run(TITLE, "We use tabular datasets such as Adult and others."), "dataset")
    assert "Adult" not in of_type(run(TITLE, "Every adult can use it. Adult users like it."), "dataset")


# --- names: definitions, head nouns, proposals ---------------------------------------------

def test_an_in_text_definition_beats_the_lists_meaning() -> None:
    known = default_known()
    assert not known.agrees("LCM", "learnable commutative monoid")
    assert known.agrees("LCM", "latent consistency model") and known.agrees("ZQX", "anything at all")
    assert "method" not in known.for_definition("LCM", "learnable commutative monoid")
    assert same_long_form("generativeadversarialnets", ["generativeadversarialnetworks"])


def test_a_redefined_list_acronym_is_the_papers_thing(run: Run) -> None:
    ents = run(TITLE, "We propose a learnable commutative monoid (LCM) aggregator. The LCM aggregator is fast.")
    lcm = [e for e in ents if e["name"] == "LCM" or "LCM" in e["aliases"]]
    assert lcm and all("Latent Consistency Models" not in (e["name"], *e["aliases"]) for e in lcm)
    assert lcm[0]["type"] == "method"  # typed by the noun after it: "(LCM) aggregator"


def test_a_capital_s_is_not_a_plural(run: Run) -> None:
    """"DAS" is not the plural of a listed "DA" (domain adaptation)."""
    ents = run(TITLE, "We propose a novel dynamic architecture skipping (DAS) approach for glyph models.")
    das = named(ents, "DAS")
    assert das is not None and das["type"] == "method" and das["role"] == "proposed"
    assert "dynamic architecture skipping" not in tasks(ents)


def test_a_hyphenated_head_types_the_long_form(run: Run) -> None:
    ents = run(TITLE, "We present Part-guided Self-Distillation (PSD) for glyph models.")
    psd = named(ents, "PSD")
    assert psd is not None and psd["type"] == "method" and psd["role"] == "proposed"


def test_a_head_noun_before_the_name_types_it(run: Run) -> None:
    ents = run(TITLE, "We build a new datastore QuillStore with ten million passages.")
    assert named(ents, "QuillStore") is not None and named(ents, "QuillStore")["type"] == "dataset"
    ents = run(TITLE, "We introduce a benchmark ZorpEval and a method ZorpNet for glyph models.")
    assert named(ents, "ZorpEval")["type"] == "dataset"  # type: ignore[index]


def test_training_from_scratch_proposes_nothing(run: Run) -> None:
    ents = run(TITLE, "We train ZorbNet from scratch as a control and compare it to our glyph encoder.")
    zorb = named(ents, "ZorbNet")
    assert zorb is None or zorb["role"] != "proposed"
    ours = run(TITLE, "We train ZorbNet, a new glyph encoder, on ten million scrolls.")
    assert named(ours, "ZorbNet") is not None and named(ours, "ZorbNet")["role"] == "proposed"
