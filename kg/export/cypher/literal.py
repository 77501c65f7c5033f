"""Cypher literals for the ``cypher-shell`` script: the one place values become Cypher text.

:func:`cypher_string` is the only quoting function for string literals. It writes a
single-quoted literal that Neo4j (and every Cypher we test against: Ladybug, FalkorDB)
reads back as exactly the original string:

- ``\\`` and ``'`` are escaped as ``\\\\`` and ``\\'`` (``"`` needs no escape in single quotes);
- newline, carriage return, tab, backspace and form feed as ``\\n \\r \\t \\b \\f``;
- every other control character (C0, DEL, C1) and the line/paragraph separators
  U+2028/U+2029 as ``\\uXXXX``, so a literal is always one line (cypher-shell reads a
  ``:param`` command up to the end of its line);
- every other character, including non-BMP ones, is written as itself (the script is UTF-8).

Lone surrogates cannot be written to a UTF-8 script and raise ``ExportError``.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from kg.errors import ExportError

_SIMPLE = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile("[\\\\'\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _SIMPLE.get(char) or f"\\u{ord(char):04x}"


def cypher_string(text: str) -> str:
    """``text`` as a single-quoted Cypher string literal (see the module doc)."""
    if _SURROGATE.search(text):
        raise ExportError("a string with a lone surrogate cannot be written as UTF-8 Cypher",
                          hint="fix the text encoding of the input")
    return "'" + _NEEDS_ESCAPE.sub(_escape, text) + "'"


def cypher_key(name: str) -> str:
    """A map key, always back-quoted: a bare key that is a keyword (``end``, ``none``,
    ``order``) is valid in Neo4j but not in every Cypher (Ladybug rejects it)."""
    return "`" + name.replace("`", "``") + "`"


def cypher_literal(value: Any) -> str:
    """A Cypher literal for a JSON-like value: null, booleans, ints, finite floats, strings,
    lists and maps with string keys (all on one line)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ExportError(f"{value!r} has no Cypher literal")
        return repr(value).replace("e+", "e")  # Cypher exponents take no '+': 1e16, 1e-05
    if isinstance(value, str):
        return cypher_string(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{cypher_key(str(k))}: {cypher_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    raise TypeError(f"no Cypher literal for {type(value).__name__}")
