"""Surface variants of a name (plural, possessive, name + kind noun) become aliases of the
same entity; parts, derivatives and other types do not."""
from __future__ import annotations

from extractors.context import PaperText
from extractors.surface import add_variants, variants


def _pt(abstract: str) -> PaperText:
    text = f"T\n\n{abstract}"
    return PaperText(text, 1, [(0, 1), (3, len(text))])


def test_plural_and_kind_noun_are_variants() -> None:
    pt = _pt("We run the GlimNet algorithm and two GlimNets on the FooQA benchmark.")
    assert variants(pt, "method", ["GlimNet"]) == ["GlimNet algorithm", "GlimNets"]
    assert variants(pt, "dataset", ["FooQA"]) == ["FooQA benchmark"]


def test_parts_and_derivatives_are_not_variants() -> None:
    pt = _pt("GlimNet layers, GlimNet features and GlimNet variants, and a GlimNetwork, are not GlimNet.")
    assert variants(pt, "method", ["GlimNet"]) == []


def test_tasks_and_kind_names_get_no_variants() -> None:
    pt = _pt("Glimmer tagging models help. The Quill model is small, the Quill model models.")
    assert variants(pt, "task", ["Glimmer tagging"]) == []
    assert variants(pt, "method", ["Quill model"]) == []


def test_add_variants_keeps_the_name() -> None:
    pt = _pt("The GlimNet encoder reads text; GlimNet (Glimmer Network) is small.")
    ents: list[dict[str, object]] = [{"type": "method", "name": "GlimNet", "aliases": ["Glimmer Network"]},
                                     {"type": "metric", "name": "GlimNet", "aliases": []}]
    add_variants(pt, ents)
    assert ents[0]["name"] == "GlimNet"
    assert ents[0]["aliases"] == ["Glimmer Network", "GlimNet encoder"]
    assert ents[1]["aliases"] == []


def test_a_kind_noun_after_purpose_words_is_a_variant() -> None:
    """One or two plain words saying what the named thing is for may stand between the name and
    its kind noun; a clause word, a participle or a capitalized word may not."""
    pt = _pt("We use GlimNet word embeddings and the QuillKit chemistry tool. GlimNet trained models, "
             "GlimNet and other models, GlimNet Foo model, GlimNet image encoder (a part) "
             "and GlimNet is a model are not variants.")
    assert variants(pt, "method", ["GlimNet"]) == ["GlimNet word embeddings"]
    assert variants(pt, "method", ["QuillKit"]) == ["QuillKit chemistry tool"]
