"""Retrain the paperkg tagger (``extractors/model``) from ``../shared/corpora``. Seeded.

    python tools/train/train_tagger.py                      # the shipped model (~15 min on 2 cores)
    python tools/train/train_tagger.py --fold a --output /tmp/tagger-a   # cross-validation model

``--fold a`` trains without the SciREX papers of fold ``b`` (half of them, by document id)
and writes their ids to ``heldout_docs.txt`` beside the model, so SciREX can be measured on
papers the model never saw. ``--limit N --max-steps M`` make a tiny run (tests).
``--disguise 0.5`` (an experiment, not the shipped recipe: see ``docs/model-card.md``) adds
training copies whose names are replaced by invented names of the same shape; ``--loose-names
--body-sentences 80`` (also an experiment) trains SciREX methods by the merge's naming test and
reads twice as many body sentences. ``--width --depth --embed-size --window --hidden`` override
the network's size (defaults: ``tagger.cfg``, the shipped model).

Training data and licences: see ``docs/model-card.md``. SciER (GPL) and everything in
``../shared/eval`` are never read here.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

import spacy  # noqa: E402
from spacy.tokens import Doc, DocBin  # noqa: E402

from corpus import LABELS, Sentence, disguise, scirex, tdmsci, weak_sentences  # noqa: E402

CONFIG = Path(__file__).resolve().parent / "tagger.cfg"
# (flag, key under components.ner.model, what it sets): capacity is settable from the command line
ARCHITECTURE = (
    ("--width", "tok2vec.width", "the tok2vec width"),
    ("--depth", "tok2vec.depth", "the number of CNN layers"),
    ("--embed-size", "tok2vec.embed_size", "the rows of each hash-embedding table"),
    ("--window", "tok2vec.window_size", "the CNN window (tokens each side)"),
    ("--hidden", "hidden_width", "the NER parser's hidden width"),
)


def fold_of(doc_id: str) -> str:
    return "a" if hashlib.sha256(doc_id.encode()).digest()[0] % 2 == 0 else "b"


def to_doc(nlp: spacy.language.Language, sent: Sentence) -> Doc:
    """A Doc whose entities are ``sent.spans``; tokens in ``sent.missing`` (and in no span)
    have a missing label, every other token is outside."""
    doc = nlp.make_doc(sent.text)
    ents, taken = [], set()
    for s, e, label in sent.spans:
        span = doc.char_span(s, e, label=label, alignment_mode="expand")
        if span is None or any(i in taken for i in range(span.start, span.end)):
            continue
        ents.append(span)
        taken.update(range(span.start, span.end))
    missing = []
    for tok in doc:
        if tok.i in taken:
            continue
        if any(a < tok.idx + len(tok) and tok.idx < b for a, b in sent.missing):
            missing.append(doc[tok.i:tok.i + 1])
    doc.set_ents(ents, missing=missing, default="outside")
    return doc


def build(shared: Path, work: Path, *, fold: str, seed: int, limit: int | None,
          disguised: float = 0.0, loose_names: bool = False, body_sentences: int = 40) -> dict[str, object]:
    corpora = shared / "corpora"
    nlp = spacy.blank("en")
    train: list[Sentence] = []
    dev: list[Sentence] = []
    stats: dict[str, object] = {}
    heldout_docs: list[str] = []
    for sent in scirex(corpora, seed=seed, limit=limit, loose_names=loose_names, body_per_doc=body_sentences):
        if fold != "all" and fold_of(sent.group) != fold:
            heldout_docs.append(sent.group)
            continue
        (dev if hashlib.sha256(f"{seed}:{sent.group}".encode()).digest()[0] < 20 else train).append(sent)
    stats["scirex_sentences"] = sum(1 for s in train + dev if s.source == "scirex")
    tdm_train = list(tdmsci(corpora, "train", limit))
    tdm_test = list(tdmsci(corpora, "test", limit))
    train += tdm_train
    dev += tdm_test
    stats["tdmsci_sentences"] = len(tdm_train) + len(tdm_test)
    weak_train, weak_held = weak_sentences(corpora, seed=seed, limit=limit * 10 if limit else None)
    train += weak_train
    rng = random.Random(seed)
    dev += rng.sample(weak_held, min(400, len(weak_held)))
    if disguised:
        copies = [d for d in (disguise(s, rng, disguised) for s in train if s.source in ("weak", "scirex")) if d]
        train += copies
        stats["disguised_copies"] = len(copies)
    stats.update(weak_train=len(weak_train), weak_heldout=len(weak_held), train=len(train), dev=len(dev))
    rng.shuffle(train)
    for name, items in (("train", train), ("dev", dev)):
        DocBin(docs=(to_doc(nlp, s) for s in items), store_user_data=False).to_disk(work / f"{name}.spacy")
    if heldout_docs:
        stats["heldout_docs"] = sorted(set(heldout_docs))
    return stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"), help="the shared folder (holds corpora/)")
    ap.add_argument("--output", default=str(ROOT / "extractors" / "model"), help="where the model is written")
    ap.add_argument("--fold", choices=("all", "a", "b"), default="all", help="train on one SciREX fold only")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=None, help="read only this many documents per source")
    ap.add_argument("--max-steps", type=int, default=None, help="override training.max_steps")
    ap.add_argument("--work", default=None, help="keep the training files here (default: a temporary folder)")
    ap.add_argument("--disguise", type=float, default=0.0, metavar="SHARE",
                    help="add a copy of each SciREX/weak training sentence with this share of its names "
                         "replaced by invented names of the same shape (0: none)")
    ap.add_argument("--loose-names", action="store_true",
                    help="train SciREX methods as names by the merge's naming test (capitalized words mid-sentence "
                         "too); an experiment, not the shipped recipe")
    ap.add_argument("--body-sentences", type=int, default=40, metavar="N",
                    help="SciREX body sentences with a method/dataset per paper")
    arch = ap.add_argument_group("architecture (defaults: tagger.cfg, the shipped model)")
    for flag, key, what in ARCHITECTURE:
        arch.add_argument(flag, type=int, default=None, dest=key.replace(".", "_"), help=f"override {what}")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    if not (shared / "corpora").is_dir():
        print(f"error: no corpora folder under {shared} (pass --shared PATH)", file=sys.stderr)
        return 2
    from spacy.cli.train import train

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        stats = build(shared, work, fold=args.fold, seed=args.seed, limit=args.limit, disguised=args.disguise,
                      loose_names=args.loose_names, body_sentences=args.body_sentences)
        print(json.dumps({k: v for k, v in stats.items() if k != "heldout_docs"}), flush=True)
        overrides: dict[str, object] = {"paths.train": str(work / "train.spacy"), "paths.dev": str(work / "dev.spacy"),
                                        "system.seed": args.seed}
        for _flag, key, _what in ARCHITECTURE:
            if getattr(args, key.replace(".", "_")) is not None:
                overrides[f"components.ner.model.{key}"] = getattr(args, key.replace(".", "_"))
        if args.max_steps is not None:
            overrides["training.max_steps"] = args.max_steps
            overrides["training.eval_frequency"] = max(1, min(500, args.max_steps))
        train(CONFIG, work / "out", overrides=overrides)
        best = work / "out" / "model-best"
        if not best.is_dir():
            best = work / "out" / "model-last"
        out = Path(args.output)
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(best, out)
        # the vocabulary's string table would list the training texts' words; the NER
        # hashes its features and needs only its labels (predictions are unchanged)
        (out / "vocab" / "strings.json").write_text(json.dumps(sorted(LABELS)), encoding="utf-8")
        (out / "training.json").write_text(json.dumps({**stats, "seed": args.seed, "fold": args.fold, "overrides": {
            k: v for k, v in overrides.items() if not k.startswith("paths.")}}, indent=1) + "\n",
                                           encoding="utf-8")
    print(f"model written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
