"""A Doc made by :func:`extractors.text.doc_of` knows its text without joining its tokens,
and that text is exactly what spaCy would join (any text, Hypothesis)."""
from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.components import paper_text
from extractors.text import doc_of, text_of
from kg.extract.partition import _outcome, extract_partition
from kg.ingest import read_papers
from support import EXAMPLES

NLP = spacy.blank("en")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_doc_of_knows_the_joined_text(text: str) -> None:
    doc = doc_of(NLP, text)
    assert text_of(doc) == text == doc.text


def test_extraction_records_do_not_depend_on_the_known_text(trained_nlp) -> None:  # type: ignore[no-untyped-def]
    # extract_partition hands the pipeline Docs that know their text; a Doc made by nlp(text)
    # joins its tokens: the records are the same
    papers = list(read_papers(EXAMPLES))[:30]
    fast = [extraction for extraction, _ in extract_partition(trained_nlp, papers)]
    slow = [_outcome(p, trained_nlp(paper_text(p.title, p.abstract)))[0] for p in papers]
    assert fast == slow
    assert sum(len(x.entities) for x in fast if x is not None) > 30


def test_default_model_tokenizer_is_the_english_default(trained_nlp) -> None:  # type: ignore[no-untyped-def]
    # build_nlp does not read the default model's saved tokenizer (kg.extract.pipeline.DEFAULT_TOKENIZER):
    # that is right only while the saved one is byte for byte the one spaCy builds from the config
    from kg.extract.pipeline import DEFAULT_MODEL, DEFAULT_TOKENIZER, TRAINED_COMPONENTS

    assert DEFAULT_MODEL in DEFAULT_TOKENIZER
    saved = spacy.load(DEFAULT_MODEL, exclude=list(TRAINED_COMPONENTS))
    assert saved.tokenizer.to_bytes(exclude=["vocab"]) == trained_nlp.tokenizer.to_bytes(exclude=["vocab"])
    text = "LLaVA-KD (e.g. ViT-L/14) gets 85.3% on CIFAR-10C; see https://github.com/x/y."
    assert [t.text for t in saved(text)] == [t.text for t in trained_nlp.make_doc(text)]
