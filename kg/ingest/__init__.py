"""Ingest: read paper records from files of several formats into deduplicated Papers.

``read_papers(paths)`` makes two streaming passes over the inputs: the first indexes
every record's identity (arXiv id, normalized title) and its source, the second yields
each unique paper once, at its first occurrence with a non-empty abstract, carrying every
source it was seen in. Only the small identity index is held in memory, never the corpus.
"""
from __future__ import annotations

import importlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.ingest.base import RawRecord
from kg.ingest.identity import arxiv_id_of, normalize_title, paper_id
from kg.model import Paper, Problem, Source

STDIN = "-"
STDIN_NAME = "<stdin>"
SNIFF_BYTES = 65536


@dataclass(frozen=True)
class Format:
    """An input format: its reader (``module:function``), whether the reader takes an
    iterable of lines (streaming) or the whole text, and the extensions that select it."""

    name: str
    reader: str
    streaming: bool
    extensions: tuple[str, ...]

    def load(self) -> Callable[..., Iterator[RawRecord | Problem]]:
        module, func = self.reader.split(":")
        return getattr(importlib.import_module(module), func)  # type: ignore[no-any-return]


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("listing", "kg.ingest.listing:read", True, (".txt", ".md")),
    Format("jsonl", "kg.ingest.jsonfile:read_lines", True, (".jsonl", ".ndjson")),
    Format("json", "kg.ingest.jsonfile:read_document", False, (".json",)),
    Format("csv", "kg.ingest.csvfile:read", True, (".csv",)),
    Format("tsv", "kg.ingest.csvfile:read_tsv", True, (".tsv",)),
    Format("hf", "kg.ingest.hf_api:read", False, ()),
    Format("arxiv", "kg.ingest.arxiv:read", False, (".xml", ".atom")),
)}


@dataclass
class InputFile:
    """One input: where its bytes are (``path``) and how to name it in messages."""

    path: Path
    name: str

    @property
    def display(self) -> str:
        return STDIN_NAME if self.name == STDIN else self.name


def check_input(name: str) -> InputFile:
    """Fail early, with a one-line actionable message, on inputs that cannot be read."""
    path = Path(name)
    if not path.exists():
        raise InputError("no such file", where=name, hint="check the path; use '-' to read standard input")
    if path.is_dir():
        raise InputError("is a directory, not a file", where=name,
                         hint=f"pass the files inside it, e.g. {name.rstrip('/')}/*.txt")
    if not os.access(path, os.R_OK):
        raise InputError("permission denied", where=name, hint="make the file readable")
    return InputFile(path, name)


def iter_lines(inp: InputFile) -> Iterator[str]:
    """Decoded lines without line terminators; a UTF-8 BOM is dropped. Raises InputError
    naming the line on binary or non-UTF-8 content."""
    with open(inp.path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
        if b"\x00" in head:
            raise InputError("looks like a binary file (it contains NUL bytes)", where=inp.display,
                             hint="give a text file: listing .txt, .jsonl, .json, .csv or arXiv .xml")
        fh.seek(0)
        for number, raw in enumerate(fh, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})",
                    where=f"{inp.display}:{number}",
                    hint=f"re-encode it as UTF-8, e.g. iconv -f latin1 -t utf-8 {inp.display} > fixed.txt",
                ) from None
            if number == 1:
                text = text.lstrip("\ufeff")
            if b"\x00" in raw:
                raise InputError("contains NUL bytes", where=f"{inp.display}:{number}",
                                 hint="give a text file")
            yield text.rstrip("\r\n").replace("\r", "")


def detect_format(inp: InputFile, forced: str | None = None) -> Format:
    if forced:
        if forced not in FORMATS:
            raise InputError(f"unknown input format '{forced}'", hint=f"use one of: {', '.join(FORMATS)}")
        return FORMATS[forced]
    head = _head(inp)
    suffix = inp.path.suffix.lower() if inp.name != STDIN else ""
    if suffix in (".json", ".jsonl", ".ndjson") and FORMATS["hf"].load is not None and _sniff("hf", head):
        return FORMATS["hf"] if suffix == ".json" else FORMATS["jsonl"]
    for fmt in FORMATS.values():
        if suffix and suffix in fmt.extensions:
            return fmt
    stripped = head.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<"):
        return FORMATS["arxiv"]
    if stripped.startswith("["):
        return FORMATS["hf"] if _sniff("hf", head) else FORMATS["json"]
    if stripped.startswith("{"):
        first, _, rest = stripped.partition("\n")
        if rest.lstrip().startswith("{"):
            return FORMATS["jsonl"]
        return FORMATS["hf"] if _sniff("hf", head) else FORMATS["json"]
    if _sniff("csv", head):
        return FORMATS["csv"]
    return FORMATS["listing"]


def _sniff(fmt: str, head: str) -> bool:
    module = {"hf": "kg.ingest.hf_api", "csv": "kg.ingest.csvfile"}[fmt]
    try:
        return bool(importlib.import_module(module).sniff(head))
    except ImportError:
        return False


def _head(inp: InputFile) -> str:
    with open(inp.path, "rb") as fh:
        return fh.read(SNIFF_BYTES).decode("utf-8", errors="replace")


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
        self.parent: list[int] = []
        self.groups: list[_Group] = []
        self.by_key: dict[str, int] = {}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def group_of(self, keys: Sequence[str]) -> int:
        roots = sorted({self.find(self.by_key[k]) for k in keys if k in self.by_key})
        if not roots:
            self.parent.append(len(self.parent))
            self.groups.append(_Group())
            root = len(self.parent) - 1
        else:
            root = roots[0]
            for other in roots[1:]:
                self.parent[other] = root
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
                stdin: Any = None) -> Iterator[Paper]:
    """Yield each unique paper of the inputs once, with all its sources.

    File-level errors (missing, directory, binary, not UTF-8, CSV without title column)
    raise :class:`InputError` during the first pass, before any paper is yielded.
    Record-level problems go to ``on_problem`` and the good records still go through.
    """
    report = on_problem or (lambda problem: None)
    with ExitStack() as stack:
        inputs: list[InputFile] = []
        for name in names:
            if name == STDIN:
                inputs.append(_spool_stdin(stack, stdin))
            else:
                inputs.append(check_input(name))
        formats = [detect_format(inp, fmt) for inp in inputs]
        index = _Index()
        for i, (inp, form) in enumerate(zip(inputs, formats)):
            for item in iter_records(inp, form):
                if isinstance(item, Problem):
                    report(item)
                    continue
                if not normalize_title(item.title):
                    report(Problem(inp.display, item.line, "title has no letters or digits; give a real title"))
                    continue
                arxiv, keys = _keys(item)
                group = index.groups[index.group_of(keys)]
                group.sources.append(Source(inp.display, item.line, form.name))
                group.order.append((i, item.line))
                if arxiv:
                    group.arxiv_ids.add(arxiv)
                for key in FILL_KEYS:
                    if item.fields.get(key) not in (None, "", []):
                        group.fill.setdefault(key, item.fields[key])
                has_abstract = bool(item.abstract.strip())
                if group.chosen is None or (has_abstract and not group.chosen_has_abstract):
                    group.chosen, group.chosen_has_abstract = (i, item.line), has_abstract
        chosen = {index.groups[index.find(g)].chosen: index.find(g) for g in range(len(index.groups))
                  if index.find(g) == g}
        for i, (inp, form) in enumerate(zip(inputs, formats)):
            for item in iter_records(inp, form):
                if isinstance(item, Problem):
                    continue
                root = chosen.get((i, item.line))
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


def _spool_stdin(stack: ExitStack, stream: Any) -> InputFile:
    """Standard input is copied to a temporary file so it can be read in two passes."""
    source = stream if stream is not None else sys.stdin.buffer
    tmp = stack.enter_context(tempfile.NamedTemporaryFile(prefix="paperkg-stdin-", suffix=".in"))
    if isinstance(source, (str, bytes)):
        tmp.write(source.encode("utf-8") if isinstance(source, str) else source)
    else:
        raw = getattr(source, "buffer", source)
        shutil.copyfileobj(raw, tmp)
    tmp.flush()
    return InputFile(Path(tmp.name), STDIN)
