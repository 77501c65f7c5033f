"""The head noun of a list types its items: "methods ..., including A, B and C", "A, B and C as
backbone".

A name written as an item of a list whose head says what the items are takes the head's kind
over a weak dataset guess (the tagger's label, a preposition before the list, a dataset
neighbour): in "the state-of-the-art methods on the X benchmark, including A [2], B [16] and
C [53]" or "on VGG-16, ResNet-101 and FooNet as backbone" every item is a method. A name a
curated list calls a dataset, or one the paper proposes, keeps its type. Pure functions over
:class:`~extractors.context.PaperText`.
"""
from __future__ import annotations

import re

from extractors.context import Candidate, PaperText
from extractors.names import norm_key

_CITE = r"(?:\s*\[[\d,\s–-]*\])?"
_ITEM = r"(?:the\s+)?[A-Z0-9][\w+.-]*(?:\s+[A-Z0-9][\w+.-]*){0,2}" + _CITE
_SEP = r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s*)"
# not "networks" ("citation and social networks, including Cora, PubMed") nor "systems"
_METHOD_PLURALS = (r"methods|models|approaches|baselines|backbones|architectures|algorithms|frameworks|"
                   r"detectors|trackers|techniques|encoders|classifiers|segmenters|solvers|optimizers|tools|toolkits|"
                   r"libraries|packages")
# "methods [on the X benchmark], including A, B, " before the item
_HEAD_BEFORE = re.compile(r"\b(?:" + _METHOD_PLURALS + r")" + _CITE + r"(?:\s+(?:on|in|for|from)\s+[^,;()]{1,50}?"
                          + _CITE + r")?\s*,?\s*(?:such\s+as|including|include|includes|like|e\.g\.,?|namely|:)\s*(?:" + _ITEM + _SEP
                          + r")*(?:the\s+)?$")
# ", B and C as backbone" after the item
_HEAD_AFTER = re.compile(_CITE + r"(?:" + _SEP + _ITEM + r")*\s+as\s+(?:the\s+|our\s+|a\s+)?(?:backbones?|baselines?|"
                         r"encoders?|feature\s+extractors?|base\s+models?|teachers?|students?)\b")


def method_list_item(pt: PaperText, start: int, end: int) -> bool:
    """``start:end`` is an item of a list whose head noun names methods."""
    sent_start, sent_end = pt.sentence_of(start)
    if _HEAD_BEFORE.search(pt.text, max(sent_start, start - 300), start) is not None:
        return True
    return _HEAD_AFTER.match(pt.text, end, sent_end) is not None


def typed_by_list_head(pt: PaperText, candidates: list[Candidate]) -> list[Candidate]:
    """Dataset candidates that are items of a method list become methods, unless a curated
    list (the gazetteer) holds them or the paper proposes them."""
    listed = {norm_key(c.name) for c in candidates if c.type == "dataset" and c.extractor == "gazetteer"}
    out = []
    for c in candidates:
        if c.type == "dataset" and c.extractor != "gazetteer" and c.role != "proposed" and norm_key(c.name) not in listed \
                and not pt.in_title(c.start) and method_list_item(pt, c.start, c.end):
            c = Candidate("method", c.name, c.start, c.end, c.role, c.confidence, c.extractor, c.aliases, c.ids)
        out.append(c)
    return out
