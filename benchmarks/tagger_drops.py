"""Where the merge loses the tagger's novel method names on SciER (measurement only).

Runs ``paperkg extract`` on the SciER passages with ``PAPERKG_TAGGER_DROPS`` set, then,
for every named gold METHOD mention in no curated list (the novel-name recall of
``benchmarks/eval_extraction.py``), says what happened to it:

* ``found``: in the output (name or alias);
* ``kept-but-lost``: the tagger span passed :func:`extractors.tagger.tag_candidates` but the
  final entities do not hold it (retyped, merged into another name, nested);
* a drop reason of ``tag_candidates`` (the first one logged for a span with that name);
* ``tagger-missed``: the tagger proposed no span with that normalized name.

    python benchmarks/tagger_drops.py [--shared ../shared] [--type method]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_extraction import ROOT, list_keys, norm  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--type", default="method", choices=["method", "dataset"])
    args = ap.parse_args()
    ev = Path(args.shared) / "eval" / "scier"
    with tempfile.TemporaryDirectory() as tmp:
        pred, drops = Path(tmp) / "pred.jsonl", Path(tmp) / "drops.jsonl"
        env = {**os.environ, "PAPERKG_TAGGER_DROPS": str(drops)}
        subprocess.run([sys.executable, "-m", "kg.cli.main", "-q", "extract", str(ev / "input.jsonl"), "-o", str(pred)],
                       check=True, env=env)
        found_forms: dict[str, set[str]] = {}
        for line in pred.open(encoding="utf-8"):
            rec = json.loads(line)
            forms = found_forms.setdefault(rec["paper"]["title"], set())
            for e in rec.get("entities", []):
                if e.get("type") == args.type:
                    forms |= {norm(e["name"]), *(norm(a) for a in e.get("aliases") or [])}
        logged: dict[tuple[str, str], list[str]] = {}
        for line in drops.open(encoding="utf-8") if drops.exists() else []:
            d = json.loads(line)
            reason = d["reason"] if d["type"] == args.type else f"tagged {d['type']}: {d['reason']}"
            logged.setdefault((d["title"].strip(), norm(d["text"])), []).append(reason)
    known = list_keys().get(args.type, set())
    outcome: Counter[str] = Counter()
    for line in (ev / "gold.jsonl").open(encoding="utf-8"):
        g = json.loads(line)
        named = {norm(e["text"]) for e in g["entities"] if e["type"] == args.type and e["named"]} - {""}
        for n in sorted(named - known):
            if n in found_forms.get(g["title"], set()):
                outcome["found"] += 1
                continue
            reasons = logged.get((g["title"].strip(), n))
            if not reasons:
                outcome["tagger-missed"] += 1
            elif "kept" in reasons or any(r.endswith(": kept") for r in reasons):
                outcome["kept-but-lost"] += 1
            else:
                outcome[reasons[0]] += 1
    total = sum(outcome.values())
    print(f"| outcome ({args.type}, SciER novel named) | n | share |\n|---|---:|---:|")
    for reason, n in outcome.most_common():
        print(f"| {reason} | {n} | {n / total:.3f} |")
    print(f"| total | {total} | |")


if __name__ == "__main__":
    main()
