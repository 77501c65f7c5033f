"""The registered spaCy components. Each is thin glue over a pure function and stores
plain, serializable values on the Doc (so ``nlp.pipe(n_process=N)`` works):

==========================  ====================================================
``paperkg_sentences``        sentence boundaries; the title is its own sentence
``paperkg_acronyms``         ``doc._.paperkg_acronyms``: acronym definitions
``paperkg_gazetteer``        ``doc._.paperkg_hits``: curated-list matches
``paperkg_links``            ``doc._.paperkg_links``: URLs, normalized and classified
``paperkg_syntax``           ``doc._.paperkg_objects``: objects of proposal verbs (parser on
                             those sentences only)
``paperkg_tagger``           ``doc._.paperkg_tags``: spans proposed by the trained tagger
``paperkg_entities``         ``doc._.paperkg_entities``: the paper's entities
==========================  ====================================================

A Doc's text is the title, a blank line, then the abstract (:func:`paper_text`).
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from extractors.acronyms import Definition, find_definitions
from extractors.assemble import assemble, keep_tasks
from extractors.calibrate import calibrate
from extractors.cited import cited_words
from extractors.coined import coined_names
from extractors.context import SEPARATOR, ListHit, PaperText
from extractors.gazetteer import Gazetteer, TypeIndex, default_gazetteer, default_type_index, find_hits
from extractors.links import find_links
from extractors.names import norm_key
from extractors.longer import longer_names
from extractors.mentions import (definition_mentions, list_mentions, pattern_datasets, pattern_methods,
                                 variant_mentions)
from extractors.proposals import find_proposals, headline_names, title_coinages
from extractors.surface import add_variants
from extractors.tasks import rank_tasks, task_candidates
from extractors.text import text_of
import extractors.syntax  # noqa: F401,E402  (registers paperkg_syntax)
from extractors.tagger import tag_candidates  # registers paperkg_tagger

for _name in ("paperkg_acronyms", "paperkg_hits", "paperkg_links", "paperkg_entities", "paperkg_error"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

F = TypeVar("F", bound=Callable[..., Doc])


def guarded(name: str) -> Callable[[F], F]:
    """A component that fails on one Doc records the error in ``doc._.paperkg_error`` and
    returns the Doc, so the paper is reported and kept instead of dropped by ``nlp.pipe``."""

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def call(*args: Any) -> Doc:
            doc: Doc = args[-1]
            try:
                return func(*args)
            except Exception as exc:  # noqa: BLE001 — reported per paper by kg.extract.pipeline.extract
                doc._.paperkg_error = doc._.paperkg_error or f"{name}: {type(exc).__name__}: {exc}"
                return doc

        return call  # type: ignore[return-value]

    return wrap


def paper_text(title: str, abstract: str) -> str:
    """The text a paperkg Doc is made from."""
    return f"{title.replace(chr(10), ' ').replace(chr(13), ' ')}{SEPARATOR}{abstract}"


def title_end(doc: Doc) -> int:
    text = text_of(doc)
    pos = text.find(SEPARATOR)
    return len(text) if pos < 0 else pos


class PaperSentences:
    """Rule-based sentences (spaCy's Sentencizer), with the title as its own sentence."""

    def __init__(self) -> None:
        self.sentencizer = Sentencizer()

    def __call__(self, doc: Doc) -> Doc:
        doc = self.sentencizer(doc)
        end = title_end(doc)
        for token in doc[1:]:
            if token.idx > end and not token.is_space:
                token.is_sent_start = True
                break
        return doc


@Language.factory("paperkg_sentences")
def make_sentences(nlp: Language, name: str) -> PaperSentences:
    return PaperSentences()


@Language.component("paperkg_acronyms")
@guarded("paperkg_acronyms")
def acronyms_component(doc: Doc) -> Doc:
    spans = [(s.start_char, s.end_char) for s in doc.sents]
    doc._.paperkg_acronyms = [d.to_dict() for d in find_definitions(text_of(doc), spans)]
    return doc


class GazetteerComponent:
    def __init__(self, nlp: Language, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.matchers = gazetteer.matchers(nlp.vocab)

    @guarded("paperkg_gazetteer")
    def __call__(self, doc: Doc) -> Doc:
        doc._.paperkg_hits = [[h.entry, doc[h.start].idx, doc[h.end - 1].idx + len(doc[h.end - 1])]
                              for h in find_hits(doc, self.gazetteer, self.matchers)]
        return doc


@Language.factory("paperkg_gazetteer")
def make_gazetteer(nlp: Language, name: str) -> GazetteerComponent:
    return GazetteerComponent(nlp, default_gazetteer())


@Language.component("paperkg_links")
@guarded("paperkg_links")
def links_component(doc: Doc) -> Doc:
    end = title_end(doc)
    base = end + len(SEPARATOR)
    out = []
    text = text_of(doc)
    for link in find_links(text):
        in_title = link.start < end
        sent = doc.char_span(link.start, link.end, alignment_mode="expand")
        sentence = text[sent.sent.start_char:sent.sent.end_char].strip() if sent is not None else text[:end]
        out.append({"url": link.url, "kind": link.kind, "raw": link.raw, "host": link.host, "path": link.path,
                    "evidence": [{"sentence": sentence, "start": link.start - (0 if in_title else base),
                                  "end": link.end - (0 if in_title else base),
                                  "field": "title" if in_title else "abstract"}]})
    doc._.paperkg_links = out
    return doc


class EntitiesComponent:
    """Proposals, list mentions, acronym-typed mentions, patterns and tasks, assembled."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.known = default_type_index() if gazetteer is default_gazetteer() else TypeIndex(gazetteer)

    def paper_text(self, doc: Doc) -> PaperText:
        text = text_of(doc)
        pt = PaperText(text, title_end(doc), [(s.start_char, s.end_char) for s in doc.sents])
        pt.definitions = [Definition(**d) for d in (doc._.paperkg_acronyms or [])]  # type: ignore[arg-type]
        pt.hits = [ListHit(self.gazetteer.entries[i], s, e, text[s:e]) for i, s, e in (doc._.paperkg_hits or [])]
        pt.objects = {verb: (start, end) for verb, start, end in (doc._.paperkg_objects or [])}
        return pt

    @guarded("paperkg_entities")
    def __call__(self, doc: Doc) -> Doc:
        if doc._.paperkg_error:
            return doc
        pt = self.paper_text(doc)
        known = self.known
        candidates = [*headline_names(pt, known), *title_coinages(pt, known), *find_proposals(pt, known),
                      *list_mentions(pt), *definition_mentions(pt, known), *pattern_datasets(pt, known),
                      *pattern_methods(pt, known), *variant_mentions(pt, known)]
        raw_tasks = task_candidates(pt, known)
        candidates += rank_tasks(pt, raw_tasks, known)
        if doc._.paperkg_tags:
            taken = [(c.start, c.end) for c in candidates]
            names = {norm_key(n) for c in candidates if c.type in ("method", "dataset") for n in (c.name, *c.aliases)}
            tasks = {norm_key(n) for c in candidates if c.type == "task" for n in (c.name, *c.aliases)}
            tagged = tag_candidates(pt, doc._.paperkg_tags, known, taken, names, tasks)
            tagged_tasks = [c for c in tagged if c.type == "task"]
            if tagged_tasks:  # the tagger's tasks are ranked with the rules' (one test, one limit)
                candidates = [c for c in candidates if c.type != "task"]
                candidates += rank_tasks(pt, raw_tasks + tagged_tasks, known)
            candidates += [c for c in tagged if c.type != "task"]
        candidates += coined_names(pt, known, candidates)
        candidates += cited_words(pt, known, candidates)
        candidates = longer_names(pt, candidates)
        entities = assemble(pt, candidates, max_tasks=None)
        add_variants(pt, entities)
        calibrate(entities)
        doc._.paperkg_entities = keep_tasks(entities)
        return doc


@Language.factory("paperkg_entities")
def make_entities(nlp: Language, name: str) -> EntitiesComponent:
    return EntitiesComponent(default_gazetteer())


ALL_COMPONENTS = ("paperkg_sentences", "paperkg_acronyms", "paperkg_gazetteer", "paperkg_links", "paperkg_syntax",
                  "paperkg_tagger", "paperkg_entities")
COMPONENTS = tuple(c for c in ALL_COMPONENTS if c != "paperkg_syntax")
"""The default pipeline. ``paperkg_syntax`` (the trained parser on proposal sentences) is
opt-in: with the tagger it changed no score on any evaluation set and cost a fifth of the
processing time (docs/decisions.md)."""
