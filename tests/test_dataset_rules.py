"""Dataset mentions by general patterns (issue 10, item 2): editions, split digits, surfaces
around a listed name, names next to a dataset noun, lists, and how the rules' reading of a
name types the tagger's other mentions of it. Sentences are invented for these tests (names
like "Zentrix" exist nowhere); listed names ("SQuAD", "PASCAL VOC") are the field's general
knowledge in ``extractors/data``."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from extractors.assemble import coordinated_datasets
from extractors.context import Candidate, PaperText

Entity = dict[str, Any]
Run = Callable[[str, str], list[Entity]]
TITLE = "A Study of Things"


def datasets(entities: list[Entity]) -> dict[str, Entity]:
    return {e["name"]: e for e in entities if e["type"] == "dataset"}


def forms(entity: Entity) -> set[str]:
    return {entity["name"], *entity["aliases"]}


# --- editions and surfaces of listed names ------------------------------------------------

def test_a_spaced_version_is_an_edition(run: Run) -> None:
    found = datasets(run(TITLE, "We also report results on SQuAD v 1.1 for question answering."))
    assert "SQuAD v 1.1" in found and "SQuAD" not in found


def test_a_year_before_a_listed_name_dates_its_round(run: Run) -> None:
    found = datasets(run(TITLE, "Our model reaches 80.1% mIoU on the 2012 PASCAL VOC challenge."))
    assert "2012 PASCAL VOC" in found and "PASCAL VOC" in found["2012 PASCAL VOC"]["aliases"]
    assert "PASCAL VOC" not in found


def test_a_language_before_an_edition_is_a_surface(run: Run) -> None:
    found = datasets(run(TITLE, "We improve over the baseline on Chinese OntoNotes v 5.0 by two points."))
    assert "Chinese OntoNotes v 5.0" in forms(found["OntoNotes v 5.0"])


def test_task_words_before_the_dataset_noun_name_a_subset(run: Run) -> None:
    found = datasets(run(TITLE, "We evaluate the detector on the COCO segmentation dataset and report mask AP."))
    assert any("COCO segmentation" in forms(e) for e in found.values())


@pytest.mark.parametrize("surface, listed", [("Sports 1 M", "Sports-1M"), ("ADE 20 K", "ADE20K"),
                                             ("ADE 20 k", "ADE20K")])
def test_digits_split_by_a_tokenizer_still_match_a_listed_name(run: Run, surface: str, listed: str) -> None:
    found = datasets(run(TITLE, f"Pre-training on the {surface} dataset helps a lot."))
    assert listed in found and surface in found[listed]["aliases"]
    assert not {"M", "K", "k", "ADE"} & set(found)


# --- acronym definitions -------------------------------------------------------------------

def test_a_definitions_long_form_owns_the_listed_name_inside_it(run: Run) -> None:
    found = datasets(run(TITLE, "For datasets, we use Stanford Sentiment Treebank Binary (SST-2) for sentiment "
                                "analysis and report accuracy."))
    assert "Stanford Sentiment Treebank Binary" in found["SST-2"]["aliases"]
    assert "Stanford Sentiment Treebank" not in found


def test_a_definitions_long_form_decides_an_ambiguous_acronym(run: Run) -> None:
    ents = run(TITLE, "The stochastic gradient descent (SGD) algorithm optimizes the Zentrix loss.")
    assert "SGD" not in datasets(ents)
    assert any(e["name"] == "SGD" and e["type"] == "method" for e in ents)


# --- names next to a dataset noun, lists ---------------------------------------------------

@pytest.mark.parametrize("abstract, names", [
    ("To command a home robot, we recorded our own dataset, ZORBLAX. It holds 3,000 clips.", {"ZORBLAX"}),
    ("We also test on the indoor datasets QVX-3D [4] & QVX-Lo [7], which are harder.", {"QVX-3D", "QVX-Lo"}),
    ("Experiments on two face databases, i.e., Quorra-Attack and VENTU-NPU, show gains.",
     {"Quorra-Attack", "VENTU-NPU"}),
    ("Results on the University of Zorvia dataset are in the appendix.", {"University of Zorvia"}),
    ("We evaluate on the Brenlow, University of Zorvia, and Marrow Fen datasets.",
     {"Brenlow", "University of Zorvia", "Marrow Fen"}),
    ("The Zentrix-Q [3] and the Brovak-7 [4] datasets are used for training.", {"Zentrix-Q", "Brovak-7"}),
    ("Prior work ran sentiment classification-Zentrix dataset experiments.", {"Zentrix"}),
])
def test_names_next_to_a_dataset_noun(run: Run, abstract: str, names: set[str]) -> None:
    found = datasets(run(TITLE, abstract))
    assert names <= set(found)
    assert not {"University", "Zorvia", "classification-Zentrix", "Table"} & set(found)


def test_the_rules_type_every_mention_of_a_name(run: Run) -> None:
    ents = run(TITLE, "We generated our own dataset, MIBRAX. In our experiments with MIBRAX, the flow "
                      "estimate improves, and MIBRAX gestures are recognised better.")
    assert "MIBRAX" in datasets(ents)
    assert not any(e["name"] == "MIBRAX" and e["type"] != "dataset" for e in ents)


# --- a tagger name listed beside a dataset (pure) ------------------------------------------

def _paper(abstract: str) -> PaperText:
    text = f"{TITLE}\n\n{abstract}"
    return PaperText(text, len(TITLE), [(0, len(TITLE)), (len(TITLE) + 2, len(text))])


def _at(pt: PaperText, name: str, etype: str, extractor: str) -> Candidate:
    start = pt.text.index(name)
    return Candidate(etype, name, start, start + len(name), "used", 0.5, extractor)


@pytest.mark.parametrize("abstract, expected", [
    ("We reach the best scores on Zentrix and Brovak Bank.", "dataset"),
    ("Results on both Zentrix [3] and the Brovak Bank [9] are in Table 5.", "dataset"),
    ("We test on Zentrix, Brovak Bank, and Quill.", "dataset"),
    ("On Zentrix, Brovak Bank reaches 80% accuracy.", "method"),  # a comma alone is no list
    ("Zentrix is hard; Brovak Bank reaches 80% on it.", "method"),
])
def test_a_tagger_method_listed_beside_a_dataset(abstract: str, expected: str) -> None:
    pt = _paper(abstract)
    cands = [_at(pt, "Zentrix", "dataset", "patterns"), _at(pt, "Brovak Bank", "method", "tagger")]
    assert coordinated_datasets(pt, cands)[1].type == expected


def test_a_rules_method_is_never_retyped_by_a_neighbour() -> None:
    pt = _paper("We reach the best scores on Zentrix and Brovak Bank.")
    cands = [_at(pt, "Zentrix", "dataset", "patterns"), _at(pt, "Brovak Bank", "method", "patterns")]
    assert coordinated_datasets(pt, cands)[1].type == "method"


@pytest.mark.parametrize("text, expected", [
    ("ZENTRA consists of 1, 000 object classes", True),
    ("ZENTRA (103 classes, ∼ 800 K records) and", True),
    ("ZENTRA training subset had", True),
    ("ZENTRA [31] sample.", True),
    ("ZENTRA contains 12, 000 hand-labeled images", True),
    ("ZENTRA has 110 M parameters", False),
    ("ZENTRA with 3 examples", False),
    ("ZENTRA images are noisy", False),
])
def test_the_words_after_a_name_say_it_is_data(text: str, expected: bool) -> None:
    from extractors.mentions import data_after

    assert data_after(text, len("ZENTRA")) is expected


def test_a_tagger_name_followed_by_a_count_of_data_units_is_a_dataset(run: Run) -> None:
    ents = run(TITLE, "Unlike earlier collections, our BRAVIX-9 consists of 9, 000 object classes with masks.")
    assert not any(e["name"] == "BRAVIX-9" and e["type"] == "method" for e in ents)


def test_a_quoted_name_after_a_dataset_noun(run: Run) -> None:
    found = datasets(run(TITLE, "We collect a large-scale dataset, “VexCars”, that covers 160 makes of cars."))
    assert "VexCars" in found


def test_of_before_a_name_is_no_dataset_cue(run: Run) -> None:
    ents = run(TITLE, "Section 3 gives the design of ZorbMD for trajectory simulation, and the momentum of "
                      "ZorbMD is set to 0.9.")
    assert "ZorbMD" not in datasets(ents)
