"""The novel method names nothing proposes on SciER, grouped by shape and context
(measurement only; reads ``../shared`` at run time).

Runs ``paperkg extract`` on the SciER passages with ``PAPERKG_TAGGER_DROPS`` set (or reads
an earlier run with ``--pred``/``--drops``), then takes every named gold METHOD mention in no
curated list (the novel-name recall of ``benchmarks/eval_extraction.py``) that the output
lacks as a method and that the tagger never proposed (a *silent* miss), finds where the
passage says it, and counts it by

* shape: ``generic`` (a class term the guidelines exclude), ``acronym``, ``camel`` (mixed
  case), ``letter+digit``, ``capped-hyphen`` (a hyphen compound with capitals), ``morph``
  (``X-Net``/``X-former``-style endings), ``capitalized`` (a run of capitalized words),
  ``lowercase``;
* context (a mention may have several): ``kind-noun`` ("X network/model/loss"), ``verb``
  ("we propose/use/apply X", "compared with X"), ``list`` (a comma/and neighbour is a method
  the output holds), ``paren`` ("a description (X)"), ``sentence-start``, ``none``.

It then gives recall over *all* novel named gold methods by shape: found in the output,
found with a candidate of ``--extractor`` (default ``coined``) among its sources, and, with
``--before PRED`` (an earlier ``paperkg extract`` output on the same passages), found before.

    python benchmarks/coined_misses.py [--shared ../shared] [--examples 8] [--pred P --drops D] [--before PRED]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_extraction import ROOT, list_keys, norm  # noqa: E402

sys.path.insert(0, str(ROOT))
from extractors.names import is_acronym, is_coined, is_generic, is_not_name  # noqa: E402
from extractors.vocab import METHOD_KINDS, METHOD_NOUNS  # noqa: E402

MORPH = re.compile(r"(?:net|nets|former|formers|gan|bert|lstm|rnn|cnn|vae|seg|flow|mix|match|nerf|gpt|diff|"
                   r"det|rcnn|yolo|pose)$", re.I)
VERBS = re.compile(r"\b(?:propose[sd]?|present(?:s|ed)?|introduce[sd]?|use[sd]?|using|appl(?:y|ies|ied)|adopt(?:s|ed)?|"
                   r"employ(?:s|ed)?|compared?\s+(?:with|to)|than|over|outperform(?:s|ed)?|call(?:ed)?|named|dubbed|"
                   r"termed|extend(?:s|ed)?|build\s+on|based\s+on|such\s+as|including|like|e\.g\.,?|via|with)"
                   r"\s+(?:the\s+|a\s+|an\s+|our\s+)?$", re.I)


def shape(text: str) -> str:
    words = text.split()
    if is_generic(text) or is_not_name(text):
        return "generic"
    if len(words) == 1:
        if is_acronym(text):
            return "acronym"
        if MORPH.search(text) and ("-" in text or re.search(r"[a-z][A-Z]", text)):
            return "morph"
        if re.search(r"[a-z][A-Z]", text):
            return "camel"
        if re.search(r"\d", text):
            return "letter+digit"
        if "-" in text and re.search(r"[A-Z]", text):
            return "capped-hyphen"
    if any(is_coined(w) or is_acronym(w) for w in words):
        return "multiword-coined"
    if sum(w[:1].isupper() for w in words) >= max(1, len(words) - 1):
        return "capitalized"
    return "lowercase"


def contexts(passage: str, start: int, end: int, methods: set[str]) -> list[str]:
    out = []
    after = passage[end:end + 30].split()
    nxt = after[0].strip(",.;:()").lower() if after else ""
    if nxt.rstrip("s") in METHOD_KINDS or nxt in METHOD_NOUNS or nxt.rstrip("s") in METHOD_NOUNS:
        out.append("kind-noun")
    before = passage[max(0, start - 40):start]
    if VERBS.search(before):
        out.append("verb")
    left = re.search(r"([\w+-]+(?: [\w+-]+)?)\s*(?:\[[\d,\s]+\])?\s*(?:,|\band|\bor)\s*(?:the\s+)?$", passage[max(0, start - 50):start])
    right = re.match(r"\s*(?:\[[\d,\s]+\])?\s*(?:,|and\b|or\b)\s*(?:the\s+)?([\w+-]+(?: [\w+-]+)?)", passage[end:end + 50])
    neigh = [m.group(1) for m in (left, right) if m]
    if any(norm(n) in methods or any(norm(w) in methods for w in n.split()) for n in neigh):
        out.append("list")
    if passage[max(0, start - 2):start].strip() == "(" and re.search(r"[A-Za-z]{3,}\s*\($", passage[max(0, start - 20):start]):
        out.append("paren")
    sent_start = max(passage.rfind(". ", 0, start), -1)
    if passage[sent_start + 1:start].strip() == "":
        out.append("sentence-start")
    return out or ["none"]


def locate(passage: str, name: str) -> tuple[int, int] | None:
    key = norm(name)
    # the gold text verbatim, else case-insensitive, else by normalized form over word runs
    i = passage.find(name)
    if i >= 0:
        return i, i + len(name)
    i = passage.lower().find(name.lower())
    if i >= 0:
        return i, i + len(name)
    for m in re.finditer(r"\S+", passage):
        if norm(m.group(0)) == key:
            return m.start(), m.end()
    return None


def run_extract(ev: Path, tmp: Path) -> tuple[Path, Path]:
    pred, drops = tmp / "pred.jsonl", tmp / "drops.jsonl"
    env = {**os.environ, "PAPERKG_TAGGER_DROPS": str(drops)}
    subprocess.run([sys.executable, "-m", "kg.cli.main", "-q", "extract", str(ev / "input.jsonl"), "-o", str(pred)],
                   check=True, env=env, cwd=ROOT)
    return pred, drops


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--examples", type=int, default=6)
    ap.add_argument("--pred")
    ap.add_argument("--drops")
    ap.add_argument("--extractor", default="coined")
    ap.add_argument("--before", help="an earlier extract output on the SciER passages (recall before/after)")
    args = ap.parse_args()
    ev = Path(args.shared) / "eval" / "scier"
    with tempfile.TemporaryDirectory() as tmp:
        pred, drops = (Path(args.pred), Path(args.drops)) if args.pred else run_extract(ev, Path(tmp))
        found: dict[str, set[str]] = {}
        methods: dict[str, set[str]] = {}
        by_extractor: dict[str, set[str]] = {}
        for line in pred.open(encoding="utf-8"):
            rec = json.loads(line)
            title = rec["paper"]["title"]
            for e in rec.get("entities", []):
                forms = {norm(e["name"]), *(norm(a) for a in e.get("aliases") or [])}
                found.setdefault(title, set())
                if e.get("type") == "method":
                    found[title] |= forms
                    methods.setdefault(title, set()).update(forms)
                    if args.extractor in str(e.get("extractor", "")).split("+"):
                        by_extractor.setdefault(title, set()).update(forms)
        tagged: set[tuple[str, str]] = set()
        for line in drops.open(encoding="utf-8") if drops.exists() else []:
            d = json.loads(line)
            tagged.add((d["title"].strip(), norm(d["text"])))
    before: dict[str, set[str]] = {}
    for line in open(args.before, encoding="utf-8") if args.before else []:
        rec = json.loads(line)
        before[rec["paper"]["title"]] = {norm(f) for e in rec.get("entities", []) if e.get("type") == "method"
                                         for f in (e["name"], *(e.get("aliases") or []))}
    passages = {json.loads(line)["title"]: json.loads(line)["abstract"] for line in (ev / "input.jsonl").open(encoding="utf-8")}
    known = list_keys().get("method", set())
    shapes: Counter[str] = Counter()
    ctx: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    total = silent = 0
    by_shape: dict[str, Counter[str]] = defaultdict(Counter)
    for line in (ev / "gold.jsonl").open(encoding="utf-8"):
        g = json.loads(line)
        title = g["title"]
        seen: set[str] = set()
        for e in g["entities"]:
            key = norm(e["text"])
            if e["type"] != "method" or not e["named"] or not key or key in known or key in seen:
                continue
            seen.add(key)
            total += 1
            s = shape(e["text"])
            row = by_shape[s]
            row["n"] += 1
            row["after"] += key in found.get(title, set())
            row["before"] += key in before.get(title, set())
            row["by-extractor"] += key in by_extractor.get(title, set())
            if key in found.get(title, set()) or (title.strip(), key) in tagged:
                continue
            silent += 1
            where = locate(passages[title], e["text"])
            cs = contexts(passages[title], *where, methods.get(title, set())) if where else ["not-verbatim"]
            shapes[s] += 1
            for c in cs:
                ctx[c] += 1
                pairs[(s, c)] += 1
            if len(examples[s]) < args.examples:
                snippet = passages[title][max(0, where[0] - 40):where[1] + 30].replace("\n", " ") if where else ""
                examples[s].append(f"{e['text']!r} [{','.join(cs)}] …{snippet}…")
    print(f"novel named gold methods {total}; silent misses {silent}\n")
    print("| shape | n | " + " | ".join(c for c, _ in ctx.most_common()) + " |")
    print("|---|---:|" + "---:|" * len(ctx))
    for s, n in shapes.most_common():
        print(f"| {s} | {n} | " + " | ".join(str(pairs[(s, c)]) for c, _ in ctx.most_common()) + " |")
    print(f"| all | {silent} | " + " | ".join(str(n) for _, n in ctx.most_common()) + " |")
    print(f"\n| shape (all novel named) | n | found before | found now | with '{args.extractor}' |\n|---|---:|---:|---:|---:|")
    rows = sorted(by_shape.items(), key=lambda kv: -kv[1]["n"])
    for s, row in rows + [("all", sum((r for _, r in rows), Counter()))]:
        was = f"{row['before']} ({row['before'] / row['n']:.3f})" if args.before else "-"
        print(f"| {s} | {row['n']} | {was} | {row['after']} ({row['after'] / row['n']:.3f}) | {row['by-extractor']} |")
    for s, _ in shapes.most_common() if args.examples else ():
        print(f"\n## {s}")
        for x in examples[s]:
            print("  " + x)


if __name__ == "__main__":
    main()
