"""How ``paperkg fetch`` asks each paper source: seconds between requests and papers per
request, one copy each.

Plain constants in a module that imports nothing: :mod:`kg.ingest.fetch` uses them, and
the CLI shows them in its options' defaults and help, which it builds at start-up; from
inside ``kg.ingest`` they would load every input reader with ``paperkg --help``.
"""
from __future__ import annotations

HF_INTERVAL = 1.0
"""Seconds between requests to the Hugging Face daily papers API."""
ARXIV_INTERVAL = 3.0
"""arXiv asks API users for one request every 3 seconds."""
HF_LIMIT = 100
"""Papers asked for per Hugging Face daily listing."""
ARXIV_PAGE = 100
"""Papers per arXiv API request."""
