"""Merge every extractor's candidates into one list of entities per paper: one entity per
real thing (name + aliases), one type and role, evidence spans and a confidence."""
from __future__ import annotations

import re
from typing import Any, cast

from extractors.context import Candidate, PaperText
from extractors.listhead import typed_by_list_head
from extractors.names import norm_key
from extractors.tasks import MAX_TASKS

ROLE_RANK = {"proposed": 3, "used": 2, "mentioned": 1}
MAX_EVIDENCE = 5
_EMPTY_NAME = re.compile(r"(?<![\w-])(?![\w-])")


def _evidence(pt: PaperText, start: int, end: int) -> dict[str, object]:
    if pt.in_title(start):
        return {"sentence": pt.title, "start": start, "end": min(end, pt.title_end), "field": "title"}
    s, e = pt.sentence_of(start)
    base = pt.title_end + 2
    return {"sentence": pt.text[s:e].strip(), "start": start - base, "end": end - base, "field": "abstract"}


def _occurrences(pt: PaperText, name: str) -> list[tuple[int, int]]:
    """Where ``name`` stands as a whole word: no word character or hyphen right before or
    after it (a search, not a regex: one regex per name was compiled anew per paper)."""
    if not name:
        return [(m.start(), m.end()) for m in _EMPTY_NAME.finditer(pt.text)]
    text, n, out = pt.text, len(name), []
    i = text.find(name)
    while i >= 0:
        end = i + n
        if not (i and _joined(text[i - 1])) and not (end < len(text) and _joined(text[end])):
            out.append((i, end))
            i = text.find(name, end)
        else:
            i = text.find(name, i + 1)
    return out


def _joined(char: str) -> bool:
    """A character that glues a neighbouring name into a longer word (regex ``[\\w-]``)."""
    return char.isalnum() or char in "_-"


# between two items of a list: a reference, then a comma or a conjunction, then an article
_COORDINATION = re.compile(r"\s*(?:\[[\d,\s–-]+\])?\s*(?P<sep>,\s*(?:and|or)?|and|or|&|/)\s*(?:the\s+)?$")
_LIST_GOES_ON = re.compile(r"\s*(?:\[[\d,\s–-]+\])?\s*(?:,|and\b|or\b|&|/)")


def coordinated_datasets(pt: PaperText, candidates: list[Candidate]) -> list[Candidate]:
    """A name the tagger alone calls a method, written as an item of a list whose other item
    the rules call a dataset, is a dataset ("on FiQA and Financial PhraseBank", "N-Cars and
    N-Caltech 101"). A comma alone separates list items only inside a list that goes on
    ("on ImageNet, ResNet-50 reaches ..." is no list)."""
    datasets = sorted({(c.start, c.end) for c in candidates if c.type == "dataset" and c.extractor != "tagger"})
    if not datasets:
        return candidates
    out = []
    for c in candidates:
        if c.type == "method" and c.extractor == "tagger" and c.role != "proposed" and next_to(pt, c.start, c.end, datasets):
            c = Candidate("dataset", c.name, c.start, c.end, c.role, c.confidence, c.extractor, c.aliases, c.ids)
        out.append(c)
    return out


def next_to(pt: PaperText, start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """``start:end`` is an item of a list (in one sentence) that one of ``spans`` is another item of."""
    sentence = pt.sentence_of(start)
    for s, e in spans:
        if not sentence[0] <= s < sentence[1]:
            continue
        if e <= start:
            between, after_list = pt.text[e:start], pt.text[end:end + 12]
        elif end <= s:
            between, after_list = pt.text[end:s], pt.text[e:e + 12]
        else:
            continue
        found = _COORDINATION.fullmatch(between) if len(between) < 24 else None
        if found and (found.group("sep").strip() != "," or _LIST_GOES_ON.match(after_list)):
            return True
    return False


def assemble(pt: PaperText, candidates: list[Candidate], max_tasks: int | None = MAX_TASKS) -> list[dict[str, object]]:
    """One entity per real thing; at most ``max_tasks`` tasks (``None``: all, for a caller
    that ranks them itself, see :func:`keep_tasks`)."""
    candidates = typed_by_list_head(pt, coordinated_datasets(pt, candidates))
    groups: list[list[Candidate]] = []
    index: dict[str, int] = {}
    for c in sorted(candidates, key=lambda c: (-ROLE_RANK[c.role], -c.confidence, c.start)):
        keys = [norm_key(c.name), *(norm_key(a) for a in c.aliases)]
        keys = [k for k in keys if k]
        if c.type == "task":
            keys = ["task:" + k for k in keys[:1]]
        hit = next((index[k] for k in keys if k in index), None)
        if hit is None:
            hit = len(groups)
            groups.append([])
        groups[hit].append(c)
        for k in keys:
            index.setdefault(k, hit)
    entities: list[dict[str, object]] = []
    claimed: list[tuple[int, int]] = []
    for group in groups:
        lead = group[0]  # highest role, then confidence
        if lead.type == "task":
            etype = "task"
        elif lead.role == "proposed":
            etype = lead.type
        else:
            weight: dict[str, float] = {}
            # the rules' reading of a name beats the tagger's guesses at its other mentions
            # (the tagger labels most unknown names METHOD): "our own dataset, MIBURI" types MIBURI
            ruled = [c for c in group if c.extractor != "tagger" and c.type in ("method", "dataset")]
            for c in ruled or group:
                weight[c.type] = weight.get(c.type, 0.0) + c.confidence
            etype = max(sorted(weight), key=lambda t: weight[t])
        members = [c for c in group if c.type == etype] or group
        name = lead.name
        aliases = sorted({a for c in members for a in (c.name, *c.aliases)} - {name}, key=lambda a: (a.lower(), a))
        role = max((c.role for c in members), key=lambda r: ROLE_RANK[r])
        if etype == "task":
            role = "used"
        spans = {(c.start, c.end) for c in members}
        if role == "proposed":
            for form in (name, *[a for a in aliases if len(a) > 2]):
                spans.update(_occurrences(pt, form))
        spans = {s for s in spans if not any(a <= s[0] and s[1] <= b and (a, b) != s for a, b in claimed)} or spans
        ordered = sorted(spans)
        conf = max(c.confidence for c in members)
        conf = min(0.99, conf + 0.03 * (len(ordered) - 1) + (0.05 if any(pt.in_title(s) for s, _ in ordered) else 0))
        extractors = sorted({c.extractor for c in members})
        ids = sorted({i for c in members for i in c.ids})
        entity: dict[str, object] = {
            "type": etype, "name": name, "aliases": aliases, "role": role, "confidence": round(conf, 3),
            "evidence": [_evidence(pt, s, e) for s, e in ordered[:MAX_EVIDENCE]],
            "extractor": "+".join(extractors),
        }
        if ids:
            entity["ids"] = dict(ids)
        entities.append(entity)
        claimed.extend(ordered)
    entities = _drop_nested(entities)
    tasks = [e for e in entities if e["type"] == "task"][:max_tasks]
    others = [e for e in entities if e["type"] != "task"]
    others.sort(key=lambda e: (-ROLE_RANK[str(e["role"])], str(e["type"]), _first(e)))
    return others + tasks


def keep_tasks(entities: list[dict[str, object]], max_tasks: int = MAX_TASKS) -> list[dict[str, object]]:
    """The ``max_tasks`` most confident tasks (ties: the earlier ranked), others unchanged."""
    tasks = [e for e in entities if e["type"] == "task"]
    best = sorted(tasks, key=lambda e: -float(e["confidence"]))[:max_tasks]  # type: ignore[arg-type]
    keep = {id(e) for e in best}
    return [e for e in entities if e["type"] != "task" or id(e) in keep]


def _first(entity: dict[str, object]) -> tuple[int, int]:
    ev = entity["evidence"]
    if not ev:
        return (2, 0)
    first = ev[0]  # type: ignore[index]
    return (0 if first["field"] == "title" else 1, int(first["start"]))


def _drop_nested(entities: list[dict[str, object]]) -> list[dict[str, object]]:
    """A non-proposed method/dataset whose every mention lies inside another entity's
    mention (``LLaVA`` inside ``LLaVA-KD`` evidence) is not a separate mention."""
    spans = {id(e): {(ev["field"], ev["start"], ev["end"]) for ev in cast("list[dict[str, Any]]", e["evidence"])}
             for e in entities}
    out = []
    for e in entities:
        if e["type"] != "task" and e["role"] != "proposed":
            mine = spans[id(e)]
            others = [s for o in entities if o is not e and o["type"] != "task" for s in spans[id(o)]]
            if mine and all(any(f == g and a <= s and t <= b and (a, b) != (s, t) for g, a, b in others)
                            for f, s, t in mine):
                continue
        out.append(e)
    return out
