"""``paperkg_tagger``: a small trained NER that proposes METHOD, DATASET, TASK and METRIC
spans, including names no curated list holds.

The model (``extractors/model``, trained by ``tools/train/train_tagger.py``; see
``docs/model-card.md``) is a spaCy NER with its own CNN/hash-embedding tok2vec, loaded
offline from the package. The component runs it on a copy of each Doc's tokens (so the host
pipeline's tokenizer is kept) and stores plain ``[start, end, label]`` triples in
``doc._.paperkg_tags``. :func:`tag_candidates` turns those triples into candidates; the
entities component merges them with the rules' candidates.
"""
from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterator
from contextlib import ExitStack
from functools import lru_cache
from importlib import resources
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extractors.assemble import next_to
from extractors.batched import BatchedComponent
from extractors.context import Candidate, PaperText
from extractors.dense import one_blas_thread, use_numpy_blas
from extractors.gazetteer import TypeIndex
from extractors.mentions import data_after, dataset_role, method_role
from extractors.names import CITE_KEY, is_acronym, is_coined, is_generic, is_not_name, is_paradigm, norm_key
from extractors.tasks import normalize_task, task_like
from extractors.proposals import defined_types
from extractors.surface import CLAUSE_WORDS
from extractors.vocab import (DATA_ON_CUES, DATASET_NOUNS, DATASET_SUFFIXES, LANGUAGES, METHOD_HEADS, METHOD_KINDS,
                              METHOD_NOUNS, PHRASE_TASK_HEADS)

log = logging.getLogger(__name__)

EXTRACTOR = "tagger"
LABEL_TYPES = {"METHOD": "method", "DATASET": "dataset", "TASK": "task", "METRIC": "metric"}
TAG_CONF = {"method": 0.5, "dataset": 0.5, "task": 0.4, "metric": 0.4}
_LEAD = re.compile(r"^(?:(?:the|a|an|our|their|its|this|these|those|each|both)\s+)+", re.I)
_TRAIL = re.compile(r"(?:'s|’s|[\s,.;:]+)$")
_TASK_WORDS = re.compile(r"[a-z]")
_SCORE = re.compile(r"\s+\d{1,3}\.\d{2,}%?$")  # a table score after a name ("X-5 shot 74.27"), not a version
_BRACKET = re.compile(r"\s*[\[(]|\.\s")
_SIZE = re.compile(r"^~?[\d.,]+[KMBTkmbt]?(?:-\w+)?$")
_LATEX = re.compile(r"[~\\{}$]")
# a citation key left in the text ("bahdanau2014neural", "Kiros:2015", "Hutter:04uaibook")
_APPOSITIVE = re.compile(r"(?:,|\s+(?:is|was))\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(dataset|benchmark|corpus|suite|collection|"
                         r"model|method|framework|architecture|algorithm|approach|network|system|toolkit|library)\b",
                         re.I)
_MEASURE = re.compile(r"[\s-]+(?:divergence|distance|loss|score|metric|measure|criterion|entropy|error|norm)\b", re.I)
_TRAILING_ACRONYM = re.compile(r"[-\s(]+[A-Z]{2,}s?\)?$")
DATA_PREPOSITIONS = frozenset("on from using across".split())
_COORD = re.compile(r"\s*[,;/]\s+|\s+(?:and|or|vs\.?|versus|&)\s+")
_PLAIN_FIRST = re.compile(r"^[a-z][a-z-]*\s+")
_PLAIN_LAST = re.compile(r"\s+[a-z][a-z-]*$")
_ADJECTIVE = re.compile(r"-(?:based|free|like|style|driven|aware|guided|powered|specific|agnostic|centric|oriented|"
                        r"level|wise|only|related|transformed|generated|enhanced|augmented|trained|tuned|inspired|"
                        r"dependent|independent|invariant|conditioned|supervised|assisted|enabled|ready|sized|scale|size|parameters?)$")
ORG_WORDS = frozenset("university laboratory lab institute inc inc. corporation corp. research academy "
                      "foundation company".split())
NOT_NAMES = frozenset("january february march april may june july august september october november december "
                      "figure fig table section appendix equation eq algorithm theorem lemma".split())

for _name in ("paperkg_tags", "paperkg_error"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@lru_cache(maxsize=2)
def load_model(path: str | None = None) -> Language:
    """The tagger pipeline: ``path``, or the model shipped in the package (offline). Only its
    NER is used (on the host pipeline's Docs, :func:`predict`): its saved tokenizer is not
    read (the pipeline keeps the default one built from its config)."""
    if path is not None:
        model = spacy.load(path, exclude=["tokenizer"])
    else:
        with ExitStack() as stack:
            folder = stack.enter_context(resources.as_file(resources.files("extractors").joinpath("model")))
            model = spacy.load(Path(folder), exclude=["tokenizer"])
    use_numpy_blas(model)  # a speed-up only (extractors/dense.py)
    return model


def predict(model: Language, docs: list[Doc], batch_size: int = 128) -> list[list[list[object]]]:
    """``[[start, end, LABEL], ...]`` per Doc (character offsets into each Doc's text),
    from ``model``'s NER run on the Docs themselves (the NER hashes its features, so any
    English tokenizer's Docs do; its labels are added to their vocabulary). The Docs'
    ``ents`` are left as they were."""
    ner = model.get_pipe("ner")
    for vocab in {id(d.vocab): d.vocab for d in docs}.values():
        for label in ner.labels:  # type: ignore[attr-defined]
            vocab.strings.add(label)
    out = []
    with one_blas_thread():
        for doc in ner.pipe(docs, batch_size=batch_size):  # type: ignore[attr-defined]
            out.append([[e.start_char, e.end_char, e.label_] for e in doc.ents])
            doc.ents = ()
    return out


class TaggerComponent(BatchedComponent):
    def __init__(self, model_path: str | None = None) -> None:
        self.model_path = model_path
        self._model: Language | None = None
        self._failed = False

    @property
    def model(self) -> Language | None:
        if self._model is None and not self._failed:
            try:
                self._model = load_model(self.model_path)
            except OSError as exc:
                log.warning("the paperkg tagger model could not be loaded (%s): extraction uses the rules alone", exc)
                self._failed = True
        return self._model

    def _process(self, docs: list[Doc]) -> list[Doc]:
        model = self.model
        for d in docs:
            d._.paperkg_tags = []
        if model is None:
            return docs
        try:
            for doc, tags in zip(docs, predict(model, docs)):
                doc._.paperkg_tags = tags
        except Exception as exc:  # noqa: BLE001 — one bad batch: those papers keep the rules' entities
            log.exception("the tagger failed on a batch")
            for d in docs:
                d._.paperkg_error = d._.paperkg_error or f"paperkg_tagger: {type(exc).__name__}: {exc}"
        return docs


MODEL_ENV = "PAPERKG_TAGGER_MODEL"


@Language.factory("paperkg_tagger", default_config={"model_path": None})
def make_tagger(nlp: Language, name: str, model_path: str | None) -> TaggerComponent:
    """``model_path`` (or the ``PAPERKG_TAGGER_MODEL`` environment variable, used to
    measure cross-validation models) replaces the shipped model."""
    return TaggerComponent(model_path or os.environ.get(MODEL_ENV) or None)


def named(text: str, first_word: bool) -> bool:
    """The guidelines' naming test on a proposed method/dataset span: a coined token or
    acronym (N1), a digit, or a capitalized word that does not only start the sentence (N3);
    never a generic class term or a name-shaped general word (``SOTA``, ``GitHub``)."""
    if is_not_name(text):
        return False
    toks = text.split()
    if any(is_coined(t) or is_acronym(t) for t in toks):
        return True
    if all(_SIZE.match(t) for t in toks):
        return False  # "2.5B", "110M-sized": sizes, not names
    if any(c.isdigit() for c in text):
        return any(c.isalpha() for c in text)
    caps = [i for i, t in enumerate(toks) if t[:1].isupper()]
    return bool(caps) and not (caps == [0] and first_word)


def _trim(pt: PaperText, start: int, end: int, name: bool) -> tuple[int, int]:
    """Without leading determiners and trailing punctuation; for a name also without
    leading/trailing plain lowercase words (``mirrored VGG network`` -> ``VGG``)."""
    text = pt.text[start:end]
    lead = _LEAD.match(text)
    if lead:
        start += lead.end()
    trail = _TRAIL.search(pt.text[start:end])
    if trail:
        end -= len(trail.group(0))
    if name:
        score = _SCORE.search(pt.text, start, end)
        if score and score.start() > start:
            end = score.start()
        while True:
            text = pt.text[start:end]
            first = _PLAIN_FIRST.match(text)
            last = _PLAIN_LAST.search(text)
            if first and first.end() < len(text):
                start += first.end()
            elif last and last.start() > 0:
                end = start + last.start()
            else:
                return start, end
    return start, end


def _longer_variant(text: str, start: int, end: int, s: int, e: int, etype: str, first_word: bool = False) -> bool:
    """The tagger span contains the rule span and adds a version, size or coined token to
    it (``2D CNNs`` around ``CNNs``, ``YOLO v3`` around ``YOLO``), or a capitalized word
    that does not only start the sentence (``Light-Head R-CNN``, ``Panoptic Feature Pyramid
    Network``: the guidelines' N3, ``Clinical BioBERT`` is its own model): the longer name
    wins. A kind noun (``BERT Model``) does not make a new name."""
    if etype not in ("method", "dataset") or not (start <= s and e <= end) or (start, end) == (s, e):
        return False
    extra = (text[start:s] + " " + text[e:end]).split()
    first = text[start:s].split()[:1]

    def adds_name(w: str) -> bool:
        if any(c.isdigit() for c in w) or is_coined(w) or is_acronym(w):
            return True
        bare = w.strip("-").lower()
        return w.strip("-")[:1].isupper() and not (first_word and [w] == first) \
            and bare not in METHOD_NOUNS and bare not in DATASET_NOUNS and not is_not_name(bare)

    return bool(extra) and all(adds_name(w) for w in extra)


# a model size written after a name in capitals or small caps ("BERT BASE", "T5 LARGE", "ViT-H"
# is one token already): the size variant is its own entity
_SIZE_WORD = re.compile(r" (?:TINY|SMALL|BASE|MEDIUM|LARGE|XL|XXL|HUGE)\b(?![-\w])")
_EDITION = re.compile(r" (?:v ?)?\d{1,4}(?:\.\d+)?(?=[,.;:)\]]?(?:\s|$))(?! ?%)(?!\s+[a-z]{3,}s\b)")


def _edition(text: str, end: int) -> int:
    """The length of a version or edition number written after a name (``N-Caltech 101``,
    ``OntoNotes v 5.0``, ``Set 5``) or a model size in capitals (``BERT SMALL``): part of the name. Not a count ("101 samples"), a share
    or a year the name already has."""
    size = _SIZE_WORD.match(text, end)
    if size:
        return len(size.group(0))
    if end and text[end - 1].isdigit():
        return 0
    found = _EDITION.match(text, end)
    return len(found.group(0)) if found else 0


_DIMENSION = re.compile(r"[1-4]D")
_NOUN_AFTER = re.compile(r"(?:\s+(?:\([a-z-]+\)\s+)?[a-z][a-z-]*[a-z](?![\w-])){1,2}")


def _dimension_noun(text: str, start: int, end: int) -> int:
    """The length of the noun a bare dimension span is said of (``3D`` -> ``3D convolutions``,
    ``2D residual networks``): a plural or a method kind noun within two plain words; 0 when
    the span is more than a dimension or no such noun follows. "2D CNNs" (a name after the
    dimension) is the tagger's or the rules' own span. Without a parser a verb in ``-s`` right
    after the dimension ("3D helps") would be taken for the plural: the tagger rarely labels a
    dimension used as a noun."""
    if not _DIMENSION.fullmatch(text, start, end):
        return 0
    found = _NOUN_AFTER.match(text, end)
    if found is None:
        return 0
    words = list(re.finditer(r"[a-z][a-z-]*[a-z](?![\w-])", found.group(0)))
    for word in words:
        w = word.group(0)
        if w in CLAUSE_WORDS or w in ("thus", "always"):
            return 0
        if w in METHOD_KINDS or w in METHOD_HEADS or (w.endswith("s") and not w.endswith("ss")):
            return word.end()
    return 0


def _whole_words(text: str, start: int, end: int) -> bool:
    """The span does not cut a word (``Distilled Pre`` of ``Distilled Pre-Training``)."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if before.isalnum() or (before in "-_" and start > 1 and text[start - 2].isalnum()):
        return False
    return not (after.isalnum() or (after in "-_+" and end + 1 < len(text) and text[end + 1].isalnum()))


def _starts_sentence(pt: PaperText, start: int) -> bool:
    sent = pt.sentence_of(start)
    return start == sent[0] or pt.text[sent[0]:start].strip() == ""


def _not_a_name(text: str) -> bool:
    words = text.lower().split()
    if not words:
        return True
    if _ADJECTIVE.search(words[-1]):
        return True  # "PHS-related", "AI-driven": adjectives built on a name
    first = text.split()[0]
    if len(words) > 1 and first.endswith("ing") and not is_coined(first) \
            and not (len(words) == 2 and words[-1] in METHOD_KINDS):
        return True  # "Evaluating AI Models": a capitalized clause, not a name ("Matching Networks" is one)
    return words[-1] in ORG_WORDS or all(w in NOT_NAMES or w in LANGUAGES for w in words)


def _defined_elsewhere(pt: PaperText, start: int, text: str, rule_names: set[str], known: TypeIndex,
                       tagged_method: bool = False, tagged: frozenset[str] = frozenset()) -> bool:
    """An acronym (or its long form) defined in the paper that the rules did not make a
    method or dataset, unless the definition reads as a named method: its long form ends in
    a method head noun ("Global Convolutional Network (GCN)", "... Pooling (ASPP)") or its
    short form is coined beyond initials, or the tagger labels this span a method and neither the
    lists, a task/measure head nor a generic class ("Massively multilingual Transformers (MMTs)")
    type the definition otherwise. Then the acronym itself counts when it has three letters or more
    (the guidelines' N2: a parenthesised acronym names what it defines, "dynamic architecture
    skipping (DAS)"; two letters are too ambiguous: "NL", "CT"); the long form counts when it is
    written as a name (every word capitalized: "Markov Random Field (MRF)"), the tagger labels it a
    method too (``tagged``: the normalized forms of its METHOD spans), or it is built on a coined
    name ("globally optimal ICP (GO-ICP)")."""
    key = norm_key(text)
    for d in pt.definitions:
        if d.long_start <= start < d.long_end and norm_key(d.long) != key:
            return True  # a piece of a defined long form: the definition's entity owns it
        if key in (norm_key(d.short), norm_key(d.long), norm_key(d.short).rstrip("s")):
            if key in rule_names or norm_key(d.short) in rule_names:
                return False
            head = d.long.split()[-1].lower() if d.long.split() else ""
            head = head[:-1] if head.endswith("s") and not head.endswith("ss") else head
            named_head = head in METHOD_HEADS or head in METHOD_NOUNS or not d.short.isupper() \
                or (tagged_method and len(d.short) > 2 and key in (norm_key(d.short), norm_key(d.long))
                    and (key != norm_key(d.long) or _title_cased(d.long) or norm_key(d.long) in tagged
                         or any(is_coined(w) or is_acronym(w) for w in d.long.split())))
            return not named_head or bool(defined_types(known, d.short, d.long) - {"method", "dataset"}) \
                or is_not_name(d.long) \
                or is_not_name(d.short) or head in PHRASE_TASK_HEADS and head not in METHOD_HEADS \
                or _MEASURE.search(" " + d.long) is not None or _descriptive_class(d.long)
    return False


def _defined_forms(pt: PaperText) -> dict[str, str]:
    """Normalized form -> the paper's other form of a name it defines: the long form of an
    acronym ("GC-RANSAC" -> "Graph cut RANSAC"), or the acronym of a long form; one entity,
    as the guidelines group them. The first definition of a form wins."""
    out: dict[str, str] = {}
    for d in pt.definitions:
        short, long = norm_key(d.short), norm_key(d.long)
        if short and long and short != long:
            for key in (short, short.rstrip("s")):
                out.setdefault(key, d.long)
            out.setdefault(long, d.short)
    return out


def _title_cased(long: str) -> bool:
    """Every word of a multi-word long form starts with a capital (short function words
    aside): "Deep Structured Active Contours", not "local binary patterns"."""
    words = [w for w in re.split(r"[\s-]+", long) if w and w.lower() not in ("of", "for", "and", "the", "in", "on", "to", "with", "a")]
    return len(words) > 1 and all(w[:1].isupper() for w in words)


def _descriptive_class(long: str) -> bool:
    """A long form that describes a class of models: plain lowercase words ending in a
    generic class term ("Massively multilingual Transformers", "deep neural networks")."""
    words = long.split()
    return len(words) > 1 and any(w.islower() for w in words[1:]) \
        and any(is_generic(" ".join(words[-k:])) for k in range(1, min(3, len(words)) + 1))


def _retype(pt: PaperText, start: int, end: int, text: str, etype: str, known: TypeIndex) -> str:
    """The head noun right after a name types it ("the X dataset", "the X model"); then a
    curated list's type; then "results/trained/evaluated on X" or a dataset-like suffix
    (``-Bench``, ``QA``); else the tagger's label."""
    cue = _dataset_cue(pt, end, text, known, start, strong_only=True)
    if cue == "method":
        return "method"
    return "dataset" if cue else etype


def _dataset_cue(pt: PaperText, end: int, text: str, known: TypeIndex, start: int | None = None,
                 strong_only: bool = False) -> str:
    """What says a name is a dataset (``head``, ``list``, ``data-on``, ``suffix``, ``context``)
    or a method (``method``: a method head noun or list type), or ``""``; ``strong_only``
    leaves out the weak ``context`` cue (a preposition or "such as" before the name)."""
    after = pt.text[end:end + 40].split()
    head = after[0].lower().strip(",.;:)") if after else ""
    if head in DATASET_NOUNS or head in ("set", "split", "splits") or data_after(pt.text, end):
        return "head"
    appositive = _APPOSITIVE.match(pt.text, end)
    if appositive:  # "X, a contrastive benchmark ..."
        return "head" if appositive.group(1).lower() in DATASET_NOUNS else "method"
    if head in METHOD_NOUNS:
        return "method"
    types = known(text) & {"method", "dataset"}
    if len(types) == 1:
        return "list" if "dataset" in types else "method"
    if start is not None and _data_on(pt, start):
        return "data-on"
    if text.endswith(DATASET_SUFFIXES):
        return "suffix"
    if start is not None and not strong_only:
        before = pt.text[max(pt.sentence_of(start)[0], start - 40):start].lower().split()
        if any(w in DATA_PREPOSITIONS for w in before[-3:]) or " ".join(before[-2:]) in ("such as", "e.g.,"):
            return "context"
    return ""


def _task_named(pt: PaperText, start: int, name: str, known: TypeIndex, rule_tasks: set[str]) -> bool:
    """A tagger TASK span counts when the rules found the same task, when the task
    vocabulary knows it (a learning paradigm only in the title), or when it passes the
    rules' own free-phrase test (:func:`extractors.tasks.task_like`): the tagger proposes
    many phrases that describe a step or an object ("natural language queries",
    "evaluating AI models"), and a junk task node costs more than a missing one."""
    if norm_key(name) in rule_tasks:
        return True
    in_title = pt.in_title(start)
    if "task" in known(name):
        return in_title or not is_paradigm(name)
    return not name[:1].isdigit() and task_like(name, [], in_title, known)


def _data_on(pt: PaperText, start: int) -> bool:
    """"results on X", "trained on X and Y", "evaluated on X, Y": what follows is data."""
    before = pt.text[max(pt.sentence_of(start)[0], start - 120):start]
    clause = re.split(r"[;:()]|\b(?:which|that|while|whereas)\b", before)[-1]
    found = re.search(r"\b([\w-]+)\s+on\s+(?:(?:the|both|all|several|two|three|four|five)\s+)?"
                      r"((?:[A-Z0-9][\w.-]*(?:\s+[A-Z0-9][\w.-]*)?(?:\s+\[[\d,\s]+\])?\s*(?:,|and|or|&|/)\s*)*)$",
                      clause)
    return found is not None and found.group(1).lower() in DATA_ON_CUES


def _restated(text: str) -> str:
    """Without a trailing acronym that restates a multi-word name ("Large Language
    Models-LLMs" -> "Large Language Models"); "Meta-SGD" or "CNN-LSTM" stay whole."""
    stripped = _TRAILING_ACRONYM.sub("", text)
    return stripped if len(stripped.split()) > 1 else text


def _method_head(text: str) -> bool:
    """A capitalized phrase whose last word is a method head noun ("Global Convolutional
    Network", "Atrous Spatial Pyramid Pooling"): a name even when said once."""
    words = text.split()
    return len(words) > 1 and words[-1].lower().rstrip("s") in METHOD_HEADS and words[-1][:1].isupper()


_CAPPED_COMPOUND = re.compile(r"^[A-Z][a-z0-9]*(?:-[A-Za-z0-9]+)*-[A-Z][a-z0-9]*$")


def _name_shaped(text: str) -> bool:
    """A tagger method span shaped as a name even when said once: one hyphenated token
    capitalized on both sides ("Spin-Net", "Geo-Transformer"), not an adjective or a
    gerund ("Lab-Style", "Pre-Training")."""
    last = text.rsplit("-", 1)[-1].lower()
    return " " not in text and _CAPPED_COMPOUND.match(text) is not None and not last.endswith("ing") \
        and _ADJECTIVE.search(text.lower()) is None


def _pieces(text: str, tags: list[list[object]]) -> Iterator[tuple[int, int, str, str]]:
    """Each tagged span, a name span cut at a bracket and split at a coordination
    (``PASCAL VOC and COCO`` -> ``PASCAL VOC``, ``COCO``)."""
    for raw_start, raw_end, label in tags:
        etype = LABEL_TYPES.get(str(label))
        if etype is None:
            continue
        start, end = int(raw_start), int(raw_end)  # type: ignore[call-overload]
        if etype not in ("method", "dataset"):
            yield start, end, str(label), etype
            continue
        cut = _BRACKET.search(text, start, end)
        if cut and cut.start() > start:
            end = cut.start()
        pos = start
        for sep in _COORD.finditer(text, start, end):
            yield pos, sep.start(), str(label), etype
            pos = sep.end()
        yield pos, end, str(label), etype


DROPS_ENV = "PAPERKG_TAGGER_DROPS"


def _dropped(path: str | None, reason: str, pt: PaperText, start: int, end: int, etype: str, label: str) -> None:
    """Measurement only: with ``PAPERKG_TAGGER_DROPS=FILE`` set (``path``), each tagger span the merge
    drops (or keeps: ``reason`` ``kept``) is appended to FILE as ``{"title", "text", "label",
    "type", "reason"}`` (see ``benchmarks/tagger_drops.py``)."""
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"title": pt.title, "text": pt.text[start:end], "label": label,
                                 "type": etype, "reason": reason}) + "\n")


def tag_candidates(pt: PaperText, tags: list[list[object]], known: TypeIndex,
                   taken: list[tuple[int, int]], rule_names: set[str] | None = None,
                   rule_tasks: set[str] | None = None) -> list[Candidate]:
    """Candidates from the tagger's spans. A span that overlaps a rule candidate without
    being the same span is dropped (the rules are precise about boundaries); the same span
    joins the rule's entity (reinforcing it). Methods and datasets must pass the naming
    test; tasks are normalized."""
    out: list[Candidate] = []
    tagged_methods = frozenset(norm_key(pt.text[int(s):int(e)]) for s, e, label in tags  # type: ignore[call-overload]
                               if label == "METHOD")
    defined = _defined_forms(pt)
    drops = os.environ.get(DROPS_ENV)  # measurement only (see _dropped)
    method_spans = sorted((int(s), int(e)) for s, e, label in tags if label == "METHOD")  # type: ignore[call-overload]
    for raw_start, raw_end, label, etype in _pieces(pt.text, tags):
        start, end = _trim(pt, raw_start, raw_end, etype in ("method", "dataset"))
        if end - start < 2 or not _whole_words(pt.text, start, end):
            _dropped(drops, 'cut-word', pt, start, end, etype, label)
            continue
        if etype in ("method", "dataset"):
            end += _edition(pt.text, end)
            dimension = _dimension_noun(pt.text, start, end) if etype == "method" else 0
            end += dimension
        text = pt.text[start:end]
        if _LATEX.search(text) or any(CITE_KEY.match(w) for w in text.split()):
            _dropped(drops, 'latex/cite-key', pt, start, end, etype, label)
            continue  # LaTeX remnants ("Llama~2", "\\textbf{X}") never become part of a name
        if etype != "task" and pt.in_title(start) and text not in pt.text[pt.title_end:]:
            _dropped(drops, 'title-only', pt, start, end, etype, label)
            continue  # title case misleads the tagger: a title name counts when the abstract repeats it
        overlapping = [(s, e) for s, e in taken if not (e <= start or end <= s)]
        if "\n" in text or (overlapping and (start, end) not in overlapping and not (
                len(set(overlapping)) == 1
                and _longer_variant(pt.text, start, end, *overlapping[0], etype, _starts_sentence(pt, start)))):
            _dropped(drops, 'overlaps-rule-span', pt, start, end, etype, label)
            continue
        if etype in ("method", "dataset"):
            if not named(text, _starts_sentence(pt, start)) or _not_a_name(text):
                _dropped(drops, 'naming-test', pt, start, end, etype, label)
                continue
            if pt.in_title(start) and not any(is_coined(w) or is_acronym(w) for w in text.split()):
                _dropped(drops, 'title-case', pt, start, end, etype, label)
                continue  # title case is not a naming signal
            if _defined_elsewhere(pt, start, text, rule_names or set(), known, label == "METHOD", tagged_methods):
                _dropped(drops, 'defined-elsewhere', pt, start, end, etype, label)
                continue
            key = norm_key(text)
            if key not in (rule_names or set()) and ({key + "s", key[:-1] if key.endswith("s") else ""}
                                                      & (rule_names or set())):
                _dropped(drops, 'plural-of-rule-name', pt, start, end, etype, label)
                continue  # the singular/plural of a name the rules already judged
            if is_acronym(text) and len(text.rstrip("s")) < 3 and norm_key(text) not in (rule_names or set()):
                _dropped(drops, 'two-letter-acronym', pt, start, end, etype, label)
                continue  # a two-letter acronym ("TC", "SE") is too ambiguous on the tagger's word alone
            if known(text) & {"task", "metric"} and etype not in known(text):
                _dropped(drops, 'listed-as-task/metric', pt, start, end, etype, label)
                continue
            if _MEASURE.match(pt.text, end) or is_generic(_restated(text)):
                _dropped(drops, 'measure/generic', pt, start, end, etype, label)
                continue  # "Kullback-Leibler divergence": a measure; "Large Language Models-LLMs": generic
            if norm_key(text) not in (rule_names or set()) and not any(is_coined(w) or is_acronym(w) for w in text.split()) \
                    and pt.text.count(text) < 2 and not _method_head(text) and not dimension \
                    and not (label == "METHOD" and (_name_shaped(text) or norm_key(text) in defined)):
                _dropped(drops, 'said-once-phrase', pt, start, end, etype, label)
                continue  # a capitalized phrase said once, that no rule knows, is as often a heading as a name
            etype = _retype(pt, start, end, text, etype, known)
            if etype == "dataset" and norm_key(text) not in (rule_names or set()) \
                    and not _dataset_cue(pt, end, text, known, start):
                if not next_to(pt, start, end, method_spans):
                    _dropped(drops, 'dataset-no-cue', pt, start, end, etype, label)
                    continue  # a new dataset name needs a cue: "the X dataset", "on X", "such as X"
                etype = "method"  # no dataset cue, listed with names the tagger calls methods: the list votes
            _dropped(drops, "kept", pt, start, end, etype, label)
            role = method_role(pt, start) if etype == "method" else dataset_role(pt, start)
            out.append(Candidate(etype, text, start, end, role, TAG_CONF[etype], EXTRACTOR,
                                 tuple(defined[k] for k in [norm_key(text)] if k in defined)))
        elif etype == "task":
            name = normalize_task(text)
            if not name or not _TASK_WORDS.search(name) or is_generic(name) \
                    or not _task_named(pt, start, name, known, rule_tasks or set()):
                _dropped(drops, "task-test", pt, start, end, etype, label)
                continue
            _dropped(drops, "kept", pt, start, end, etype, label)
            out.append(Candidate("task", name, start, end, "used", TAG_CONF["task"], EXTRACTOR))
        else:
            out.append(Candidate("metric", text, start, end, "used", TAG_CONF["metric"], EXTRACTOR))
    return out
