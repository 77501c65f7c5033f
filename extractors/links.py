"""Find, clean, normalize and classify URLs in paper text.

Pure functions (``find_links``, ``normalize_url``) plus the spaCy component that stores
the links of a Doc as plain dicts in ``doc._.paperkg_links``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

CODE_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org"})
HF_HOSTS = frozenset({"huggingface.co", "hf.co"})
PROJECT_SUFFIXES = (".github.io", ".gitlab.io", ".bitbucket.io", ".readthedocs.io", ".netlify.app",
                    ".vercel.app", ".pages.dev")
PROJECT_HOSTS = frozenset({"sites.google.com"})
GITHUB_RESERVED = frozenset({"orgs", "users", "topics", "features", "sponsors", "marketplace",
                             "about", "pricing", "search", "collections", "trending", "settings", "login"})
HF_RESERVED = frozenset({"docs", "blog", "papers", "collections", "models", "datasets", "spaces",
                         "learn", "join", "login", "pricing", "tasks", "settings", "organizations"})

# A URL starts with a scheme or "www.", or is a bare code/model host followed by a path.
_URL = re.compile(
    r"(?:https?://|(?<![\w./@-])www\.|(?<![\w./@-])(?:github\.com|gitlab\.com|bitbucket\.org|huggingface\.co)/)"
    r"[^\s<>\"'`{}|\\^“”‘’«»]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"*“”‘’»"
_PAIRS = {")": "(", "]": "[", "}": "{", ">": "<"}


@dataclass(frozen=True)
class FoundLink:
    url: str
    kind: str
    raw: str
    host: str
    path: str
    start: int
    end: int


def clean_raw(raw: str) -> str:
    """Strip trailing sentence punctuation and unbalanced closing brackets, repeatedly."""
    text = raw
    while text:
        last = text[-1]
        if last in _TRAILING:
            text = text[:-1]
        elif last in _PAIRS and text.count(last) > text.count(_PAIRS[last]):
            text = text[:-1]
        else:
            break
    return text


def normalize_url(raw: str) -> tuple[str, str, str, str] | None:
    """``(url, kind, host, deeper path)`` for a cleaned raw URL, or None if it has no real host
    (template junk such as ``https://{url}``)."""
    text = raw if re.match(r"https?://", raw, re.IGNORECASE) else "https://" + raw
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    host = (parts.hostname or "").lower().rstrip(".")
    if "." not in host or not re.fullmatch(r"[a-z0-9.-]+", host):
        return None
    if host.startswith("www."):
        host = host[4:]
    scheme = parts.scheme.lower() if parts.scheme.lower() in ("http", "https") else "https"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # "example.com:abc" or a port out of range: not a usable URL
        return None
    segments = [s for s in parts.path.split("/") if s]
    if host in CODE_HOSTS or host in ("raw.githubusercontent.com", "gist.github.com"):
        return _code(host, segments, parts)
    if host in HF_HOSTS:
        return _huggingface(segments, parts)
    path = parts.path
    query = f"?{parts.query}" if parts.query else ""
    url = f"{scheme}://{host}{port}{path}{query}"
    if host in PROJECT_HOSTS or host.endswith(PROJECT_SUFFIXES):
        return url, "project", host, ""
    return url, "other", host, ""


def _code(host: str, segments: list[str], parts) -> tuple[str, str, str, str] | None:  # type: ignore[no-untyped-def]
    if host == "raw.githubusercontent.com":
        host = "github.com"
    if host == "gitlab.com" and "-" in segments:
        repo, deeper = segments[:segments.index("-")], segments[segments.index("-"):]
    else:
        repo, deeper = segments[:2], segments[2:]
    if not repo or (host == "github.com" and repo[0].lower() in GITHUB_RESERVED):
        url = f"https://{host}{parts.path}"
        return url.rstrip("/") or url, "other", host, ""
    if repo[-1].lower().endswith(".git"):
        repo[-1] = repo[-1][:-4]
    if not repo[-1]:
        return None
    path = "/".join(deeper)
    if parts.query:
        path = f"{path}?{parts.query}" if path else f"?{parts.query}"
    return f"https://{host}/{'/'.join(repo)}", "code", host, path


def _huggingface(segments: list[str], parts) -> tuple[str, str, str, str]:  # type: ignore[no-untyped-def]
    host = "huggingface.co"
    if len(segments) >= 3 and segments[0] in ("datasets", "spaces"):
        kind = "dataset" if segments[0] == "datasets" else "space"
        return f"https://{host}/{'/'.join(segments[:3])}", kind, host, "/".join(segments[3:])
    if len(segments) >= 2 and segments[0] not in HF_RESERVED:
        return f"https://{host}/{'/'.join(segments[:2])}", "model", host, "/".join(segments[2:])
    if len(segments) == 2 and segments[0] == "datasets":
        return f"https://{host}/datasets/{segments[1]}", "dataset", host, ""
    query = f"?{parts.query}" if parts.query else ""
    return f"https://{host}{parts.path}{query}", "other", host, ""


def find_links(text: str) -> list[FoundLink]:
    """Every URL in ``text``, cleaned, normalized and classified, with character offsets of
    the cleaned raw URL. Duplicates (same normalized URL) are kept: callers aggregate."""
    out: list[FoundLink] = []
    for match in _URL.finditer(text):
        raw = clean_raw(match.group(0))
        normalized = normalize_url(raw)
        if normalized is None:
            continue
        url, kind, host, path = normalized
        out.append(FoundLink(url, kind, raw, host, path, match.start(), match.start() + len(raw)))
    return out
