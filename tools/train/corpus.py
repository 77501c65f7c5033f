"""Training examples for the paperkg tagger, read from ``../shared/corpora`` at training time.

Every reader yields :class:`Sentence` values: a text, its labelled character spans and the
character spans whose label is unknown ("missing" for the training loss). Nothing read here
is written into the project; only the trained model ships.

* SciREX full papers (Apache-2.0): Method -> METHOD (named mentions only, see
  :func:`named_method`), Material -> DATASET (named only), Task -> TASK, Metric -> METRIC.
  Generic methods ("encoder", "attention mechanism") are trained as *outside*, as the seed
  guidelines ask; name-shaped tokens that the semi-automatic annotation left out are missing.
* TDMSci (Apache-2.0): TASK, DATASET, METRIC; it has no method type, so name-shaped tokens
  outside its spans are missing.
* Unannotated abstracts (SciTLDR-A, CSAbstruct: Apache-2.0; Beese et al.: CC BY 4.0): weak
  METHOD/DATASET labels from paperkg's own curated lists and rules; every other token is
  missing. A seeded share of the names is held out: abstracts that mention a held-out name are
  not trained on (they form the weak development set), so the tagger must learn context.
"""
from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from extractors.names import is_acronym, is_coined, is_generic, is_not_name, norm_key
from extractors.text import words as text_words
from extractors.vocab import DATASET_KINDS, DATASET_NOUNS, METHOD_HEADS, METHOD_KINDS, METHOD_NOUNS

LABELS = ("METHOD", "DATASET", "TASK", "METRIC")
SCIREX_LABELS = {"Method": "METHOD", "Material": "DATASET", "Task": "TASK", "Metric": "METRIC"}
NO_SPACE_BEFORE = {",", ".", ")", "]", "}", ":", ";", "%", "?", "!", "'s", "n't", "'", "’s"}
NO_SPACE_AFTER = {"(", "[", "{"}
_WORDLIKE = re.compile(r"^[\w.+]+$")


@dataclass
class Sentence:
    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    missing: list[tuple[int, int]] = field(default_factory=list)
    source: str = ""
    group: str = ""  # document id: folds and held-out sets split by document


def detokenize(words: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Text and per-word character offsets for a whitespace-tokenized word list
    (``Full - Resolution`` -> ``Full-Resolution``, no space before ``,`` or ``)``)."""
    out: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    for i, w in enumerate(words):
        glue = i == 0 or w in NO_SPACE_BEFORE or words[i - 1] in NO_SPACE_AFTER
        if w == "-" and 0 < i < len(words) - 1 and _WORDLIKE.match(words[i - 1]) and _WORDLIKE.match(words[i + 1]):
            glue = True
        if i > 0 and words[i - 1] == "-" and i > 1 and _WORDLIKE.match(words[i - 2]) and _WORDLIKE.match(w):
            glue = True
        if not glue:
            out.append(" ")
            pos += 1
        offsets.append((pos, pos + len(w)))
        out.append(w)
        pos += len(w)
    return "".join(out), offsets


def name_shaped(word: str, first: bool) -> bool:
    """A word that may be (part of) a name: coined, an acronym, or capitalized mid-sentence."""
    return is_coined(word) or is_acronym(word) or (not first and word[:1].isupper())


def named_method(text: str, first: bool, loose: bool = False) -> bool:
    """A method mention the guidelines call named (N1/N3): a coined token or acronym, a digit,
    or every content word capitalized; never a generic class term.

    ``loose`` (an experiment, ``train_tagger.py --loose-names``; not the shipped recipe, see
    ``docs/model-card.md``) reads a span as the merge's naming test reads a tagger span
    (:func:`extractors.tagger.named`): also a capitalized word of three letters or more that
    does not only start the sentence ("Adam", "Xavier initialization"), never a name-shaped
    general word (``extractors.names.is_not_name``: GPU, SOTA)."""
    if is_generic(text) or (loose and is_not_name(text)):
        return False
    toks = [t for t in re.split(r"[\s]+", text) if t]
    if any(is_coined(t) or is_acronym(t) for t in toks):
        return True
    if any(c.isdigit() for c in text) and any(c.isalpha() for c in text):
        return True
    if loose:
        caps = [i for i, t in enumerate(toks) if t[:1].isupper() and len(t.strip("-")) >= 3]
        return bool(caps) and not (caps == [0] and first)
    content = [t for t in toks if len(t) > 3 or t[:1].isupper()]
    if len(content) >= 2 and all(t[:1].isupper() for t in content) and not first:
        return True
    return False


def _missing_name_tokens(text: str, spans: list[tuple[int, int, str]], offsets: list[tuple[int, int]],
                         words: list[str], blocked: list[tuple[int, int]], capitalized: bool) -> list[tuple[int, int]]:
    """Unlabelled words that may be names the annotation left out: coined tokens and
    acronyms, and (``capitalized``) capitalized words inside the sentence."""
    covered = [(s, e) for s, e, _ in spans] + blocked
    out = []
    for i, (w, (s, e)) in enumerate(zip(words, offsets)):
        if any(a <= s and e <= b for a, b in covered):
            continue
        if is_coined(w) or is_acronym(w) or (capitalized and name_shaped(w, i == 0)):
            out.append((s, e))
    return out


def _sentence(words: list[str], ents: list[tuple[int, int, str]], source: str, group: str,
              loose: bool = False) -> Sentence:
    text, offsets = detokenize(words)
    spans: list[tuple[int, int, str]] = []
    outside: list[tuple[int, int]] = []
    blocked: list[tuple[int, int]] = []
    for s, e, label in sorted(ents, key=lambda x: (x[0], -(x[1] - x[0]))):
        cs, ce = offsets[s][0], offsets[e - 1][1]
        if any(not (ce <= a or b <= cs) for a, b, _ in spans):
            continue
        surface = text[cs:ce]
        shaped = any(name_shaped(w, s + i == 0) for i, w in enumerate(words[s:e]))
        named = named_method(surface, s == 0, loose) if label == "METHOD" else shaped or not label == "DATASET"
        if not named:
            # generic ("encoder", "images"): outside, as the guidelines ask; a capitalized
            # one (a title, a sentence start) is ambiguous and left missing
            (blocked if shaped else outside).append((cs, ce))
            continue
        spans.append((cs, ce, label))
    # SciREX annotates methods (a capitalized word it left out is mostly an author, a figure,
    # an organization: outside); TDMSci does not (any name-shaped word may be a method)
    missing = _missing_name_tokens(text, spans, offsets, words, outside, source == "tdmsci") + blocked
    return Sentence(text, spans, missing, source, group)


def scirex(root: Path, *, body_per_doc: int = 40, negatives_per_doc: int = 8, seed: int = 0,
           limit: int | None = None, loose_names: bool = False) -> Iterator[Sentence]:
    """Sentences of the SciREX train papers: title and abstract in full, then a seeded sample
    of body sentences with entities and a few without."""
    files = sorted((root / "scirex-train-docs" / "docs").glob("*.json"))[:limit]
    for path in files:
        doc = json.loads(path.read_text("utf-8"))
        words = doc["words"]
        ents = [(s, e, SCIREX_LABELS[t]) for s, e, t in doc["ner"] if t in SCIREX_LABELS]
        head_end = doc["sections"][1][1] if len(doc["sections"]) > 1 else doc["sections"][0][1]
        rng = random.Random(f"{seed}:{doc['doc_id']}")
        with_ents, without = [], []
        for s, e in doc["sentences"]:
            if e - s > 80 or e - s < 3:
                continue
            mine = [(a - s, b - s, t) for a, b, t in ents if s <= a and b <= e]
            item = (s, e, mine)
            if e <= head_end:
                yield _sentence(words[s:e], mine, "scirex", doc["doc_id"], loose_names)
            elif any(t in ("METHOD", "DATASET") for _, _, t in mine):
                with_ents.append(item)
            elif not mine:
                without.append(item)
        picked = rng.sample(with_ents, min(body_per_doc, len(with_ents)))
        picked += rng.sample(without, min(negatives_per_doc, len(without)))
        for s, e, mine in sorted(picked):
            yield _sentence(words[s:e], mine, "scirex", doc["doc_id"], loose_names)


def tdmsci(root: Path, split: str = "train", limit: int | None = None) -> Iterator[Sentence]:
    name = {"train": "train_1500_v2.conll", "test": "test_500_v2.conll"}[split]
    words: list[str] = []
    tags: list[str] = []
    count = 0

    def flush() -> Sentence:
        ents, start, label = [], None, ""
        for i, tag in enumerate([*tags, "O"]):
            if start is not None and not tag.startswith("I-"):
                ents.append((start, i, label))
                start = None
            if tag.startswith("B-") or (tag.startswith("I-") and start is None):
                start, label = i, tag[2:]
        return _sentence(words, ents, "tdmsci", f"tdmsci-{split}-{count}")

    for line in (root / "tdmsci" / name).read_text("utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 3:
            if words:
                yield flush()
                count += 1
                if limit and count >= limit:
                    return
                words, tags = [], []
            continue
        words.append(parts[0])
        tags.append(parts[2].strip())
    if words:
        yield flush()


def unlabeled_abstracts(root: Path, limit: int | None = None) -> Iterator[tuple[str, str, str]]:
    """``(id, title, abstract)`` of the three unannotated collections (CSAbstruct has no titles)."""
    n = 0
    for split in ("train", "dev", "test"):
        for i, line in enumerate((root / "unlabeled-scitldr-a" / f"{split}.jsonl").read_text("utf-8").splitlines()):
            if line.strip():
                rec = json.loads(line)
                yield f"scitldr-{split}-{i}", rec.get("title") or "", " ".join(rec["source"])
                n += 1
                if limit and n >= limit:
                    return
    for split in ("train", "dev", "test"):
        for i, line in enumerate((root / "unlabeled-csabstruct" / f"{split}.jsonl").read_text("utf-8").splitlines()):
            if line.strip():
                rec = json.loads(line)
                yield f"csab-{split}-{i}", "", " ".join(rec["sentences"])
                n += 1
                if limit and n >= limit:
                    return
    for name in ("ML.json", "NLP.json"):
        for i, rec in enumerate(json.loads((root / "unlabeled-beese-ml-nlp-abstracts" / name).read_text("utf-8"))):
            if rec.get("abstract"):
                yield f"beese-{name}-{i}", rec.get("title") or "", rec["abstract"]
                n += 1
                if limit and n >= limit:
                    return


_LOWER = "abcdefghijklmnopqrstuvwxyz"
HEAD_WORDS = METHOD_HEADS | METHOD_NOUNS | DATASET_NOUNS


def disguise(sent: Sentence, rng: random.Random, share: float = 0.5) -> Sentence | None:
    """A copy of ``sent`` in which a seeded ``share`` of its distinct method and dataset names
    is replaced by an invented name of the same shape and length: each letter of a
    name-shaped word becomes a random letter of the same case (digits, hyphens, lowercase
    words and the last three letters of a long word stay: "QuillFormer-2" may become
    "ZobkaFormer-2", "SQuAD" "TViRK"). The tagger then has to find names by their shape and
    context, not by the strings it was trained on. ``None`` when no name was replaced.
    Offsets are unchanged, so the spans and missing tokens carry over."""
    chars = list(sent.text)
    names: dict[str, str] = {}
    for s, e, label in sent.spans:
        if label not in ("METHOD", "DATASET"):
            continue
        surface = sent.text[s:e]
        if surface not in names:
            names[surface] = _invented(surface, rng) if rng.random() < share else surface
        chars[s:e] = names[surface]
    if all(k == v for k, v in names.items()):
        return None
    return Sentence("".join(chars), list(sent.spans), list(sent.missing), sent.source, sent.group)


def _invented(surface: str, rng: random.Random) -> str:
    out = []
    for word in re.split(r"(\s+|-)", surface):
        if not (is_coined(word) or is_acronym(word) or word[:1].isupper()) or word.lower() in HEAD_WORDS:
            out.append(word)  # "network", "Network", "-", spaces, digits: kept
            continue
        keep = 3 if len(word) > 5 else 0
        head, tail = word[:len(word) - keep], word[len(word) - keep:]
        out.append("".join(rng.choice(_LOWER).upper() if c.isupper() else rng.choice(_LOWER) if c.islower() else c
                           for c in head) + tail)
    return "".join(out)


def _kind_variant(form: str, forms: tuple[str, ...]) -> bool:
    """``X model`` beside ``X`` (an alias :mod:`extractors.surface` adds): the weak labels
    keep the name's own boundaries, as SciREX marks them."""
    head, _, kind = form.rpartition(" ")
    return kind.lower() in METHOD_KINDS | DATASET_KINDS and head in forms


def held_out(name: str, share: float, seed: int) -> bool:
    """A seeded, stable share of normalized names whose examples are never trained on."""
    digest = hashlib.sha256(f"{seed}:{norm_key(name)}".encode()).digest()
    return digest[0] / 256 < share


def weak_sentences(root: Path, *, share: float = 0.25, seed: int = 0,
                   limit: int | None = None) -> tuple[list[Sentence], list[Sentence]]:
    """Unannotated abstracts labelled by paperkg's lists and rules: (train, held-out).

    Each abstract's method and dataset names (with aliases) are marked wherever they occur;
    every other token is missing. An abstract mentioning a held-out name goes to the
    held-out list."""
    from kg.records import Paper
    from kg.extract.pipeline import build_nlp, extract

    rows = list(unlabeled_abstracts(root, limit))
    papers = [Paper.from_dict({"id": rid, "title": t or "", "abstract": a}) for rid, t, a in rows]
    train: list[Sentence] = []
    held: list[Sentence] = []
    nlp = build_nlp(components=("paperkg_sentences", "paperkg_acronyms", "paperkg_gazetteer",
                                "paperkg_syntax", "paperkg_entities"))
    for (rid, _, abstract), ex in zip(rows, extract(papers, nlp)):
        forms: dict[str, str] = {}
        for m in ex.entities:
            label = {"method": "METHOD", "dataset": "DATASET", "metric": "METRIC"}.get(m.type)
            if label is None:
                continue
            for form in (m.name, *m.aliases):
                if len(form) > 1 and not is_generic(form) and not _kind_variant(form, (m.name, *m.aliases)):
                    forms.setdefault(form, label)
        spans: list[tuple[int, int, str]] = []
        for form in sorted(forms, key=len, reverse=True):
            for match in re.finditer(r"(?<![\w-])" + re.escape(form) + r"(?![\w-])", abstract):
                s, e = match.span()
                if not any(not (e <= a or b <= s) for a, b, _ in spans):
                    spans.append((s, e, forms[form]))
        if not spans:
            continue
        # unknown: name-shaped words no rule labelled, and the rules' task phrases (tasks are
        # not weakly labelled); every other word is outside
        missing = [(w.start, w.end) for i, w in enumerate(text_words(abstract))
                   if name_shaped(w.text, i == 0 or abstract[:w.start].rstrip().endswith((".", "?", "!")))]
        missing += [(int(ev.start), int(ev.end)) for m in ex.entities if m.type == "task"
                    for ev in m.evidence if ev.field == "abstract"]
        sent = Sentence(abstract, sorted(spans), missing, "weak", rid)
        (held if any(held_out(abstract[s:e], share, seed) for s, e, _ in spans) else train).append(sent)
    return train, held
