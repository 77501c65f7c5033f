"""Every extraction score on every visible evaluation set, in one run.

Runs ``paperkg extract`` on the seed dev papers, the SciREX train abstracts and the SciER
passages, scores each with the project's scorers in ``../shared/eval`` and prints one table:

* seed dev (``score.py seedgold``): methods, proposed, datasets, tasks, code links;
* SciREX train abstracts (``score.py scirex``): methods, datasets;
* SciER passages (``score_spans.py``): methods, datasets, tasks;
* novel-name recall on SciER: recall over the *named* gold mentions whose normalized form
  is in none of the curated lists (``extractors/data``) — what the lists cannot give;
* SciREX abstract Task mentions (clusters by gold entity, ``score.py``'s matching): tasks;
* TDMSci test sentences (``../shared/corpora/tdmsci``, NLP papers, one passage per sentence,
  ``score_spans.py``): tasks and datasets — a held-out measure no rule was tuned on.

    python benchmarks/eval_extraction.py [--shared ../shared] [--json] [-- EXTRACT OPTIONS]

Options after ``--`` go to ``paperkg extract`` (for example ``--exclude paperkg_tagger``).
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", unicodedata.normalize("NFKC", text).casefold())


def list_keys() -> dict[str, set[str]]:
    """Normalized names and aliases of every curated entry, by entity type."""
    from extractors.gazetteer import default_records

    out: dict[str, set[str]] = {}
    for etype, rows in default_records().items():
        keys = out.setdefault(etype, set())
        for row in rows:
            for form in [row.get("name"), row.get("acronym"), *(row.get("aliases") or [])]:
                if isinstance(form, str) and norm(form):
                    keys.add(norm(form))
    return out


def novel_recall(gold_path: Path, pred_path: Path) -> dict[str, dict[str, float | int]]:
    """Recall over named gold mentions in no curated list, per type (score_spans matching)."""
    keys = list_keys()
    pred: dict[str, list[dict]] = {}
    for line in pred_path.open(encoding="utf-8"):
        rec = json.loads(line)
        pred[rec["paper"]["title"]] = rec.get("entities", [])
    out = {}
    for typ in ("method", "dataset", "task"):
        known = keys.get(typ, set())
        found = total = 0
        for line in gold_path.open(encoding="utf-8"):
            g = json.loads(line)
            named = {norm(e["text"]) for e in g["entities"] if e["type"] == typ and e["named"]} - {""}
            novel = {n for n in named if n not in known}
            forms: set[str] = set()
            for e in pred.get(g["title"], []):
                if e.get("type") == typ:
                    forms |= {norm(e["name"]), *(norm(a) for a in e.get("aliases") or [])}
            total += len(novel)
            found += len(novel & forms)
        out[typ] = {"r": round(found / total, 3) if total else 0.0, "found": found, "novel": total}
    return out


def held_out_scirex(ev: Path, model_dir: Path, tmp: Path) -> tuple[Path, Path]:
    """The SciREX input and gold restricted to the papers ``model_dir``'s model never saw."""
    docs = set(json.loads((model_dir / "training.json").read_text("utf-8"))["heldout_docs"])
    inp, gold = tmp / "scirex-heldout.input.jsonl", tmp / "scirex-heldout.gold.jsonl"
    with inp.open("w", encoding="utf-8") as out:
        for line in (ev / "scirex" / "train.input.jsonl").open(encoding="utf-8"):
            if json.loads(line)["id"] in docs:
                out.write(line)
    with gold.open("w", encoding="utf-8") as out:
        for line in (ev / "scirex" / "train.abstracts.jsonl").open(encoding="utf-8"):
            if json.loads(line)["doc_id"] in docs:
                out.write(line)
    return inp, gold


def tdmsci_passages(conll: Path, tmp: Path) -> tuple[Path, Path]:
    """The TDMSci CoNLL sentences (token, char offset, BIO tag) as ``paperkg extract`` input and
    ``score_spans.py`` gold: one passage per sentence; every TASK and DATASET span is named."""
    inp, gold = tmp / "tdmsci.input.jsonl", tmp / "tdmsci.gold.jsonl"
    sentences: list[list[tuple[str, int, str]]] = [[]]
    for line in conll.open(encoding="utf-8"):
        cols = line.rstrip("\n").split("\t")
        if len(cols) == 3:
            sentences[-1].append((cols[0], int(cols[1]), cols[2]))
        elif sentences[-1]:
            sentences.append([])
    with inp.open("w", encoding="utf-8") as fi, gold.open("w", encoding="utf-8") as fg:
        for n, toks in enumerate((t for t in sentences if t), 1):
            base = toks[0][1]  # offsets count from the document start
            toks = [(tok, off - base, tag) for tok, off, tag in toks]
            chars: list[str] = []
            for tok, off, _ in toks:
                chars.extend(" " * (off - len(chars)))
                chars[off:off + len(tok)] = tok
            text = "".join(chars)
            ents: list[dict[str, object]] = []
            for tok, off, tag in toks:
                label = tag[2:].lower()
                if tag.startswith("B-"):
                    ents.append({"type": label, "start": off, "end": off + len(tok)})
                elif tag.startswith("I-") and ents and ents[-1]["type"] == label:
                    ents[-1]["end"] = off + len(tok)
            title = f"TDMSci sentence {n}"
            fi.write(json.dumps({"id": f"tdmsci-{n}", "title": title, "abstract": text}) + "\n")
            fg.write(json.dumps({"title": title, "entities": [
                {"type": e["type"], "text": text[int(e["start"]):int(e["end"])], "named": True}  # type: ignore[call-overload]
                for e in ents if e["type"] in ("task", "dataset")]}) + "\n")
    return inp, gold


def scirex_tasks(ev: Path, pred_path: Path, gold_path: Path | None = None) -> dict[str, float | int]:
    """SciREX abstract Task mentions: one gold entity per annotated cluster (its forms), each
    predicted task matched at most once (``score.py``'s ``match_sets``)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("shared_score", ev / "score.py")
    assert spec and spec.loader
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    pred = score.load_pred(str(pred_path))
    acc = [0, 0, 0]
    for line in (gold_path or ev / "scirex" / "train.abstracts.jsonl").open(encoding="utf-8"):
        g = json.loads(line)
        if not g.get("abstract_ok"):
            continue
        rec = pred.get(score.norm_title(g.get("title") or g["doc_id"])) or {"entities": []}
        clusters: dict[str, set[str]] = {}
        for m in g["mentions"] + g.get("title_mentions", []):
            if m["type"] == "Task":
                key = m.get("entity") or score.norm(m["text"])
                clusters.setdefault(key, set()).add(score.norm(m["text"]))
        gold_ents = [s - {""} for s in clusters.values() if s - {""}]
        pred_ents = [score.forms(e) for e in rec.get("entities", []) if e.get("type") == "task"]
        acc = [a + b for a, b in zip(acc, score.match_sets(pred_ents, gold_ents, set()))]
    return dict(score.prf(*acc))


def run(cmd: list[str]) -> str:
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if res.returncode not in (0, 1):
        sys.exit(f"command failed ({res.returncode}): {' '.join(cmd)}\n{res.stderr.strip()}")
    return res.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--scirex-docs", default=None, metavar="MODEL_DIR",
                    help="score SciREX only on the papers a cross-validation model held out "
                         "(its training.json, from tools/train/train_tagger.py --fold a)")
    ap.add_argument("--keep", default=None, metavar="DIR", help="keep each set's predictions in DIR")
    ap.add_argument("extract_options", nargs="*")
    args = ap.parse_args()
    shared = Path(args.shared)
    ev = shared / "eval"
    paperkg = [sys.executable, "-m", "kg.cli.main"]
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        sets = {
            "dev": (ev / "seed-dev" / "dev.jsonl", "seedgold"),
            "scirex": (ev / "scirex" / "train.input.jsonl", "scirex"),
            "scier": (ev / "scier" / "input.jsonl", "spans"),
            "tdmsci": (shared / "corpora" / "tdmsci" / "test_500_v2.conll", "tdmsci"),
        }
        gold_opts: dict[str, list[str]] = {}
        if args.scirex_docs:
            inp, gold = held_out_scirex(ev, Path(args.scirex_docs), Path(tmp))
            sets["scirex"] = (inp, "scirex")
            gold_opts["scirex"] = ["--gold", str(gold)]
        for name, (inp, kind) in sets.items():
            pred = Path(tmp) / f"{name}.jsonl"
            if kind == "tdmsci":
                inp, gold_path = tdmsci_passages(inp, Path(tmp))
            run([*paperkg, "-q", "extract", str(inp), "-o", str(pred), *args.extract_options])
            if args.keep:
                Path(args.keep).mkdir(parents=True, exist_ok=True)
                (Path(args.keep) / pred.name).write_bytes(pred.read_bytes())
                if kind == "tdmsci":
                    (Path(args.keep) / "tdmsci.gold.jsonl").write_bytes(gold_path.read_bytes())
            if kind == "tdmsci":
                out = run([sys.executable, str(ev / "score_spans.py"), str(gold_path), str(pred), "--json"])
                res = json.loads(out)
                results[name] = {"task": res["task"], "dataset": res["dataset"]}
            elif kind == "spans":
                out = run([sys.executable, str(ev / "score_spans.py"), str(ev / "scier" / "gold.jsonl"),
                           str(pred), "--json"])
                results[name] = json.loads(out)
                results["scier-novel"] = novel_recall(ev / "scier" / "gold.jsonl", pred)
            else:
                out = run([sys.executable, str(ev / "score.py"), kind, str(pred), "--json", *gold_opts.get(name, [])])
                results[name] = json.loads(out)
                if kind == "scirex":
                    results["scirex"]["task"] = scirex_tasks(ev, pred, Path(gold_opts[name][1]) if name in gold_opts else None)
    if args.json:
        print(json.dumps(results, indent=1))
        return
    for name, res in results.items():
        for field, val in res.items():
            if isinstance(val, dict):
                if "f1" in val:
                    print(f"{name:12} {field:10} P {val['p']:.3f}  R {val['r']:.3f}  F1 {val['f1']:.3f}"
                          f"  (tp {val['tp']} fp {val['fp']} fn {val['fn']})")
                else:
                    print(f"{name:12} {field:10} R {val['r']:.3f}  ({val['found']}/{val['novel']} novel named)")
            else:
                print(f"{name:12} {field:10} {val}")


if __name__ == "__main__":
    main()
