"""Mapping of loosely named input fields onto paperkg's conventional record fields."""
from __future__ import annotations

from typing import Any

from kg.ingest.base import RawRecord
from kg.records import Problem

TITLE_KEYS = ("title", "paper_title")
ABSTRACT_KEYS = ("abstract", "summary", "abstract_text", "paperAbstract", "text")
RENAMES = {"publishedAt": "published", "date": "published", "published_date": "published",
           "arxivId": "arxiv_id", "arxiv": "arxiv_id", "paper_id": "id", "link": "url"}


def _first(obj: dict[str, Any], keys: tuple[str, ...]) -> tuple[str | None, Any]:
    for key in keys:
        if key in obj and obj[key] is not None:
            return key, obj[key]
    lowered = {k.lower(): k for k in obj}
    for key in keys:
        if key.lower() in lowered:
            real = lowered[key.lower()]
            if obj[real] is not None:
                return real, obj[real]
    return None, None


def authors_list(value: Any) -> list[str]:
    """Authors as a list of names from a list of strings, a list of ``{"name": ...}``
    objects, or a string separated by ``;`` or ``,`` / `` and ``."""
    if value is None:
        return []
    if isinstance(value, str):
        sep = ";" if ";" in value else ","
        parts = [p.strip() for chunk in value.split(sep) for p in chunk.split(" and ")]
        return [p for p in parts if p]
    out: list[str] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                name = item.get("name") or " ".join(
                    str(item[k]) for k in ("given", "family") if item.get(k))
                if name:
                    out.append(str(name).strip())
            elif item is not None and str(item).strip():
                out.append(str(item).strip())
    return out


def record_from_object(obj: Any, line: int, name: str) -> RawRecord | Problem:
    """Turn one decoded JSON/CSV object into a RawRecord, or a Problem saying what is wrong."""
    if not isinstance(obj, dict):
        return Problem(name, line, f"expected a JSON object with 'title' and 'abstract', got {type(obj).__name__}")
    title_key, title = _first(obj, TITLE_KEYS)
    if not isinstance(title, str) or not title.strip():
        return Problem(name, line, "record has no 'title'; every record needs a non-empty title")
    abstract_key, abstract = _first(obj, ABSTRACT_KEYS)
    if abstract is not None and not isinstance(abstract, str):
        return Problem(name, line, f"'{abstract_key}' must be a string, got {type(abstract).__name__}")
    fields: dict[str, Any] = {}
    for key, value in obj.items():
        if key in (title_key, abstract_key):
            continue
        key = RENAMES.get(key, key)
        if key == "authors":
            value = authors_list(value)
        if key in fields:
            continue
        fields[key] = value
    return RawRecord(title=" ".join(title.split()), abstract=" ".join((abstract or "").split()),
                     line=line, fields=fields)
