"""Acronym definitions in both orders, a small Schwartz–Hearst implementation.

``"Sharpness-aware minimization (SAM)"`` and ``"SAM (Sharpness-Aware Minimization)"``
both give ``Definition(short="SAM", long="Sharpness-aware minimization", ...)``.
The core, :func:`find_definitions`, is a pure function over text and sentence spans.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_PAREN = re.compile(r"\(([^()]{1,80})\)")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Definition:
    short: str
    short_start: int
    short_end: int
    long: str
    long_start: int
    long_end: int

    def to_dict(self) -> dict[str, object]:
        return {"short": self.short, "short_start": self.short_start, "short_end": self.short_end,
                "long": self.long, "long_start": self.long_start, "long_end": self.long_end}


def is_short_form(text: str) -> bool:
    """A plausible short form: one or two words, 2–16 characters, starts alphanumeric,
    has a capital letter, and is not just a number or a year."""
    words = text.split()
    if not 1 <= len(words) <= 2 or not 2 <= len(text) <= 16:
        return False
    if not text[0].isalnum() or not any(c.isupper() for c in text):
        return False
    if re.fullmatch(r"[\d.,%]+|(?:19|20)\d\d[a-z]?", text):
        return False
    return sum(c.isalpha() for c in text) >= 2


def best_long_form(short: str, long: str) -> str | None:
    """Schwartz & Hearst (2003): match the short form's characters right to left in the
    candidate long form; the first short-form character must start a word."""
    s_index, l_index = len(short) - 1, len(long) - 1
    while s_index >= 0:
        c = short[s_index].lower()
        if not c.isalnum():
            s_index -= 1
            continue
        while l_index >= 0 and (long[l_index].lower() != c or
                                (s_index == 0 and l_index > 0 and long[l_index - 1].isalnum())):
            l_index -= 1
        if l_index < 0:
            return None
        l_index -= 1
        s_index -= 1
    start = long.rfind(" ", 0, l_index + 1) + 1
    return long[start:]


def _valid_long(short: str, long: str) -> bool:
    words = long.split()
    if not words or len(long) <= len(short):
        return False
    if len(words) > min(len(short) + 5, len(short) * 2):
        return False
    return long[0].isalnum() and short.casefold() not in {w.casefold() for w in words}


def find_definitions(text: str, sentences: Iterable[tuple[int, int]] | None = None) -> list[Definition]:
    """All acronym definitions in ``text``; ``sentences`` (character spans) bound the long-form
    search so a definition never crosses a sentence (default: the whole text)."""
    spans = list(sentences) if sentences is not None else [(0, len(text))]
    out: list[Definition] = []
    for s_start, s_end in spans:
        sentence = text[s_start:s_end]
        for match in _PAREN.finditer(sentence):
            inner = match.group(1).strip()
            first = re.split(r"\s*[;,]\s*", inner)[0].strip()
            before = sentence[:match.start()].rstrip()
            if is_short_form(first):
                found = _long_before(first, before)
                if found:
                    long, l_start = found
                    offset = s_start + match.start(1) + match.group(1).index(first)
                    out.append(Definition(first, offset, offset + len(first), long,
                                          s_start + l_start, s_start + l_start + len(long)))
                    continue
            prev = re.search(r"(\S+)$", before)
            if prev and is_short_form(prev.group(1).strip("\"'“”")) and len(inner.split()) >= 2:
                short = prev.group(1).strip("\"'“”")
                long = best_long_form(short, inner) or ""
                if long and long == inner.strip() and _valid_long(short, long):
                    sh_start = s_start + prev.start(1) + prev.group(1).index(short)
                    l_start = s_start + match.start(1) + match.group(1).index(long)
                    out.append(Definition(short, sh_start, sh_start + len(short), long, l_start, l_start + len(long)))
    return out


def _initials(short: str, long: str) -> bool:
    """Every letter of ``short`` starts a word of ``long``, in order, and ``long`` has at most
    one word more than ``short`` has letters."""
    firsts = [w[0].lower() for w in re.split(r"[\s-]+", long) if w]
    letters = [c.lower() for c in short if c.isalpha()]
    if len(firsts) > len(letters) + 1:
        return False
    it = iter(firsts)
    return all(c in it for c in letters)


_VERSION = re.compile(r"^([A-Za-z]*[A-Z][A-Za-z]+)[-_ ]?v?\d+(?:\.\d+)?$")


def _long_before(short: str, before: str) -> tuple[str, int] | None:
    words = list(_WORD.finditer(before))
    limit = min(len(short) + 5, len(short) * 2)
    window = words[-limit:] if words else []
    if not window:
        return None
    start = window[0].start()
    candidate = before[start:]
    long = best_long_form(short, candidate)
    version = _VERSION.match(short)
    if not long and version:  # "Stanford Sentiment Treebank Binary (SST-2)": the version is not spelled out
        long = best_long_form(version.group(1), candidate)
        if long and not _initials(version.group(1), long):
            long = None
    if not long:
        return None
    long = long.strip("\"'“”,;:")
    if not _valid_long(short, long):
        return None
    return long, before.rindex(long)
