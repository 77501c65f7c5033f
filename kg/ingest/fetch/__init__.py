"""``paperkg fetch``: download paper listings into a cache folder, one file per request,
in exactly the formats the ``hf`` and ``arxiv`` readers take (the services' own responses).

Sources:

* ``hf-daily``: ``GET {base}/api/daily_papers?date=YYYY-MM-DD&limit=N``, one JSON file per
  day: ``CACHE/hf-daily/YYYY-MM-DD.json``;
* ``arxiv``: ``GET {base}/api/query?search_query=Q&start=S&max_results=M&sortBy=..``, one
  Atom file per page: ``CACHE/arxiv/<query slug>-<hash>/start-000000.xml``; the first page's
  ``opensearch:totalResults`` says how many pages there are.

The cache is resumable: a file that exists is never asked for again (except a day that is
not over yet, whose listing still grows), every file is written atomically, and a body that
is not a usable response (not JSON, not an Atom feed, an arXiv error feed) is never cached.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import FetchError
from kg.sources import ARXIV_INTERVAL, ARXIV_PAGE, HF_INTERVAL, HF_LIMIT, FetchOptions, FetchReport

if TYPE_CHECKING:  # httpx loads when a fetch starts, not with the `paperkg` command group
    from kg.ingest.fetch.http import Client

SOURCES = ("hf-daily", "arxiv")
HF_BASE = "https://huggingface.co"
ARXIV_BASE = "https://export.arxiv.org"
MAX_DAYS = 366
_ATOM = "{http://www.w3.org/2005/Atom}"
_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def _client(options: FetchOptions, default_interval: float) -> Client:
    from kg.ingest.fetch.http import Client, Politeness
    from kg.store.core import paperkg_version

    politeness = Politeness(interval=default_interval if options.interval is None else options.interval,
                            retries=options.retries, backoff=options.backoff, timeout=options.timeout)
    extra: dict[str, Any] = {"sleep": options.sleep} if options.sleep else {}
    return Client(politeness, user_agent=f"paperkg/{paperkg_version()} (paper knowledge graph builder)",
                  on_wait=options.progress, **extra)


def _base(options: FetchOptions, default: str) -> str:
    base = (options.base_url or default).rstrip("/")
    if not re.match(r"^https?://[^/\s]+", base):
        raise FetchError(f"bad --base-url '{options.base_url}'", hint="give an http(s) URL such as https://huggingface.co")
    return base


def _say(options: FetchOptions, message: str) -> None:
    if options.progress:
        options.progress(message)


def _save(path: Path, body: bytes) -> None:
    from kg.fsutil import atomic_write

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, body)
    except OSError as exc:
        raise FetchError(f"cannot write the cache: {exc.strerror or exc}", where=str(path),
                         hint="choose a writable --cache folder") from None


# ---- Hugging Face daily papers -----------------------------------------------------------

def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise FetchError(f"bad date '{text}'", hint="write dates as YYYY-MM-DD") from None


def days(start: date, end: date) -> list[date]:
    if end < start:
        raise FetchError(f"the range ends ({end}) before it starts ({start})", hint="swap the two dates")
    count = (end - start).days + 1
    if count > MAX_DAYS:
        raise FetchError(f"{count} days is more than {MAX_DAYS} in one fetch", hint="fetch a year at a time")
    return [start + timedelta(days=i) for i in range(count)]


def _hf_accept(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except ValueError:
        return "the answer is not JSON"
    if not isinstance(data, list):
        return "the answer is not a daily papers list"
    return None


def fetch_hf_daily(start: date, end: date | None = None, options: FetchOptions = FetchOptions()) -> FetchReport:
    """Fetch the Hugging Face daily papers of each day from ``start`` to ``end`` (inclusive)."""
    base = _base(options, HF_BASE)
    wanted = days(start, end or start)
    today = datetime.now(timezone.utc).date()
    report = FetchReport()
    with _client(options, HF_INTERVAL) as client:
        for i, day in enumerate(wanted, start=1):
            path = options.cache / "hf-daily" / f"{day.isoformat()}.json"
            report.files.append(str(path))
            if path.is_file() and day < today:
                report.cached += 1
                continue
            body = client.get(f"{base}/api/daily_papers", {"date": day.isoformat(), "limit": str(HF_LIMIT)},
                              accept=_hf_accept)
            _save(path, body)
            report.downloaded += 1
            _say(options, f"hf-daily {day} ({i}/{len(wanted)}): {len(json.loads(body))} papers")
    return report


# ---- arXiv API --------------------------------------------------------------------------

def _feed(body: bytes) -> ET.Element | str:
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        return f"the answer is not XML ({exc})"
    if root.tag != f"{_ATOM}feed":
        return "the answer is not an Atom feed"
    return root


def _arxiv_error(root: ET.Element) -> str | None:
    for entry in root.iter(f"{_ATOM}entry"):
        if "/api/errors" in (entry.findtext(f"{_ATOM}id") or ""):
            return (entry.findtext(f"{_ATOM}summary") or "arXiv reports an error").strip()
    return None


def total_results(body: bytes) -> int:
    root = _feed(body)
    if isinstance(root, str):
        raise FetchError(root)
    try:
        return int((root.findtext(f"{_OPENSEARCH}totalResults") or "0").strip())
    except ValueError:
        return 0


def _arxiv_accept(start: int, expected: int | None) -> Callable[[bytes], str | None]:
    def accept(body: bytes) -> str | None:
        root = _feed(body)
        if isinstance(root, str):
            return root
        entries = len(root.findall(f"{_ATOM}entry"))
        # arXiv sometimes answers a page inside the result set with no entries: ask again
        if expected is not None and start < expected and entries == 0:
            return "an empty page inside the result set"
        return None
    return accept


def query_folder(query: str, sort_by: str, page: int) -> str:
    """The cache folder of one arXiv query: a readable slug and a hash of what shapes the pages."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", query).strip("-")[:48].lower() or "query"
    digest = hashlib.sha256(f"{query}\n{sort_by}\n{page}".encode()).hexdigest()[:10]
    return f"{slug}-{digest}"


def fetch_arxiv(query: str, max_results: int = 100, options: FetchOptions = FetchOptions(), *,
                page_size: int = ARXIV_PAGE, sort_by: str = "submittedDate") -> FetchReport:
    """Fetch up to ``max_results`` papers matching the arXiv ``query``, ``page_size`` a request."""
    if not query.strip():
        raise FetchError("the arXiv query is empty", hint="for example --query 'cat:cs.LG AND ti:diffusion'")
    if max_results < 1 or page_size < 1:
        raise FetchError("--max and the page size must be at least 1")
    base = _base(options, ARXIV_BASE)
    folder = options.cache / "arxiv" / query_folder(query, sort_by, page_size)
    report = FetchReport()
    expected: int | None = None
    with _client(options, ARXIV_INTERVAL) as client:
        start = 0
        while start < max_results and (expected is None or start < expected):
            path = folder / f"start-{start:06d}.xml"
            size = min(page_size, max_results - start)
            if path.is_file():
                body = path.read_bytes()
                report.cached += 1
            else:
                params = {"search_query": query, "start": str(start), "max_results": str(size),
                          "sortBy": sort_by, "sortOrder": "descending"}
                body = client.get(f"{base}/api/query", params, accept=_arxiv_accept(start, expected))
                root = _feed(body)
                error = _arxiv_error(root) if not isinstance(root, str) else None
                if error:
                    raise FetchError(f"arXiv rejected the query: {error}", where=query,
                                     hint="see the arXiv API user manual for the query syntax")
                _save(path, body)
                report.downloaded += 1
            if expected is None:
                expected = total_results(body)
                _save(folder / "query.json", json.dumps(
                    {"query": query, "sort_by": sort_by, "page_size": page_size, "total_results": expected},
                    indent=1).encode() + b"\n")
            report.files.append(str(path))
            pages = math.ceil(min(max_results, expected) / page_size) if expected else 1
            _say(options, f"arxiv page {start // page_size + 1}/{pages}: {min(start + size, expected)} of "
                          f"{min(max_results, expected)} papers")
            start += page_size
    return report


# ---- the `build --fetch SOURCE:ARG` spec ------------------------------------------------

def run_spec(spec: str, options: FetchOptions, max_results: int = 100) -> FetchReport:
    """Fetch what ``spec`` names: ``hf-daily:DATE``, ``hf-daily:FROM..TO`` or ``arxiv:QUERY``."""
    source, sep, arg = spec.partition(":")
    if not sep or not arg.strip() or source not in SOURCES:
        raise FetchError(f"bad fetch spec '{spec}'",
                         hint="write hf-daily:2024-03-21, hf-daily:2024-03-18..2024-03-22 or arxiv:'QUERY'")
    if source == "hf-daily":
        first, _, last = arg.partition("..")
        return fetch_hf_daily(parse_date(first), parse_date(last) if last else None, options)
    return fetch_arxiv(arg, max_results, options)
