"""Reader for Hugging Face papers listing text (the scraped "Daily Papers" page).

The page is a sequence of paragraphs separated by blank lines: a few boilerplate
paragraphs at the top ("new", "Subscribe", "byAK and the research community", a date),
then a one-line title followed by its abstract paragraph, repeated.

Tolerated: CRLF, BOM (removed by decoding), stray blank lines, trailing whitespace,
an abstract broken over several lines (joined with spaces) or over several paragraphs
(a paragraph that does not look like a title continues the current abstract), and a
title with no abstract (kept, with a warning). Record line numbers are those of titles.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from kg.ingest.base import RawRecord
from kg.records import Problem

BOILERPLATE = frozenset({
    "new", "get trending papers in your email inbox!", "subscribe", "daily papers",
    "byak and the research community", "by ak and the research community",
    "trending papers", "submit a paper", "papers",
})
_DATE = re.compile(
    r"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?"
    r"(?:,?\s+\d{4})?$|^\d{4}-\d{2}-\d{2}$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.;]\s+[A-Z(]")
_ABBREVIATIONS = re.compile(r"\b(?:vs|e\.g|i\.e|et al|etc|cf|Dr|Mr|Ms|St|No|Fig|Eq|Vol)\.", re.IGNORECASE)

MAX_TITLE_CHARS = 300
MAX_TITLE_WORDS = 40


def is_boilerplate(paragraph: str) -> bool:
    text = paragraph.strip()
    return text.casefold() in BOILERPLATE or bool(_DATE.match(text))


def looks_like_title(paragraph: str) -> bool:
    """A title is one short line that is not a run of sentences."""
    text = paragraph.strip()
    if "\n" in text or len(text) > MAX_TITLE_CHARS or len(text.split()) > MAX_TITLE_WORDS:
        return False
    if text.endswith(".") and not text.endswith("..."):
        return False
    return not _SENTENCE_END.search(_ABBREVIATIONS.sub("", text))


def paragraphs(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Yield ``(first line number, text)`` for each blank-line-separated paragraph;
    the lines of a paragraph are joined with newlines, each stripped."""
    buf: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            if buf:
                yield start, "\n".join(buf)
                buf = []
            continue
        if not buf:
            start = number
        buf.append(text)
    if buf:
        yield start, "\n".join(buf)


def read(lines: Iterable[str], name: str) -> Iterator[RawRecord | Problem]:
    title: str | None = None
    title_line = 0
    abstract: list[str] = []
    seen_title = False

    def flush() -> Iterator[RawRecord | Problem]:
        if title is None:
            return
        if not abstract:
            yield Problem(name, title_line, "title has no abstract; the paper is kept with an empty "
                          "abstract (add the abstract paragraph after the title to extract from it)",
                          severity="warning")
        yield RawRecord(title=title, abstract=" ".join(abstract), line=title_line)

    for line_no, para in paragraphs(lines):
        flat = " ".join(para.split("\n"))
        if title is None and not abstract and is_boilerplate(flat):
            continue
        if title is not None and not abstract:
            if is_boilerplate(flat):
                continue  # e.g. the next page's header after a title without abstract
            if looks_like_title(para):
                yield from flush()
                title, title_line = flat, line_no
            else:
                abstract.append(flat)
            continue
        if looks_like_title(para) and not (seen_title and is_boilerplate(flat)):
            yield from flush()
            title, title_line, abstract = flat, line_no, []
            seen_title = True
        elif is_boilerplate(flat):
            continue
        elif title is not None:
            abstract.append(flat)  # an abstract continued over a blank line
        else:
            yield Problem(name, line_no, "paragraph looks like an abstract but no title precedes it; "
                          "put the one-line title on the line before it, followed by a blank line")
    yield from flush()


def sniff(head: str) -> bool:
    """Listing text: not JSON/XML/CSV-looking, and paragraphs separated by blank lines."""
    stripped = head.lstrip("\ufeff \t\r\n")
    return bool(stripped) and stripped[0] not in "[{<" and "\n\n" in head.replace("\r\n", "\n")
