"""Words and sentences of a paper's text as plain values (offsets into the text).

Extractors reason over *words*: runs of non-space characters with surrounding
punctuation stripped, so ``LLaVA-KD``, ``Phi-2-Legal`` and ``e-SNLI`` stay whole.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"\S+")
_LEAD = "([{\"'“‘`*"
_TRAIL = ")]}\"'”’`*,.;:!?"


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int
    trail: str  # punctuation stripped after the word ("," "." ")" ...)
    lead: str   # punctuation stripped before it ("(" ...)

    @property
    def lower(self) -> str:
        return self.text.lower()


def words(text: str, start: int = 0, end: int | None = None) -> list[Word]:
    stop = len(text) if end is None else end
    out: list[Word] = []
    for match in _WORD.finditer(text, start, stop):
        raw = match.group(0)
        s = match.start()
        lead_n = len(raw) - len(raw.lstrip(_LEAD))
        core = raw[lead_n:]
        if core.endswith("'s") or core.endswith("’s"):
            core_trail = core[-2:]
            core = core[:-2]
        else:
            core_trail = ""
        stripped = core.rstrip(_TRAIL)
        # keep a closing bracket that belongs to the word, e.g. "(IA)^3" or "f(x)"
        trail = core[len(stripped):] + core_trail
        if not stripped:
            continue
        out.append(Word(stripped, s + lead_n, s + lead_n + len(stripped), trail, raw[:lead_n]))
    return out


def is_capitalized(word: str) -> bool:
    return bool(word) and word[0].isupper()


def text_of(doc) -> str:  # type: ignore[no-untyped-def]
    """``doc.text``, built once per Doc (spaCy joins the tokens anew on every access)."""
    text = doc.user_data.get("paperkg_text")
    if text is None:
        text = doc.user_data["paperkg_text"] = doc.text
    return text  # type: ignore[no-any-return]

