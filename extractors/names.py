"""Shared, pure helpers about names: what a coined token is, what is generic, normalization."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources

_UNIT = re.compile(r"^\d+(?:\.\d+)?[KMBTkmbt]?(?:[-/]\d+(?:\.\d+)?[KMBTkmbt]?)?$|^\d+(?:\.\d+)?%$|^\d+[xX]$"
                   r"|^\d+(?:\.\d+)?(?:[KMGT]B|ms|s|h|Hz|kHz|GHz|fps|px|mm|cm|m|km|d|D|k)$")
# a citation key left in a text ("radford2018improving", "Kiros:2015"): never a name
CITE_KEY = re.compile(r"^[a-z]+(?:19|20)\d\d[a-z]+$|^[A-Za-z]+:\d{2,4}[a-z]*$")
_ROMAN = re.compile(r"^(?:I{1,3}|IV|VI{0,3}|IX|X{1,3})$")
_HAS_UPPER_AFTER_LOWER = re.compile(r"[a-z][A-Z]")
_CAPS = re.compile(r"[A-Z]")
_DIGIT = re.compile(r"\d")
_ALPHA = re.compile(r"[A-Za-z]")
_NOT_KEY = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=1 << 16)
def norm_key(text: str) -> str:
    """Comparison key used across paperkg (the same as the evaluation scorer's): NFKC,
    casefold, and only letters and digits kept. Cached: the rules key the same words
    hundreds of thousands of times per batch."""
    if text.isascii():  # NFKC leaves ASCII as it is, and casefold is lower there
        return _NOT_KEY.sub("", text.lower())
    return _NOT_KEY.sub("", unicodedata.normalize("NFKC", text).casefold())


def same_long_form(key: str, keys: Iterable[str]) -> bool:
    """A normalized long form names what one of ``keys`` names: equal, one extends the other
    (a plural) or they differ by a few letters ("adversarial nets" / "adversarial networks")."""
    return any(key == k or (len(k) >= 5 and (key.startswith(k) or k.startswith(key)))
               or SequenceMatcher(None, key, k).ratio() >= 0.85 for k in keys)


@lru_cache(maxsize=1 << 16)
def is_coined(token: str) -> bool:
    """A coined token (guideline N1): an acronym, CamelCase, letters with digits, or a
    token with ``+``/``^``/``_`` — not a number, unit, size or Roman numeral (cached: a
    pure test of a string, asked again for every mention of a word)."""
    text = token.strip("()[]{},.;:'\"")
    if len(text) < 2 or not _ALPHA.search(text) or "/" in text or "://" in text or "www." in text:
        return False
    if _UNIT.match(text) or _ROMAN.match(text):
        return False
    if text.lower().endswith(("-based", "-free", "-like", "-style", "-driven", "-aware", "-guided", "-powered",
                              "-specific", "-agnostic", "-centric", "-oriented", "-level", "-wise", "-only")):
        return False  # "LLM-based", "MLP-free": adjectives built on a name, not names
    parts = text.split("-")
    if len(parts) > 1 and all(re.fullmatch(r"[A-Z]?[a-z]+", p) for p in parts):
        return False  # "Fine-Tuning", "Test-Time": title-cased words, not a coinage
    upper = len(_CAPS.findall(text))
    if upper >= 2:
        return True
    if _HAS_UPPER_AFTER_LOWER.search(text):
        return True
    if _DIGIT.search(text) and _ALPHA.search(text):
        return bool(_CAPS.search(text)) or bool(re.search(r"[a-z]\d|\d[a-z]", text))
    return any(c in text for c in "+^_") and bool(_CAPS.search(text))


def is_acronym(token: str) -> bool:
    """Mostly capitals (allowing a plural ``s`` and digits): ``SAM``, ``LLMs``, ``GPT4``."""
    text = token.rstrip("s") if token.endswith("s") and token[:-1].isupper() else token
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= max(2, len(letters) - 1)


@lru_cache(maxsize=None)
def term_list(filename: str) -> frozenset[str]:
    """The normalized keys of a one-term-per-line list in ``extractors/data`` ('#' comments)."""
    try:
        text = resources.files("extractors.data").joinpath(filename).read_text("utf-8")
    except FileNotFoundError:
        return frozenset()
    terms = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            terms.add(norm_key(line))
    return frozenset(terms)


def generic_terms() -> frozenset[str]:
    """Generic class terms and paradigms that are never named methods (``generic.txt``)."""
    return term_list("generic.txt")


def is_paradigm(task: str) -> bool:
    """A learning paradigm or training regime (``paradigms.txt``): ``fine-tuning``, ``transfer learning``."""
    return norm_key(task) in term_list("paradigms.txt")


def is_generic(text: str) -> bool:
    return _in(norm_key(text), generic_terms())


def is_not_name(text: str) -> bool:
    """A name-shaped span that names a general class the guidelines exclude
    (``not_names.txt``: ``SOTA``, ``GitHub``, ``LiDAR``, ``FLOPs``) or a generic class term,
    or that ends in an excluded word (``NVIDIA TITAN GPU``)."""
    words = text.split()
    if not words:
        return False
    excluded = term_list("not_names.txt")
    if is_generic(text) or _in(norm_key(text), excluded):
        return True
    return len(words) > 1 and _in(norm_key(words[-1]), excluded | {"gpu", "cpu", "tpu"})


def _in(key: str, terms: frozenset[str]) -> bool:
    return key in terms or (key.endswith("s") and key[:-1] in terms)
