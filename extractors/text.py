"""Words and sentences of a paper's text as plain values (offsets into the text).

Extractors reason over *words*: runs of non-space characters with surrounding
punctuation stripped, so ``LLaVA-KD``, ``Phi-2-Legal`` and ``e-SNLI`` stay whole.
"""
from __future__ import annotations

import re
from typing import NamedTuple

_WORD = re.compile(r"\S+")
_LEAD = "([{\"'“‘`*"
_TRAIL = ")]}\"'”’`*,.;:!?"


class _WordFields(NamedTuple):
    text: str
    start: int
    end: int
    trail: str  # punctuation stripped after the word ("," "." ")" ...)
    lead: str   # punctuation stripped before it ("(" ...)
    lower: str  # ``text.lower()``, made once: the rules read it millions of times per batch


class Word(_WordFields):
    """A word and its offsets (a named tuple: made tens of thousands of times per batch).
    ``Word(text, start, end, trail, lead)``; ``lower`` is derived from ``text``."""

    __slots__ = ()

    def __new__(cls, text: str, start: int, end: int, trail: str, lead: str) -> "Word":
        return tuple.__new__(cls, (text, start, end, trail, lead, text.lower()))


def words(text: str, start: int = 0, end: int | None = None) -> list[Word]:
    stop = len(text) if end is None else end
    out: list[Word] = []
    append = out.append
    new = tuple.__new__  # Word(...) without the Python-level __new__ call
    for match in _WORD.finditer(text, start, stop):
        raw = match.group(0)
        core = raw.lstrip(_LEAD)
        lead_n = len(raw) - len(core)
        if core.endswith(("'s", "’s")):
            core_trail = core[-2:]
            core = core[:-2]
        else:
            core_trail = ""
        stripped = core.rstrip(_TRAIL)
        if not stripped:
            continue
        # keep a closing bracket that belongs to the word, e.g. "(IA)^3" or "f(x)"
        s = match.start() + lead_n
        append(new(Word, (stripped, s, s + len(stripped), core[len(stripped):] + core_trail, raw[:lead_n],
                          stripped.lower())))
    return out


def is_capitalized(word: str) -> bool:
    return bool(word) and word[0].isupper()


def text_of(doc) -> str:  # type: ignore[no-untyped-def]
    """``doc.text``, built once per Doc (spaCy joins the tokens anew on every access)."""
    text = doc.user_data.get("paperkg_text")
    if text is None:
        text = doc.user_data["paperkg_text"] = doc.text
    return text  # type: ignore[no-any-return]


def doc_of(nlp, text: str):  # type: ignore[no-untyped-def]
    """``nlp``'s tokenized Doc of ``text``, knowing its text (the tokenizer keeps every
    character, so ``doc.text == text`` and :func:`text_of` need not join the tokens)."""
    doc = nlp.make_doc(text)
    doc.user_data["paperkg_text"] = text
    return doc

