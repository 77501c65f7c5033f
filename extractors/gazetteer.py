"""Curated name lists (data files in ``extractors/data``) matched with spaCy PhraseMatchers.

Forms with a capital letter are matched case-sensitively (``SAM`` is not ``sam``);
all-lowercase forms are matched on the lowercase text. A match that is only a part of a
hyphenated compound (``BERT`` inside ``PHS-BERT``) is not a mention of the listed name.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import cast
from importlib import resources

from spacy.matcher import PhraseMatcher

from extractors.names import is_coined, norm_key, same_long_form
from extractors.text import text_of
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

LIST_FILES = {"method": "methods.jsonl", "dataset": "datasets.jsonl", "task": "tasks.jsonl",
              "metric": "metrics.jsonl"}
# Suffixes of a hyphenated compound that still mention the name ("SAM-based", "BERT-style").
COMPOUND_OK = frozenset({"based", "like", "style", "type", "family", "series", "initialized", "generated",
                         "powered", "guided", "derived", "only", "sized", "scale", "level", "specific",
                         "trained", "finetuned", "fine-tuned", "pretrained", "tuned", "driven", "centric",
                         "aware", "free", "inspired", "compatible", "equivalent", "class", "format"})


@dataclass(frozen=True)
class Entry:
    """One curated entity: canonical name, the forms to match, external ids, flags."""

    type: str
    name: str
    forms: tuple[str, ...]
    ids: tuple[tuple[str, str], ...] = ()
    acronym: str = ""
    ambiguous: bool = False
    common_word: bool = False
    kind: str = ""


@dataclass(frozen=True)
class Hit:
    entry: int
    start: int
    end: int


@dataclass
class Gazetteer:
    entries: list[Entry] = field(default_factory=list)
    _normalized: dict[str, list[int]] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_records(cls, records: dict[str, list[dict[str, object]]]) -> "Gazetteer":
        entries: list[Entry] = []
        for etype, rows in records.items():
            for row in rows:
                name = str(row["name"])
                forms = [name, *[str(a) for a in cast("list[object]", row.get("aliases", []) or [])]]
                acronym = str(row.get("acronym", "") or "")
                acronyms = [str(a) for a in cast("list[object]", row.get("acronyms", []) or [])]
                ambiguous = bool(row.get("ambiguous_acronym"))
                if acronym and not ambiguous:
                    forms.append(acronym)
                if etype == "task":
                    forms.extend(a for a in acronyms if " " in a)  # "OOD detection", not a bare "OOD"
                ids = tuple(sorted((k, str(row[k])) for k in ("pwc", "wikidata") if row.get(k)))
                entries.append(Entry(etype, name, tuple(dict.fromkeys(f for f in forms if f.strip())), ids,
                                     acronym or (acronyms[0] if acronyms else ""), ambiguous,
                                     bool(row.get("common_word")), str(row.get("kind", ""))))
        return cls(entries)

    def normalized_index(self) -> dict[str, list[int]]:
        """Entries by the normalized key of each name form with a capital or a digit (one
        word or two): ``Slim-Pajama`` finds ``SlimPajama``, ``CIFAR-10C`` finds ``CIFAR-10-C``."""
        if self._normalized is None:
            index: dict[str, list[int]] = {}
            for i, entry in enumerate(self.entries):
                if entry.type == "task" or entry.common_word:
                    continue
                for form in entry.forms:
                    key = norm_key(form)
                    if len(key) >= 4 and len(form.split()) <= 2 and any(c.isupper() or c.isdigit() for c in form) \
                            and i not in index.get(key, []):
                        index.setdefault(key, []).append(i)
            self._normalized = index
        return self._normalized

    def matchers(self, vocab: Vocab) -> tuple[PhraseMatcher, PhraseMatcher]:
        exact = PhraseMatcher(vocab, attr="ORTH")
        lower = PhraseMatcher(vocab, attr="LOWER")
        tokenizer = _tokenizer(vocab)
        for i, entry in enumerate(self.entries):
            key = str(i)
            exact_docs: list[Doc] = []
            lower_docs: list[Doc] = []
            for form in entry.forms:
                doc = tokenizer(form)
                (exact_docs if any(c.isupper() for c in form) else lower_docs).append(doc)
                if len(form) >= 6 and is_coined(form) and not form.isupper() and not entry.common_word:
                    lower_docs.append(doc)  # "OpenbookQA" for "OpenBookQA": long coinages ignore case
            if exact_docs:
                exact.add(key, exact_docs)
            if lower_docs:
                lower.add(key, lower_docs)
        return exact, lower


def _tokenizer(vocab: Vocab):  # type: ignore[no-untyped-def]
    from spacy.lang.en import English

    nlp = English(vocab=vocab) if vocab is not None else English()
    return nlp.tokenizer


@lru_cache(maxsize=1)
def default_records() -> dict[str, list[dict[str, object]]]:
    out: dict[str, list[dict[str, object]]] = {}
    base = resources.files("extractors.data")
    for etype, filename in LIST_FILES.items():
        rows: list[dict[str, object]] = []
        path = base.joinpath(filename)
        if path.is_file():
            for line in path.read_text("utf-8").splitlines():
                if line.strip():
                    rows.append(json.loads(line))
        out[etype] = rows
    return out


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    return Gazetteer.from_records(default_records())


@lru_cache(maxsize=1)
def default_type_index() -> "TypeIndex":
    """The curated types of :func:`default_gazetteer`, made once per process."""
    return TypeIndex(default_gazetteer())


def part_of_compound(doc: Doc, start: int, end: int) -> bool:
    """True when tokens ``start:end`` are glued by hyphens (no spaces) to a neighbouring word,
    e.g. ``BERT`` in ``PHS-BERT`` — except for suffixes like ``-based``."""
    if start >= 2 and doc[start - 1].text in ("-", "/", "+") and not doc[start - 2].whitespace_ \
            and not doc[start - 1].whitespace_:
        return True
    if end + 1 < len(doc) and doc[end].text in ("-", "+") and not doc[end - 1].whitespace_ \
            and not doc[end].whitespace_ and doc[end + 1].lower_ not in COMPOUND_OK:
        return True
    return False


def _case_ok(text: str, entry: Entry) -> bool:
    """A case-insensitive hit of a form written with capitals ("OpenbookQA" for
    "OpenBookQA") still needs two capitals, so "quality" never matches "QuALITY"."""
    lowered = text.lower()
    if any(f == lowered for f in entry.forms if not any(c.isupper() for c in f)):
        return True  # an all-lowercase listed form
    return sum(c.isupper() for c in text) >= 2


def find_hits(doc: Doc, gazetteer: Gazetteer, matchers: tuple[PhraseMatcher, PhraseMatcher]) -> Iterator[Hit]:
    """Longest non-overlapping list matches in ``doc`` (every entry matching a kept span is
    yielded, so a form listed as both a method and a dataset gives two hits), compounds
    excluded."""
    labels: dict[tuple[int, int], set[int]] = {}
    for matcher in matchers:
        for match_id, start, end in matcher(doc):
            entry = int(doc.vocab.strings[match_id])
            if matcher is matchers[1] and not _case_ok(doc[start:end].text, gazetteer.entries[entry]):
                continue
            labels.setdefault((start, end), set()).add(entry)
    spans = filter_spans([Span(doc, start, end) for start, end in labels])
    covered = {i for span in spans for i in range(span.start, span.end)}
    for (start, end), entries in normalized_hits(doc, gazetteer, covered):
        labels[(start, end)] = entries
        spans = [s for s in spans if not (start <= s.start and s.end <= end)]  # "ADE 20 K" wins over "ADE"
        spans.append(Span(doc, start, end))
    for span in sorted(spans, key=lambda s: s.start):
        if part_of_compound(doc, span.start, span.end):
            continue
        for entry in sorted(labels[(span.start, span.end)]):
            yield Hit(entry, span.start, span.end)


_CHUNK = re.compile(r"\S+")
_CAP_OR_DIGIT = re.compile(r"[A-Z0-9]")  # str.isupper/isdigit on ASCII
_EDGE = "()[]{},.;:!?'\"“”‘’"
_SPLIT_PIECE = re.compile(r"^(?:\d{1,3}|[A-Z]|[km]|v)$")


def normalized_hits(doc: Doc, gazetteer: Gazetteer, covered: set[int]) -> list[tuple[tuple[int, int], set[int]]]:
    """List names written with other hyphens, spaces or case than any listed form, one or two
    words long (``Slim-Pajama``, ``CIFAR-10C``, ``Open Web Text``), or with digits a tokenizer
    split off (``Sports 1 M``, ``ADE 20 K``), where no exact match is.
    Works on the text (one pass, no token walk); only a match is mapped back to tokens."""
    index = gazetteer.normalized_index()
    text = text_of(doc)
    chunks = []
    for m in _CHUNK.finditer(text):
        raw = m.group(0)
        core = raw.strip(_EDGE)
        if core:
            start = m.start() + raw.index(core)
            chunks.append((start, start + len(core), core))
    taken = bytearray(len(text) + 1)  # 1 where a character is in a covered token or a found name
    for i in covered:
        token = doc[i]
        taken[token.idx:token.idx + len(token)] = b"\x01" * len(token)
    out: list[tuple[tuple[int, int], set[int]]] = []
    for width in (4, 3, 2, 1):
        for k, entries in _listed_runs(chunks, width, index):
            start, end = chunks[k][0], chunks[k + width - 1][1]
            # a split name may contain a shorter exact hit ("ADE" in "ADE 20 K"), never cut one
            overlaps = taken.find(1, start, end) >= 0
            inside = width > 2 and not (start > 0 and taken[start - 1] and taken[start]) \
                and not (taken[end - 1] and taken[end])
            if overlaps and not inside:
                continue
            surface = text[start:end]
            found = {i for i in entries if _case_ok(surface, gazetteer.entries[i])}
            span = doc.char_span(start, end, alignment_mode="expand") if found else None
            if span is not None and (inside or not any(i in covered for i in range(span.start, span.end))):
                out.append(((span.start, span.end), found))
                covered = covered | set(range(span.start, span.end))
                taken[start:end] = b"\x01" * (end - start)
    return out


def _listed_runs(chunks: list[tuple[int, int, str]], width: int,
                 index: dict[str, list[int]]) -> list[tuple[int, list[int]]]:
    """``(k, entries)`` for each run of ``width`` chunks from chunk ``k`` whose normalized key
    is in ``index``, in order: one or two chunks, the first with a capital or a digit for one;
    three or four only when a tokenizer split the digits ("Sports 1 M"). Depends on the text
    alone, so every run is keyed before any match is placed."""
    cores = [c[2] for c in chunks]
    n = len(cores)
    if width == 1:
        return [(k, index[key]) for k, (core, key) in enumerate(zip(cores, map(norm_key, cores)))
                if key in index and (_CAP_OR_DIGIT.search(core) if core.isascii()
                                     else any(c.isupper() or c.isdigit() for c in core))]
    if width == 2:
        # for ASCII text the key of two chunks is the two keys joined
        keys = [norm_key(c) if c.isascii() else None for c in cores]
        out: list[tuple[int, list[int]]] = []
        for k in range(n - 1):
            first, second = keys[k], keys[k + 1]
            key = first + second if first is not None and second is not None \
                else norm_key(f"{cores[k]} {cores[k + 1]}")
            if key in index:
                out.append((k, index[key]))
        return out
    piece = [_SPLIT_PIECE.match(c) is not None for c in cores]
    runs: list[tuple[int, list[int]]] = []
    for k in range(n - width + 1):
        if all(piece[k + 1:k + width]):
            key = norm_key(" ".join(cores[k:k + width]))
            if key in index:
                runs.append((k, index[key]))
    return runs


class TypeIndex:
    """Which curated types a surface form has (``known("BERT") == {"method"}``), by the
    normalized key, including ambiguous acronyms and task acronyms."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        from extractors.names import norm_key

        self._norm = norm_key
        self._types: dict[str, set[str]] = {}
        self._longs: dict[str, set[str]] = {}  # short-form key -> keys of the entries' longer forms
        for entry in gazetteer.entries:
            forms = [f for f in (*entry.forms, entry.acronym) if f and norm_key(f)]
            for form in forms:
                self._types.setdefault(norm_key(form), set()).add(entry.type)
            for short in (f for f in forms if " " not in f and any(c.isupper() for c in f[1:])):
                self._longs.setdefault(norm_key(short), set()).update(
                    norm_key(f) for f in forms if " " in f and short not in f.split())  # not "PASCAL VOC"

    def __call__(self, name: str) -> frozenset[str]:
        key = self._norm(name)
        types = self._types.get(key)
        if types is None and name.endswith("s") and key.endswith("s"):
            types = self._types.get(key[:-1])  # "LLMs", "GNNs" — never the capital S of "DAS"
        return frozenset(types or ())

    def agrees(self, short: str, long: str) -> bool:
        """A paper's definition ``long (short)`` means what the lists mean by ``short`` (or the
        lists give ``short`` no long form). ``False`` when the paper defines an acronym the lists
        know with another meaning (``learnable commutative monoid (LCM)`` is not Latent
        Consistency Models): the paper's definition wins, the lists' types do not apply."""
        longs = self._longs.get(self._norm(short))
        if not longs:
            return True
        return same_long_form(self._norm(long), longs)

    def for_definition(self, short: str, long: str) -> frozenset[str]:
        """The curated types of an acronym as a paper defines it: the short form's types only
        if the definition :meth:`agrees` with the lists, plus the long form's types."""
        return self(long) | (self(short) if self.agrees(short, long) else frozenset())
