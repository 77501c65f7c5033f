"""Where the merge loses the tagger's novel method names on SciER (measurement only).

Runs ``paperkg extract`` on the SciER passages with ``PAPERKG_TAGGER_DROPS`` set, then,
for every named gold METHOD mention in no curated list (the novel-name recall of
``benchmarks/eval_extraction.py``), says what happened to it, first cause that applies:

* ``found``: in the output (name or alias);
* ``output-as-<type>``: the output holds the name, typed otherwise (``type`` cause);
* ``kept-but-lost``: the tagger span passed :func:`extractors.tagger.tag_candidates` but the
  final entities do not hold it (merged into another name, nested);
* a drop reason of ``tag_candidates`` (the first one logged for a span with that name;
  ``tagged <type>: reason`` when the tagger gave it another label);
* ``boundary-longer`` / ``boundary-shorter``: no span with that name, but the passage's tagger
  spans or output names hold a longer phrase around it (``CNN`` inside ``CNN features``) or a
  shorter piece of it (``RCN`` for ``RCN-B``);
* ``elsewhere-in-paper``: another passage of the same paper outputs or tags the name;
* ``tagger-missed``: nothing above.

    python benchmarks/tagger_drops.py [--shared ../shared] [--type method] [--keep DIR] [--list CAUSE]

``--keep DIR`` keeps the predictions, the drop log and one line per miss (``misses.jsonl``);
``--list CAUSE`` prints the misses of one cause.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_extraction import ROOT, list_keys, norm  # noqa: E402

_WORD = re.compile(r"[0-9a-z]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _inside(small: list[str], big: list[str]) -> bool:
    """``small`` is a run of whole words of ``big`` (word boundaries, not letters)."""
    n = len(small)
    return 0 < n < len(big) and any(big[i:i + n] == small for i in range(len(big) - n + 1))


def classify(named: str, gold_text: str, forms: dict[str, set[str]], logged: list[dict], texts: set[str],
             paper_forms: set[str], etype: str) -> str:
    """The cause of one missed (or found) named gold mention; see the module docstring."""
    if named in forms.get(etype, set()):
        return "found"
    for other, fs in sorted(forms.items()):
        if other != etype and named in fs:
            return f"output-as-{other}"
    reasons = [d for d in logged if norm(d["text"]) == named]
    if reasons:
        if any(d["reason"] == "kept" and d["type"] == etype for d in reasons):
            return "kept-but-lost"
        d = reasons[0]
        return d["reason"] if d["type"] == etype else f"tagged {d['type']}: {d['reason']}"
    gw = _words(gold_text)
    if any(_inside(gw, _words(t)) for t in texts):
        return "boundary-longer"
    if any(_inside(_words(t), gw) for t in texts):
        return "boundary-shorter"
    if named in paper_forms:
        return "elsewhere-in-paper"
    return "tagger-missed"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--type", default="method", choices=["method", "dataset"])
    ap.add_argument("--keep", default=None, metavar="DIR")
    ap.add_argument("--list", default=None, metavar="CAUSE")
    ap.add_argument("extract_options", nargs="*")
    args = ap.parse_args()
    ev = Path(args.shared) / "eval" / "scier"
    with tempfile.TemporaryDirectory() as tmp:
        pred, drops = Path(tmp) / "pred.jsonl", Path(tmp) / "drops.jsonl"
        env = {**os.environ, "PAPERKG_TAGGER_DROPS": str(drops)}
        subprocess.run([sys.executable, "-m", "kg.cli.main", "-q", "extract", str(ev / "input.jsonl"), "-o", str(pred),
                        *args.extract_options], check=True, env=env)
        forms: dict[str, dict[str, set[str]]] = {}  # title -> type -> normalized names and aliases
        texts: dict[str, set[str]] = {}  # title -> surface forms output or tagged (any type)
        for line in pred.open(encoding="utf-8"):
            rec = json.loads(line)
            title = rec["paper"]["title"]
            for e in rec.get("entities", []):
                names = [e["name"], *(e.get("aliases") or [])]
                forms.setdefault(title, {}).setdefault(e["type"], set()).update(norm(n) for n in names)
                texts.setdefault(title, set()).update(names)
        logged: dict[str, list[dict]] = {}
        for line in drops.open(encoding="utf-8") if drops.exists() else []:
            d = json.loads(line)
            logged.setdefault(d["title"].strip(), []).append(d)
            texts.setdefault(d["title"].strip(), set()).add(d["text"])
        if args.keep:
            Path(args.keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(pred, Path(args.keep) / "pred.jsonl")
            if drops.exists():
                shutil.copy(drops, Path(args.keep) / "drops.jsonl")
    gold = [json.loads(line) for line in (ev / "gold.jsonl").open(encoding="utf-8")]
    by_paper: dict[str, set[str]] = {}  # doc -> names output (this type) or tagged in any passage
    for g in gold:
        paper = by_paper.setdefault(g.get("doc", g["title"]), set())
        paper |= forms.get(g["title"], {}).get(args.type, set())
        paper |= {norm(d["text"]) for d in logged.get(g["title"], []) if d["type"] == args.type}
    known = list_keys().get(args.type, set())
    outcome: Counter[str] = Counter()
    misses = []
    for g in gold:
        surface: dict[str, str] = {}
        for e in g["entities"]:
            if e["type"] == args.type and e["named"] and norm(e["text"]):
                surface.setdefault(norm(e["text"]), e["text"])
        for n in sorted(set(surface) - known):
            cause = classify(n, surface[n], forms.get(g["title"], {}), logged.get(g["title"], []),
                             texts.get(g["title"], set()), by_paper.get(g.get("doc", g["title"]), set()), args.type)
            outcome[cause] += 1
            if cause != "found":
                misses.append({"title": g["title"], "gold": surface[n], "cause": cause})
    if args.keep:
        with (Path(args.keep) / "misses.jsonl").open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(m) + "\n" for m in misses)
    total = sum(outcome.values())
    print(f"| outcome ({args.type}, SciER novel named) | n | share |\n|---|---:|---:|")
    for reason, n in outcome.most_common():
        print(f"| {reason} | {n} | {n / total:.3f} |")
    print(f"| total | {total} | |")
    if args.list:
        for m in misses:
            if m["cause"] == args.list:
                print(f"{m['gold']!r:40} [{m['title']}]")


if __name__ == "__main__":
    main()
