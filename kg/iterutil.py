"""The one streaming batcher: consecutive lists of at most ``size`` items (``itertools.batched``
from Python 3.12 on, as lists)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most ``size`` items, streaming (one chunk in memory)."""
    if size < 1:
        raise ValueError("chunk size must be at least 1")
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
