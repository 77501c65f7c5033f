"""Readers for JSON Lines (one object per line) and JSON arrays of paper objects."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from kg.ingest.base import RawRecord
from kg.ingest.fields import record_from_object
from kg.ingest.safejson import Decoder, JSONProblem
from kg.records import Problem


def read_lines(lines: Iterable[str], name: str) -> Iterator[RawRecord | Problem]:
    decoder = Decoder()
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        try:
            obj = decoder.loads(text)
        except json.JSONDecodeError as exc:
            yield Problem(name, number, f"malformed JSON ({exc.msg} at column {exc.colno}); "
                          "fix or remove this line")
            continue
        except JSONProblem as exc:
            yield Problem(name, number, f"{exc}; the record is left out")
            continue
        yield from _checked(record_from_object(obj, number, name), decoder, number, name)


def _checked(item: RawRecord | Problem, decoder: Decoder, line: int, name: str,
             where: str = "") -> Iterator[RawRecord | Problem]:
    """The record (its problem prefixed with ``where``), after a warning for the non-JSON
    numbers it held."""
    note = decoder.take_nonfinite()
    if note and isinstance(item, RawRecord):
        yield Problem(name, line, f"{where}{note}", severity="warning")
    yield replace(item, reason=where + item.reason) if isinstance(item, Problem) and where else item


def read_document(text: str, name: str) -> Iterator[RawRecord | Problem]:
    """A JSON array of objects (each record's line is where its object starts), a single
    object, or an object holding the array under ``papers``/``data``/``results``."""
    text = text.lstrip("\ufeff")
    pos = _skip_ws(text, 0)
    decoder = Decoder()
    if pos < len(text) and text[pos] == "{":
        try:
            obj, _ = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield Problem(name, exc.lineno, f"malformed JSON ({exc.msg} at column {exc.colno})")
            return
        except JSONProblem as exc:
            yield Problem(name, text.count("\n", 0, pos) + 1, f"{exc}; the document cannot be read")
            return
        for key in ("papers", "data", "results", "items"):
            if isinstance(obj, dict) and isinstance(obj.get(key), list):
                found = re.search(r'"' + key + r'"\s*:\s*\[', text)
                if found:
                    yield from _array(text, found.end() - 1, name)
                else:
                    for i, item in enumerate(obj[key], start=1):
                        yield from _checked(record_from_object(item, i, name), Decoder(), i, name, f"record {i}: ")
                return
        yield from _checked(record_from_object(obj, text.count("\n", 0, pos) + 1, name), decoder,
                            text.count("\n", 0, pos) + 1, name)
        return
    if pos >= len(text) or text[pos] != "[":
        yield Problem(name, text.count("\n", 0, pos) + 1, "expected a JSON array or object")
        return
    yield from _array(text, pos, name)


def _array(text: str, pos: int, name: str) -> Iterator[RawRecord | Problem]:
    """The objects of the JSON array starting at ``text[pos] == "["``, each with the line
    where it starts; messages name the record's index in the array too (a JSON document
    is often one line)."""
    pos += 1
    decoder = Decoder()
    line = text.count("\n", 0, pos) + 1
    counted = pos
    for index in range(1, len(text) + 2):
        pos = _skip_ws(text, pos)
        if pos < len(text) and text[pos] == "]":
            return
        line += text.count("\n", counted, pos)
        counted = pos
        where = f"record {index}: "
        try:
            obj, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield Problem(name, exc.lineno, f"{where}malformed JSON ({exc.msg} at column {exc.colno}); "
                          "the rest of the array cannot be read")
            return
        except JSONProblem as exc:
            yield Problem(name, line, f"{where}{exc}; the rest of the array cannot be read")
            return
        yield from _checked(record_from_object(obj, line, name), decoder, line, name, where)
        pos = _skip_ws(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos += 1
        elif pos < len(text) and text[pos] == "]":
            return
        else:
            yield Problem(name, text.count("\n", 0, pos) + 1,
                          f"malformed JSON array after record {index}: expected ',' or ']'")
            return


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos
