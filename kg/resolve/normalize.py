"""Name normalization for entity resolution: pure functions over strings.

``normalize`` is the match key of a surface form: Unicode NFKC, casefold, and separators
(whitespace, hyphens and dashes, underscores, dots) removed, except between two digits,
where they separate version numbers and are kept (a dot stays ``.``, anything else
becomes ``-``)::

    ResNet-50, ResNet 50, resnet50  -> resnet50
    GPT-4, GPT4 -> gpt4      GPT-4o -> gpt4o      GPT-3.5 -> gpt3.5
    CIFAR-10 -> cifar10      CIFAR-100 -> cifar100
    LLaMA-2 7B, LLaMA 2-7B   -> llama2-7b   (not llama2: a different model)

Plurals (decision, tested in ``tests/test_resolve.py``): a final *lowercase* ``s`` is
stripped only when the stem (normalized) has at least 3 characters, the word does not
end in ``ss``/``us``/``is``, and the stem is itself a surface form seen in the corpus
(``singular_candidate`` proposes, the resolver checks the corpus). So ``Transformers``
joins ``Transformer`` and ``ViDAs`` joins ``ViDA`` when those occur, while ``BEADs`` stays
its own name unless some paper says ``BEAD``; an uppercase ``S`` is never stripped.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SEPARATORS = re.compile(r"[\s\-_.\u00ad\u2010-\u2015\u2212\u30fb]+")
_DROPPED = re.compile(r"[\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u00b4]")
_EDGE_PUNCT = "()[]{}<>,;:!?*"
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PLURAL_BLOCKERS = ("ss", "us", "is")


def fold(text: str) -> str:
    """NFKC + casefold (+ NFKC again: casefolding can produce non-normalized text)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def normalize(name: str) -> str:
    """The match key of a surface form (see the module docstring for the rules).

    Idempotent: ``normalize(normalize(x)) == normalize(x)``."""
    return _normalize_name(name) if len(name) <= 80 else _normalize(name)


@lru_cache(maxsize=1 << 16)  # names repeat across papers: remember the most recent ones (bounded)
def _normalize_name(name: str) -> str:
    return _normalize(name)


def _normalize(name: str) -> str:
    text = fold(name)
    while True:
        key = fold(_normalize_once(text))
        if key == text:
            return key
        text = key


def _normalize_once(text: str) -> str:
    text = _DROPPED.sub("", text).strip(_EDGE_PUNCT + " \t\r\n")
    out: list[str] = []
    pos = 0
    for sep in _SEPARATORS.finditer(text):
        out.append(text[pos:sep.start()])
        left = text[sep.start() - 1] if sep.start() > 0 else ""
        right = text[sep.end()] if sep.end() < len(text) else ""
        if left.isdigit() and right.isdigit():
            out.append("." if sep.group() == "." else "-")
        pos = sep.end()
    out.append(text[pos:])
    return "".join(out)


def slug(text: str) -> str:
    """A readable id fragment: ``Sharpness-Aware Minimization`` -> ``sharpness-aware-minimization``."""
    ascii_text = unicodedata.normalize("NFKD", fold(text)).encode("ascii", "ignore").decode()
    return _NON_ALNUM.sub("-", ascii_text).strip("-") or normalize(text)


def is_short_form(surface: str) -> bool:
    """Whether a surface form reads as an acronym or coined short name (``SAM``, ``LoRA``,
    ``ViDA``, ``GPT-4``, ``ResNet-50``): one token with two capitals, or a capital and a digit."""
    text = unicodedata.normalize("NFKC", surface).strip()
    if not text or any(ch.isspace() for ch in text) or len(text) > 24:
        return False
    upper = sum(ch.isupper() for ch in text)
    return upper >= 2 or (upper >= 1 and any(ch.isdigit() for ch in text))


def is_long_form(surface: str) -> bool:
    """Whether a surface form reads as an expansion: several words (``Low-Rank Adaptation``)."""
    return len(unicodedata.normalize("NFKC", surface).split()) >= 2


def singular_candidate(surface: str) -> str | None:
    """The surface without a plural ``s`` if it may be a plural (the caller checks that the
    stem occurs in the corpus), else ``None``."""
    text = unicodedata.normalize("NFKC", surface).strip()
    if not text.endswith("s") or text.endswith(_PLURAL_BLOCKERS):
        return None
    stem = text[:-1]
    if len(normalize(stem)) < 3 or not stem[-1:].isalnum():
        return None
    return stem
