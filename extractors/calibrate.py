"""Calibrated entity confidence: the share of entities like this one that are right.

An entity is described by a few plain features (its type; where it came from: a curated
list, the other rules, the trained tagger, or several; its role: proposed, used or only
mentioned; its support: one, two or more mentions). A table fitted on held-out data
(``tools/train/calibrate.py``: abstracts and body passages of SciREX papers the fold model
never saw, TDMSci test sentences) counts, per feature cell, how many such entities were
right. The confidence is that cell's smoothed share, backing off to coarser cells (type +
source + role, type + source, then type) where data is thin. The table ships beside the
tagger model (``extractors/model/calibration.json``).
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources

PRIOR = 8.0  # pseudo-counts pulling a thin cell toward its coarser cell
RULE_EXTRACTORS = frozenset({"gazetteer"})
CONTEXT_EXTRACTORS = frozenset({"coined", "cited"})  # extractors/coined.py, cited.py: a word and its context only
CORPUS_EXTRACTORS = frozenset({"corpus"})  # kg/extract/corpus.py: a name another paper of the run gave


def source(extractor: str) -> str:
    """``list``, ``rules``, ``context`` (coined tokens by their context alone), ``corpus`` (a
    name the run's other papers evidence), ``tagger``, or ``list+tagger`` / ``rules+tagger`` /
    ``context+tagger``."""
    parts = set(extractor.split("+")) - {""}
    tagger = "tagger" in parts
    parts.discard("tagger")
    if not parts:
        return "tagger"
    if parts <= CORPUS_EXTRACTORS and not tagger:
        return "corpus"
    base = "list" if parts & RULE_EXTRACTORS else "context" if parts <= CONTEXT_EXTRACTORS else "rules"
    return f"{base}+tagger" if tagger else base


def keys(entity: Mapping[str, object]) -> list[str]:
    """Feature cells of an entity, finest first."""
    etype = str(entity.get("type"))
    src = source(str(entity.get("extractor", "")))
    role = str(entity.get("role")) if entity.get("role") in ("proposed", "used") else "mentioned"
    n = len(entity.get("evidence") or [])  # type: ignore[arg-type]
    support = "one" if n <= 1 else "two" if n == 2 else "many"
    return [f"{etype}|{src}|{role}|{support}", f"{etype}|{src}|{role}", f"{etype}|{src}", etype]


def fit(samples: Iterable[tuple[Mapping[str, object], float]]) -> dict[str, list[float]]:
    """``cell -> [right, total]`` over (entity, is_right) samples; ``is_right`` may be a
    share (0.5: a label the fitting data cannot tell)."""
    cells: dict[str, list[float]] = {}
    for entity, right in samples:
        for key in keys(entity):
            cell = cells.setdefault(key, [0, 0])
            cell[0] += float(right)
            cell[1] += 1
    return {k: [int(r) if float(r).is_integer() else round(r, 1), t] for k, (r, t) in sorted(cells.items())}


def probability(cells: Mapping[str, list[float]], entity: Mapping[str, object], default: float) -> float:
    """The smoothed share of right entities in the entity's cell (coarse to fine)."""
    p = default
    for key in reversed(keys(entity)):
        right, total = cells.get(key, (0, 0))
        p = (right + PRIOR * p) / (total + PRIOR)
    return p


@lru_cache(maxsize=1)
def default_table() -> dict[str, list[float]]:
    try:
        text = resources.files("extractors").joinpath("model", "calibration.json").read_text("utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return {}
    return dict(json.loads(text)["cells"])


def calibrate(entities: list[dict[str, object]], cells: Mapping[str, list[float]] | None = None) -> None:
    """Replace each entity's ``confidence`` (in place) by its calibrated probability; the
    extractors' own score is the prior where no table is available."""
    table = default_table() if cells is None else cells
    if not table:
        return
    for e in entities:
        raw = float(e.get("confidence", 0.5))  # type: ignore[arg-type]
        e["confidence"] = round(min(0.99, max(0.01, probability(table, e, raw))), 3)
