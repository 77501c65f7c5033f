"""Is ``confidence`` calibrated? Expected calibration error and a reliability table on the
visible evaluation sets (seed dev, SciER passages), judged as the scorers judge:

* seed dev: a method/dataset entity is right when one of its forms is a gold method/dataset
  of its paper, neutral (not counted) when it is only a method class or OPTIONAL, wrong
  otherwise; a task is right when it contains or is contained in a gold task;
* SciER: right when a form is a *named* gold mention of its type in the passage, neutral
  when only a generic one, wrong otherwise. Metrics are not annotated in either: not counted.

    python benchmarks/calibration.py [--shared ../shared] [--bins 10] [-- EXTRACT OPTIONS]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_extraction import ROOT, norm, run  # noqa: E402

OPT = re.compile(r"OPTIONAL\[(\w+)\]=\{([^}]*)\}")


def forms(e: dict) -> set[str]:
    return ({norm(e["name"])} | {norm(a) for a in e.get("aliases") or []}) - {""}


def judge_dev(gold_path: Path, pred_path: Path) -> list[tuple[float, bool, str]]:
    pred = {json.loads(line)["paper"]["title"].strip().casefold(): json.loads(line) for line in pred_path.open()}
    out = []
    for line in gold_path.open(encoding="utf-8"):
        g = json.loads(line)
        rec = pred.get(g["title"].strip().casefold(), {"entities": []})
        optional: set[str] = set()
        for _, items in OPT.findall(g.get("notes", "")):
            optional |= {norm(x) for x in items.split("|")}
        neutral = {norm(c) for c in g["method_classes"]} | optional
        gold = {"method": set().union(*[forms(e) for e in g["proposed_methods"] + g["methods"]] or [set()]),
                "dataset": set().union(*[forms(e) for e in g["datasets"]] or [set()])}
        tasks = [norm(t) for t in g["tasks"]]
        for e in rec["entities"]:
            f = forms(e)
            if e["type"] in gold:
                if f & gold[e["type"]]:
                    out.append((e["confidence"], True, e["type"]))
                elif not f & neutral:
                    out.append((e["confidence"], False, e["type"]))
            elif e["type"] == "task":
                t = norm(e["name"])
                out.append((e["confidence"], any(t and (t in x or x in t) for x in tasks), "task"))
    return out


def judge_spans(gold_path: Path, pred_path: Path) -> list[tuple[float, bool, str]]:
    pred = {}
    for line in pred_path.open(encoding="utf-8"):
        rec = json.loads(line)
        pred[rec["paper"]["title"]] = rec["entities"]
    out = []
    for line in gold_path.open(encoding="utf-8"):
        g = json.loads(line)
        for e in pred.get(g["title"], []):
            if e["type"] not in ("method", "dataset", "task"):
                continue
            named = {norm(x["text"]) for x in g["entities"] if x["type"] == e["type"] and x["named"]}
            anyform = {norm(x["text"]) for x in g["entities"] if x["type"] == e["type"]}
            f = forms(e)
            if f & named:
                out.append((e["confidence"], True, e["type"]))
            elif not f & anyform:
                out.append((e["confidence"], False, e["type"]))
    return out


def reliability(samples: list[tuple[float, bool, str]], bins: int = 10) -> tuple[float, list[dict[str, float]]]:
    """ECE over equal-width confidence bins, and the per-bin table."""
    rows = []
    ece = 0.0
    n = len(samples)
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(c, r) for c, r, _ in samples if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if not inside:
            continue
        conf = sum(c for c, _ in inside) / len(inside)
        acc = sum(r for _, r in inside) / len(inside)
        ece += len(inside) / n * abs(acc - conf)
        rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": len(inside), "confidence": round(conf, 3), "right": round(acc, 3)})
    return round(ece, 4), rows


def at_least(samples: list[tuple[float, bool, str]], cuts: tuple[float, ...] = (0.3, 0.5, 0.7, 0.9)) -> list[str]:
    out = []
    for c in cuts:
        kept = [r for conf, r, _ in samples if conf >= c]
        out.append(f"conf >= {c:.1f}: {len(kept):5d} entities, {sum(kept) / len(kept) if kept else 0:.3f} right")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--bins", type=int, default=10)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("extract_options", nargs="*")
    args = ap.parse_args()
    ev = Path(args.shared) / "eval"
    paperkg = [sys.executable, "-m", "kg.cli.main"]
    results: dict[str, list[tuple[float, bool, str]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, inp, gold, judge in (("dev", ev / "seed-dev" / "dev.jsonl", ev / "seed-dev" / "dev.jsonl", judge_dev),
                                       ("scier", ev / "scier" / "input.jsonl", ev / "scier" / "gold.jsonl", judge_spans)):
            pred = Path(tmp) / f"{name}.jsonl"
            run([*paperkg, "-q", "extract", str(inp), "-o", str(pred), *args.extract_options])
            results[name] = judge(gold, pred)
    results["all"] = results["dev"] + results["scier"]
    report = {}
    for name, samples in results.items():
        ece, rows = reliability(samples, args.bins)
        report[name] = {"ece": ece, "n": len(samples), "table": rows, "at_least": at_least(samples)}
    if args.json:
        print(json.dumps(report, indent=1))
        return
    for name, rep in report.items():
        print(f"== {name}: ECE {rep['ece']:.3f} over {rep['n']} judged entities")
        print(f"   {'bin':9s} {'n':>6s} {'mean conf':>10s} {'share right':>12s}")
        for row in rep["table"]:
            print(f"   {row['bin']:9s} {row['n']:6d} {row['confidence']:10.3f} {row['right']:12.3f}")
        for line in rep["at_least"]:
            print("   " + line)


if __name__ == "__main__":
    main()
