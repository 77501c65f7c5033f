"""Coined names no list holds, proposed by their context (``extractors/coined.py``): a numeric
reference after the name, or a list neighbour the other extractors typed. Sentences are
invented for these tests (names like "Vornet" exist nowhere)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from extractors.acronyms import Definition
from extractors.calibrate import source
from extractors.coined import coined_names
from extractors.context import Candidate, PaperText
from support import PASSAGE_TITLE as TITLE, nothing_known, passage as paper





def at(pt: PaperText, name: str, etype: str = "method") -> Candidate:
    start = pt.text.index(name)
    return Candidate(etype, name, start, start + len(name), "used", 0.7, "gazetteer")


def names(found: list[Candidate]) -> dict[str, str]:
    return {c.name: c.type for c in found}


def test_a_cited_coined_name_is_a_method() -> None:
    pt = paper("GraphVornet [12] matches keypoints, while Qel3Net [7] regresses poses directly.")
    found = coined_names(pt, nothing_known, [])
    assert names(found) == {"GraphVornet": "method", "Qel3Net": "method"}
    assert {c.extractor for c in found} == {"coined"}


def test_an_uncited_lone_coined_token_is_not_proposed() -> None:
    assert coined_names(paper("GraphVornet matches keypoints well in our experiments."), nothing_known, []) == []


def test_a_list_item_takes_its_neighbours_type() -> None:
    pt = paper("We compare with ZetaFlow, KappaMD and OpenSim on three systems.")
    found = coined_names(pt, nothing_known, [at(pt, "OpenSim")])
    assert names(found) == {"ZetaFlow": "method", "KappaMD": "method"} or names(found) == {"KappaMD": "method"}
    pt = paper("Results on TrexSet and QuolBench show the gain.")
    assert names(coined_names(pt, nothing_known, [at(pt, "QuolBench", "dataset")])) == {"TrexSet": "dataset"}


def test_a_list_of_two_types_says_nothing() -> None:
    pt = paper("We use OpenSim, KappaMD and QuolBench here.")
    found = coined_names(pt, nothing_known, [at(pt, "OpenSim"), at(pt, "QuolBench", "dataset")])
    assert "KappaMD" not in names(found)


def test_a_dataset_noun_after_a_cited_name_types_it() -> None:
    pt = paper("We report results on the ZentrixCorp [4] benchmark of scans.")
    assert names(coined_names(pt, nothing_known, [])) == {"ZentrixCorp": "dataset"}


def test_pieces_of_split_names_labels_and_sizes_are_not_names() -> None:
    pt = paper("We train YOLOv 3 [5], the 3 D-CNN [6], SC 2-PCR [8], the BASE [9] model, c5 [2] and "
               "the implementations-fastText [3] tool.")
    assert coined_names(pt, nothing_known, []) == []


def test_known_generic_claimed_and_defined_tokens_are_left_to_others() -> None:
    pt = paper("A graph vorticity network (GVNet) [3] beats CNNs [4] and OpenSim [5] and FooBar [6].")
    known = {"foobar": frozenset({"method"})}
    found = coined_names(pt, lambda n: known.get(n.lower(), frozenset()), [at(pt, "OpenSim")])
    assert names(found) == {}


def test_coined_candidates_are_their_own_calibration_source() -> None:
    assert source("coined") == "context"
    assert source("coined+tagger") == "context+tagger"
    assert source("coined+gazetteer") == "list"
    assert source("coined+patterns") == "rules"


def test_the_pipeline_keeps_a_cited_coined_name(run: Callable[[str, str], list[dict[str, Any]]]) -> None:
    entities = run(TITLE, "Earlier matchers such as GraphVornet [12] need keypoints; our model does not.")
    found = {e["name"]: e for e in entities}
    assert found["GraphVornet"]["type"] == "method"
    assert 0 < found["GraphVornet"]["confidence"] < 1


def test_a_kind_noun_after_a_coined_name_types_it() -> None:
    pt = paper("Then the ZorbNet model and the QelbixV2 corpus are compared.")
    assert names(coined_names(pt, nothing_known, [])) == {"ZorbNet": "method", "QelbixV2": "dataset"}
    assert coined_names(paper("ZorbNet, a model of ours, is slow."), nothing_known, []) == []


def test_a_cited_run_of_capitalized_words_is_a_method() -> None:
    pt = paper("Results of Orbital Vortex Fields [26] and the Quell Scene Segmentation [4] challenge, "
               "as Then Zorbix [5] showed.")
    found = coined_names(pt, nothing_known, [])
    assert names(found) == {"Orbital Vortex Fields": "method"}


def test_a_cited_run_that_starts_the_sentence_or_holds_a_function_word_is_not_a_name() -> None:
    pt = paper("Vortex Fields [26] work. See Cell Counting Using Vortices [3].")
    assert coined_names(pt, nothing_known, []) == []


def test_text_debris_and_author_lists_are_not_names() -> None:
    pt = paper("W.Kelm, J.Droppo and OpenSim; SchoolofComputerScience, Harbin150001 and OpenSim; "
               "1] Abhinav Quorn [1] Zentrix Lab [2] and baker2019fancy [3].")
    assert coined_names(pt, nothing_known, [at(pt, "OpenSim")]) == []


def test_a_word_of_a_defined_long_form_belongs_to_the_definition() -> None:
    pt = paper("We design the EXplicit interAction Model (dubbed as EXAM) for it.")
    long, short = pt.text.index("EXplicit"), pt.text.index("EXAM")
    pt.definitions = [Definition("EXAM", short, short + 4, "EXplicit interAction Model", long, long + 26)]
    assert coined_names(pt, nothing_known, []) == []
