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
from extractors.calibrate import fit  # noqa: E402
from extractors.names import norm_key  # noqa: E402
from extractors.tasks import normalize_task  # noqa: E402

TYPE_OF = {"METHOD": "method", "DATASET": "dataset", "TASK": "task", "METRIC": "metric"}


def scirex_papers(corpora: Path, doc_ids: list[str]) -> list[tuple[str, str, dict[str, set[str]]]]:
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
                    forms.add(norm_key(normalize_task(text)))  # paperkg names tasks by their normalized phrase
        out.append((title, abstract, gold))
    return out


def tdmsci_papers(corpora: Path) -> list[tuple[str, str, dict[str, set[str]]]]:
    out = []
    for i, sent in enumerate(tdmsci(corpora, "test")):
        gold: dict[str, set[str]] = {"dataset": set(), "task": set(), "metric": set()}
        for s, e, label in sent.spans:
            gold[TYPE_OF[label]].update({norm_key(sent.text[s:e]), norm_key(normalize_task(sent.text[s:e]))})
        out.append((f"TDMSci test sentence {i}", sent.text, gold))
    return out


def is_right(entity: dict[str, object], gold: dict[str, set[str]]) -> bool | None:
    """Right, wrong, or ``None`` when the gold has no annotation of the entity's type."""
    etype = str(entity["type"])
    if etype not in gold:
        return None
    forms = {norm_key(str(entity["name"])), *(norm_key(str(a)) for a in entity.get("aliases") or [])} - {""}  # type: ignore[attr-defined]
    return bool(forms & gold[etype])


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
        papers = [Paper.from_dict({"id": f"{name}-{i}", "title": t, "abstract": a}) for i, (t, a, _) in enumerate(rows)]
        n = 0
        for (_, _, gold), ex in zip(rows, extract(papers, nlp)):
            for m in ex.entities:
                if name == "tdmsci" and m.type == "method":
                    continue  # TDMSci annotates no methods
                entity = m.to_dict()
                right = is_right(entity, gold)
                if right is not None:
                    samples.append((entity, right))
                    n += 1
        counts[name] = {"papers": len(rows), "entities": n}
    cells = fit(samples)
    Path(args.output).write_text(json.dumps({"fitted_on": counts, "fold_model": info.get("fold"), "cells": cells},
                                            indent=1) + "\n", encoding="utf-8")
    print(json.dumps(counts))
    for key, (right, total) in cells.items():
        print(f"{key:40s} {right:5d}/{total:<5d} {right / total:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
