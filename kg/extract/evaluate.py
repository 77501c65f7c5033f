"""Score extraction output against annotated papers, with the matching rules of the
project's evaluation (``../shared/eval/score.py``; see docs/evaluation.md):

* papers are paired by whitespace-normalized, case-folded title;
* an entity is the set of its name and aliases, each reduced to lowercase letters and
  digits; a prediction matches a still-unmatched gold entity of the same field when the
  two sets intersect; a prediction that only repeats an already matched gold entity, or
  that matches an OPTIONAL item (or, for methods, a method class) is neither TP nor FP;
* tasks match leniently: one normalized string contains the other;
* code links compare URLs lowercased, without scheme, ``www.``, ``.git`` or a final ``/``.

Two gold formats: ``seedgold`` (GUIDELINES records) and ``scirex`` (SciREX abstracts).
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError

_OPTIONAL = re.compile(r"OPTIONAL\[(\w+)\]=\{([^}]*)\}")


def key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", unicodedata.normalize("NFKC", text).casefold())


def title_key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def url_key(url: str) -> str:
    u = url.strip().rstrip(".,;:)]}>'\"").lower()
    u = re.sub(r"^https?://(www\.)?", "", u)
    return re.sub(r"\.git$", "", u).rstrip("/")


def forms(entity: dict[str, Any]) -> frozenset[str]:
    out = {key(entity["name"]), *(key(a) for a in entity.get("aliases") or [])}
    out.discard("")
    return frozenset(out)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    def scores(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 3), "r": round(r, 3), "f1": round(f, 3), "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Report:
    fields: dict[str, Counts]
    missing_papers: int = 0
    misses: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: c.scores() for name, c in self.fields.items()}
        out["missing_papers"] = self.missing_papers
        return out


def match(pred: list[frozenset[str]], gold: list[frozenset[str]], neutral: frozenset[str] | set[str],
          misses: list[str] | None = None, label: str = "") -> Counts:
    used: set[int] = set()
    counts = Counts()
    for p in pred:
        hit = next((i for i, g in enumerate(gold) if i not in used and p & g), None)
        if hit is not None:
            used.add(hit)
            counts.tp += 1
        elif any(p & g for g in gold) or p & neutral:
            continue
        else:
            counts.fp += 1
            if misses is not None:
                misses.append(f"FP {label}: {sorted(p)}")
    counts.fn = len(gold) - len(used)
    if misses is not None:
        misses.extend(f"FN {label}: {sorted(g)}" for i, g in enumerate(gold) if i not in used)
    return counts


def match_tasks(pred: list[str], gold: list[str]) -> Counts:
    used: set[int] = set()
    counts = Counts()
    for t in pred:
        hit = next((i for i, g in enumerate(gold) if i not in used and t and (t in g or g in t)), None)
        if hit is None:
            counts.fp += 1
        else:
            used.add(hit)
            counts.tp += 1
    counts.fn = len(gold) - len(used)
    return counts


def load_predictions(path: str | Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(_lines(path), start=1):
        if line.strip():
            try:
                record = json.loads(line)
                out[title_key(record["paper"]["title"])] = record
            except (json.JSONDecodeError, KeyError, TypeError):
                raise InputError("not a paperkg extract record", where=f"{path}:{number}",
                                 hint="pass the output of 'paperkg extract'") from None
    return out


def _lines(path: str | Path) -> Iterator[str]:
    try:
        with open(path, encoding="utf-8") as fh:
            yield from fh
    except OSError as exc:
        raise InputError(exc.strerror or "cannot read", where=str(path)) from None


def _typed(rec: dict[str, Any], etype: str, role: str | None = None) -> list[frozenset[str]]:
    return [forms(e) for e in rec.get("entities", [])
            if e.get("type") == etype and (role is None or e.get("role") == role)]


def score_seedgold(pred: dict[str, dict[str, Any]], gold_records: Iterable[dict[str, Any]],
                   detail: bool = False) -> Report:
    fields = {k: Counts() for k in ("methods", "proposed", "datasets", "tasks", "code_links")}
    report = Report(fields)
    for g in gold_records:
        rec = pred.get(title_key(g["title"]))
        if rec is None:
            report.missing_papers += 1
            rec = {"entities": [], "links": []}
        misses: list[str] | None = [] if detail else None
        optional: dict[str, set[str]] = {}
        for fname, items in _OPTIONAL.findall(g.get("notes", "")):
            optional.setdefault(fname, set()).update(key(x) for x in items.split("|"))
        neutral_m = {key(c) for c in g.get("method_classes", [])} | optional.get("methods", set()) \
            | optional.get("proposed_methods", set())
        neutral_d = optional.get("datasets", set())
        gold_m = [forms(e) for e in g["proposed_methods"] + g["methods"]]
        fields["methods"].add(match(_typed(rec, "method"), gold_m, neutral_m | neutral_d, misses, "method"))
        fields["proposed"].add(match(_typed(rec, "method", "proposed"), [forms(e) for e in g["proposed_methods"]],
                                     neutral_m, misses, "proposed"))
        fields["datasets"].add(match(_typed(rec, "dataset"), [forms(e) for e in g["datasets"]],
                                     neutral_d | neutral_m, misses, "dataset"))
        fields["tasks"].add(match_tasks([key(e["name"]) for e in rec.get("entities", []) if e.get("type") == "task"],
                                        [key(t) for t in g["tasks"]]))
        pl = {url_key(x["url"]) for x in rec.get("links", []) if x.get("kind") == "code"}
        gl = {url_key(u) for u in g["code_urls"]}
        fields["code_links"].add(Counts(len(pl & gl), len(pl - gl), len(gl - pl)))
        if misses:
            report.misses.append(f"## {g['title']}")
            report.misses.extend(f"   {m}" for m in misses)
    return report


def score_scirex(pred: dict[str, dict[str, Any]], gold_records: Iterable[dict[str, Any]],
                 detail: bool = False) -> Report:
    fields = {"method": Counts(), "dataset": Counts()}
    report = Report(fields)
    for g in gold_records:
        if not g.get("abstract_ok"):
            continue
        rec = pred.get(title_key(g.get("title") or g["doc_id"]))
        if rec is None:
            report.missing_papers += 1
            rec = {"entities": []}
        misses: list[str] | None = [] if detail else None
        for typ, counts in (("Method", fields["method"]), ("Dataset", fields["dataset"])):
            clusters: dict[str, set[str]] = {}
            for m in g["mentions"] + g.get("title_mentions", []):
                if m["type"] != typ:
                    continue
                cluster = clusters.setdefault(m.get("entity") or key(m["text"]), set())
                cluster.add(key(m["text"]))
                if m.get("entity"):
                    cluster.add(key(m["entity"]))
            gold = [frozenset(s - {""}) for s in clusters.values() if s - {""}]
            counts.add(match(_typed(rec, typ.lower()), gold, set(), misses, typ))
        if misses:
            report.misses.append(f"## {g.get('title')}")
            report.misses.extend(f"   {m}" for m in misses)
    return report


def evaluate(kind: str, predictions: str | Path, gold: str | Path, detail: bool = False) -> Report:
    pred = load_predictions(predictions)
    records = (json.loads(line) for line in _lines(gold) if line.strip())
    if kind == "seedgold":
        return score_seedgold(pred, records, detail)
    if kind == "scirex":
        return score_scirex(pred, records, detail)
    raise InputError(f"unknown gold format '{kind}'", hint="use 'seedgold' or 'scirex'")
