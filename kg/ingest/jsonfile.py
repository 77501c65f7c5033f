"""Readers for JSON Lines (one object per line) and JSON arrays of paper objects."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from kg.ingest.base import RawRecord
from kg.ingest.fields import record_from_object
from kg.model import Problem

_DECODER = json.JSONDecoder()


def read_lines(lines: Iterable[str], name: str) -> Iterator[RawRecord | Problem]:
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Problem(name, number, f"malformed JSON ({exc.msg} at column {exc.colno}); "
                          "fix or remove this line")
            continue
        yield record_from_object(obj, number, name)


def read_document(text: str, name: str) -> Iterator[RawRecord | Problem]:
    """A JSON array of objects (each record's line is where its object starts), a single
    object, or an object holding the array under ``papers``/``data``/``results``."""
    text = text.lstrip("\ufeff")
    pos = _skip_ws(text, 0)
    if pos < len(text) and text[pos] == "{":
        try:
            obj, _ = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield Problem(name, exc.lineno, f"malformed JSON ({exc.msg} at column {exc.colno})")
            return
        for key in ("papers", "data", "results", "items"):
            if isinstance(obj, dict) and isinstance(obj.get(key), list):
                found = re.search(r'"' + key + r'"\s*:\s*\[', text)
                if found:
                    yield from _array(text, found.end() - 1, name)
                else:
                    for i, item in enumerate(obj[key], start=1):
                        yield record_from_object(item, i, name)
                return
        yield record_from_object(obj, text.count("\n", 0, pos) + 1, name)
        return
    if pos >= len(text) or text[pos] != "[":
        yield Problem(name, text.count("\n", 0, pos) + 1, "expected a JSON array or object")
        return
    yield from _array(text, pos, name)


def _array(text: str, pos: int, name: str) -> Iterator[RawRecord | Problem]:
    """The objects of the JSON array starting at ``text[pos] == "["``, each with the line
    where it starts."""
    pos += 1
    while True:
        pos = _skip_ws(text, pos)
        if pos < len(text) and text[pos] == "]":
            return
        line = text.count("\n", 0, pos) + 1
        try:
            obj, pos = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield Problem(name, exc.lineno, f"malformed JSON ({exc.msg} at column {exc.colno}); "
                          "the rest of the array cannot be read")
            return
        yield record_from_object(obj, line, name)
        pos = _skip_ws(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos += 1
        elif pos < len(text) and text[pos] == "]":
            return
        else:
            yield Problem(name, text.count("\n", 0, pos) + 1, "malformed JSON array: expected ',' or ']'")
            return


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos
