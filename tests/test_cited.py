"""Capitalized plain words named by their context (``extractors/cited.py``) and the English
word test behind them (``extractors/lexicon.py``). Sentences and names are invented for
these tests ("Vornet", "Quelmask" exist nowhere)."""
from __future__ import annotations

from extractors.calibrate import source
from extractors.cited import cited_words
from extractors.context import Candidate, PaperText
from support import PASSAGE_TITLE as TITLE, nothing_known, passage as paper
from extractors.lexicon import english_lemmas, is_english

WORDS = frozenset("predator table march method model results here and we".split())




def found(abstract: str, typed: tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    pt = paper(abstract)
    cands = []
    for name, etype in typed:
        start = pt.text.index(name)
        cands.append(Candidate(etype, name, start, start + len(name), "used", 0.7, "gazetteer"))
    return {c.name: c.type for c in cited_words(pt, nothing_known, cands, WORDS)}


def test_a_cited_word_that_is_no_english_word_is_a_method() -> None:
    pt = paper("Here Vornet [12] matches keypoints and Quelmask [3, 5] regresses masks directly.")
    out = cited_words(pt, nothing_known, [], WORDS)
    assert {c.name: c.type for c in out} == {"Vornet": "method", "Quelmask": "method"}
    assert {c.extractor for c in out} == {"cited"} and source("cited") == "context"


def test_an_english_word_a_short_word_or_a_bracketed_word_is_never_proposed() -> None:
    assert found("The Predator [4] pipeline aligns scans. Table [2] and Zed [5] differ. See (Vornet [3]).") == {}


def test_an_appositive_says_a_word_names_a_work() -> None:
    assert found("Another model is Quelmask, proposed by a vision group, and Vornet, which introduced seeds.") \
        == {"Quelmask": "method", "Vornet": "method"}
    assert found("Another model is Quelmask, a name with no cue at all.") == {}


def test_a_list_neighbour_types_the_word() -> None:
    assert found("We compare SVMlight, Vornet and Naive Bayes.", (("SVMlight", "method"),)) == {"Vornet": "method"}
    assert found("We evaluate on MegaSet and Quelbank.", (("MegaSet", "dataset"),)) == {"Quelbank": "dataset"}
    assert found("We report results on the Quelbank [7] benchmark.") == {"Quelbank": "dataset"}


def test_cited_authors_are_not_works() -> None:
    text = ("Quelling et al. [3] trained a net. Vornak & Dremel [4] studied it, as shown by Zorvan [5]. "
            "Brackman [6] proposed a loss and Tisdane [7] reports gains. Kelvor and Marrit [8] agree.")
    assert found(text) == {}
    assert found("Vornet [2] matched keypoints.") == {}  # a past-tense report reads as an author's (a limit)


def test_the_shipped_english_word_list_knows_words_places_and_function_words() -> None:
    lemmas = english_lemmas()
    assert lemmas is not None and len(lemmas) > 50_000
    assert all(is_english(w, lemmas) for w in ("Predator", "Saccades", "Adelaide", "March", "From", "Whereas"))
    assert not any(is_english(w, lemmas) for w in ("Vornet", "Quelmask", "Linkmesh"))
    assert is_english("Vornet", None) is is_english("Vornet")  # the default list is the shipped one


def test_a_gloss_in_brackets_may_stand_between_the_word_and_its_reference() -> None:
    assert found("Other models include Quelfuse (fusing low-level features) [12] and more.") == {"Quelfuse": "method"}
    assert found("Quelling (2019) [4] studies losses.") == {}  # a year: an author


def test_capitalized_words_joined_by_a_small_word_count_when_cited() -> None:
    assert found("We reuse the classifier used in Frames-to-Mesh [34] here.") == {"Frames-to-Mesh": "method"}
    assert found("We reuse the classifier used in Frames-to-Mesh here.") == {}


def test_an_item_of_a_tool_list_is_a_method() -> None:
    assert found("Several open-source tools, like Quelfract for optics [41], exist.") == {"Quelfract": "method"}
