"""What every reader yields: raw records (title, abstract, fields) or problems.

A reader is a function ``read(text: str, name: str) -> Iterator[RawRecord | Problem]``
over the decoded text of one input; it never raises for a bad record, it yields a
:class:`~kg.records.Problem` naming the line and goes on with the next record.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any



@dataclass(frozen=True)
class RawRecord:
    """One title/abstract record as read, before identity and deduplication.

    ``fields`` holds everything else the input said about the paper, with the
    conventional keys ``id``, ``arxiv_id``, ``url``, ``authors`` (list of names),
    ``published`` (ISO date string) when known.
    """

    title: str
    abstract: str
    line: int
    fields: dict[str, Any] = field(default_factory=dict)
