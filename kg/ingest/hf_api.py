"""Reader for saved Hugging Face Papers API responses (JSON).

Accepted shapes (all decoded from one JSON document):

* the daily papers listing, ``GET https://huggingface.co/api/daily_papers``: a JSON array
  of objects, each with a nested ``"paper"`` object (``id``, ``title``, ``summary``,
  ``authors``, ``publishedAt``, ``githubRepo``, ``upvotes``, ``ai_keywords`` ...) next to
  listing fields (``publishedAt``, ``title``, ``thumbnail``, ``numComments``, ...);
* a single such listing object;
* the single paper shape, ``GET https://huggingface.co/api/papers/{id}``: an object with
  top-level ``id``, ``title``, ``summary``, ...;
* ``{"papers": [...]}`` holding either of the above per element.

Field mapping: ``paper.id`` -> ``fields["arxiv_id"]`` (``fields["id"]`` if it does not look
like an arXiv identifier), ``summary`` -> abstract, ``authors`` -> list of names,
``publishedAt`` -> ``fields["published"]`` (the ISO string as given; the paper's own date
wins over the listing date), ``githubRepo`` -> ``fields["code_url"]``, and
``fields["url"] = "https://huggingface.co/papers/<id>"``. Every other scalar field (or list
of scalars, e.g. ``ai_keywords``) is kept in ``fields`` under its own name; nested objects
such as ``submittedBy`` are dropped. Title and summary are whitespace-normalized (the API
passes arXiv's hard line wraps through).

``RawRecord.line`` / ``Problem.line`` is the **1-based index of the record in the array**
(1 for a single object), not a line number of the file: JSON responses are usually one line.
A document that is not valid JSON yields one :class:`Problem` carrying the parser's line.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from kg.ingest.base import RawRecord
from kg.ingest.identity import ARXIV_ID, squash_space
from kg.ingest.safejson import Decoder, JSONProblem
from kg.records import Problem

FORMAT = "hf_api"
HF_PAPERS_URL = "https://huggingface.co/papers/"

_ARXIV_ID = re.compile(rf"^(?:{ARXIV_ID})(?:v\d+)?$")
_PAPER_OBJ = re.compile(r'"paper"\s*:\s*\{')
# keys consumed by the mapping above (never copied verbatim into ``fields``)
_MAPPED = {"id", "title", "summary", "authors", "publishedAt", "githubRepo", "paper", "url"}


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _keepable(value: Any) -> bool:
    return _is_scalar(value) or (isinstance(value, list) and all(_is_scalar(v) for v in value))


def _author_names(authors: Any) -> list[str]:
    names: list[str] = []
    if not isinstance(authors, list):
        return names
    for author in authors:
        if isinstance(author, dict):
            name = squash_space(author.get("name") or author.get("fullname") or "")
        else:
            name = squash_space(author)
        if name:
            names.append(name)
    return names


def _entries(doc: Any) -> list[Any] | None:
    """The list of per-paper objects in a decoded document, or ``None`` for an unknown shape."""
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        if isinstance(doc.get("papers"), list):
            return doc["papers"]
        if isinstance(doc.get("paper"), dict) or "title" in doc or "summary" in doc:
            return [doc]
    return None


def _record(entry: dict[str, Any], index: int, name: str) -> RawRecord | Problem:
    paper = entry.get("paper")
    inner: dict[str, Any] = paper if isinstance(paper, dict) else {}
    merged: dict[str, Any] = {**entry, **inner}  # the paper's own values win over listing values

    title = squash_space(inner.get("title")) or squash_space(entry.get("title"))
    if not title:
        return Problem(file=name, line=index,
                       reason="record has no title; a Hugging Face paper object needs a non-empty "
                              "'title' (in 'paper' or at top level) - fix or drop this entry")
    abstract = squash_space(inner.get("summary")) or squash_space(entry.get("summary"))

    fields: dict[str, Any] = {}
    for key, value in merged.items():
        if key not in _MAPPED and _keepable(value):
            fields[key] = value

    paper_id = merged.get("id")
    if isinstance(paper_id, (str, int)) and str(paper_id).strip():
        pid = str(paper_id).strip()
        fields["arxiv_id" if _ARXIV_ID.match(pid) else "id"] = pid
        fields["url"] = HF_PAPERS_URL + pid
    elif isinstance(merged.get("url"), str) and merged["url"].strip():
        fields["url"] = merged["url"].strip()

    authors = _author_names(inner.get("authors", entry.get("authors")))
    if authors:
        fields["authors"] = authors
    published = inner.get("publishedAt") or entry.get("publishedAt")
    if isinstance(published, str) and published.strip():
        fields["published"] = published.strip()
    code = merged.get("githubRepo")
    if isinstance(code, str) and code.strip():
        fields["code_url"] = code.strip()
    return RawRecord(title=title, abstract=abstract, line=index, fields=fields)


def read(text: str, name: str) -> Iterator[RawRecord | Problem]:
    """Yield one :class:`RawRecord` per paper object, or a :class:`Problem` per bad one."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        yield Problem(file=name, line=1, reason="empty input; expected a Hugging Face papers API "
                                                "JSON response (an array or an object)")
        return
    decoder = Decoder()
    try:
        doc = decoder.loads(text)
    except json.JSONDecodeError as exc:
        yield Problem(file=name, line=exc.lineno,
                      reason=f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
                             "save the raw body of GET https://huggingface.co/api/daily_papers")
        return
    except JSONProblem as exc:
        yield Problem(file=name, line=1, reason=f"{exc}; the document cannot be read")
        return
    note = decoder.take_nonfinite()
    if note:
        yield Problem(file=name, line=1, reason=note, severity="warning")
    entries = _entries(doc)
    if entries is None:
        yield Problem(file=name, line=1,
                      reason="unrecognized JSON shape; expected an array of daily-paper objects, "
                             "a paper object with 'title'/'summary', or {\"papers\": [...]}")
        return
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            yield Problem(file=name, line=index,
                          reason=f"record is a JSON {type(entry).__name__}, not an object; "
                                 "each element must be a paper object")
            continue
        yield _record(entry, index, name)


def _looks_like(doc: Any) -> bool:
    entries = _entries(doc)
    if not entries or not isinstance(entries[0], dict):
        return False
    first = entries[0]
    inner = first.get("paper")
    if isinstance(inner, dict):
        return "summary" in inner
    return "summary" in first and "title" in first


def sniff(head: str) -> bool:
    """Cheaply tell whether decoded text (possibly only its first KBs) is an HF API response.

    True for a JSON document whose first object has a ``"paper"`` object with ``"summary"``,
    or has top-level ``"summary"`` and ``"title"``. Several JSON values in a row (JSON Lines)
    are not an API response.
    """
    s = head.lstrip("\ufeff \t\r\n")
    if not s or s[0] not in "[{":
        return False
    try:
        doc, end = Decoder().raw_decode(s)
    except JSONProblem:
        return False
    except ValueError:  # truncated head: fall back to a textual check
        if _PAPER_OBJ.search(s):
            return '"summary"' in s
        return s[0] == "{" and '"summary"' in s and '"title"' in s and "\n{" not in s
    if s[end:].strip():
        return False
    return _looks_like(doc)
