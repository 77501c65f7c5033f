"""Surface variants of a paper's method and dataset names, kept as aliases of the same entity.

An abstract names one thing in several surface forms: the plural or the possessive
("TinyBERTs", "MAC's") and the name followed by the noun that says what kind of thing it is
("the Bron-Kerbosch algorithm", "ELMo embeddings", "the GS-EC attack", "the FooQA
benchmark"), maybe with one or two plain words between that say what it is for ("fastText
word embeddings", "the RDKit cheminformatics tool"). The guidelines group such forms of one thing as ``name`` + aliases; the entity
keeps its name and the variants the paper writes become aliases, so that a reader (and the
resolver, across papers) finds the entity under any of them.

Only kinds that restate what the name is are used (:data:`extractors.vocab.METHOD_KINDS`,
:data:`extractors.vocab.DATASET_KINDS`): a part or a derivative of a named model ("BERT
layers", "CNN features", "R-CNN variants") is not the model, and a new model built on a
name ("CNN-based methods", "3D CNNs") is another thing (see :mod:`extractors.tagger` for
longer names that win over shorter ones).
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from extractors.context import PaperText
from extractors.names import norm_key
from extractors.vocab import DATASET_KINDS, METHOD_KINDS

# kind nouns of a tool or program that is itself the named method ("the RDKit tool", "VLAD
# feature extractor"); "generator"/"discriminator" are left out: parts of a GAN-like model
TOOL_KINDS = frozenset("tool tools simulator simulators extractor extractors".split())
KINDS = {"method": METHOD_KINDS | TOOL_KINDS, "dataset": DATASET_KINDS}
# after a purpose word these kinds name a part of the model ("CLIP image encoder"), not the model
PART_KINDS = frozenset("encoder encoders decoder decoders".split())
# a plural or possessive ending right after a name, then up to three words (a kind noun, maybe
# after one or two plain words that say what it is for: "fastText word embeddings")
_AFTER = re.compile(r"(?P<plural>s|'s|’s)?(?![\w-])(?P<words>(?:\s+[A-Za-z][A-Za-z-]*(?![\w-])){0,3})")
# words that join a clause (not a purpose or a noun): "BERT to model", "GAN and other models", "X can model"
CLAUSE_WORDS = frozenset("""a an the and or but nor of to in on at by for from with without into onto as than then
that which who whose whom is are was were be been being has have had do does did can could may might must shall
should will would not no also only both each every all any some other such our their its his her this these those
we they it via per over under between among across about after before while when where whereas""".split())


def variants(pt: PaperText, etype: str, forms: list[str]) -> list[str]:
    """The plural/possessive and ``name + kind noun`` forms of ``forms`` written in the paper."""
    kinds = KINDS.get(etype)
    if not kinds:
        return []
    out: dict[str, str] = {}
    for form in forms:
        if len(form) < 2 or form.split()[-1].lower() in kinds:
            continue
        for start in _occurrences(pt.text, form):
            after = _AFTER.match(pt.text, start + len(form))
            if after is None:
                continue
            plural = after.group("plural")
            if plural and not form.endswith("s"):
                out.setdefault(norm_key(form + plural), form + plural)
            end = _kind_end(after.group("words"), kinds)
            if end:
                variant = pt.text[start:after.start("words") + end]
                if "\n" not in variant:
                    out.setdefault(norm_key(variant), re.sub(r"\s+", " ", variant))
    known = {norm_key(f) for f in forms}
    return [v for k, v in out.items() if k not in known]


def _kind_end(after: str, kinds: frozenset[str]) -> int:
    """Where the kind noun ends in ``after`` (the words after a name): the first word, or the
    second or third after plain purpose words; 0 when there is none."""
    pos = 0
    for i, w in enumerate(after.split()):  # the words group holds only words and spaces
        pos = after.index(w, pos) + len(w)
        low = w.lower()
        if low in kinds:
            return 0 if i and low in PART_KINDS else pos
        if i == 2 or not w.islower() or w in CLAUSE_WORDS or w.endswith(("ed", "ing", "ly")):
            return 0
    return 0


def _occurrences(text: str, form: str) -> Iterator[int]:
    """Where ``form`` starts a word of ``text`` (``str.find``: many names, one short text)."""
    pos = text.find(form)
    while pos >= 0:
        if pos == 0 or not (text[pos - 1].isalnum() or text[pos - 1] in "_-"):
            yield pos
        pos = text.find(form, pos + 1)


def add_variants(pt: PaperText, entities: list[dict[str, object]]) -> None:
    """Each method/dataset entity gains the surface variants the paper writes as aliases."""
    for e in entities:
        aliases = [str(a) for a in e.get("aliases") or []]  # type: ignore[attr-defined]
        extra = variants(pt, str(e["type"]), [str(e["name"]), *aliases])
        if extra:
            e["aliases"] = sorted({*aliases, *extra}, key=lambda a: (a.lower(), a))
