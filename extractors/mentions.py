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
                              METHOD_NOUNS, TASK_HEADS,
                              USE_CUES)

LIST_CONF = {"method": 0.7, "dataset": 0.7, "metric": 0.6, "task": 0.6}
LIST_INTRO = frozenset("such as including like e.g. e.g., namely viz. i.e.".split())
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
        role = dataset_role(pt, hit.start) if entry.type == "dataset" else method_role(pt, hit.start)
        variant = dataset_variant(pt.text, hit.end) if entry.type == "dataset" else None
        if variant:  # "PASCAL VOC 2007", "WMT 2014 English-German": the edition is its own dataset
            out.append(Candidate("dataset", hit.text + variant, hit.start, hit.end + len(variant), role,
                                 LIST_CONF["dataset"], "variants"))
            continue
        aliases = [hit.text] if hit.text != entry.name else []
        follower = re.match(r"\s+([A-Za-z-]+)", pt.text[hit.end:hit.end + 20])
        if entry.type == "dataset" and follower and follower.group(1).lower() in DATASET_NOUNS:
            aliases.append(f"{hit.text} {follower.group(1)}")  # the surface "ImageNet-1K dataset"
        out.append(Candidate(entry.type, entry.name, hit.start, hit.end, role, LIST_CONF[entry.type],
                             "gazetteer", tuple(aliases), entry.ids))
    return out


_LANG = "(?:" + "|".join(sorted((w.capitalize() for w in LANGUAGES), key=len, reverse=True)) + r"|[A-Z][a-z])"
_DATASET_VARIANT = re.compile(
    r"(?P<year>[ -]?(?:19[89]\d|20[0-3]\d)(?!\d)(?!\s+[a-z]+s\b)(?![-.]?\w)"  # "... 2007", not "2000 images"
    r"|\s(?:v\d+(?:\.\d+)*|[1-9]\.\d)(?![\w%-]|\.\d))?"  # "OntoNotes v5.0", "SQuAD 2.0"
    r"(?P<pair>\s*[(]?" + _LANG + r"(?:-to-|-|\s+to\s+|\s*→\s*)" + _LANG + r"(?![\w-])[)]?)?")


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
                prev = ws[i - 1]
                plural = lw.endswith("s") or lw in ("corpora",)
                capital_ok = is_capitalized(prev.text) and i - 1 > 0 and not plural and not pt.in_title(prev.start)
                kind_of_data = prev.lower in LANGUAGES or (plural and len(prev.text) <= 3)
                # "German dataset", "TS datasets": a kind of data, not a name; "Waymo Open Motion
                # Dataset (WOMD)": the definition covers it
                defined = any(d.long_start <= prev.start < d.long_end for d in pt.definitions)
                if not kind_of_data and not defined and not prev.trail and (is_coined(prev.text) or capital_ok) \
                        and not is_generic(prev.text) and not ({"method", "task", "metric"} & known(prev.text)) \
                        and prev.lower not in DATASET_NOUNS and prev.text not in ("The", "A", "An", "Our", "This"):
                    start = prev.start
                    j = i - 2
                    while j >= 0 and not ws[j].trail and is_capitalized(ws[j].text) \
                            and ws[j].lower not in ("the", "a", "an", "our", "this") \
                            and not (j == 0 and not is_coined(ws[j].text)):
                        start = ws[j].start
                        j -= 1
                    name = pt.text[start:prev.end]
                    out.append(Candidate("dataset", name, start, prev.end, dataset_role(pt, start), 0.6, "patterns",
                                         (pt.text[start:w.end],)))  # the surface "Tobacco-3482 dataset" too
            if lw in DATASET_LIST_NOUNS and lw.endswith(("s", "a")) and i > 1 and not ws[i - 1].trail:
                out += _enumeration_before(pt, ws, i, known)  # "3DMatch and 3DLoMatch datasets"
            colon = w.trail.startswith(":") and lw in DATASET_LIST_NOUNS  # "two databases: X and Y"
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


def _enumeration_before(pt: PaperText, ws: list[Word], i: int, known: Known) -> list[Candidate]:
    """Every item of "X, Y(,) and Z datasets" before the plural dataset noun at ``i`` (two
    items or more; each a coined word or a short run of capitalized words, "Indian Pines")."""
    items: list[tuple[int, int]] = []
    j = i - 1
    while j >= 0 and len(items) < 8:
        if items and ws[j].lower in ("and", "or", "&"):
            j -= 1
            continue
        if items and not (ws[j].trail.startswith(",") or ws[j + 1].lower in ("and", "or", "&")):
            break
        k = j
        while k - 1 >= 0 and j - k < 2 and not ws[k - 1].trail and is_capitalized(ws[k - 1].text) \
                and not is_coined(ws[k].text) and ws[k - 1].lower not in LIST_STOP:
            k -= 1
        run = ws[k:j + 1]
        if not all(is_coined(x.text) or is_capitalized(x.text) for x in run) or any(x.lead for x in run[1:]) \
                or run[0].lower in LIST_STOP or (k == 0 and not is_coined(run[0].text)):
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
        if w.lower in ("and", "or", "the"):
            i += 1
            continue
        if not (is_coined(w.text) or is_capitalized(w.text)):
            break
        j = i  # a capitalized run is one name: "Indian Pines", "Stanford Background"
        while runs and j + 1 < len(ws) and j - i < 3 and not ws[j].trail and not ws[j + 1].lead \
                and (is_coined(ws[j + 1].text) or is_capitalized(ws[j + 1].text)):
            j += 1
        if j > i:
            w = Word(" ".join(x.text for x in ws[i:j + 1]), w.start, ws[j].end, ws[j].trail, w.lead)
            i = j
        members.append(w)
        while i + 1 < len(ws) and _citation(ws[i + 1]) and not w.trail:
            i += 1  # "Replay-Attack [10] and OULU-NPU [23]": a reference between the items
            w = ws[i]
        if not (w.trail.startswith(",") or (i + 1 < len(ws) and ws[i + 1].lower in ("and", "or"))):
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
