"""Coined names that no list, rule or tagger span proposes, found by the company they keep.

A coined token (guideline N1: ``CoFiNet``, ``D3Feat``, ``MS-CNN``) that no curated list holds
and no other extractor claimed is a candidate when its context says it names a method or a
dataset:

* ``cited``: a numeric reference right after it (``CoFiNet [43] extracts ...``): a cited
  coined token names a published work;
* ``kind``: a singular kind noun right after a coined token that is not an acronym (``the
  ResNet-GCN model``, ``the Kvasir dataset``; "UDG methods" are the methods of a task);
* ``listed``: it is an item of a coordination whose neighbour the other extractors already
  typed (``TorchMD, NeuralMD and OpenMM``): list items share their kind, so it takes the
  neighbour's type.

A word that is a piece of a name the text split (``YOLOv 3``, ``3 D-CNN``, ``SC 2-PCR``), a
plain word glued on by a dash (``implementations-fastText``), a size word (``BASE``), a label
(``c5``) or a generic class term (``CNNs``) is never a candidate. The candidates carry the extractor name
``coined`` so the calibration table scores them as their own source. Pure functions over
:class:`~extractors.context.PaperText`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from extractors.context import Candidate, PaperText
from extractors.mentions import dataset_role, method_role
from extractors.names import CITE_KEY, is_acronym, is_coined, is_generic, is_not_name, norm_key
from extractors.proposals import Known
from extractors.text import Word
from extractors.vocab import DATASET_NOUNS, METHOD_KINDS, TASK_HEADS

EXTRACTOR = "coined"
CONF = {"cited": 0.45, "listed": 0.4, "kind": 0.4}
_CITATION = re.compile(r"\s?\[\d[\d,\s–-]*\]")
_SPLIT_BEFORE = re.compile(r"(?:^|\s)(?:\d{1,2}|[A-Z]{1,2})\s$")  # "3 D-CNN", "SC 2-PCR": the name began earlier
_SPLIT_AFTER = re.compile(r"\s\d")  # "YOLOv 3", "MobileNet-v 2": the name goes on
_GLUED = re.compile(r"^[a-z]{3,}-|-[a-z]{3,}$")  # "implementations-fastText", "CNN-that"
_NOT_IN_NAME = re.compile(r"[(){}/<>=\"]")
_LABEL = re.compile(r"^[a-z]{1,2}\d+[a-z]?$")  # "c5", "p53", "x1": a label or symbol, not a name
# words run together by a lost space ("SchoolofComputerScience", "D.YuandG.Zweig", "Harbin150001"),
# an initial ("J.Droppo"), an elided article ("Universitéd’Avignon"): text debris, not names
_DEBRIS = re.compile(r"[a-z](?:of|and|des|de|du|for|the)[A-Z]|^[A-Z]\.|[’']|[a-z]\d{5,}")
_SIZE = re.compile(r"^(?:base|large|small|medium|tiny|mini|huge|soft|hard|max|min)$", re.I)
# between two list items: a reference, then a comma or a conjunction, then an article
_AFTER_ITEM = re.compile(r"\s*(?:\[[\d,\s–-]*\]\s*)?(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s*|vs\.?\s+)(?:the\s+)?")
_BEFORE_ITEM = re.compile(r"([\w+.-]+)\s*(?:\[[\d,\s–-]*\]\s*)?(?:,\s*(?:and|or)?|\band|\bor|&|vs\.?)\s*(?:the\s+)?$")
_ITEM = re.compile(r"[\w+.-]+")


def standalone(pt: PaperText, w: Word, known: Known) -> bool:
    """``w`` is a whole coined name no list knows: not a piece of a split name, not a plain
    word glued to a name, not a size word or generic class term, not an acronym being defined."""
    text = w.text
    if not is_coined(text) or _NOT_IN_NAME.search(text) or w.lead.endswith("(") or len(text) < 2:
        return False
    if is_generic(text) or is_not_name(text) or known(text) or _SIZE.match(text) or _GLUED.search(text) \
            or _LABEL.match(text) or _DEBRIS.search(text) or CITE_KEY.match(text):
        return False
    if not w.trail and _SPLIT_AFTER.match(pt.text, w.end):
        return False
    return bool(w.lead) or not _SPLIT_BEFORE.search(pt.text[max(0, w.start - 4):w.start])


_KINDS = METHOD_KINDS | DATASET_NOUNS
_PLAIN = re.compile(r"[^A-Z0-9]*$")  # no capital and no digit: never coined (a cheap test first)


def _plural(noun: str) -> bool:
    return noun == "corpora" or (noun.endswith("s") and noun[:-1] in _KINDS)


def neighbour_types(pt: PaperText, w: Word, typed: dict[str, str]) -> set[str]:
    """The types (``typed``: normalized name -> type) of the list items right before and after ``w``."""
    out: set[str] = set()
    sep = _AFTER_ITEM.match(pt.text, w.end)
    if sep:
        item = _ITEM.match(pt.text, sep.end())
        if item and norm_key(item.group(0)) in typed:
            out.add(typed[norm_key(item.group(0))])
    before = _BEFORE_ITEM.search(pt.text, max(0, w.start - 40), w.start)
    if before and norm_key(before.group(1)) in typed:
        out.add(typed[norm_key(before.group(1))])
    return out


_FUNCTION = frozenset("the a an in on of for with and or to by from using via as at is are we our this that then "
                      "while when where which table figure fig section".split())
_NUMBERED = re.compile(r"\d\.\d|^\d+$")  # "ResNet-5037.9": a table row glued to a score


def _run_word(w: Word) -> bool:
    text = w.text
    return (text[:1].isupper() or is_coined(text) and not text[:1].isdigit()) and text.lower() not in _FUNCTION and len(text) > 1 \
        and _NUMBERED.search(text) is None and not _NOT_IN_NAME.search(text)


def cited_run(pt: PaperText, ws: list[Word], i: int, known: Known) -> tuple[int, int] | None:
    """The span of a run of two to four capitalized or coined words that ends at word ``i``
    right before a numeric reference ("Asynchronous Temporal Fields [26]", "Deep Watershed
    Transform [3]"): a cited name. Not the sentence's first word (a capital that only starts
    the sentence), not a run with a function word ("Segmentation Using GANs": a title) or
    ending in a task head ("Seamless Scene Segmentation" names a task or its benchmark)."""
    w = ws[i]
    if w.trail or _CITATION.match(pt.text, w.end) is None or not _run_word(w):
        return None
    k = i
    while k > 1 and i - k < 3 and not ws[k - 1].trail and not ws[k].lead and _run_word(ws[k - 1]):
        k -= 1
    if k == i or ws[k].lead or pt.text[max(0, ws[k].start - 3):ws[k].start].rstrip().endswith("]"):
        return None  # "1] Abhinav Gupta [1]": an author list with affiliation marks
    name = pt.text[ws[k].start:w.end]
    if known(name) or is_not_name(name) or is_generic(name) or w.lower.rstrip("s") in TASK_HEADS:
        return None
    return ws[k].start, w.end


def claimed(pt: PaperText, candidates: Iterable[Candidate]) -> tuple[bytearray, dict[str, str]]:
    """What the other extractors already hold: a byte per character of the text, 1 where a
    candidate or a definition's long form stands (a definition's words belong to it), and the
    type of each method or dataset form they give (normalized)."""
    covered = bytearray(len(pt.text))
    typed: dict[str, str] = {}
    for c in candidates:
        covered[c.start:c.end] = b"\x01" * (c.end - c.start)
        if c.type in ("method", "dataset"):
            for form in (c.name, *c.aliases):
                typed.setdefault(norm_key(form), c.type)
    for d in pt.definitions:
        covered[d.long_start:d.long_end] = b"\x01" * (d.long_end - d.long_start)
    return covered, typed


def coined_names(pt: PaperText, known: Known, candidates: Iterable[Candidate]) -> list[Candidate]:
    """Candidates for coined names the other extractors left out (see the module doc)."""
    text = pt.text
    covered, typed = claimed(pt, candidates)
    cites = "[" in text
    out: list[Candidate] = []
    for span in pt.abstract_sentences():
        ws = pt.words_of(span)
        for i, w in enumerate(ws):
            if cites and (text.startswith("[", w.end) or text.startswith(" [", w.end)):
                run = cited_run(pt, ws, i, known)
                if run is not None and 1 not in covered[run[0]:run[1]]:
                    out.append(Candidate("method", text[run[0]:run[1]], run[0], run[1], method_role(pt, run[0]),
                                         CONF["cited"], EXTRACTOR))
                    continue
            if _PLAIN.match(w.text) or not is_coined(w.text) or 1 in covered[w.start:w.end] or norm_key(w.text) in typed \
                    or not standalone(pt, w, known):
                continue
            kinds = neighbour_types(pt, w, typed)
            cite = None if w.trail else _CITATION.match(pt.text, w.end)
            cited = cite is not None
            tail = cite.end() if cite else w.end
            after = pt.text[tail:tail + 30].split()
            noun = after[0].lower().strip(",.;:)") if after and not w.trail else ""
            if len(kinds) == 1:
                etype, why = kinds.pop(), "listed"
            elif cited:
                etype, why = "method", "cited"
            elif noun in _KINDS and not _plural(noun) and not is_acronym(w.text):
                etype, why = "method", "kind"  # not "UDG methods", "MMT systems": a task's methods
            else:
                continue
            if noun in DATASET_NOUNS:
                etype = "dataset"  # "the Kvasir [4] benchmark", "the Kvasir dataset"
            role = dataset_role(pt, w.start) if etype == "dataset" else method_role(pt, w.start)
            out.append(Candidate(etype, w.text, w.start, w.end, role, CONF[why], EXTRACTOR))
    return out
