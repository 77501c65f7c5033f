"""Stable paper identity: the arXiv id when known, else a key from the normalized title."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

NEW_STYLE_ID = r"\d{4}\.\d{4,5}"
"""An arXiv id of 2007 on, without version: ``2403.01234``, ``0704.0001``."""
OLD_STYLE_ID = r"[a-z][a-z\-]*(?:\.[A-Za-z\-]{2,})?/\d{7}"
"""An arXiv id before 2007, without version: ``hep-th/9901001``, ``math.GT/0309136``, ``cs/0112017``."""
ARXIV_ID = f"{NEW_STYLE_ID}|{OLD_STYLE_ID}"
r"""Either style: the one pattern every reader matches arXiv ids with (``(?:v\d+)?`` is the version)."""

_NEW_ID = re.compile(rf"(?<![\d.])({NEW_STYLE_ID})(v\d+)?(?![\d])")
_OLD_ID = re.compile(rf"\b({OLD_STYLE_ID})(v\d+)?\b")
_ARXIV_URL = re.compile(rf"(?:arxiv\.org/(?:abs|pdf)/|huggingface\.co/papers/|alphaxiv\.org/abs/)({ARXIV_ID})",
                        re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def squash_space(text: Any) -> str:
    """``text`` with each run of white space made one space, trimmed; ``""`` for a non-string."""
    return _SPACE.sub(" ", text).strip() if isinstance(text, str) else ""


def parse_arxiv_id(value: Any) -> str | None:
    """The version-less arXiv id in ``value`` (an id, ``arXiv:...`` or an arXiv/HF URL)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    url = _ARXIV_URL.search(text)
    if url:
        return url.group(1)
    text = re.sub(r"^arxiv:\s*", "", text, flags=re.IGNORECASE)
    for pattern in (_NEW_ID, _OLD_ID):
        match = pattern.fullmatch(text) or (pattern.match(text) if pattern is _OLD_ID else None)
        if match:
            return match.group(1)
    return None


def arxiv_id_of(fields: dict[str, Any]) -> str | None:
    for key in ("arxiv_id", "id", "url", "pdf_url", "arxiv_url"):
        found = parse_arxiv_id(fields.get(key))
        if found:
            return found
    return None


def normalize_title(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def title_key(title: str) -> str:
    digest = hashlib.sha1(normalize_title(title).encode("utf-8")).hexdigest()[:16]
    return f"title:{digest}"


def paper_id(arxiv_id: str | None, title: str) -> str:
    return f"arxiv:{arxiv_id}" if arxiv_id else title_key(title)
