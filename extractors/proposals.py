"""Proposed methods and introduced datasets: the title headline name, "we propose X",
"this paper introduces X", "termed/called/named/dubbed X", "X, a novel ...".

Only *named* things are proposed: a coined token, an acronym defined in the sentence, or a
capitalized name in apposition — never "a novel framework". Pure functions over
:class:`~extractors.context.PaperText`; ``known(name)`` tells which curated types a name has.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from extractors.acronyms import Definition
from extractors.context import Candidate, PaperText
from extractors.names import is_coined, is_not_name
from extractors.text import Word, is_capitalized, words
from extractors.vocab import (ARTICLES, CLAUSE_STOP, DATASET_NOUNS, DATASET_SUFFIXES, GLUE_WORDS,
                              METHOD_NOUNS, NAMING_WORDS, NOVELTY, PROPOSAL_VERBS, STRONG_PROPOSAL_VERBS,
                              SUBJECT_WORDS, TASK_HEADS, METHOD_HEADS, USE_CUES)

EXISTING_WORDS = frozenset("""recently recent existing previous prior popular well-known widely standard
established classic classical conventional off-the-shelf""".split())

Known = Callable[[str], frozenset[str]]


def defined_types(known: Known, short: str, long: str) -> frozenset[str]:
    """The curated types of an acronym as the paper defines it: an in-text definition beats
    the lists' meaning of the acronym (see :meth:`extractors.gazetteer.TypeIndex.for_definition`)."""
    for_definition = getattr(known, "for_definition", None)
    if for_definition is not None:
        return for_definition(short, long)  # type: ignore[no-any-return]
    return known(long) | known(short)
EXTRACTOR = "proposals"
HEADLINE_STOP = frozenset("""towards toward rethinking revisiting beyond when how why what can does do is are
should learning understanding on improving scaling unlocking exploring enhancing bridging boosting making
meets meet vs versus through via the a an made easy matters need all you your is are from with for
of in to and or not""".split())


_OF_NOUNS = frozenset("collection collections suite suites".split())


def _name_type(name: str, context: list[tuple[int, Word]], known: Known, aliases: tuple[str, ...] = ()) -> str:
    """``dataset`` if the name's long form ends in a dataset noun (``... Benchmark (FinMTEB)``),
    the nearest head noun around the name is a dataset noun or the name has a dataset
    suffix (``…Bench``), else ``method``."""
    types = known(name)
    if "dataset" in types and "method" not in types:
        return "dataset"
    for long in aliases:
        head = long.split()[-1].lower() if long.split() else ""
        if head in DATASET_NOUNS:
            return "dataset"
        if head in METHOD_NOUNS:
            return "method"
    best: tuple[int, str] | None = None
    for n, (distance, word) in enumerate(context):
        lw = word.lower
        if lw in _OF_NOUNS and n + 1 < len(context) and context[n + 1][1].lower == "of":
            continue  # "a collection of techniques": what it collects is the kind
        if lw in DATASET_NOUNS or lw in METHOD_NOUNS:
            kind = "dataset" if lw in DATASET_NOUNS else "method"
            if best is None or distance < best[0]:
                best = (distance, kind)
    if best is not None:
        return best[1]
    core = re.sub(r"[-_ ]?v?\d+(\.\d+)*$", "", name)
    if core.endswith(DATASET_SUFFIXES):
        return "dataset"
    return "method"


def _context(ws: list[Word], i: int, j: int, before: int = 6, after: int = 8) -> list[tuple[int, Word]]:
    out = [(i - k, ws[k]) for k in range(max(0, i - before), i)]
    out += [(k - j + 1, ws[k]) for k in range(j, min(len(ws), j + after))]
    return out


def _usable_name(text: str, known: Known) -> bool:
    return bool(text) and not is_not_name(text) and not ({"task", "metric"} & known(text))


def _task_like(long: str, known: Known) -> bool:
    """A long form naming a task or setting ("multimodal machine translation")."""
    if "task" in known(long):
        return True
    head = long.split()[-1].lower() if long.split() else ""
    head = head[:-1] if head.endswith("s") and not head.endswith("ss") else head
    return head in TASK_HEADS and head not in METHOD_HEADS and not long[:1].isupper()


def name_at(pt: PaperText, ws: list[Word], i: int, known: Known,
            defs_by_long: dict[int, Definition], defs_by_short: dict[int, Definition],
            allow_capitalized: bool) -> tuple[str, tuple[str, ...], int, int, int] | None:
    """A name starting at word ``i``: ``(name, aliases, start, end, next word index)``."""
    w = ws[i]
    if i > 0 and ws[i - 1].lower == "of" and not ws[i - 1].trail:
        return None  # "a dataset of NL-TL pairs": a description, not a name
    if w.start in defs_by_long:
        d = defs_by_long[w.start]
        k = i
        while k < len(ws) and ws[k].start < d.short_start:
            k += 1
        if _usable_name(d.short, known) and _usable_name(d.long, known) and not _task_like(d.long, known):
            return d.short, (d.long,), d.short_start, d.short_end, k + 1
        return None
    if w.start in defs_by_short:
        d = defs_by_short[w.start]
        if _usable_name(d.short, known) and _usable_name(d.long, known) and not _task_like(d.long, known):
            k = i + 1
            while k < len(ws) and ws[k].start < d.long_end:
                k += 1
            return d.short, (d.long,), d.short_start, d.short_end, k
    if is_coined(w.text) and _usable_name(w.text, known):
        k = i
        while w.text.isupper() and k + 1 < len(ws) and not ws[k].trail and not ws[k + 1].lead \
                and ws[k + 1].text.isupper() and len(ws[k + 1].text) > 2 and k - i < 3:
            k += 1
        text = pt.text[w.start:ws[k].end]
        return text, (), w.start, ws[k].end, k + 1
    if allow_capitalized and is_capitalized(w.text) and w.text.replace("-", "").isalpha() and w.lower not in ARTICLES \
            and _usable_name(w.text, known):
        # "Observatory, a framework ..." — a capitalized word in apposition
        if w.trail.startswith(",") and i + 1 < len(ws) and ws[i + 1].lower in ("a", "an", "the"):
            return w.text, (), w.start, w.end, i + 1
        # "Knowledge Solver (KSL)" without a definition match, or "Snowflake Arctic"
        k = i
        while k + 1 < len(ws) and is_capitalized(ws[k + 1].text) and not ws[k].trail and not ws[k + 1].lead:
            k += 1
        if k > i:
            text = pt.text[w.start:ws[k].end]
            if _usable_name(text, known) and len(text.split()) <= 5:
                return text, (), w.start, ws[k].end, k + 1
    return None


SUBJECT_NOUNS = frozenset("paper work study article letter report thesis research manuscript survey".split())


def _has_subject(ws: list[Word], verb: int) -> bool:
    """The proposal verb's subject is the authors: "we", "(motivates) us (to propose)",
    "this/our paper|work|study ..." — not "this insight is designed to"."""
    window = [w.lower for w in ws[max(0, verb - 8):verb]]
    for k, x in enumerate(window):
        if x in ("we", "us", "here"):
            return True
        if x in ("this", "our", "the", "present") and k + 1 < len(window) and window[k + 1] in SUBJECT_NOUNS:
            return True
    return False


TRAIN_VERBS = frozenset("train trains trained pretrain pretrains pretrained pre-train pre-trains pre-trained".split())


def _from_scratch(lowered: list[str], verb: int) -> bool:
    """"we train X from scratch": X is a baseline or a control, not what the paper proposes."""
    return lowered[verb] in TRAIN_VERBS and "scratch" in lowered[verb + 1:verb + 12]


def find_proposals(pt: PaperText, known: Known) -> list[Candidate]:
    defs_by_long = {d.long_start: d for d in pt.definitions}
    defs_by_short = {d.short_start: d for d in pt.definitions}
    out: list[Candidate] = []
    for span in pt.abstract_sentences():
        ws = pt.words_of(span)
        lowered = [w.lower for w in ws]
        for v, lw in enumerate(lowered):
            if lw in PROPOSAL_VERBS and _has_subject(ws, v) and not _from_scratch(lowered, v):
                conf = 0.85 if lw in STRONG_PROPOSAL_VERBS else 0.7
                out += _object_names(pt, ws, v + 1, known, defs_by_long, defs_by_short, conf)
                out += _defined_components(pt, ws, v + 1, known, conf - 0.1)
            elif lw in NAMING_WORDS or (lw == "as" and v > 0 and lowered[v - 1] in ("to", "coined", "denoted")):
                nxt = v + 1
                if nxt < len(ws) and ws[nxt].lower == "as":
                    nxt += 1
                if nxt < len(ws):
                    found = name_at(pt, ws, nxt, known, defs_by_long, defs_by_short, allow_capitalized=True)
                    if found:
                        verb_at = max((k for k in range(v) if lowered[k] in STRONG_PROPOSAL_VERBS), default=-1)
                        verb = verb_at >= 0
                        if verb and {"method", "dataset"} & known(found[0]):
                            # "we propose to leverage a recently introduced method, named SAM": not ours
                            between = set(lowered[verb_at + 1:v])
                            verb = not (between & (USE_CUES | EXISTING_WORDS))
                        ours = verb or (any(x in SUBJECT_WORDS for x in lowered[:v])
                                        and not ({"method", "dataset"} & known(found[0])))
                        out.append(_candidate(pt, found, ws, nxt, known, "proposed" if ours else "mentioned",
                                              0.85 if ours else 0.5))
        # "X, a novel ..." / "X is a novel ..."
        for i, w in enumerate(ws[:-2]):
            next_word = ws[i + 1].lower
            appos = w.trail.startswith(",") and next_word in ("a", "an") and ws[i + 2].lower in NOVELTY
            copula = next_word == "is" and ws[i + 2].lower in ("a", "an") and i + 3 < len(ws) and ws[i + 3].lower in NOVELTY
            if (appos or copula) and is_coined(w.text) and _usable_name(w.text, known) and "method" not in known(w.text) \
                    and "dataset" not in known(w.text):
                d = defs_by_short.get(w.start)
                found = (w.text, (d.long,) if d else (), w.start, w.end, i + 1)
                out.append(_candidate(pt, found, ws, i, known, "proposed", 0.75))
    return out


def _defined_components(pt: PaperText, ws: list[Word], start: int, known: Known, conf: float) -> list[Candidate]:
    """``we introduce Multimodal Distillation (MDist) ... and Relation Distillation (RDist)``:
    every acronym defined after the proposal verb names a proposed component."""
    if start >= len(ws):
        return []
    lo, hi = ws[start].start, ws[-1].end
    out = []
    for d in pt.definitions:
        content = [x for x in d.long.replace("-", " ").split() if len(x) > 3]
        capitalized = bool(content) and d.long[:1].isupper() and \
            sum(x[:1].isupper() for x in content) * 2 >= len(content)
        mixed_case = any(c.islower() for c in d.short) and any(c.isupper() for c in d.short)
        if lo <= d.long_start and d.short_end <= hi and is_coined(d.short) and (capitalized or mixed_case) \
                and _usable_name(d.short, known) \
                and _usable_name(d.long, known) and not _task_like(d.long, known) \
                and not ({"method", "dataset"} & defined_types(known, d.short, d.long)):
            i = next(k for k, w in enumerate(ws) if w.end >= d.short_end)
            out.append(_candidate(pt, (d.short, (d.long,), d.short_start, d.short_end, i + 1), ws, i, known,
                                  "proposed", conf))
    return out


def _object_names(pt: PaperText, ws: list[Word], start: int, known: Known,
                  defs_by_long: dict[int, Definition], defs_by_short: dict[int, Definition],
                  conf: float) -> list[Candidate]:
    out: list[Candidate] = []
    i = start
    limit = min(len(ws), start + 30)
    obj = pt.objects.get(ws[start - 1].start) if start > 0 else None
    if obj is not None:  # the parser found the verb's object: look for names inside it only
        end = next((k for k in range(start, len(ws)) if ws[k].start >= obj[1]), len(ws))
        if end > start and ws[end - 1].trail.startswith(":"):
            end = len(ws)  # "a strategy: X and Y" — the colon introduces the object's names
        limit = min(limit, end)
    while i < limit:
        w = ws[i]
        if w.lower in CLAUSE_STOP or w.trail.startswith(";"):
            break
        found = name_at(pt, ws, i, known, defs_by_long, defs_by_short, allow_capitalized=True)
        nxt = found[4] if found else i
        appositive = bool(found) and nxt < len(ws) and ws[nxt - 1].trail.startswith(",") \
            and ws[nxt].lower in ("a", "an")  # "we introduce X, a dataset of ...": X is created here
        if found and (appositive or not ({"method", "dataset"} & known(found[0]))):
            out.append(_candidate(pt, found, ws, i, known, "proposed", conf))
            i = found[4]
            # coordinated names: "X and Y", "X, Y, and Z"
            while i < limit and (ws[i].lower in GLUE_WORDS or ws[i - 1].trail.startswith(",")
                                 or ws[i - 1].lower in GLUE_WORDS):
                if ws[i].lower in GLUE_WORDS:
                    i += 1
                    continue
                other = name_at(pt, ws, i, known, defs_by_long, defs_by_short, allow_capitalized=False)
                if not other or {"method", "dataset"} & known(other[0]):
                    break
                out.append(_candidate(pt, other, ws, i, known, "proposed", conf))
                i = other[4]
            break
        if found:  # a known name is the object: the paper uses it, it does not propose it
            break
        i += 1
    return out


def _candidate(pt: PaperText, found: tuple[str, tuple[str, ...], int, int, int], ws: list[Word], i: int,
               known: Known, role: str, conf: float) -> Candidate:
    name, aliases, start, end, nxt = found
    etype = _name_type(name, _context(ws, i, nxt), known, aliases)
    return Candidate(etype, name, start, end, role, conf, EXTRACTOR, aliases)


def headline_names(pt: PaperText, known: Known) -> list[Candidate]:
    """Names before the colon of the title (``LLaVA-KD: A Framework ...``); a headline that
    is a descriptive phrase (``Triplane Meets Gaussian Splatting``) gives nothing."""
    title = pt.title
    if ":" not in title:
        return []
    head = title.split(":", 1)[0].strip()
    subtitle = title.split(":", 1)[1]
    sub_words = [w.lower for w in words(subtitle)]
    hw = words(head)
    if not hw or len(hw) > 5:
        return []
    out: list[Candidate] = []
    parts = [p for p in re.split(r"\s*[+&]\s*", head)] if len(hw) == 1 else [head]
    abstract = pt.text[pt.title_end:]
    for part in parts:
        part = part.strip()
        if not part or not _usable_name(part, known):
            continue
        pws = part.split()
        coined = any(is_coined(x) for x in pws)
        if len(pws) == 1:
            if not (coined or is_capitalized(part)) or part.lower() in HEADLINE_STOP:
                continue
        else:
            if any(x.lower() in HEADLINE_STOP for x in pws) or not all(is_capitalized(x) for x in pws):
                continue
            # a multi-word headline is a name only if the abstract keeps it capitalized
            if not coined and part not in abstract:
                continue
            if not coined and part.lower() in abstract.replace(part, ""):
                continue
        start = title.index(part)
        aliases: tuple[str, ...] = ()
        if len(pws) > 1 and part not in abstract:
            coined_words = [x for x in pws if is_coined(x)]
            if len(coined_words) == 1 and re.search(r"(?<![\w-])" + re.escape(coined_words[0]) + r"(?![\w-])", abstract):
                aliases = (part,)
                start += part.index(coined_words[0])
                part = coined_words[0]
        types = known(part)
        if "dataset" in types and "method" not in types:
            etype = "dataset"
        elif "method" in types:
            etype = "method"
        else:
            in_abstract = words(abstract)
            ctx: list[tuple[int, Word]] = []
            for k, w in enumerate(in_abstract):
                if w.text == part:
                    ctx += [(abs(j - k), in_abstract[j]) for j in range(max(0, k - 3), min(len(in_abstract), k + 4))
                            if j != k]
            etype = _name_type(part, ctx, known)
            if etype == "method" and any(x in DATASET_NOUNS for x in sub_words[:8]) and \
                    not any(x in METHOD_NOUNS for x in sub_words[:8]) and len(parts) == 1:
                etype = "dataset"
        role = "proposed"  # the headline names what the paper presents, even a now-famous name
        out.append(Candidate(etype, part, start, start + len(part), role, 0.9, "headline", aliases))
    return out


def title_coinages(pt: PaperText, known: Known) -> list[Candidate]:
    """A coined token in a title without a headline that names what the paper creates:
    ``The ParlaSent multilingual training dataset for ...``."""
    title = pt.title
    if ":" in title:
        return []
    tw = words(title)
    out = []
    for i, w in enumerate(tw):
        if not is_coined(w.text) or not _usable_name(w.text, known) or known(w.text):
            continue
        nouns = [x.lower for x in tw[i + 1:i + 5]]
        if any(n in DATASET_NOUNS for n in nouns):
            out.append(Candidate("dataset", w.text, w.start, w.end, "proposed", 0.8, "title"))
    return out
