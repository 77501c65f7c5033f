"""JSON decoding that never crashes a run and never lets non-JSON numbers through.

Python's ``json`` recurses once per nesting level (``"[" * 10000`` raises RecursionError)
and accepts ``NaN``/``Infinity``, which are not JSON and would be written back out as
such. Here a value nested deeper than ``MAX_DEPTH`` is a :class:`JSONProblem`, and a
non-finite number is decoded as ``null`` and counted, so the reader can report it.
"""
from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 100  # paper records are a few levels deep; far below the interpreter's recursion limit


class JSONProblem(ValueError):
    """A JSON text that cannot be taken (nested too deeply)."""


class Decoder:
    """``loads``/``raw_decode`` that count the non-finite numbers they replaced by null."""

    def __init__(self) -> None:
        self.nonfinite: list[str] = []
        self._decoder = json.JSONDecoder(parse_constant=self._constant)

    def _constant(self, name: str) -> None:
        self.nonfinite.append(name)
        return None

    def raw_decode(self, text: str, pos: int = 0) -> tuple[Any, int]:
        try:
            obj, end = self._decoder.raw_decode(text, pos)
        except RecursionError:
            raise JSONProblem(f"JSON nested too deeply (more than {MAX_DEPTH} levels)") from None
        if depth_exceeds(obj, MAX_DEPTH):
            raise JSONProblem(f"JSON nested too deeply (more than {MAX_DEPTH} levels)")
        return obj, end

    def loads(self, text: str) -> Any:
        obj, end = self.raw_decode(text, _skip_ws(text, 0))
        end = _skip_ws(text, end)
        if end != len(text):
            raise json.JSONDecodeError("Extra data", text, end)
        return obj

    def take_nonfinite(self) -> str | None:
        """A note on the non-finite numbers replaced since the last call (None if none)."""
        if not self.nonfinite:
            return None
        names = sorted(set(self.nonfinite))
        self.nonfinite.clear()
        return (f"{'/'.join(names)} is not a JSON number; written as null "
                "(give numbers, or null for a missing value)")


def depth_exceeds(obj: Any, limit: int) -> bool:
    """Whether containers in ``obj`` nest more than ``limit`` levels (iterative: no recursion)."""
    stack = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos
