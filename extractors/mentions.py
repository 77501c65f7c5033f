"""Methods, datasets and metrics that a paper uses or mentions: curated-list hits,
acronym definitions typed by their long form, and patterns ("the X dataset",
"on X, Y and Z", "baselines such as X"). Pure functions over PaperText."""
from __future__ import annotations

import re

from extractors.context import Candidate, ListHit, PaperText
from extractors.names import is_acronym, is_coined, is_generic, is_not_name, norm_key, same_long_form
from extractors.proposals import Known, defined_types
from extractors.text import Word, is_capitalized
from extractors.vocab import (DATA_ON_CUES, DATASET_LIST_NOUNS, DATASET_NOUNS, EVAL_CUES, LANGUAGES, METHOD_HEADS,
                              METHOD_NOUNS, TASK_HEADS, USE_CUES)

LIST_CONF = {"method": 0.7, "dataset": 0.7, "metric": 0.6, "task": 0.6}
LIST_INTRO = frozenset("such as including like e.g. e.g., e.g namely viz. viz i.e. i.e".split())  # words drop the final "."
OUTPERFORM = frozenset("outperform outperforms outperformed outperforming surpass surpasses surpassing "
                       "beats beat".split())


def _sentence_words(pt: PaperText, offset: int) -> list[Word]:
    return pt.words_of(pt.sentence_of(offset))


def dataset_role(pt: PaperText, offset: int) -> str:
    if pt.in_title(offset):
        return "used"
    ws = {w.lower for w in _sentence_words(pt, offset)}
    return "used" if ws & EVAL_CUES else "mentioned"


def method_role(pt: PaperText, offset: int) -> str:
    if pt.in_title(offset):
        return "used"
    ws = {w.lower for w in _sentence_words(pt, offset)}
    return "used" if ws & USE_CUES else "mentioned"


# "datasets such as", "benchmarks, including", "corpora (e.g.": what follows names datasets
_DATASET_LIST = re.compile(r"\b(?:datasets|benchmarks|corpora|testbeds|databases|collections)\s*[,(:]?\s*(?:such\s+as|including|like|"
                           r"e\.g\.,?|namely|:)", re.IGNORECASE)


def list_mentions(pt: PaperText) -> list[Candidate]:
    """Curated-list hits; a common-word dataset name (``Traffic``) needs a dataset noun or
    another dataset next to it; an ambiguous acronym is left to the definitions."""
    out: list[Candidate] = []
    dataset_sentences = {pt.sentence_of(h.start) for h in pt.hits if h.entry.type == "dataset"
                         and not h.entry.common_word}
    redefined = redefined_acronyms(pt)
    for hit in pt.hits:
        entry = hit.entry
        if entry.type == "task" or (hit.text, entry.name) in redefined:
            continue
        if hit.text[-1:] in ".,;:" and hit.text not in entry.forms:  # "CIFAR-10C." is one token
            hit = ListHit(entry, hit.start, hit.end - 1, hit.text[:-1])
        if entry.type == "method" and is_generic(hit.text):
            continue
        if entry.common_word:
            after = pt.text[hit.end:hit.end + 24].lower().split()
            near = bool(after) and after[0].strip(",.;)") in DATASET_NOUNS
            listed = _DATASET_LIST.search(pt.text, pt.sentence_of(hit.start)[0], hit.start) is not None
            if not near and not listed and pt.sentence_of(hit.start) not in dataset_sentences:
                continue
        if entry.ambiguous and hit.text == entry.acronym:
            continue
        if entry.type == "dataset" and inside_longer_definition(pt, hit.start, hit.end):
            continue  # "Stanford Sentiment Treebank Binary (SST-2)": the definition's name wins
        role = dataset_role(pt, hit.start) if entry.type == "dataset" else method_role(pt, hit.start)
        variant = dataset_variant(pt.text, hit.end) if entry.type == "dataset" else None
        year = _YEAR_BEFORE.search(pt.text, max(0, hit.start - 6), hit.start) if entry.type == "dataset" else None
        if variant or year:  # "PASCAL VOC 2007", "WMT 2014 English-German", "the 2012 PASCAL VOC": an edition
            start = year.start(1) if year else hit.start
            end = hit.end + len(variant or "")
            # a year before the name dates the round of a series ("the 2012 PASCAL VOC challenge"):
            # the plain name is an alias; an edition after it is its own dataset ("PASCAL VOC 2007")
            plain = (hit.text,) if year and not variant else ()
            out.append(Candidate("dataset", pt.text[start:end], start, end, role, LIST_CONF["dataset"], "variants",
                                 plain + language_variant(pt, start, end)))
            continue
        aliases = [hit.text] if hit.text != entry.name else []
        if entry.type == "dataset":
            aliases += dataset_surfaces(pt, hit.start, hit.end)
        out.append(Candidate(entry.type, entry.name, hit.start, hit.end, role, LIST_CONF[entry.type],
                             "gazetteer", tuple(aliases), entry.ids))
    return out


_LANG = "(?:" + "|".join(sorted((w.capitalize() for w in LANGUAGES), key=len, reverse=True)) + r"|[A-Z][a-z])"
_DATASET_VARIANT = re.compile(
    r"(?P<year>[ -]?(?:19[89]\d|20[0-3]\d)(?!\d)(?!\s+[a-z]+s\b)(?![-.]?\w)"  # "... 2007", not "2000 images"
    r"|\s(?:v ?\d+(?:\.\d+)*|[1-9]\.\d)(?![\w%-]|\.\d))?"  # "OntoNotes v5.0", "SQuAD v 1.1", "SQuAD 2.0"
    r"(?P<pair>\s*[(]?" + _LANG + r"(?:-to-|-|\s+to\s+|\s*→\s*)" + _LANG + r"(?![\w-])[)]?)?")


_YEAR_BEFORE = re.compile(r"(?<![\w.,-])((?:19[89]\d|20[0-3]\d))\s$")
# "the COCO segmentation dataset", "the KITTI object detection benchmark": the subset is named
# by the task words between the list name and the dataset noun
_TASK_SUBSET = re.compile(r"(?:\s+[A-Za-z-]+){1,4}")


def dataset_surfaces(pt: PaperText, start: int, end: int) -> list[str]:
    """Surface forms a listed dataset name takes with the words around it: ``ImageNet-1K
    dataset``, the task subset ``COCO segmentation`` (``the COCO segmentation dataset``), a
    language prefix ``Chinese OntoNotes``."""
    out = []
    text = pt.text
    follower = re.match(r"\s+([A-Za-z-]+)", text[end:end + 20])
    if follower and follower.group(1).lower() in DATASET_NOUNS:
        out.append(f"{text[start:end]} {follower.group(1)}")  # the surface "ImageNet-1K dataset"
    after = _TASK_SUBSET.match(text, end)
    if after:
        words_after = after.group(0).split()
        for n in range(1, len(words_after)):  # "COCO segmentation dataset", "KITTI object detection benchmark"
            last = words_after[n - 1]
            if words_after[n].lower() in DATASET_NOUNS and (last in TASK_HEADS or last.rstrip("s") in TASK_HEADS) \
                    and all(w.islower() for w in words_after[:n]):
                out.append(f"{text[start:end]} {' '.join(words_after[:n])}")
                break
    return out + list(language_variant(pt, start, end))


def language_variant(pt: PaperText, start: int, end: int) -> tuple[str, ...]:
    """``Chinese OntoNotes v5.0`` for a list name (or edition) after a capitalized language."""
    before = re.search(r"(?<![\w-])([A-Z][a-z]+)\s$", pt.text[max(0, start - 14):start])
    if before and before.group(1).lower() in LANGUAGES:
        return (pt.text[start - len(before.group(0)):end],)
    return ()


def inside_longer_definition(pt: PaperText, start: int, end: int) -> bool:
    """A list hit strictly inside the long form of an acronym definition whose long form is
    longer and names the acronym's entity ("Stanford Sentiment Treebank Binary (SST-2)")."""
    return any(d.long_start <= start and end <= d.long_end and (d.long_start, d.long_end) != (start, end)
               and d.short_start > d.long_start and is_coined(d.short) for d in pt.definitions)


# what follows a dataset's name: a part of it ("X training subset", "X test split", "X samples")
# or a count of its units ("X consists of 1,000 object classes", "X (103 classes, 800 K records)")
DATA_UNITS = ("images|classes|samples|records|pairs|videos|clips|sentences|documents|utterances|frames|"
              "scenes|questions|articles|reviews|tweets|hours|subjects|annotations|categories|tuples|dialogues|"
              "recordings|patients|scans|molecules|graphs")
_DATA_AFTER = re.compile(
    r"\s*(?:\[[\d,\s]+\]\s*)?(?:"
    r"(?:training|train|test|testing|validation|dev|development)\s+(?:set|sets|split|splits|subset|subsets|data|images)\b"
    r"|(?:subset|subsets|samples?|split|splits|tuples)\b(?!\s+of\b)"  # not "the STEM subsets of MMLU"
    r"|(?:\(|,?\s*(?:which\s+)?(?:contains?|consists\s+of|includes?|comprises|has|have|provides?)\s+)"
    r"(?:over\s+|about\s+|around\s+|more\s+than\s+|nearly\s+|[~∼]\s*)?\d[\d,.\s]*[KkM]?\s+(?:[\w-]+\s+){0,2}"
    r"(?:" + DATA_UNITS + r")\b)")


def data_after(text: str, end: int) -> bool:
    """The words after a name say it is data: a split or subset of it, or a count of its
    units (``MIBRA test split``, ``X consists of 1, 000 object classes``)."""
    return _DATA_AFTER.match(text, end) is not None


def dataset_variant(text: str, end: int) -> str:
    """The edition or language pair right after a listed dataset name (``" 2007"`` after
    ``PASCAL VOC``, ``" English-German"`` after ``WMT 2014``), or ``""``."""
    m = _DATASET_VARIANT.match(text, end)
    if not m or not m.group(0).strip():
        return ""
    out = m.group(0)
    if out.endswith(")") and "(" not in out:
        out = out[:-1]
    return out.rstrip()


def redefined_acronyms(pt: PaperText) -> set[tuple[str, str]]:
    """(acronym, list entry name) pairs where the paper defines a listed acronym with another
    long form ("learnable commutative monoid (LCM)" vs the listed Latent Consistency Models):
    in that paper the acronym is the paper's thing, not the list's."""
    defined = {d.short: norm_key(d.long) for d in pt.definitions}
    out = set()
    for hit in pt.hits:
        long = defined.get(hit.text)
        if long is None:
            continue
        longs = {norm_key(f) for f in (hit.entry.name, *hit.entry.forms)
                 if (" " in f or len(f) > len(hit.text) + 3) and hit.text not in f.split()}
        if longs and not same_long_form(long, longs):
            out.add((hit.text, hit.entry.name))
    return out


def _head(long: str) -> str:
    """The head word of a long form, inside a hyphenated compound too ("Self-Distillation")."""
    return long.split()[-1].lower().strip("-").rsplit("-", 1)[-1] if long.split() else ""


def _noun_after(pt: PaperText, end: int) -> str:
    """The word right after a defined short form's bracket: "(LCM) aggregator", "(XYZ) dataset"."""
    m = re.match(r"[)\]]?\s+([A-Za-z-]+)", pt.text[end:end + 30])
    return m.group(1).lower() if m else ""


def definition_mentions(pt: PaperText, known: Known) -> list[Candidate]:
    """Type each acronym definition by its long form: a curated type if the short or long
    form is listed, else by the long form's head word (``... Minimization`` is a method,
    ``... generalization`` a task); generic classes (``large language models``) are skipped."""
    out: list[Candidate] = []
    for d in pt.definitions:
        if is_generic(d.long) or is_generic(d.short):
            continue
        types = defined_types(known, d.short, d.long)
        long_types = known(d.long) & {"method", "dataset", "metric"}
        if len(long_types) == 1 and len(types) > 1:
            types = long_types  # "stochastic gradient descent (SGD)": not the SGD dataset
        if not types and any(h.entry.type == "dataset" and d.long_start <= h.start and h.end <= d.long_end
                             for h in pt.hits):
            types = frozenset({"dataset"})  # "ImageNet Large Scale Visual Recognition Challenge 2013 (ILSVRC2013)"
        head = _head(d.long)
        singular = head[:-1] if head.endswith("s") and not head.endswith("ss") else head
        if "task" in types or (not types and singular in TASK_HEADS and not _capitalized_name(d.long)):
            continue  # handled by the task extractor
        after = _noun_after(pt, d.short_end) if d.short_start > d.long_start else ""
        if not types and singular not in DATASET_NOUNS and singular not in METHOD_HEADS and after:
            singular = after  # the noun after the name types it: "... (LCM) aggregator", "(XY) benchmark"
        if "metric" in types:
            out.append(Candidate("metric", d.short, d.short_start, d.short_end, "used", 0.7, "acronyms", (d.long,)))
            continue
        if "dataset" in types or singular in DATASET_NOUNS:
            out.append(Candidate("dataset", d.short, d.short_start, d.short_end, dataset_role(pt, d.short_start),
                                 0.75, "acronyms", (d.long,)))
            continue
        if "method" in types or singular in METHOD_HEADS:
            if head.endswith("s") and singular in ("model", "network", "machine", "transformer", "encoder") \
                    and not _capitalized_name(d.long):
                continue  # "graph neural networks (GNNs)": a class, not a name
            out.append(Candidate("method", d.short, d.short_start, d.short_end, method_role(pt, d.short_start),
                                 0.75, "acronyms", (d.long,)))
    return out


def _capitalized_name(long: str) -> bool:
    content = [w for w in long.replace("-", " ").split() if len(w) > 3]
    return bool(content) and all(is_capitalized(w) for w in content)


def pattern_datasets(pt: PaperText, known: Known) -> list[Candidate]:
    """``the X dataset`` / ``X benchmark`` / ``datasets such as X, Y and Z`` /
    ``on X, Y, and Z`` (when one of them is a known dataset)."""
    out: list[Candidate] = []
    for span in pt.sentences:
        ws = pt.words_of(span)
        for i, w in enumerate(ws):
            lw = w.lower
            if lw in DATASET_NOUNS and i > 0:
                named = _name_before(pt, ws, i, known)
                if named is not None:
                    start, end = named
                    out.append(Candidate("dataset", pt.text[start:end], start, end, dataset_role(pt, start), 0.6,
                                         "patterns", (pt.text[start:w.end],)))  # the surface "Tobacco-3482 dataset" too
            if lw in DATASET_NOUNS and i + 1 < len(ws):
                out += _names_after(pt, ws, i, known)  # "our own dataset, MIBURI", "the datasets 3DMatch & 3DLoMatch"
            if lw in DATASET_LIST_NOUNS and lw.endswith(("s", "a")) and i > 1 \
                    and (not ws[i - 1].trail or _citation(ws[i - 1])):
                out += _enumeration_before(pt, ws, i, known)  # "3DMatch and 3DLoMatch datasets"
            colon = w.trail.startswith(":") and lw in DATASET_LIST_NOUNS and lw.endswith(("s", "a"))  # "two databases: X and Y"
            if lw in LIST_INTRO or colon or (lw == "on" and i + 1 < len(ws)):
                head = {x.lower for x in ws[max(0, i - 3):i + int(colon)]}
                members = _list_members(ws, i + 1, runs=not pt.in_title(w.start))
                if not members:
                    continue
                is_dataset_list = bool(head & DATASET_LIST_NOUNS) or (lw == "on" and (any(
                    "dataset" in known(m.text) for m in members) or bool(head & DATA_ON_CUES)))
                is_method_list = bool(head & METHOD_NOUNS) or bool(head & {"baselines", "llms", "models"})
                named_list = bool(head & DATASET_LIST_NOUNS) and lw != "on"  # "datasets such as X, Y and Z"
                for m in members:
                    if not (is_coined(m.text) or named_list and _list_name(pt, m)) or is_generic(m.text) \
                            or known(m.text):
                        continue
                    if is_dataset_list and lw != "on" or (lw == "on" and is_dataset_list):
                        out.append(Candidate("dataset", m.text, m.start, m.end, dataset_role(pt, m.start), 0.55, "patterns"))
                    elif is_method_list and lw != "on":
                        out.append(Candidate("method", m.text, m.start, m.end, method_role(pt, m.start), 0.5, "patterns"))
    return out


def _names_after(pt: PaperText, ws: list[Word], i: int, known: Known) -> list[Candidate]:
    """Coined names right after the dataset noun at ``i`` ("the person Re-ID dataset SSM and",
    "our own dataset, MIBURI.", "the indoor datasets 3DMatch [44] & 3DLoMatch [18]"): a name in
    apposition, each item of a list after a plural noun; the name ends its clause (a comma,
    a reference, a conjunction), so "the dataset X achieves" is not read as naming X."""
    w = ws[i]
    if w.trail and not w.trail.startswith(",") or pt.in_title(w.start):
        return []
    plural = w.lower.endswith("s") or w.lower == "corpora"
    members = _list_members(ws, i + 1) if plural else [ws[i + 1]]
    out = []
    for m in members:
        k = next(n for n in range(i + 1, len(ws)) if ws[n].start >= m.start)
        nxt = ws[k + 1] if k + 1 < len(ws) else None
        ends = bool(m.trail) or nxt is None or _citation(nxt) or nxt.lower in ("and", "or", "&", "/")
        quoted = m.lead[-1:] in ("\"", "“", "'", "‘")  # 'a large-scale dataset, “CompCars”, that ...'
        if not is_coined(m.text) or not ends or (m.lead and not quoted) or known(m.text) - {"dataset"} \
                or is_not_name(m.text) or is_generic(m.text):
            continue
        out.append(Candidate("dataset", m.text, m.start, m.end, dataset_role(pt, m.start), 0.55, "patterns"))
    return out


def _piece(ws: list[Word], k: int) -> bool:
    """Word ``k`` continues the name before it: digits a tokenizer split off (``UCF 101``,
    ``Sports 1 M``, ``ADE 20 K``) or the ``of`` of ``University of Pavia``."""
    if k == 0 or ws[k - 1].trail or ws[k].lead:
        return False
    named_before = is_capitalized(ws[k - 1].text) or is_coined(ws[k - 1].text)
    if ws[k].lower == "of":
        return named_before and k + 1 < len(ws) and is_capitalized(ws[k + 1].text) and not ws[k].trail
    if ws[k].text.isdigit():  # "CoNLL-2014 10 annotations": a name with its number already is done
        return named_before and len(ws[k].text) <= 3 and not any(c.isdigit() for c in ws[k - 1].text)
    return _SPLIT_PIECE.match(ws[k].text) is not None and ws[k - 1].text.isdigit() and _piece(ws, k - 1)


_GLUED_WORD = re.compile(r"^[a-z]{4,}-(?=[A-Z])")
_SPLIT_PIECE = re.compile(r"^(?:[A-Z]|[km])$")
NOT_DATA_WORDS = frozenset("table tables figure fig fig. section appendix equation eq algorithm".split())


def _name_start(ws: list[Word], j: int, longest: int = 3, after_coined: bool = False) -> int:
    """The first word of the name that ends at word ``j``: a run of capitalized words, coined
    tokens and :func:`_piece` words, without a leading article or a sentence-initial plain word
    (``after_coined``: a capitalized word may precede a coined one, "Chinese DuReader")."""
    k = j
    while k - 1 >= 0 and j - k < longest and not ws[k - 1].trail and not ws[k].lead:
        before = ws[k - 1]
        if before.lower == "of" and _piece(ws, k - 1):
            k -= 2  # "University of Pavia"
            continue
        if before.lower in LIST_STOP or before.lower in NOT_DATA_WORDS:
            break
        if _piece(ws, k) or (is_capitalized(before.text) and (after_coined or not is_coined(ws[k].text))):
            k -= 1
            continue
        break
    while k < j and ws[k].lower == "of":
        k += 1
    return k


def _name_before(pt: PaperText, ws: list[Word], i: int, known: Known) -> tuple[int, int] | None:
    """The name of ``the X dataset`` before the dataset noun at ``i`` (``Tobacco-3482``,
    ``UC Merced Land Use``, ``University of Pavia``, ``Sports 1 M``), or ``None``."""
    w, prev = ws[i], ws[i - 1]
    glued = _GLUED_WORD.match(prev.text)  # "sentiment classification-IMDb dataset": a dash glued a plain word on
    if glued:
        prev = Word(prev.text[glued.end():], prev.start + glued.end(), prev.end, prev.trail, "")
    plural = w.lower.endswith("s") or w.lower in ("corpora",)
    piece = _piece(ws, i - 1)
    capital_ok = (is_capitalized(prev.text) or piece) and i - 1 > 0 and not plural and not pt.in_title(prev.start)
    kind_of_data = prev.lower in LANGUAGES or (plural and len(prev.text) <= 3)
    # "German dataset", "TS datasets": a kind of data, not a name; "Waymo Open Motion
    # Dataset (WOMD)": the definition covers it
    defined = any(d.long_start <= prev.start < d.long_end for d in pt.definitions)
    if kind_of_data or defined or prev.trail or not (is_coined(prev.text) or capital_ok) or is_generic(prev.text) \
            or prev.lower in DATASET_NOUNS or prev.text in ("The", "A", "An", "Our", "This"):
        return None
    k = _name_start(ws, i - 1, longest=8, after_coined=True)
    if k == 0 and not is_coined(ws[0].text) and k < i - 1:
        k += 1  # a sentence-initial capital is not part of the name
    if ws[k].lower in NOT_DATA_WORDS or (k == i - 1 and piece) or prev.end - ws[k].start < 2:
        return None
    first = _GLUED_WORD.match(ws[k].text)
    start = prev.start if glued else ws[k].start + (first.end() if first else 0)
    name = pt.text[start:prev.end]
    if {"method", "task", "metric"} & known(name):
        return None
    return start, prev.end


def _enumeration_before(pt: PaperText, ws: list[Word], i: int, known: Known) -> list[Candidate]:
    """Every item of "X, Y(,) and Z datasets" before the plural dataset noun at ``i`` (two
    items or more; each a coined word or a short run of capitalized words, "Indian Pines",
    "University of Pavia", "UCF 101"; references and articles between them are skipped:
    "MPII [3] and the PoseTrack [2] datasets")."""
    items: list[tuple[int, int]] = []
    j = i - 1
    sep = True
    while j >= 0 and len(items) < 8:
        if _citation(ws[j]) or (ws[j].lower == "the" and items):
            sep = sep or ws[j].trail.startswith(",")
            j -= 1
            continue
        if items and ws[j].lower in ("and", "or", "&"):
            sep = True
            j -= 1
            continue
        if items and not (sep or ws[j].trail.startswith(",")):
            break
        sep = False
        k = _name_start(ws, j, longest=2)
        run = ws[k:j + 1]
        if not all(is_coined(x.text) or is_capitalized(x.text) or _piece(ws, k + n) for n, x in enumerate(run)) \
                or any(x.lead for x in run[1:]) or run[0].lower in LIST_STOP or run[0].lower in NOT_DATA_WORDS \
                or (k == 0 and not is_coined(run[0].text)):
            break
        items.append((run[0].start, run[-1].end))
        j = k - 1
    out: list[Candidate] = []
    if len(items) < 2:
        return out
    for start, end in items:
        name = pt.text[start:end].rstrip(",")
        end = start + len(name)
        if is_not_name(name) or known(name) - {"dataset"} or name.lower() in LANGUAGES or len(name) < 3:
            continue
        out.append(Candidate("dataset", name, start, end, dataset_role(pt, start), 0.55, "patterns"))
    return out


def pattern_methods(pt: PaperText, known: Known) -> list[Candidate]:
    """An unknown coined name right after "outperforms"/"surpasses" is a compared method
    (acronyms are left out: they are as often tasks or metrics)."""
    out: list[Candidate] = []
    for span in pt.abstract_sentences():
        ws = pt.words_of(span)
        for i, w in enumerate(ws[:-1]):
            if w.lower not in OUTPERFORM:
                continue
            nxt = ws[i + 1]
            if is_coined(nxt.text) and not known(nxt.text) and not is_generic(nxt.text) \
                    and not is_acronym(nxt.text.rstrip("s")):
                out.append(Candidate("method", nxt.text, nxt.start, nxt.end, "used", 0.45, "patterns"))
    return out


def _list_name(pt: PaperText, m: Word) -> bool:
    """A capitalized list member that is written as the paper wrote it and is not a plain word."""
    return pt.text[m.start:m.end] == m.text and m.text[:1].isupper() and m.text.lower() not in LIST_STOP


LIST_STOP = frozenset("the a an this these our their its we it they in on for of both all".split())


def _citation(w: Word) -> bool:
    """A numeric reference such as ``[10]`` or ``[3, 4]``."""
    return w.lead.startswith("[") and w.text.isdigit()


def _list_members(ws: list[Word], start: int, runs: bool = False) -> list[Word]:
    """``X, Y, and Z`` starting at ``start``: coined/capitalized words separated by commas/and
    (with ``runs``, a run of capitalized words is one member: "Indian Pines")."""
    members: list[Word] = []
    i = start
    while i < len(ws) and len(members) < 12:
        w = ws[i]
        if w.lower in ("and", "or", "the", "&", "/"):
            i += 1
            continue
        if not (is_coined(w.text) or is_capitalized(w.text)):
            break
        j = i  # a capitalized run is one name: "Indian Pines", "Stanford Background"
        while runs and j + 1 < len(ws) and j - i < 3 and not ws[j].trail and not ws[j + 1].lead \
                and (is_coined(ws[j + 1].text) or is_capitalized(ws[j + 1].text) or _piece(ws, j + 1)):
            j += 1
        if j > i and ws[j].lower == "of":
            j -= 1
        if j > i:
            w = Word(" ".join(x.text for x in ws[i:j + 1]), w.start, ws[j].end, ws[j].trail, w.lead)
            i = j
        members.append(w)
        while i + 1 < len(ws) and _citation(ws[i + 1]) and not w.trail:
            i += 1  # "Replay-Attack [10] and OULU-NPU [23]": a reference between the items
            w = ws[i]
        if not (w.trail.startswith(",") or (i + 1 < len(ws) and ws[i + 1].lower in ("and", "or", "&", "/"))):
            break
        i += 1
    return members if len(members) >= 1 else []


_VARIANT = re.compile(r"^(?:\d+(?:\.\d+)?[BMK]|\d+x\d+[BMK]|base|large|small|medium|tiny|mini|xl|xxl|chat|instruct|"
                      r"it|hf|v\d+(?:\.\d+)*|\d+k|turbo|preview|pro|lite|ultra|code|(?-i:[SBLHG]))$", re.IGNORECASE)


_DATASET_SUFFIX = re.compile(r"^(?:\d+[KkM]?|v\d+(?:\.\d+)*|(?:19|20)\d\d)$")
_SPACED_VARIANT = re.compile(r"^(?:\d+(?:\.\d+)?[BMK]|\d+x\d+[BMK]|v\d+(?:\.\d+)*|XL|XXL)$")


def _is_variant(text: str, known: Known) -> bool:
    parts = text.split("-")
    return any("method" in known("-".join(parts[:cut])) and all(_VARIANT.match(x) for x in parts[cut:])
               for cut in range(len(parts) - 1, 0, -1))


def variant_mentions(pt: PaperText, known: Known) -> list[Candidate]:
    """Size/version variants of listed models, kept as their own entities (the variant is a
    distinct model): ``LLaMA-65B``, ``Llama-2-70B``, ``FLAN-T5-large``, ``Mistral-7B-v0.1``."""
    out: list[Candidate] = []
    for span in pt.sentences:
        ws = pt.words_of(span)
        for i, w in enumerate(ws):
            nxt = ws[i + 1] if i + 1 < len(ws) else None
            if nxt is not None and not w.trail and not nxt.lead and _SPACED_VARIANT.match(nxt.text) \
                    and ("method" in known(w.text) or _is_variant(w.text, known)):
                # "LLaMA-2 7B", "Mistral 7B", "ColBERT v2": the size or version is part of the name
                role = "used" if pt.in_title(w.start) else method_role(pt, w.start)
                out.append(Candidate("method", pt.text[w.start:nxt.end], w.start, nxt.end, role, 0.65, "variants"))
                continue
            parts = w.text.split("-")
            if len(parts) < 2 or known(w.text):
                continue
            for cut in range(len(parts) - 1, 0, -1):
                base, suffix = "-".join(parts[:cut]), parts[cut:]
                if "method" in known(base) and all(_VARIANT.match(x) for x in suffix):
                    role = "used" if pt.in_title(w.start) else method_role(pt, w.start)
                    out.append(Candidate("method", w.text, w.start, w.end, role, 0.65, "variants"))
                    break
                if known(base) == {"dataset"} and all(_DATASET_SUFFIX.match(x) for x in suffix):
                    # "ImageNet-200", "Kinetics-700", "MS MARCO-v2": a subset or edition of a listed dataset
                    out.append(Candidate("dataset", w.text, w.start, w.end, dataset_role(pt, w.start), 0.65,
                                         "variants"))
                    break
    return out
