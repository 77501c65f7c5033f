"""Ingest: read paper records from files of several formats into deduplicated Papers.

``read_papers(paths)`` makes two streaming passes over the inputs: the first indexes
every record's identity (arXiv id, normalized title) and its source, the second yields
each unique paper once, at its first occurrence with a non-empty abstract, carrying every
source it was seen in. Only the small identity index is held in memory, never the corpus.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from kg.errors import InputError
from kg.ingest import arxiv, csvfile, hf_api, jsonfile, listing
from kg.ingest.base import RawRecord
from kg.ingest.decode import (STDIN, STDIN_NAME, InputFile, check_input, head_text, iter_lines,  # noqa: F401
                              open_input)
from kg.ingest.identity import arxiv_id_of, normalize_title, paper_id
from kg.records import Paper, Problem, Source

MAX_CHARS = 100_000  # title + abstract; real abstracts are a few thousand characters


@dataclass(frozen=True)
class Format:
    """An input format: its reader, whether the reader takes an iterable of lines
    (streaming) or the whole text, and the extensions that select it."""

    name: str
    reader: Callable[..., Iterator[RawRecord | Problem]]
    streaming: bool
    extensions: tuple[str, ...]

    def load(self) -> Callable[..., Iterator[RawRecord | Problem]]:
        return self.reader


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("listing", listing.read, True, (".txt", ".md")),
    Format("jsonl", jsonfile.read_lines, True, (".jsonl", ".ndjson")),
    Format("json", jsonfile.read_document, False, (".json",)),
    Format("csv", csvfile.read, True, (".csv",)),
    Format("tsv", csvfile.read_tsv, True, (".tsv",)),
    Format("hf", hf_api.read, False, ()),
    Format("arxiv", arxiv.read, False, (".xml", ".atom")),
)}


def detect_format(inp: InputFile, forced: str | None = None) -> Format:
    if forced:
        if forced not in FORMATS:
            raise InputError(f"unknown input format '{forced}'", hint=f"use one of: {', '.join(FORMATS)}")
        return FORMATS[forced]
    head = head_text(inp)
    suffix = Path(inp.name).suffix.lower() if inp.name != STDIN else ""
    if suffix in (".json", ".jsonl", ".ndjson") and hf_api.sniff(head):
        return FORMATS["hf"] if suffix == ".json" else FORMATS["jsonl"]
    for fmt in FORMATS.values():
        if suffix and suffix in fmt.extensions:
            return fmt
    stripped = head.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<"):
        return FORMATS["arxiv"]
    if stripped.startswith("["):
        return FORMATS["hf"] if hf_api.sniff(head) else FORMATS["json"]
    if stripped.startswith("{"):
        first, _, rest = stripped.partition("\n")
        if rest.lstrip().startswith("{"):
            return FORMATS["jsonl"]
        return FORMATS["hf"] if hf_api.sniff(head) else FORMATS["json"]
    if csvfile.sniff(head):
        return FORMATS["csv"]
    return FORMATS["listing"]


def iter_records(inp: InputFile, fmt: Format) -> Iterator[RawRecord | Problem]:
    reader = fmt.load()
    if fmt.streaming:
        yield from reader(iter_lines(inp), inp.display)
    else:
        yield from reader("\n".join(iter_lines(inp)), inp.display)


# ---------------------------------------------------------------------------------------
# Deduplication across inputs


@dataclass
class _Group:
    sources: list[Source] = field(default_factory=list)
    order: list[tuple[int, int]] = field(default_factory=list)  # (input index, line) of each source
    arxiv_ids: set[str] = field(default_factory=set)
    chosen: tuple[int, int] | None = None  # (input index, line) of the record to emit
    chosen_has_abstract: bool = False
    fill: dict[str, Any] = field(default_factory=dict)


class _Index:
    """Union-find over records keyed by normalized title and by arXiv id."""

    def __init__(self) -> None:
        from networkx.utils import UnionFind  # here, not at import: `import kg.api` stays light

        self.sets: UnionFind = UnionFind()
        self.least: dict[int, int] = {}  # networkx's root -> the group's first record
        self.groups: list[_Group] = []
        self.by_key: dict[str, int] = {}

    def find(self, i: int) -> int:
        return self.least[self.sets[i]]

    def group_of(self, keys: Sequence[str]) -> int:
        roots = sorted({self.find(self.by_key[k]) for k in keys if k in self.by_key})
        if not roots:
            root = len(self.groups)
            self.groups.append(_Group())
            self.least[self.sets[root]] = root
        else:
            root = roots[0]
            for other in roots[1:]:
                self.sets.union(root, other)
                self.least[self.sets[root]] = root
                self._merge(self.groups[root], self.groups[other])
        for key in keys:
            self.by_key[key] = root
        return root

    @staticmethod
    def _merge(into: _Group, other: _Group) -> None:
        into.sources.extend(other.sources)
        into.order.extend(other.order)
        ordered = sorted(zip(into.order, into.sources), key=lambda x: x[0])
        into.order = [o for o, _ in ordered]
        into.sources = [src for _, src in ordered]
        into.arxiv_ids |= other.arxiv_ids
        for key, value in other.fill.items():
            into.fill.setdefault(key, value)
        if other.chosen and (into.chosen is None or (other.chosen_has_abstract and not into.chosen_has_abstract)
                             or (other.chosen_has_abstract == into.chosen_has_abstract and other.chosen < into.chosen)):
            into.chosen, into.chosen_has_abstract = other.chosen, other.chosen_has_abstract


FILL_KEYS = ("arxiv_id", "url", "authors", "published")


def _keys(record: RawRecord) -> tuple[str | None, list[str]]:
    arxiv = arxiv_id_of(record.fields)
    keys = [f"t:{normalize_title(record.title)}"]
    if arxiv:
        keys.append(f"a:{arxiv}")
    return arxiv, keys


def read_papers(names: Iterable[str], *, fmt: str | None = None,
                on_problem: Callable[[Problem], None] | None = None,
                stdin: Any = None, max_chars: int | None = None,
                source_names: Mapping[str, str] | None = None,
                on_input: Callable[[str, str], None] | None = None) -> Iterator[Paper]:
    """Yield each unique paper of the inputs once, with all its sources.

    File-level errors (missing, directory, binary, not UTF-8, CSV without title column)
    raise :class:`InputError` during the first pass, before any paper is yielded.
    Record-level problems go to ``on_problem`` and the good records still go through;
    a record whose title and abstract together are longer than ``max_chars`` (default
    ``MAX_CHARS``) is one of them.

    Source identity: a file is named by its real path relative to the working directory,
    unless its content (sha256) is in ``source_names``, which then gives its name - so a
    store keeps calling a file what it called it first, whatever the working directory.
    ``on_input(name, sha256)`` is told each file input's name and content hash.
    """
    report = on_problem or (lambda problem: None)
    limit = MAX_CHARS if max_chars is None else max_chars
    with ExitStack() as stack:
        inputs = [open_input(stack, name, stdin) for name in names]
        for inp in inputs:
            if inp.name == STDIN:
                continue
            if source_names and inp.sha256 and inp.sha256 in source_names:
                inp.label = source_names[inp.sha256]
            if on_input and inp.label and inp.sha256:
                on_input(inp.label, inp.sha256)
        formats = [detect_format(inp, fmt) for inp in inputs]
        index = _Index()
        for i, (inp, form) in enumerate(zip(inputs, formats)):
            for ordinal, item in _numbered(iter_records(inp, form)):
                if isinstance(item, Problem):
                    report(item)
                    continue
                if not normalize_title(item.title):
                    report(Problem(inp.display, item.line, "title has no letters or digits; give a real title"))
                    continue
                size = len(item.title) + len(item.abstract)
                if size > limit:
                    report(Problem(inp.display, item.line, f"record is {size:,} characters long, more than the "
                                   f"limit of {limit:,}; it is left out (raise the limit with --max-chars if "
                                   "this really is one paper's title and abstract)"))
                    continue
                if not item.abstract.strip() and form.name != "listing":  # the listing reader says it itself
                    report(Problem(inp.display, item.line, "record has no abstract; the paper is kept with an "
                                   "empty abstract (nothing can be extracted from it but its title)",
                                   severity="warning"))
                arxiv, keys = _keys(item)
                group = index.groups[index.group_of(keys)]
                group.sources.append(Source(inp.source, item.line, form.name))
                group.order.append((i, ordinal))
                if arxiv:
                    group.arxiv_ids.add(arxiv)
                for key in FILL_KEYS:
                    if item.fields.get(key) not in (None, "", []):
                        group.fill.setdefault(key, item.fields[key])
                has_abstract = bool(item.abstract.strip())
                if group.chosen is None or (has_abstract and not group.chosen_has_abstract):
                    group.chosen, group.chosen_has_abstract = (i, ordinal), has_abstract
        chosen = {index.groups[index.find(g)].chosen: index.find(g) for g in range(len(index.groups))
                  if index.find(g) == g}
        for i, (inp, form) in enumerate(zip(inputs, formats)):
            for ordinal, item in _numbered(iter_records(inp, form)):
                if isinstance(item, Problem):
                    continue
                root = chosen.get((i, ordinal))
                if root is None:
                    continue
                group = index.groups[root]
                arxiv = min(group.arxiv_ids) if group.arxiv_ids else None
                metadata = dict(item.fields)
                for key, value in group.fill.items():
                    if metadata.get(key) in (None, "", []):
                        metadata[key] = value
                if arxiv:
                    metadata["arxiv_id"] = arxiv
                metadata.pop("id", None)
                yield Paper(id=paper_id(arxiv, item.title), title=item.title, abstract=item.abstract,
                            sources=tuple(group.sources), metadata=metadata)


def _numbered(items: Iterable[RawRecord | Problem]) -> Iterator[tuple[int, RawRecord | Problem]]:
    """Each record with its ordinal in the input (problems get -1): records of a one-line
    JSON document share a line, so identity within an input is the ordinal, not the line."""
    ordinal = 0
    for item in items:
        if isinstance(item, Problem):
            yield -1, item
        else:
            ordinal += 1
            yield ordinal, item
