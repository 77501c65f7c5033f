"""Evidence spans placed by their stored offsets, for every view that highlights them.

An evidence record (``kg.records.Evidence``, and its copy on a graph edge) holds the
sentence and ``start``/``end`` offsets into the paper's ``field`` (its abstract or title),
not into the sentence. :func:`mark` finds where that sentence sits in the field text (the
occurrence that contains the span) and returns the span relative to the sentence, so a
view highlights exactly the characters the extractor matched: "LoRA" in a sentence that
also says "MTLoRA" is marked where it was found, never at the first substring match. When
the offsets do not fit the text (an edited or missing abstract), nothing is marked.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def sentence_start(text: str, sentence: str, start: int, end: int) -> int | None:
    """The offset in ``text`` of the occurrence of ``sentence`` that contains
    ``text[start:end]``, or None."""
    if not sentence or not (0 <= start < end <= len(text)):
        return None
    # the last occurrence starting at or before ``start``, then earlier ones
    at = text.rfind(sentence, 0, start + len(sentence))
    while at >= 0:
        if at + len(sentence) >= end:
            return at
        at = text.rfind(sentence, 0, at + len(sentence) - 1)
    return None


def mark(paper: Mapping[str, Any], evidence: Mapping[str, Any]) -> dict[str, Any]:
    """``{"sentence", "field", "mark": [a, b] | None}``: the evidence sentence and the span
    to highlight in it (offsets into the sentence), from ``paper``'s ``title``/``abstract``."""
    sentence = str(evidence.get("sentence") or "")
    field = str(evidence.get("field") or "abstract")
    text = str(paper.get(field) or "")
    start, end = evidence.get("start"), evidence.get("end")
    span = None
    if isinstance(start, int) and isinstance(end, int):
        at = sentence_start(text, sentence, start, end)
        if at is not None:
            span = [start - at, end - at]
    return {"sentence": sentence, "field": field, "mark": span}
