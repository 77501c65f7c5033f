"""A list's head noun types its items (``extractors/listhead.py``). Sentences and names are
invented for these tests."""
from __future__ import annotations

from extractors.context import Candidate, PaperText
from extractors.listhead import method_list_item, typed_by_list_head

TITLE = "A Study of Things"


def paper(abstract: str) -> PaperText:
    text = f"{TITLE}\n\n{abstract}"
    start = len(TITLE) + 2
    return PaperText(text, len(TITLE), [(0, len(TITLE)), (start, len(text))])


def item(pt: PaperText, name: str) -> bool:
    start = pt.text.index(name)
    return method_list_item(pt, start, start + len(name))


def test_a_method_head_before_the_list_types_every_item() -> None:
    pt = paper("We compare with the best methods on the Zumba Dataset [2], including Zumba [2], QuelFlow [16], "
               "Vorn-and-Track [21] and SkipTrack [50].")
    assert all(item(pt, n) for n in ("QuelFlow", "Vorn-and-Track", "SkipTrack"))
    assert not item(pt, "Zumba Dataset")


def test_as_backbone_after_the_list_types_every_item() -> None:
    pt = paper("Table 3 gives results on Vgg-11, QuelNet-50 and ZorbNet as backbone, with two losses.")
    assert item(pt, "ZorbNet") and item(pt, "QuelNet-50")


def test_a_dataset_list_is_left_alone() -> None:
    pt = paper("We evaluate on datasets such as QuelBank and ZorbSet, and compare models trained on them.")
    assert not item(pt, "QuelBank") and not item(pt, "ZorbSet")


def test_only_weak_dataset_guesses_are_retyped() -> None:
    pt = paper("We compare baselines such as QuelFlow [3], ZorbSet [4] and OurNet.")

    def cand(name: str, extractor: str, role: str = "used") -> Candidate:
        start = pt.text.index(name)
        return Candidate("dataset", name, start, start + len(name), role, 0.5, extractor)

    out = typed_by_list_head(pt, [cand("QuelFlow", "tagger"), cand("ZorbSet", "gazetteer"),
                                  cand("OurNet", "tagger", "proposed")])
    assert [c.type for c in out] == ["method", "dataset", "dataset"]


def test_a_collection_of_techniques_is_a_method() -> None:
    from extractors.proposals import find_proposals

    pt = paper("In this paper, we present Holistic QuelCNN, a collection of techniques that speed up sparse nets.")
    assert {c.name: c.type for c in find_proposals(pt, lambda name: frozenset())}.get("Holistic QuelCNN") == "method"


def test_networks_are_no_method_head_and_a_listed_dataset_keeps_its_support() -> None:
    pt = paper("We study citation and social networks, including QuelCite and ZorbSoc.")
    assert not item(pt, "QuelCite")
    pt = paper("We compare baselines such as QuelFlow [3] and ZorbSet [4].")
    start = pt.text.index("ZorbSet")
    cands = [Candidate("dataset", "ZorbSet", start, start + 7, "used", 0.5, extractor) for extractor in ("tagger", "gazetteer")]
    assert [c.type for c in typed_by_list_head(pt, cands)] == ["dataset", "dataset"]
