"""Names the run already knows: a method or dataset name that one paper of a run gives with
strong evidence is found in the run's other papers that write it verbatim but whose own
context was too weak for the extractors (issue 10; docs/decisions.md).

Two passes over a run's extractions:

1. every extraction adds its *strongly evidenced* names to a :class:`NameTable`: names of
   proposed methods, acronym definitions, coined names with a context cue (``coined``), and
   the trained tagger's names when its calibrated confidence is at least ``TAGGER_MIN`` (a
   pattern alone is not enough: it reads a placeholder like ``EQUATION`` as a name). Names a
   curated list holds are left out (the lists find them everywhere already), and so are
   generic class terms, excluded words and names shorter than three characters;
2. every extraction gets one ``corpus`` mention per table name it writes verbatim (whole word,
   case-sensitive) that it does not output yet: not inside another of its names, not right
   after a capitalized word (``Faster R-CNN`` holds ``R-CNN``), with its evidence spans.

The result depends on the set of papers only, never on their order or on ``--workers``: the
table is a set of names with type votes (the type with most votes, ties by name), and the
second pass reads each paper alone. Pass 1 spills the extractions to a temporary file, so
memory holds the table (one row per distinct strong name), not the corpus.
"""
from __future__ import annotations

import pickle
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace

from extractors.calibrate import calibrate
from extractors.context import SEPARATOR
from extractors.gazetteer import default_type_index
from extractors.names import is_coined, is_generic, is_not_name, norm_key
from kg.errors import OutputError
from kg.records import Evidence, Extraction, Mention

EXTRACTOR = "corpus"
STRONG_EXTRACTORS = frozenset({"acronyms", "proposals", "coined"})
TAGGER_MIN = 0.7
"""The tagger's calibrated confidence from which its name is strong evidence."""
MIN_CHARS = 3
MAX_EVIDENCE = 5
SPILL_MEMORY = 64 << 20
"""Bytes of pass-1 records held in memory before they go to a temporary file."""
NAME_TYPES = ("method", "dataset")
_WORD = re.compile(r"[^\W_]+")
_CAPITAL_BEFORE = re.compile(r"(?<![\w-])[A-Z][\w-]*[ \t]$")  # "Faster R-CNN": the name goes on to the left
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[])")


def strong(mention: Mention) -> bool:
    """The extractors gave ``mention`` strong evidence (see the module doc)."""
    parts = set(mention.extractor.split("+"))
    if mention.role == "proposed" or parts & STRONG_EXTRACTORS:
        return True
    return "tagger" in parts and mention.confidence >= TAGGER_MIN


class NameTable:
    """Strongly evidenced names of a run, with their type votes."""

    def __init__(self) -> None:
        self.known = default_type_index()
        self.votes: dict[str, Counter[str]] = {}

    def usable(self, name: str) -> bool:
        """A name worth looking for in other papers: a coined token or a capitalized
        phrase, long enough, in no curated list, neither generic nor an excluded word."""
        if len(name) < MIN_CHARS or not _WORD.match(name) or name != name.strip():
            return False
        if not (is_coined(name) or (" " in name and name[:1].isupper())):
            return False
        return not (self.known(name) or is_generic(name) or is_not_name(name))

    def names_of(self, extraction: Extraction) -> Counter[tuple[str, str]]:
        """One paper's votes: (name, type) -> how many of its strong mentions give it."""
        out: Counter[tuple[str, str]] = Counter()
        for m in extraction.entities:
            if m.type in NAME_TYPES and "gazetteer" not in m.extractor.split("+") and strong(m):
                for name in (m.name, *m.aliases):
                    if self.usable(name):
                        out[(name, m.type)] += 1
        return out

    def add(self, extraction: Extraction) -> None:
        for (name, etype), n in self.names_of(extraction).items():
            self.votes.setdefault(name, Counter())[etype] += n

    def index(self) -> dict[str, list[tuple[str, str]]]:
        return index_of(self.votes)


def first_word(name: str) -> str:
    """The key a name is indexed by: its first run of letters and digits."""
    found = _WORD.match(name)
    return found.group(0) if found else ""


def words(text: str) -> set[str]:
    """The runs of letters and digits in ``text`` (the keys a paper's names can have)."""
    return set(_WORD.findall(text))


def index_of(votes: dict[str, Counter[str]]) -> dict[str, list[tuple[str, str]]]:
    """First word -> [(name, type)], longest name first; a name's type is the one with most
    votes, ties by type name (the same whatever order the papers came in)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(votes, key=lambda n: (-len(n), n)):
        counts = votes[name]
        etype = min(counts, key=lambda t: (-counts[t], t))
        out.setdefault(first_word(name), []).append((name, etype))
    return out


def _joined(char: str) -> bool:
    return char.isalnum() or char in "_-"


def _whole(text: str, start: int, end: int) -> bool:
    return not (start and _joined(text[start - 1])) and not (end < len(text) and _joined(text[end]))


def occurrences(text: str, name: str) -> Iterator[tuple[int, int]]:
    """Where ``name`` stands in ``text`` as a whole word."""
    i = text.find(name) if name else -1
    while i >= 0:
        if _whole(text, i, i + len(name)):
            yield i, i + len(name)
        i = text.find(name, i + 1)


def _starts_sentence(text: str, i: int) -> bool:
    """The word at ``i`` is the first of its sentence (or of the title, or of the abstract)."""
    j = i
    while j and text[j - 1] in " \t":
        j -= 1
    return j == 0 or text[j - 1] in ".!?:;\n"


def _sentence(text: str, start: int, lo: int, hi: int) -> tuple[int, int]:
    """The sentence around offset ``start`` within ``lo:hi`` (rule-based ends)."""
    s, e = lo, hi
    for m in _SENTENCE_END.finditer(text, lo, hi):
        if m.end() <= start:
            s = m.end()
        else:
            e = m.start()
            break
    return s, e


def _evidence(text: str, title_end: int, start: int, end: int) -> Evidence:
    if start < title_end:
        return Evidence(text[:title_end], start, end, "title")
    base = title_end + len(SEPARATOR)
    s, e = _sentence(text, start, base, len(text))
    return Evidence(text[s:e].strip(), start - base, end - base, "abstract")


def text_of(extraction: Extraction) -> str:
    """The paper's text as the extractors read it: title, a blank line, abstract."""
    paper = extraction.paper
    return f"{paper.title.replace(chr(10), ' ').replace(chr(13), ' ')}{SEPARATOR}{paper.abstract}"


def without_learned(extraction: Extraction) -> Extraction:
    """``extraction`` without its ``corpus`` mentions (what the extractors alone found)."""
    kept = tuple(m for m in extraction.entities if m.extractor != EXTRACTOR)
    return extraction if len(kept) == len(extraction.entities) else replace(extraction, entities=kept)


def with_mentions(extraction: Extraction, index: dict[str, list[tuple[str, str]]],
                  min_confidence: float = 0.0) -> Extraction:
    """``extraction`` (without ``corpus`` mentions) with those the table ``index`` gives it,
    the ones below ``min_confidence`` left out."""
    raw = without_learned(extraction)
    added = tuple(m for m in learned_mentions(raw, index) if m.confidence >= min_confidence)
    return replace(raw, entities=raw.entities + added) if added else raw


def learned_mentions(extraction: Extraction, index: dict[str, list[tuple[str, str]]]) -> list[Mention]:
    """The ``corpus`` mentions of the table's names in one paper (see the module doc)."""
    text = text_of(extraction)
    hits = []  # (start, [(name, type) written there, longest first]), in text order
    for word in _WORD.finditer(text):
        names = index.get(word.group(0))
        if names:
            start = word.start()
            here = [(n, t) for n, t in names if text.startswith(n, start) and _whole(text, start, start + len(n))]
            if here:
                hits.append((start, here))
    if not hits:
        return []  # most papers: no name of the table is written here
    title = text[:text.index(SEPARATOR)]
    covered = bytearray(len(text))
    have = set()
    for m in extraction.entities:
        for form in (m.name, *m.aliases):
            have.add(norm_key(form))
            for s, e in occurrences(text, form):
                covered[s:e] = b"\x01" * (e - s)
    found: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    for start, here in hits:
        for name, etype in here:
            end = start + len(name)
            if 1 in covered[start:end]:
                continue
            key = norm_key(name)
            if key in have and key not in found:
                continue
            capital = _CAPITAL_BEFORE.search(text, max(0, start - 40), start)
            if capital and not _starts_sentence(text, capital.start()):
                continue
            found.setdefault(key, (etype, []))[1].append((start, end))
            covered[start:end] = b"\x01" * (end - start)
            break
    out = []
    for key, (etype, spans) in found.items():
        start, end = spans[0]
        entity: dict[str, object] = {"type": etype, "name": text[start:end], "aliases": [], "role": "mentioned",
                                     "confidence": 0.5, "extractor": EXTRACTOR,
                                     "evidence": [{}] * min(len(spans), MAX_EVIDENCE)}
        calibrate([entity])
        out.append(Mention(type=etype, name=text[start:end], role="mentioned",  # type: ignore[arg-type]
                           confidence=float(entity["confidence"]),  # type: ignore[arg-type]
                           evidence=tuple(_evidence(text, len(title), s, e) for s, e in spans[:MAX_EVIDENCE]),
                           extractor=EXTRACTOR))
    return out


def with_learned_names(extractions: Iterable[Extraction], min_confidence: float = 0.0) -> Iterator[Extraction]:
    """``extractions`` (order kept), each with the ``corpus`` mentions of the names the whole
    run gives strong evidence for (those below ``min_confidence`` left out). Reads the stream
    once into a spill file (pass 1: in memory up to ``SPILL_MEMORY`` bytes, then a temporary
    file), then yields from it (pass 2)."""
    table = NameTable()
    with tempfile.SpooledTemporaryFile(SPILL_MEMORY) as spill:
        for extraction in extractions:
            table.add(extraction)
            try:  # pickled: the records are this run's own, read back by this process only
                pickle.dump(extraction, spill, protocol=pickle.HIGHEST_PROTOCOL)
            except OSError as exc:
                raise OutputError(f"cannot write the second pass's temporary file: {exc.strerror or exc}",
                                  where=tempfile.gettempdir(),
                                  hint="free space there, point TMPDIR elsewhere, or use --no-corpus-names") from None
        index = table.index()
        end = spill.tell()
        spill.seek(0)
        while spill.tell() < end:
            yield with_mentions(pickle.load(spill), index, min_confidence)


__all__ = ["EXTRACTOR", "NameTable", "first_word", "index_of", "learned_mentions", "occurrences", "strong", "text_of", "words",
           "with_learned_names", "with_mentions", "without_learned"]
