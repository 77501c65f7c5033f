"""How ``paperkg fetch`` asks each paper source (seconds between requests, papers per
request), its options and its report: one copy each.

A module that imports nothing heavy: :mod:`kg.ingest.fetch` uses these, and the CLI (which
builds its options at start-up) and :mod:`kg.api` (which ``paperkg stats`` loads) name
them; from inside ``kg.ingest`` they would load every input reader with ``paperkg --help``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HF_INTERVAL = 1.0
"""Seconds between requests to the Hugging Face daily papers API."""
ARXIV_INTERVAL = 3.0
"""arXiv asks API users for one request every 3 seconds."""
HF_LIMIT = 100
"""Papers asked for per Hugging Face daily listing."""
ARXIV_PAGE = 100
"""Papers per arXiv API request."""


@dataclass
class FetchReport:
    """What a fetch did: the cache ``files`` (in request order), how many were downloaded
    now and how many were already in the cache."""

    files: list[str] = field(default_factory=list)
    downloaded: int = 0
    cached: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"files": self.files, "downloaded": self.downloaded, "cached": self.cached}


@dataclass(frozen=True)
class FetchOptions:
    """Where to write and how politely to ask; ``interval``/``base_url`` None: the source's default."""

    cache: Path = Path("paperkg-cache")
    base_url: str | None = None
    interval: float | None = None
    retries: int = 4
    backoff: float = 2.0
    timeout: float = 30.0
    progress: Callable[[str], None] | None = None
    sleep: Callable[[float], None] | None = None
