"""The longer name wins: a method name written with a variant suffix, a count prefix or
joined to another name is its own entity (guidelines §3.5: different versions and
configurations are distinct things).

Around each method candidate the text may go on with

* a shot count (``OSLSM-1 shot``, ``ProtoNet 5-shot``);
* a dimension, maybe split from its digit by the upstream tokenizer (``HOG 3 D`` for
  ``HOG3D``, ``I 3 D ResNet``, ``2D ResNet``);
* a hyphen-glued tag (``FinBERT-domain``, ``ResNet 50-GCN``, ``FCN-8s-heavy``, ``X-L``);
  not an adjective built on the name (``ResNet-18-based``), a clause word (``CNN-that``) or a
  part or kind noun (``BERT-layer``, ``X-model``);
* a configuration tag in capitals (``Distilled BiLSTM SOFT``, ``BERT NOPT``);
* a depth written before it (``4-layer TinyBERT``);
* ``+`` and another name (``GCN + BR``, ``Two-Stream + IDT``, ``BERT + Glyph Embeddings``):
  a configuration of two names names a variant.

Each such longer span becomes a candidate of the base name's type, role and source, a
little more confident than the base so that it claims its span first in
:func:`extractors.assemble.assemble`; a base name said only inside longer names is then
dropped as nested, one said on its own too stays its own entity. Pure functions over
:class:`~extractors.context.PaperText`.
"""
from __future__ import annotations

import re

from extractors.context import Candidate, PaperText
from extractors.mentions import method_role
from extractors.names import is_acronym, is_coined, is_not_name
from extractors.surface import CLAUSE_WORDS
from extractors.vocab import DATASET_NOUNS, METHOD_KINDS, METHOD_NOUNS

MORE = 0.01  # the longer name's edge over its base in the merge
_SHOT = re.compile(r"[- ]?\d{1,3}[- ]?shots?(?![\w-])")
_DIMENSION_AFTER = re.compile(r" ?[1-4] ?D(?!\w)")
_D_AFTER_DIGIT = re.compile(r" D(?!\w)")  # "HOG 3" + " D"
_SHOT_AFTER_DIGIT = re.compile(r"[- ]shots?(?!\w)")  # "Guided Network-1" + " shot"
_SPACED_NUMBER = re.compile(r" \d{1,4}(?=-[A-Za-z])")  # "ResNet 50-GCN": "ResNet50-GCN" split
_NUMBERED = re.compile(r"^(.*[A-Za-z].*?)[- ]\d{1,4}$")  # "Vornet-1", "Zeph 50": a numbered variant of a stem
_SHORT_PIECE = re.compile(r"-[A-Za-z]{1,3}$")
_SPLIT_DIGIT = re.compile(r" \d (?:[A-Z][a-z]{0,3}(?![\w-])|[a-z]{1,4}(?=-\w))")  # "-Ev 2 Vid", "-w 2 v-": "Ev2Vid" split
_VERSION_PIECE = re.compile(r"[-\s][vV]$")
_SPLIT_VERSION = re.compile(r" \d+(?:\.\d+)?(?![\w.]\w)")  # "MobileNet-v 2": "v2" split
_WORD_VERSION = re.compile(r" [a-z]+ v ?\d+(?:\.\d+)?(?![\w.]\w)")  # "TTI zoomout v2"
_SPLIT_LETTER = re.compile(r" [a-z](?=-[A-Za-z])")  # "FCN-8 s-heavy": "8s" split by the tokenizer
_HYPHEN_TAIL = re.compile(r"-([A-Za-z0-9]+(?:\.\d+)?)(?![\w])")
_CAPS_TAG = re.compile(r" ([A-Z]{3,})(?![\w-])")
_DEPTH_BEFORE = re.compile(r"(?<![\w-])\d{1,3}-layers? $")
_DIMENSION_BEFORE = re.compile(r"(?<![\w-])(?:[A-Z] ?)?[1-4] ?D $")
_PLUS = re.compile(r"\s*\+\s*")
_PLUS_BEFORE = re.compile(r"\s*\+\s*$")
_TOKEN_AFTER = re.compile(r"[A-Za-z][\w-]*(?: [A-Z][\w-]*)?")
_TOKEN_BEFORE = re.compile(r"(?<![\w-])(?:[A-Z][\w-]* )?[A-Za-z][\w-]*$")
# a hyphen-glued word that makes an adjective or a clause of the name, not a variant of it
_NOT_TAIL = re.compile(r"^(?:based|free|like|style|driven|aware|guided|powered|specific|agnostic|centric|oriented|"
                       r"level|wise|only|related|inspired|sized|scale|size|type|sensitive|.*ed|.*ing)$", re.I)
PART_WORDS = frozenset("""layer layers encoder encoders decoder decoders block blocks head heads module modules
branch branches backbone backbones feature features embedding embeddings output outputs loss losses unit units
variant variants version versions family""".split())
STEPS = 6


def longer_names(pt: PaperText, candidates: list[Candidate]) -> list[Candidate]:
    """``candidates`` plus a longer candidate wherever the text goes on around a method
    candidate's name (at any of its occurrences; see the module docstring)."""
    taken = {(c.start, c.end) for c in candidates if c.type in ("method", "dataset")}  # a metric label yields
    out = list(candidates)
    bases: dict[str, Candidate] = {}
    for c in sorted(candidates, key=lambda c: -c.confidence):
        if c.type == "method" and len(c.name) > 1:
            bases.setdefault(c.name, c)
    spans = sorted({(c.start, c.end) for c in candidates if c.type == "method"})
    for c in list(bases.values()):  # "X-1" is a variant: its siblings "X-5 shot" grow from the stem "X"
        stem = _NUMBERED.match(c.name)
        if stem:
            bases.setdefault(stem.group(1), c)
    for name, c in bases.items():
        for pos in _occurrences(pt.text, name):
            start, end = _extend(pt.text, pos, pos + len(name), spans)
            if (start, end) == (pos, pos + len(name)) or (start, end) in taken:
                continue
            text = pt.text[start:end]
            if "\n" in text or is_not_name(text) or pt.in_title(start) != pt.in_title(end - 1):
                continue
            taken.add((start, end))
            role = c.role if c.role != "proposed" or (c.start, c.end) == (pos, pos + len(name)) \
                else method_role(pt, start)
            out.append(Candidate(c.type, text, start, end, role, min(0.99, c.confidence + MORE), c.extractor))
    return out


def _occurrences(text: str, name: str) -> list[int]:
    """Where ``name`` starts a word of ``text`` (what follows is for the patterns to judge)."""
    out, pos = [], text.find(name)
    while pos >= 0:
        if pos == 0 or not (text[pos - 1].isalnum() or text[pos - 1] in "_-+"):
            out.append(pos)
        pos = text.find(name, pos + 1)
    return out


def _extend(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The longest span around ``start:end`` that the variant patterns reach."""
    for _ in range(STEPS):
        grown = _right(text, end, spans)
        if not grown:
            break
        end += grown
    for _ in range(2):
        grown = _left(text, start, spans)
        if not grown:
            break
        start -= grown
    return start, end


def _right(text: str, end: int, spans: list[tuple[int, int]]) -> int:
    """How far one variant piece after ``end`` reaches (0: none)."""
    before = text[max(0, end - 4):end]
    after_digit = before[-1:].isdigit()
    patterns = [_SHOT, _DIMENSION_AFTER, *([_SHOT_AFTER_DIGIT] if after_digit else []), _SPACED_NUMBER, _WORD_VERSION,
                *([_SPLIT_VERSION] if _VERSION_PIECE.search(before) else []),
                *([_SPLIT_DIGIT] if _SHORT_PIECE.search(before) else []),
                *([_D_AFTER_DIGIT] if before[-1:] in ("1", "2", "3", "4") else []),
                *([_SPLIT_LETTER] if after_digit else [])]
    for pattern in patterns:
        found = pattern.match(text, end)
        if found:
            return len(found.group(0))
    found = _HYPHEN_TAIL.match(text, end)
    if found and _tail(found.group(1)):
        return len(found.group(0))
    found = _CAPS_TAG.match(text, end)
    if found and _caps_tag(text, found):
        return len(found.group(0))
    found = _PLUS.match(text, end)
    if found:
        other = _name_at(text, found.end(), spans)
        if other:
            return other - end
    return 0


def _left(text: str, start: int, spans: list[tuple[int, int]]) -> int:
    """How far one variant piece before ``start`` reaches (0: none)."""
    before = text[max(0, start - 24):start]
    for pattern in (_DEPTH_BEFORE, _DIMENSION_BEFORE):
        found = pattern.search(before)
        if found:
            return len(found.group(0))
    found = _PLUS_BEFORE.search(before)
    if found:
        other = _name_before(text, start - len(found.group(0)), spans)
        if other is not None:
            return start - other
    return 0


def _tail(word: str) -> bool:
    """A hyphen-glued word that makes a variant of the name: a tag, a size, a number."""
    low = word.lower()
    return not (_NOT_TAIL.match(word) or low in CLAUSE_WORDS or low in PART_WORDS or low in METHOD_KINDS
                or low in METHOD_NOUNS or low in DATASET_NOUNS)


def _caps_tag(text: str, found: re.Match[str]) -> bool:
    """A capitals word after a name that tags a configuration of it, not a name of its own
    or the start of a capitalized phrase."""
    word = found.group(1)
    nxt = text[found.end():found.end() + 2]
    return not is_not_name(word) and not (nxt[:1] == " " and nxt[1:].isupper())


def _name_shaped(token: str) -> bool:
    """A coined token, an acronym, a capitalized hyphenated word or two capitalized words."""
    words = token.split()
    first = words[0] if words else ""
    return bool(words) and (is_coined(first) or is_acronym(first) or "-" in first or len(words) == 2) \
        and all(w[:1].isupper() and w.lower() not in CLAUSE_WORDS for w in words) and not is_not_name(token)


def _name_at(text: str, pos: int, spans: list[tuple[int, int]]) -> int:
    """The end of a name starting at ``pos``: a candidate's, or a name-shaped token's."""
    ends = [e for s, e in spans if s == pos]
    if ends:
        return max(ends)
    found = _TOKEN_AFTER.match(text, pos)
    if found and _name_shaped(found.group(0)):
        return found.end()
    if found and _name_shaped(found.group(0).split()[0]):
        return pos + len(found.group(0).split()[0])
    return 0


def _name_before(text: str, end: int, spans: list[tuple[int, int]]) -> int | None:
    """The start of a name ending at ``end``: a candidate's, or a name-shaped token's."""
    starts = [s for s, e in spans if e == end]
    if starts:
        return min(starts)
    found = _TOKEN_BEFORE.search(text, max(0, end - 40), end)
    if found and _name_shaped(found.group(0)):
        return found.start()
    last = found.group(0).split()[-1] if found else ""
    if last and _name_shaped(last):
        return end - len(last)
    return None
