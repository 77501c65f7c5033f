"""Fit the confidence calibration table (``extractors/model/calibration.json``).

    python tools/train/calibrate.py --fold-model /tmp/tagger-a [--samples judged.jsonl]

The fold model was trained without half of the SciREX papers (``train_tagger.py --fold a``;
their ids are in its ``training.json``). paperkg, with that model as its tagger, extracts
the title and abstract of those held-out papers, passages of six consecutive sentences from
their body text (papers are read as abstracts *and* as passages of full text) and the TDMSci
test sentences; each entity is right when one of its normalized forms is a gold mention of its
type (SciREX: anywhere in the paper; TDMSci: in the sentence; TDMSci has no methods, so its
methods are not counted). The table counts right/total per feature cell
(:mod:`extractors.calibrate`). Nothing in ``../shared/eval`` is read. Rerun it after any
change to extraction: it takes a few minutes (it prints its run time).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from corpus import SCIREX_LABELS, detokenize, tdmsci  # noqa: E402
from extractors.calibrate import fit, source  # noqa: E402
from extractors.names import is_acronym, is_coined, norm_key  # noqa: E402
from extractors.tasks import normalize_task  # noqa: E402

TYPE_OF = {"METHOD": "method", "DATASET": "dataset", "TASK": "task", "METRIC": "metric"}


GoldPaper = tuple[str, str, dict[str, set[str]], set[str]]  # title, abstract, gold forms by type, every annotated form


PASSAGE_SENTENCES = 6
PASSAGES_PER_PAPER = 4


def scirex_papers(corpora: Path, doc_ids: list[str], passages: int = 0) -> tuple[list[GoldPaper], list[GoldPaper]]:
    """Title + abstract of each paper and (``passages`` > 0) up to that many passages of
    ``PASSAGE_SENTENCES`` consecutive body sentences per paper, spread over it; all judged
    against the paper's annotation."""
    abstracts, bodies = [], []
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
        annotated = set().union(*gold.values()) if gold else set()
        abstracts.append((title, abstract, gold, annotated))
        if passages <= 0:
            continue
        # body sentences, without those opening with a section heading ("section: Model Our ...")
        body = [(s, e) for s, e in doc["sentences"]
                if s >= sections[1][1] and not (words[s].endswith("section") and words[s + 1:s + 2] == [":"])]
        chunks = [body[i:i + PASSAGE_SENTENCES] for i in range(0, len(body), PASSAGE_SENTENCES)]
        for chunk in chunks[::max(1, len(chunks) // passages)][:passages]:
            text = " ".join(detokenize(words[s:e])[0] for s, e in chunk)
            bodies.append((f"Passage {len(bodies) + 1}", text, gold, annotated))
    return abstracts, bodies


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


def judged_samples(sets: dict[str, list[GoldPaper]]) -> tuple[list[tuple[dict[str, object], float]],
                                                                dict[str, dict[str, int]], list[dict[str, object]]]:
    """Extract every set with the current pipeline and judge each entity: the samples, counts
    per set, and one row per sample (set, entity, right) for inspection."""
    from kg.extract.corpus import with_learned_names
    from kg.extract.pipeline import build_nlp, extract
    from kg.records import Paper

    samples: list[tuple[dict[str, object], float]] = []
    rows: list[dict[str, object]] = []
    counts = {}
    nlp = build_nlp()
    for name, papers_gold in sets.items():
        papers = [Paper.from_dict({"id": f"{name}-{i}", "title": t, "abstract": a})
                  for i, (t, a, *_) in enumerate(papers_gold)]
        n = 0
        # each set is one run: its names other papers evidence too (kg/extract/corpus.py)
        for (_, _, gold, annotated), ex in zip(papers_gold, with_learned_names(extract(papers, nlp))):
            for m in ex.entities:
                if name == "tdmsci" and m.type == "method":
                    continue  # TDMSci annotates no methods
                entity = m.to_dict()
                right = is_right(entity, gold, annotated)
                if right is not None:
                    samples.append((entity, right))
                    rows.append({"set": name, "right": right, "entity": entity})
                    n += 1
        counts[name] = {"papers": len(papers_gold), "entities": n}
    return samples, counts, rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--fold-model", required=True, help="a model trained by train_tagger.py --fold a")
    ap.add_argument("--output", default=str(ROOT / "extractors" / "model" / "calibration.json"))
    ap.add_argument("--passages", type=int, default=PASSAGES_PER_PAPER,
                    help="body passages per held-out SciREX paper (default: %(default)s)")
    ap.add_argument("--samples", metavar="FILE", help="also write every judged entity here (JSON Lines)")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    corpora = Path(args.shared) / "corpora"
    info = json.loads((Path(args.fold_model) / "training.json").read_text("utf-8"))
    os.environ["PAPERKG_TAGGER_MODEL"] = str(Path(args.fold_model).resolve())
    abstracts, passages = scirex_papers(corpora, info["heldout_docs"], args.passages)
    sets = {"scirex": abstracts, "scirex-passages": passages, "tdmsci": tdmsci_papers(corpora)}
    samples, counts, rows = judged_samples(sets)
    cells = fit(samples)
    Path(args.output).write_text(json.dumps({"fitted_on": counts, "fold_model": info.get("fold"), "cells": cells},
                                            indent=1) + "\n", encoding="utf-8")
    if args.samples:
        Path(args.samples).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    print(json.dumps(counts))
    for key, (right, total) in cells.items():
        print(f"{key:48s} {right:7.1f}/{total:<5d} {right / total:.2f}")
    print(f"fitted {len(samples)} judged entities in {time.perf_counter() - started:.0f} s -> {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
