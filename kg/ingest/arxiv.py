"""Reader for saved arXiv API responses (Atom 1.0 XML, ``http://export.arxiv.org/api/query``).

Parsed with :mod:`xml.etree.ElementTree` (no extra dependency). Per ``<entry>``:

* ``<id>http://arxiv.org/abs/2403.01234v2</id>`` -> ``fields["arxiv_id"] = "2403.01234"``,
  ``fields["arxiv_version"] = "v2"``; old-style ids (``hep-th/9901001v1``, ``cs/0112017``,
  ``math.GT/0309136``) are handled the same way;
* ``<title>`` / ``<summary>`` -> title / abstract, whitespace-normalized (arXiv hard-wraps
  them with indentation);
* ``fields["url"]`` = the ``rel="alternate"`` abs link (else the ``<id>`` URL),
  ``fields["pdf_url"]``, ``fields["authors"]`` (names), ``fields["published"]`` and
  ``fields["updated"]`` (ISO strings as given), ``fields["categories"]`` (list of terms),
  ``fields["primary_category"]``, ``fields["doi"]``, ``fields["comment"]``,
  ``fields["journal_ref"]`` when present.

``RawRecord.line`` / ``Problem.line`` is the **1-based index of the ``<entry>``** in the feed,
not a line of the file. Malformed XML yields a single :class:`Problem` whose ``line`` is the
XML parser's line number. An arXiv API error entry (``<id>`` under ``/api/errors``) becomes
a :class:`Problem` carrying arXiv's message.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

from kg.ingest.base import RawRecord
from kg.ingest.identity import ARXIV_ID, squash_space
from kg.records import Problem

FORMAT = "arxiv"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"

_ID = re.compile(rf"(?:arxiv\.org/(?:abs|pdf)/|^)(?P<id>{ARXIV_ID})(?P<version>v\d+)?(?:\.pdf)?/?$", re.IGNORECASE)


def _text(elem: ET.Element, tag: str) -> str:
    child = elem.find(tag)
    return squash_space("".join(child.itertext())) if child is not None else ""


def parse_arxiv_id(raw: str) -> tuple[str, str] | None:
    """``"http://arxiv.org/abs/2403.01234v2"`` -> ``("2403.01234", "v2")``; version may be ``""``."""
    match = _ID.search(raw.strip())
    if not match:
        return None
    return match.group("id"), match.group("version") or ""


def _entry(entry: ET.Element, index: int, name: str) -> RawRecord | Problem:
    raw_id = _text(entry, f"{ATOM}id")
    title = _text(entry, f"{ATOM}title")
    abstract = _text(entry, f"{ATOM}summary")
    if "/api/errors" in raw_id:
        return Problem(file=name, line=index,
                       reason=f"the arXiv API returned an error instead of papers: "
                              f"{abstract or title or raw_id}; fix the query and fetch again")
    if not title:
        return Problem(file=name, line=index,
                       reason="record has no title; an arXiv <entry> needs a non-empty <title> - "
                              "re-download the feed or drop this entry")

    fields: dict[str, Any] = {}
    parsed = parse_arxiv_id(raw_id) if raw_id else None
    if parsed:
        fields["arxiv_id"], version = parsed
        if version:
            fields["arxiv_version"] = version
    elif raw_id:
        fields["id"] = raw_id

    url = pdf = ""
    for link in entry.findall(f"{ATOM}link"):
        href = (link.get("href") or "").strip()
        if not href:
            continue
        if link.get("title") == "pdf" or link.get("type") == "application/pdf":
            pdf = pdf or href
        elif link.get("rel", "alternate") == "alternate":
            url = url or href
    if not url and raw_id.startswith("http"):
        url = raw_id
    if url:
        fields["url"] = url
    if pdf:
        fields["pdf_url"] = pdf

    authors = [_text(a, f"{ATOM}name") for a in entry.findall(f"{ATOM}author")]
    authors = [a for a in authors if a]
    if authors:
        fields["authors"] = authors
    for key in ("published", "updated"):
        value = _text(entry, f"{ATOM}{key}")
        if value:
            fields[key] = value
    categories = [c.get("term", "").strip() for c in entry.findall(f"{ATOM}category")]
    categories = [c for c in categories if c]
    if categories:
        fields["categories"] = categories
    primary = entry.find(f"{ARXIV}primary_category")
    if primary is not None and primary.get("term"):
        fields["primary_category"] = primary.get("term", "").strip()
    for key in ("doi", "comment", "journal_ref"):
        value = _text(entry, f"{ARXIV}{key}")
        if value:
            fields[key] = value
    return RawRecord(title=title, abstract=abstract, line=index, fields=fields)


def read(text: str, name: str) -> Iterator[RawRecord | Problem]:
    """Yield one :class:`RawRecord` per ``<entry>``, or a :class:`Problem` per bad one."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        yield Problem(file=name, line=1, reason="empty input; expected an arXiv API Atom feed")
        return
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        if _ENTITY_ERROR.search(str(exc)):
            yield from _entries_one_by_one(text, name)
            return
        line = exc.position[0] if getattr(exc, "position", None) else 1
        if "amplification" in str(exc):
            yield Problem(file=name, line=max(line, 1),
                          reason=f"refused: its XML entities expand to far more text than the file holds "
                                 f"(an 'XML bomb'; {exc}); use the feed as the arXiv API returns it")
            return
        yield Problem(file=name, line=max(line, 1),
                      reason=f"malformed XML ({exc}); expected a complete arXiv API Atom feed - "
                             "re-download it (a truncated download is the usual cause)")
        return
    if root.tag == f"{ATOM}entry":
        entries = [root]
    elif root.tag == f"{ATOM}feed":
        entries = root.findall(f"{ATOM}entry")
    else:
        yield Problem(file=name, line=1,
                      reason=f"root element is <{root.tag}>, not an Atom <feed> "
                             "(xmlns=\"http://www.w3.org/2005/Atom\"); is this an arXiv API response?")
        return
    for index, entry in enumerate(entries, start=1):
        yield _entry(entry, index, name)


_ENTITY_ERROR = re.compile(r"undefined entity", re.IGNORECASE)
_ENTITY_REF = re.compile(r"&([A-Za-z_][\w.\-]*);")
_ENTRY = re.compile(r"<entry\b.*?</entry\s*>", re.DOTALL)
_FEED_TAG = re.compile(r"<feed\b[^>]*>")
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}


def _entries_one_by_one(text: str, name: str) -> Iterator[RawRecord | Problem]:
    """A feed that uses an entity XML does not define (an external or undeclared one, which
    paperkg never expands): each ``<entry>`` is parsed on its own, so only the entries that
    use such an entity are reported and the others are kept."""
    head = _FEED_TAG.search(text)
    opening = head.group(0) if head else f'<feed xmlns="{ATOM[1:-1]}">'
    entries = _ENTRY.findall(text)
    if not entries:
        yield Problem(file=name, line=1, reason="the feed uses an XML entity that is not defined (external "
                      "entities are never expanded) and has no readable <entry>; fetch the feed from the "
                      "arXiv API again")
        return
    for index, chunk in enumerate(entries, start=1):
        try:
            entry = ET.fromstring(f"{opening}{chunk}</feed>").find(f"{ATOM}entry")
        except ET.ParseError as exc:
            names = sorted({m for m in _ENTITY_REF.findall(chunk) if m not in _XML_ENTITIES})
            what = (f"uses the undefined XML entity {', '.join('&' + n + ';' for n in names)}" if names
                    else f"is not well-formed XML ({exc})")
            yield Problem(file=name, line=index, reason=f"entry {index} {what}; paperkg never expands "
                          "external or undeclared entities - the entry is left out")
            continue
        yield _entry(entry, index, name) if entry is not None else Problem(
            file=name, line=index, reason=f"entry {index} cannot be read")


def sniff(head: str) -> bool:
    """Cheaply tell whether decoded text (possibly only its first KBs) is an arXiv Atom feed."""
    return "<feed" in head and "http://www.w3.org/2005/Atom" in head and "arxiv" in head.lower()
