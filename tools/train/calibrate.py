"""Fit the confidence calibration table (``extractors/model/calibration.json``).

    python tools/train/calibrate.py --fold-model /tmp/tagger-a

The fold model was trained without half of the SciREX papers (``train_tagger.py --fold a``;
their ids are in its ``training.json``). paperkg, with that model as its tagger, extracts
the title and abstract of those held-out papers and the TDMSci test sentences; each entity is
right when one of its normalized forms is a gold mention of its type (SciREX: anywhere in the paper;
TDMSci: in the sentence; TDMSci has no methods, so its methods are not counted). The table
counts right/total per feature cell (:mod:`extractors.calibrate`). Nothing in
``../shared/eval`` is read.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from corpus import SCIREX_LABELS, detokenize, tdmsci  # noqa: E402
from extractors.calibrate import fit, source  # noqa: E402
from extractors.names import is_acronym, is_coined, norm_key  # noqa: E402
from extractors.tasks import normalize_task  # noqa: E402

TYPE_OF = {"METHOD": "method", "DATASET": "dataset", "TASK": "task", "METRIC": "metric"}


GoldPaper = tuple[str, str, dict[str, set[str]], set[str]]  # title, abstract, gold forms by type, every annotated form


def scirex_papers(corpora: Path, doc_ids: list[str]) -> list[GoldPaper]:
    out = []
    for doc_id in doc_ids:
        doc = json.loads((corpora / "scirex-train-docs" / "docs" / f"{doc_id}.json").read_text("utf-8"))
        words, sections = doc["words"], doc["sections"]
        if len(sections) < 2:
            continue
        title, _ = detokenize(words[sections[0][0]:sections[0][1]])
        abstract, _ = detokenize(words[sections[1][0]:sections[1][1]])
        gold: dict[str, set[str]] = {}
        for s, e, t in doc["ner"]:
            if t in SCIREX_LABELS:
                text = detokenize(words[s:e])[0]
                forms = gold.setdefault(TYPE_OF[SCIREX_LABELS[t]], set())
                forms.add(norm_key(text))
                if t == "Task":
                    forms.add(task_form(text))  # paperkg names tasks by their normalized phrase
        out.append((title, abstract, gold, set().union(*gold.values()) if gold else set()))
    return out


def tdmsci_papers(corpora: Path) -> list[GoldPaper]:
    out = []
    for i, sent in enumerate(tdmsci(corpora, "test")):
        gold: dict[str, set[str]] = {"dataset": set(), "task": set(), "metric": set()}
        for s, e, label in sent.spans:
            label_type = TYPE_OF[label]
            text = sent.text[s:e]
            gold[label_type].update({norm_key(text), task_form(text) if label_type == "task" else norm_key(text)})
        out.append((f"TDMSci test sentence {i}", sent.text, gold, set()))
    return out


def task_form(text: str) -> str:
    """A gold task's normalized phrase (words kept apart, for the containment match)."""
    return " ".join(norm_key(w) for w in normalize_task(text).split() if norm_key(w))


def _contains(a: str, b: str) -> bool:
    """One task phrase holds the other, the shorter one naming a task by itself (two words
    or more: a one-word gold task such as "classification" is in every classification task)."""
    short, long = sorted((a, b), key=len)
    return len(short.split()) >= 2 and f" {short} " in f" {long} "


UNKNOWN = 0.5  # a name the annotation cannot tell right or wrong counts as a coin flip


def is_right(entity: dict[str, object], gold: dict[str, set[str]], annotated: set[str] | None = None) -> float | None:
    """1 right, 0 wrong, ``UNKNOWN``, or ``None`` (not counted), judged as the evaluation
    scorers judge:

    * a task is right when one of its forms contains a gold task form or is contained in one
      (the seed scorer's lenient task match; paperkg names a task by its normalized phrase);
    * a method/dataset is right when one of its forms is a gold mention of its type;
    * unknown: (SciREX, whose semi-automatic annotation misses many non-salient mentions;
      ``annotated`` holds every annotated form of the paper) a coined name that the annotation
      left out everywhere in the paper. The training reads such tokens as unknown too; read by
      hand on the held-out papers they are about half real names the annotation skipped
      (``GCCN``, ``PAC-MDP``, ``FTRL``) and half not (``T2``, ``NOT``, ``ABSTRACT``);
      and a curated-list name that the annotation gives another type only (``ImageNet`` as a
      method in "ImageNet pre-training"), where the list and the annotation disagree;
    * not counted: no annotation of the entity's type.
    """
    etype = str(entity["type"])
    if etype not in gold:
        return None
    forms = {norm_key(str(entity["name"])), *(norm_key(str(a)) for a in entity.get("aliases") or [])} - {""}  # type: ignore[attr-defined]
    if etype == "task":
        phrases = {task_form(str(entity["name"])), *(task_form(str(a)) for a in entity.get("aliases") or [])} - {""}  # type: ignore[attr-defined]
        return float(bool({p.replace(" ", "") for p in phrases} & {g.replace(" ", "") for g in gold[etype]})
                     or any(_contains(p, g) for p in phrases for g in gold[etype]))
    if forms & gold[etype]:
        return 1.0
    if annotated and not forms & annotated and any(is_coined(w) or is_acronym(w) for w in str(entity["name"]).split()):
        return UNKNOWN
    if annotated and forms & annotated and source(str(entity.get("extractor", ""))).startswith("list"):
        return UNKNOWN  # the curated list and the annotation type the name differently ("ImageNet" as a method)
    return 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--fold-model", required=True, help="a model trained by train_tagger.py --fold a")
    ap.add_argument("--output", default=str(ROOT / "extractors" / "model" / "calibration.json"))
    args = ap.parse_args(argv)
    corpora = Path(args.shared) / "corpora"
    info = json.loads((Path(args.fold_model) / "training.json").read_text("utf-8"))
    os.environ["PAPERKG_TAGGER_MODEL"] = str(Path(args.fold_model).resolve())
    from kg.records import Paper
    from kg.extract.pipeline import build_nlp, extract

    sets = {"scirex": scirex_papers(corpora, info["heldout_docs"]), "tdmsci": tdmsci_papers(corpora)}
    samples = []
    counts = {}
    nlp = build_nlp()
    for name, rows in sets.items():
        papers = [Paper.from_dict({"id": f"{name}-{i}", "title": t, "abstract": a}) for i, (t, a, *_) in enumerate(rows)]
        n = 0
        for (_, _, gold, annotated), ex in zip(rows, extract(papers, nlp)):
            for m in ex.entities:
                if name == "tdmsci" and m.type == "method":
                    continue  # TDMSci annotates no methods
                entity = m.to_dict()
                right = is_right(entity, gold, annotated)
                if right is not None:
                    samples.append((entity, right))
                    n += 1
        counts[name] = {"papers": len(rows), "entities": n}
    cells = fit(samples)
    Path(args.output).write_text(json.dumps({"fitted_on": counts, "fold_model": info.get("fold"), "cells": cells},
                                            indent=1) + "\n", encoding="utf-8")
    print(json.dumps(counts))
    for key, (right, total) in cells.items():
        print(f"{key:40s} {right:7.1f}/{total:<5d} {right / total:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
