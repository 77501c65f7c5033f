"""Capitalized plain words that name a work: cited, introduced as a subject, or listed with names.

A word written with one capital and no other mark of a coinage ("Linknet", "Tensormask",
"Seednet") fails the coined-token test (guideline N1), yet it is no English word: a name
built from plain words. It is a candidate when no other extractor claimed it, no list or
lexicon knows it (:mod:`extractors.lexicon`: WordNet's lemmas, with places, months and first
names) and its context says it names a work:

* ``cited``: a numeric reference right after it ("Linknet [47]", "Multibox [5, 23]");
* ``subject``: an appositive says what it did ("Tensormask, proposed by ...", "Seednet,
  which introduced ...");
* ``listed``: an item of a coordination whose neighbour the other extractors typed
  ("Rocchio, and kNN"): the list's items share their kind.

An author is not a work: a word before "et al.", after "by", before "and <Name> [n]", or with
a reference and then a past-tense reporting verb ("Zhang [3] proposed ...") is left out. The
candidates carry the extractor name ``cited`` (a context source in the calibration table).
Pure functions over :class:`~extractors.context.PaperText`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from extractors.coined import claimed, neighbour_types
from extractors.context import Candidate, PaperText
from extractors.lexicon import english_lemmas, is_english
from extractors.listhead import method_list_item
from extractors.mentions import dataset_role, method_role
from extractors.names import is_generic, is_not_name
from extractors.proposals import Known
from extractors.text import Word
from extractors.vocab import DATASET_NOUNS, METHOD_HEADS, METHOD_KINDS, METHOD_NOUNS, TASK_HEADS

EXTRACTOR = "cited"
_VOCABULARY = DATASET_NOUNS | METHOD_NOUNS | METHOD_KINDS | METHOD_HEADS | TASK_HEADS  # "Dataset", "Backbone"
CONF = {"cited": 0.45, "subject": 0.45, "listed": 0.4}
_PLAIN_CAPITALIZED = re.compile(r"[A-Z][a-z]{3,}")  # "Linknet"; "Agg", "Kim": too short to tell
# capitalized words joined by a small word, a coinage of its own: "Events-to-Video", "Detect-and-Track"
_JOINED = re.compile(r"[A-Z][a-z]+(?:-(?:to|and|of|in|for|on|by)-[A-Z][a-z]+)+")
# a reference right after the word, or after a short gloss in brackets ("Foonet (fusing features) [12]")
_CITATION = re.compile(r"(?:\s?\([a-z][^()]{0,80}\))?\s?\[\d[\d,\s–-]*\]")
_SUBJECT = re.compile(r",\s+(?:(?:proposed|introduced|presented|developed|designed)\s+(?:by|in)\b"
                      r"|which\s+(?:\w+ly\s+)?(?:introduced|proposed|uses|used|extracts|applies|adopts|learns|relies|"
                      r"combines|employs|builds|exploits|leverages|incorporates|predicts|performs|achieves|is|was))")
_AUTHOR_AFTER = re.compile(r"\s+et\s+al\b|,?\s+\(?(?:19|20)\d\d\b|\s+(?:and|&)\s+[A-Z][a-z]+\s*\[|\s*\[[\d,\s–-]*\]\s*(?:'s|’s)"
                           r"|\s*\[[\d,\s–-]*\]\s+(?:\w+ly\s+)?(?:[a-z]+ed|shown|found|did|does|made|took|gave|"
                           r"proposes|shows|reports|argues|suggests|notes|finds|claims|describes|presents|introduces|"
                           r"demonstrates|investigates|studies|observes|points|summarizes|reviews|surveys)\b")
_BY = re.compile(r"\b(?:by|of)\s+$|&\s*$|(?:^|\s)[A-Z]\.\s*$")  # "by Zhang [3]", "Wang & Zhang", "J. Zhang [3]"
_NAME_BEFORE = re.compile(r"(?:^|[\s(])([A-Z][\w-]*)\s+(and\s+)?$")  # "Jian Zhang", "Wang and Zhang", "Land Use Dataset"


def is_author(pt: PaperText, w: Word, lemmas: frozenset[str]) -> bool:
    """The word reads as a cited author's surname: "Zhang et al.", "by Zhang [3]", "Wang and
    Zhang [3]", "Jian Zhang [3]" (a capitalized non-word before it), "Zhang [3] proposed",
    "Zhang [3]'s"."""
    before = pt.text[max(pt.sentence_of(w.start)[0], w.start - 16):w.start]
    name = _NAME_BEFORE.search(before)
    if _BY.search(before):
        return True
    if name is not None:
        word = name.group(1)
        if _PLAIN_CAPITALIZED.fullmatch(word) and not is_english(word, lemmas):
            return True  # "Jian Zhang", "Wang and Zhang": a person's names
        if not name.group(2) and pt.text[pt.sentence_of(w.start)[0]:w.start].strip() != word:
            return True  # "Land Use Dataset [3]": the last word of a longer name
    return _AUTHOR_AFTER.match(pt.text, w.end) is not None


def plain_name(w: Word, known: Known, lemmas: frozenset[str]) -> bool:
    """One capital, then lowercase letters only, not English, not a known or excluded name;
    or capitalized words joined by a small word ("Events-to-Video")."""
    text = w.text
    if _JOINED.fullmatch(text):
        return not known(text) and not is_not_name(text)
    return _PLAIN_CAPITALIZED.fullmatch(text) is not None and not is_english(text, lemmas) \
        and not known(text) and not is_not_name(text) and not is_generic(text) and text.lower() not in _VOCABULARY


def cited_words(pt: PaperText, known: Known, candidates: Iterable[Candidate],
                lemmas: frozenset[str] | None = None) -> list[Candidate]:
    """Candidates for capitalized plain words named by their context (see the module doc);
    ``lemmas``: the English word list (default :func:`extractors.lexicon.english_lemmas`)."""
    text = pt.text
    covered, typed = claimed(pt, candidates)
    out: list[Candidate] = []
    for span in pt.abstract_sentences():
        for w in pt.words_of(span):
            if _PLAIN_CAPITALIZED.fullmatch(w.text) is None and _JOINED.fullmatch(w.text) is None \
                    or 1 in covered[w.start:w.end] or w.lead:
                continue
            if lemmas is None:
                lemmas = english_lemmas()
                if lemmas is None:
                    return out
            if not plain_name(w, known, lemmas) or is_author(pt, w, lemmas):
                continue
            cite = None if w.trail else _CITATION.match(text, w.end)
            if cite is None and _JOINED.fullmatch(w.text):
                continue  # a joined coinage counts only when cited
            kinds = neighbour_types(pt, w, typed)
            if len(kinds) == 1:
                etype, why = kinds.pop(), "listed"
            elif cite is not None:
                etype, why = "method", "cited"
            elif w.trail.startswith(",") and _SUBJECT.match(text, w.end):
                etype, why = "method", "subject"
            elif method_list_item(pt, w.start, w.end):
                etype, why = "method", "listed"  # "software tools, like Foonet for ..."
            else:
                continue
            tail = cite.end() if cite else w.end
            after = text[tail:tail + 20].split()
            if after and after[0].lower().strip(",.;:)") in DATASET_NOUNS:
                etype = "dataset"  # "the Foo [4] benchmark"
            role = dataset_role(pt, w.start) if etype == "dataset" else method_role(pt, w.start)
            out.append(Candidate(etype, w.text, w.start, w.end, role, CONF[why], EXTRACTOR))
    return out
