"""Research tasks a paper addresses: curated-list hits, acronyms whose long form is a
task (``domain generalization (DG)``), "the task of X", and task phrases in the title.
Names are lowercase, American spelling, ``pre-training`` hyphenated; at most
``MAX_TASKS`` per paper, title first."""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import cast

from extractors.acronyms import Definition
from extractors.context import Candidate, PaperText
from extractors.gazetteer import default_records
from extractors.names import is_acronym, is_coined, is_generic, is_paradigm, norm_key
from extractors.mentions import redefined_acronyms
from extractors.proposals import Known, defined_types
from extractors.text import Word, words
from extractors.vocab import (ARTICLES, DATASET_NOUNS, LANGUAGES, METHOD_NOUNS, NOT_TASK_MODIFIERS, PHRASE_TASK_HEADS, STRONG_PROPOSAL_VERBS, STRONG_TASK_HEADS,
                              SUBJECT_WORDS, TASK_HEADS)

MAX_TASKS = 5
_BRITISH = [(r"isation\b", "ization"), (r"modelling\b", "modeling"),
            (r"labelling\b", "labeling"), (r"\bpre ?training\b", "pre-training"),
            (r"\bpretrain", "pre-train"), (r"\bfine ?tuning\b", "fine-tuning"),
            (r"\bcontinued pre-training\b", "continual pre-training")]
_LEADING = re.compile(r"^(?:the|a|an|our|this|these|their|its|such|various|several|many|downstream|"
                      r"challenging|diverse|different|multiple|new|novel|existing|standard|real-world|"
                      r"important|popular|common|complex|general|specific|related|automatic|automated)\s+")
TASK_PHRASE_STOP = frozenset("""with using via by from through of on in and or to for under across without
based towards toward is are be""".split())
_KEEP_IZE = ("size", "rise", "noise", "precise", "concise", "promise", "expertise", "wise", "premise",
             "enterprise", "exercise", "otherwise", "advise", "comprise", "compromise", "surprise", "raise",
             "praise", "poise", "guise", "cruise", "franchise", "merchandise", "treatise", "chemise", "paradise",
             "disguise", "supervise", "televise", "revise", "devise", "improvise", "despise", "incise",
             "excise", "reprise", "demise", "clockwise")


def normalize_task(text: str) -> str:
    t = " ".join(text.lower().replace("–", "-").split())
    for pattern, repl in _BRITISH:
        t = re.sub(pattern, repl, t)
    t = re.sub(r"[a-z]+ise\b", lambda m: m.group(0) if m.group(0).endswith(_KEEP_IZE) else m.group(0)[:-3] + "ize", t)
    while True:
        stripped = _LEADING.sub("", t)
        if stripped == t:
            break
        t = stripped
    return t.strip(" -,.;:")


def find_tasks(pt: PaperText, known: Known, extra: list[Candidate] | tuple[Candidate, ...] = ()) -> list[Candidate]:
    """The paper's tasks, ranked: the rules' candidates and ``extra`` ones (the tagger's
    TASK spans) judged together, so one test decides every free phrase."""
    return rank_tasks(pt, task_candidates(pt, known) + list(extra), known)


def task_candidates(pt: PaperText, known: Known) -> list[Candidate]:
    """Every rule's task candidates, before ranking (:func:`rank_tasks`)."""
    found: list[Candidate] = []
    redefined = redefined_acronyms(pt)
    for hit in pt.hits:
        if hit.entry.type == "task" and (hit.text, hit.entry.name) not in redefined:
            found.append(Candidate("task", hit.entry.name, hit.start, hit.end, "used", 0.6, "gazetteer",
                                   (hit.text,) if hit.text.lower() != hit.entry.name else (), hit.entry.ids))
    for d in pt.definitions:
        head = d.long.split()[-1].lower() if d.long.split() else ""
        singular = head[:-1] if head.endswith("s") and not head.endswith("ss") else head
        if _participle(head) or singular in METHOD_NOUNS or singular in DATASET_NOUNS:
            continue  # "Vision-Language Pre-trained (VLP) models", "medical language models (MLMs)": not tasks
        if re.search(r"[(),;%\d]", d.long) or _names_a_method(pt, d):
            continue  # "Simple Linear Iterative Clustering (SLIC) algorithm": a method's name
        types = defined_types(known, d.short, d.long)
        lowercase_phrase = singular in PHRASE_TASK_HEADS and d.long.islower() and not types
        if "task" in types or lowercase_phrase or (
                singular in TASK_HEADS and not known(d.long) - {"task"} and not is_generic(d.long)):
            if d.long[:1].isupper() and sum(w[:1].isupper() for w in d.long.split()) == len(d.long.split()) \
                    and "task" not in known(d.long) and (singular not in TASK_HEADS or is_coined(d.short)
                                                          and not d.short.isupper()):
                continue  # "Multimodal Distillation (MDist)": a named component, not a task
            name = normalize_task(d.long)
            listed = task_acronyms().get(norm_key(d.short)) if "task" in types else None  # "Named Entities Recognition"
            aliases = (d.short, d.long) if listed and listed != name else (d.short,)
            found.append(Candidate("task", listed or name, d.long_start, d.long_end, "used", 0.7, "acronyms", aliases))
    # "the task of X", "the problem of X"
    for span in pt.sentences:
        ws = pt.words_of(span)
        for i, w in enumerate(ws[:-2]):
            if w.lower in ("task", "tasks", "problem") and ws[i + 1].lower == "of":
                for k in range(i + 2, min(len(ws), i + 7)):
                    head = ws[k].lower
                    if head in TASK_HEADS:
                        name = normalize_task(pt.text[ws[i + 2].start:ws[k].end])
                        if name and not is_generic(name):
                            found.append(Candidate("task", name, ws[i + 2].start, ws[k].end, "used", 0.6, "patterns"))
                        break
                    if ws[k].trail or head in TASK_PHRASE_STOP:
                        break
    found += phrase_tasks(pt, known)
    found += reworded_tasks(pt, known)
    found += enumerated_tasks(pt, known)
    found += title_tasks(pt, known)
    return found


PHRASE_STOP = frozenset("""the a an this that these those our their its his her we they it is are was were be been
being has have had do does did can could may might will would shall should must not no nor and or but for of to in
on at by with from via as into onto over under about between among across through without within than then also
such both each every all any some more most less least many much few several various other another new novel
existing previous prior current recent better best strong stronger effective efficient significant significantly
improved improving improves improve enhanced enhancing enhances enhance state-of-the-art sota downstream
challenging general generic specific real-world large-scale small-scale key main important popular common during after
before until upon unlike because despite although whereas along around beyond like near per versus manner way
standard typical traditional conventional proposed present presents propose introduce introduces achieve
achieves achieving enable enables enabling using based towards toward e.g. i.e. etc while when where which who
whose how what why if whether further however thus hence therefore here there only even very well often
one two three four five six seven eight nine ten first second third comprehensive limited poor successful
accurate available empirical in-depth rapid fast faster superior surprising sole unique different specialized
simple detailed extensive systematic thorough preliminary promising robust reliable accurate precise overall
high low higher lower good great remarkable impressive substantial considerable powerful strong weak
poor better worse efficient effective scalable""".split())
VERBS = frozenset("""include includes including involve involves involving evaluate evaluates evaluating require
requires requiring deliver delivers delivering target targets targeting solve solves solving perform performs
performing combine combines combining employ employs employing investigate investigates investigating induce
induces inducing show shows showing measure measures measuring overlook overlooks overlooking address addresses
addressing unify unifies unifying call calls calling drive drives driving call study studies studying explore
explores exploring examine examines examining support supports supporting boost boosts boosting facilitate
facilitates facilitating demonstrate demonstrates demonstrating benefit benefits benefiting outperform
outperforms outperforming leverage leverages leveraging tackle tackles tackling consider considers considering
focus focuses focusing lack lacks lacking hinder hinders hindering limit limits limiting affect affects
affecting allow allows allowing facilitate make makes making use uses provide provides providing learn
learns help helps helped helping aid aids enhance enhances hurt hurts harm harms guide guides cause causes
caused causing lead leads led leading reduce reduces reducing increase increases increasing accelerate
accelerates produce produces contain contains modify modifies adopt adopts discard discards compare compares
choose chooses generate generates avoid avoids utilize utilizes augment augments refine refines become
becomes achieve achieved offer offers enjoy enjoys revisit revisits report reports reported preform preforms perform require re-implement
implement implements apply applies obtain obtains yield yields challenges assess assesses assessing""".split())
# "-ed"/"-ing" words that are adjectives or nouns in front of a task head, not verbs
ED_ING_MODIFIERS = frozenset("""supervised unsupervised semi-supervised self-supervised embedded distributed
federated structured unstructured grounded weighted labeled unlabeled labelled unlabelled constrained augmented
annotated mixed shared nested open-ended training reading reasoning driving ranking clustering sensing computing
engineering mining tracking matching processing""".split())
STUDY_VERBS = frozenset("""study studies studied studying investigate investigates investigated investigating
analyze analyzes analyse analyses analyzing examine examines examining revisit revisits revisiting explore
explores exploring understand understanding rethink rethinking characterize characterizes survey surveys
benchmark benchmarks benchmarking""".split())
GENERIC_TASKS = frozenset({"learning", "analysis", "modeling", "transfer", "inference", "generation", "search",
                           "prediction", "control", "planning", "understanding", "reasoning", "training",
                           "deep learning", "machine learning", "model training", "data analysis",
                           "performance", "detection", "recognition", "classification", "segmentation",
                           "estimation", "retrieval", "translation", "generalization", "adaptation"})


def phrase_tasks(pt: PaperText, known: Known) -> list[Candidate]:
    """Noun phrases ending in a task head word: ``... for dense visual prediction``,
    ``named-entity recognition``; lowercase words only in the abstract (title case is
    folded), up to four words, no function or evaluative words."""
    out: list[Candidate] = []
    for span in pt.sentences:
        in_title = pt.in_title(span[0])
        ws = pt.words_of(span)
        for k, w in enumerate(ws):
            head = w.lower
            if head not in PHRASE_TASK_HEADS or (k + 1 < len(ws) and ws[k + 1].lower in PHRASE_TASK_HEADS
                                                   and not w.trail):
                continue
            j = k
            while j - 1 >= 0 and k - j < 3 and not ws[j - 1].trail:
                prev = ws[j - 1]
                low = prev.lower
                if low in PHRASE_STOP or low in VERBS or not re.fullmatch(r"[a-z][a-z0-9-]*", low) or low.endswith("ly") \
                        or (_verb_like(low) and j < k):
                    break  # "Interleaving Program Synthesis": the task starts after the verb
                if all(part in LANGUAGES for part in low.split("-")):
                    j -= 1  # "Chinese-English translation", "Chinese word segmentation": the language belongs to the task
                    continue
                if not in_title and prev.text[:1].isupper() and j - 1 > 0:
                    if j == k and is_acronym(prev.text) and len(prev.text) <= 6 and not known(prev.text):
                        j -= 1  # "HSI classification", "LLM reasoning": an acronym names the data or model
                    break  # a capitalized word inside the abstract is part of a name
                if in_title and is_coined(prev.text):
                    break  # an acronym or coined name in the title ("Zero-Shot" is neither)
                j -= 1
            if in_title and head not in STRONG_TASK_HEADS and not w.trail and k + 1 < len(ws) \
                    and ws[k + 1].lower in APPROACH_FOLLOWERS:
                continue  # "Prompt-Efficient Adaptation of SAM to ...": the title's approach, not its task
            if not w.trail and k + 1 < len(ws) and ws[k + 1].lower in CAPABILITY_NOUNS:
                continue  # "retaining general language understanding capabilities": a skill, not a task
            name = normalize_task(pt.text[ws[j].start:w.end])
            single = name in SINGLE_WORD_TASKS
            if not name or (name in GENERIC_TASKS and not single) or is_generic(name) or known(name) - {"task"}:
                continue
            if len(name.split()) < 2 and "task" not in known(name) and not single:
                continue
            conf = 0.5 if in_title else 0.35
            named_task = _named_as_task(ws, k) and (single or task_like(name, [], True, known))
            out.append(Candidate("task", name, ws[j].start, w.end, "used", conf + 0.1 * named_task,
                                 "patterns" if named_task else "phrases"))  # "the link prediction task"
    return out


TASK_NOUNS = frozenset("task tasks problem problems".split())


def _named_as_task(ws: list[Word], k: int) -> bool:
    """The phrase ending at word ``k`` is called a task: "the link prediction task",
    "classification and segmentation tasks" (a coordinated head shares the noun), with an
    acronym between allowed ("segmentation CTTA tasks")."""
    nxt = [x for x in ws[k + 1:k + 5] if not is_acronym(x.text)]  # acronyms of the setting are skipped
    if ws[k].trail or not nxt:
        return False
    if nxt[0].lower in TASK_NOUNS:
        return True
    return len(nxt) >= 3 and nxt[0].lower in ("and", "or") and nxt[1].lower in PHRASE_TASK_HEADS \
        and nxt[2].lower in TASK_NOUNS and not nxt[1].trail


# verbs (base and -ing form) and the task noun they nominalize to: "answering questions" is
# question answering, "to segment organs" organ segmentation ("generate X" is left out: it says
# what a method outputs far more often than what task the paper addresses)
TASK_VERBS = {verb: noun for noun, verbs in {
    "answering": "answer answering", "detection": "detect detecting", "segmentation": "segment segmenting",
    "classification": "classify classifying", "recognition": "recognize recognizing recognise recognising",
    "estimation": "estimate estimating", "retrieval": "retrieve retrieving", "summarization": "summarize summarizing",
    "prediction": "predict predicting", "tracking": "track tracking",
    "localization": "localize localizing", "captioning": "caption captioning", "forecasting": "forecast forecasting",
    "reconstruction": "reconstruct reconstructing", "extraction": "extract extracting", "parsing": "parse parsing",
    "translation": "translate translating", "completion": "complete completing", "verification": "verify verifying",
    "identification": "identify identifying", "editing": "edit editing", "ranking": "rank ranking",
    "labeling": "label labeling labelling", "tagging": "tag tagging", "counting": "count counting",
    "restoration": "restore restoring", "synthesis": "synthesize synthesizing", "linking": "link linking",
}.items() for verb in verbs.split()}
TASK_OBJECT_STOP = TASK_PHRASE_STOP | PHRASE_STOP | frozenset("that which whether".split())


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def reworded_tasks(pt: PaperText, known: Known) -> list[Candidate]:
    """A listed task said as a verb and its object ("answering factual questions", "to detect
    objects") or as "<task noun> of <object>" ("the classification of images"): named in the
    task's word order ("factual question answering"), the paper's words kept as an alias. Only
    when the reordered phrase ends with a listed task, so no free phrase enters this way."""
    out: list[Candidate] = []
    for span in pt.sentences:
        ws = pt.words_of(span)
        lows = [w.lower for w in ws]
        if "of" not in lows and TASK_VERBS.keys().isdisjoint(lows):
            continue  # most sentences hold no task verb and no "<task noun> of"
        for i, w in enumerate(ws[:-1]):
            noun = TASK_VERBS.get(lows[i])
            of = False
            if noun is None and lows[i + 1] == "of" and lows[i] in PHRASE_TASK_HEADS and not w.trail \
                    and (i == 0 or ws[i - 1].lower in ARTICLES or ws[i - 1].trail or ws[i - 1].lower in TASK_PHRASE_STOP):
                noun, of = w.lower, True  # "the detection of objects"; not "semantic segmentation of scenes"
            if noun is None or w.trail:
                continue
            k = i + 2 if of else i + 1
            if k < len(ws) and ws[k].lower in ARTICLES and not ws[k].trail:
                k += 1
            obj: list[Word] = []
            while k < len(ws) and len(obj) < 3 and not ws[k].lead:
                x = ws[k]
                if x.lower in TASK_OBJECT_STOP or x.lower in TASK_VERBS or not re.fullmatch(r"[a-z][a-z0-9-]*", x.lower) \
                        or x.lower.endswith("ly") or (x.text[:1].isupper() and not pt.in_title(x.start)):
                    break
                obj.append(x)
                k += 1
                if x.trail:
                    break
            while obj:  # the longest object that makes a listed task: "images" of "images remains hard"
                mods = [x.lower for x in obj[:-1]]
                phrase = " ".join([*mods, _singular(obj[-1].lower), noun])
                tail = phrase.split()
                listed = next((" ".join(tail[j:]) for j in range(len(tail) - 1) if "task" in known(" ".join(tail[j:]))),
                              None)
                if listed is not None:
                    break
                obj.pop()
            if not obj or listed is None or known(phrase) - {"task"} \
                    or any(x.lower in NOT_TASK_MODIFIERS for x in obj):
                continue
            surface = pt.text[w.start:obj[-1].end]
            aliases = tuple(dict.fromkeys(a for a in (surface, listed) if a != phrase))
            out.append(Candidate("task", normalize_task(phrase), w.start, obj[-1].end, "used", 0.55, "patterns", aliases))
    return out


CAPABILITY_NOUNS = frozenset("""capability capabilities ability abilities skill skills proficiency
competence competences""".split())

APPROACH_FOLLOWERS = frozenset("for of to with via without from".split())
# one-word tasks a paper may name its task by ("we address segmentation ..."): kept when said
# twice or in the title, and only if no longer task of the paper ends with them
SINGLE_WORD_TASKS = frozenset("""classification segmentation detection recognition registration localization
tracking retrieval translation summarization captioning forecasting parsing reconstruction clustering
denoising inpainting super-resolution recommendation""".split())


def _enumeration(ws: list[Word], k: int, max_words: int = 4) -> list[list[Word]]:
    """The lowercase items of "X, Y(,) and Z" from word ``k``; a name, a bracket, a function
    word or the end of the clause closes the list. An item longer than ``max_words`` ends it."""
    items: list[list[Word]] = []
    cur: list[Word] = []
    for x in ws[k:]:
        if x.lead or not re.fullmatch(r"[a-z][a-z0-9-]*", x.text):
            break
        if x.lower in ("and", "or"):
            if cur:
                items.append(cur)
            cur = []
            continue
        if x.lower in TASK_PHRASE_STOP or x.lower in PHRASE_STOP:
            break
        cur.append(x)
        if len(cur) > max_words:
            return items
        if x.trail:
            items.append(cur)
            cur = []
            if not x.trail.startswith(","):
                return items
    if cur:
        items.append(cur)
    return items
ENUM_INTRO = frozenset("such as including like e.g. e.g., namely".split())
# nouns whose enumerated examples are tasks: "tasks such as X and Y", "applications, including X"
ENUM_TASK_NOUNS = TASK_NOUNS | frozenset("applications".split())


def enumerated_tasks(pt: PaperText, known: Known) -> list[Candidate]:
    """Every item of "tasks such as X, Y and Z" / "applications, including X and Y": lowercase
    phrases of at most four words that read like tasks (:func:`task_like`, head aside)."""
    out: list[Candidate] = []
    for span in pt.sentences:
        ws = pt.words_of(span)
        for i, w in enumerate(ws[:-2]):
            if w.lower not in ENUM_TASK_NOUNS or w.trail not in ("", ","):
                continue
            k = i + 1
            if ws[k].lower == "such" and ws[k + 1].lower == "as":
                k += 2
            elif ws[k].lower in ENUM_INTRO:
                k += 1
            else:
                continue
            if [x.lower for x in ws[k:k + 4]] == ["but", "not", "limited", "to"]:
                k += 4  # "including but not limited to X, Y"
            for item in _enumeration(ws, k):
                name = normalize_task(pt.text[item[0].start:item[-1].end])
                head = name.split()[-1] if name else ""
                headed = head in PHRASE_TASK_HEADS or "task" in known(name)  # needed after "applications"
                if name and (len(item) == 1 or task_like(name, [], True, known)) \
                        and (headed or w.lower in TASK_NOUNS) and not is_generic(name) and not known(name) - {"task"}:
                    out.append(Candidate("task", name, item[0].start, item[-1].end, "used", 0.55, "patterns"))
    return out


def rank_tasks(pt: PaperText, found: list[Candidate], known: Known) -> list[Candidate]:
    """Merge task candidates by name and keep the ``MAX_TASKS`` best: title mentions first,
    then the most mentioned, then the earliest."""
    spans = {(c.start, c.end) for c in found}
    by_name: dict[str, list[Candidate]] = {}
    titled: set[str] = set()  # names said in the title, if only inside a longer task there
    own = {norm_key(d.short): normalize_task(d.long) for d in pt.definitions}  # the paper's meaning of its acronyms
    for c in (_own_name(c, own) if norm_key(c.name) in own else _listed_name(c) for c in found):
        if pt.in_title(c.start):
            titled.add(norm_key(c.name))
        if any(s <= c.start and c.end <= e and (s, e) != (c.start, c.end) for s, e in spans):
            continue  # "dense retrieval" inside "Few-shot Dense Retrieval": part of the longer task's name
        if c.name:
            by_name.setdefault(norm_key(c.name), []).append(c)
    owner = {norm_key(a): k for k in sorted(by_name) for c in by_name[k] for a in c.aliases}
    for key in sorted(by_name):
        home = owner.get(key)
        if home is not None and home != key and home in by_name and key in by_name:
            by_name[home].extend(by_name.pop(key))  # "OOD generalization" is an alias of a listed task

    for name in list(by_name):
        cands = by_name[name]
        in_title = any(pt.in_title(c.start) for c in cands)
        if is_paradigm(cands[0].name) and name not in titled:
            if not in_title and not _title_verb(pt, cands[0].name) and not any(_studied(pt, c) for c in cands):
                del by_name[name]  # "the model is pre-trained and then fine-tuned": a regime, not the paper's task
        elif len(cands[0].name.split()) == 1 and len({c.start for c in cands}) < 2 and not in_title \
                and not (cands[0].name in SINGLE_WORD_TASKS and any(c.extractor == "patterns" for c in cands)):
            del by_name[name]  # a one-word task mentioned once in passing
        elif cands[0].name in SINGLE_WORD_TASKS:
            if any(other != name and other.endswith(name) for other in by_name):
                del by_name[name]  # "classification" beside "text classification": the longer name says it
        elif all(c.extractor == "tagger" for c in cands) and all(is_acronym(pt.text[c.start:c.end]) for c in cands) \
                and "task" not in known(cands[0].name):
            del by_name[name]  # "VP", "MT": a bare acronym the paper does not define as a task
        elif all(c.extractor in ("phrases", "tagger") for c in cands) and "task" not in known(cands[0].name) \
                and not task_like(cands[0].name, cands, in_title, known):
            del by_name[name]

    canonical = _normalize_onto_vocabulary(pt, by_name, known)

    def score(cands: list[Candidate]) -> tuple[float, int]:
        in_title = any(pt.in_title(c.start) for c in cands)
        return (-(3.0 * in_title + len({c.start for c in cands}) + max(c.confidence for c in cands)),
                min(c.start for c in cands))

    ranked = sorted(by_name, key=lambda k: score(by_name[k]))[:MAX_TASKS]
    out = []
    for key in ranked:
        cands = by_name[key]
        best = max(cands, key=lambda c: (c.confidence, -c.start))
        conf = min(0.95, best.confidence + 0.05 * (len(cands) - 1) + (0.1 if any(pt.in_title(c.start) for c in cands) else 0))
        name = _paper_phrase(pt, canonical.get(key, best.name), cands)
        for c in sorted(cands, key=lambda c: c.start):
            aliases = c.aliases + ((c.name,) if c.name != name else ())
            out.append(Candidate("task", name, c.start, c.end, "used", conf, c.extractor, aliases, c.ids))
    return out


def _paper_phrase(pt: PaperText, name: str, cands: list[Candidate]) -> str:
    """A listed task the paper only calls by one of its synonyms is named as the paper says it
    ("sleep stage classification", listed as "sleep staging") unless it is an acronym or a part of
    the listed name ("distillation" of "knowledge distillation"); the listed name stays an alias,
    so both match and the resolver still joins it with the listed task."""
    said: dict[str, int] = {}
    for c in cands:
        surface = pt.text[c.start:c.end]
        if c.extractor != "gazetteer" or c.name != name or surface.lower() == name or any(is_acronym(w) for w in surface.split()):
            continue  # "OOD generalization": the listed name spells the acronym out
        phrase = normalize_task(surface)
        if len(phrase.split()) == len(surface.split()) and f" {phrase} " not in f" {name} ":  # "distillation", "summarization": the listed name says more
            said[phrase] = said.get(phrase, 0) + 1
    if not said or name in said:
        return name
    return max(said, key=lambda s: (said[s], len(s)))


@lru_cache(maxsize=1)
def task_acronyms() -> dict[str, str]:
    """Normalized acronym -> name of each task in the curated list ("ner" -> "named entity recognition")."""
    out: dict[str, str] = {}
    for row in default_records().get("task", []):
        for form in cast("list[str]", row.get("acronyms") or []):
            out.setdefault(norm_key(form), str(row["name"]))
    return out


def _own_name(c: Candidate, own: dict[str, str]) -> Candidate:
    """An acronym the paper defines is named by the paper's long form ("VLP" defined as
    "Vision-Language Pre-trained" is not the listed "vision-language pre-training")."""
    long = own[norm_key(c.name)]
    listed = task_acronyms().get(norm_key(c.name))
    if listed and (listed == long or listed.endswith(" " + long)):
        return _listed_name(c)  # "Re-ID (re-identification)": the listed "person re-identification"
    return replace(c, name=long, aliases=(*c.aliases, c.name)) if long and long != c.name else c


def _listed_name(c: Candidate) -> Candidate:
    """A candidate named by a listed task's acronym ("NER") takes the listed name (a listed
    alias phrase keeps its own, more specific, name: "passage retrieval")."""
    listed = task_acronyms().get(norm_key(c.name))
    if listed is None or listed == c.name:
        return c
    return replace(c, name=listed, aliases=(*c.aliases, c.name))


def _normalize_onto_vocabulary(pt: PaperText, by_name: dict[str, list[Candidate]], known: Known) -> dict[str, str]:
    """A free phrase said once in the abstract joins the paper's task it ends with: the
    listed task ("zero-shot cross-lingual transfer" is said of "cross-lingual transfer"),
    else the shorter phrase; alone, it is named by the listed task it ends with. A phrase the paper names its task by (in the title, defined
    with an acronym, repeated) stays its own task beside the general one. Changes
    ``by_name`` in place; returns the name of each group that absorbed another."""
    names = {k: by_name[k][0].name for k in by_name}
    canonical: dict[str, str] = {}
    for longer in sorted(by_name, key=lambda k: (-len(names[k]), k)):
        cands = by_name[longer]
        if "task" in known(names[longer]) or len({c.start for c in cands}) > 1 \
                or any(pt.in_title(c.start) or c.extractor not in ("phrases", "patterns") for c in cands):
            continue
        shorter = next((k for k in sorted(by_name, key=lambda k: (-len(names[k]), k))
                        if k != longer and names[longer].endswith(" " + names[k])), None)
        if shorter is not None:
            by_name[shorter].extend(by_name.pop(longer))
            canonical[shorter] = names[shorter]
            continue
        ws = names[longer].split()
        listed = next((" ".join(ws[i:]) for i in range(1, len(ws) - 1) if "task" in known(" ".join(ws[i:]))), None)
        if listed is not None and norm_key(listed) not in by_name:
            by_name[norm_key(listed)] = by_name.pop(longer)  # "multi-horizon time series forecasting"
            canonical[norm_key(listed)] = names[norm_key(listed)] = listed
    return canonical


def _names_a_method(pt: PaperText, d: Definition) -> bool:
    """``Long Form (SHORT) model``, ``SHORT (Long Form) algorithm``: a method noun right after
    a capitalized definition says the acronym names a method, not a task (a lowercase task
    with a method noun after it, "machine translation (MT) systems", stays a task)."""
    if not all(w[:1].isupper() or not w[:1].isalpha() for w in d.long.split()):
        return False
    end = max(d.long_end, d.short_end)
    after = words(pt.text, end, min(len(pt.text), end + 30))
    return bool(after) and after[0].lower in METHOD_NOUNS


GENERIC_PARADIGM_HEADS = frozenset("learning training pre-training fine-tuning tuning engineering".split())


def _stem(word: str) -> str:
    """A crude shared stem of a verb and its nominalization: distilling/distillation -> distil."""
    w = re.sub(r"(?:ations?|ions?|ing|ed|es|s|e)$", "", word.lower())
    return w[:-1] if len(w) > 2 and w[-1] == w[-2] else w


def _title_verb(pt: PaperText, paradigm: str) -> bool:
    """The title names the paradigm by its verb: "Distilling Efficient Language-Specific Models"
    is about knowledge distillation, "Pruning LLMs in One Shot" about pruning. Heads as general
    as learning or training say nothing."""
    head = paradigm.split()[-1]
    if head in GENERIC_PARADIGM_HEADS or len(_stem(head)) < 4:
        return False
    return any(_stem(w.lower) == _stem(head) for w in words(pt.title))


def _studied(pt: PaperText, cand: Candidate) -> bool:
    """The paradigm is what the paper studies: "we study/investigate/revisit X", or the kind of
    its contribution: "we propose a new X method" (X right after the authors' proposal verb,
    before a method noun)."""
    before = [w.lower for w in words(pt.text, pt.sentence_of(cand.start)[0], cand.start)]
    if set(before[-4:]) & STUDY_VERBS:
        return True
    after = words(pt.text, cand.end, min(len(pt.text), cand.end + 30))
    if not after or after[0].lower not in METHOD_NOUNS:
        return False  # "we propose a new fine-tuning method": the paradigm names the kind of contribution
    for v in range(max(0, len(before) - 6), len(before)):
        if before[v] in STRONG_PROPOSAL_VERBS and set(before[max(0, v - 8):v]) & SUBJECT_WORDS:
            return True
    return False


DATA_NOUNS = frozenset("text data language image video".split())  # what a task works on, never its head
ED_NOUNS = frozenset("speed seed need feed bed red embed shed".split())


def _participle(word: str) -> bool:
    """``pre-trained``, ``supervised``: an adjective, not the head noun of a task."""
    return word.endswith("ed") and word.rsplit("-", 1)[-1] not in ED_NOUNS


def _verb_like(word: str) -> bool:
    if word in VERBS:
        return True
    if "-" in word or word in ED_ING_MODIFIERS:
        return False
    return word.endswith(("ed", "ing"))


def task_like(name: str, cands: list[Candidate], in_title: bool, known: Known) -> bool:
    """A free phrase no list knows is kept as a task only when it reads like one: plain words,
    no evaluative or process modifier ("final classification", "two-stage learning"), not
    led by a verb ("accelerate classification"); and a head that is not a task by itself
    (``analysis``, ``optimization``, ``learning``) needs more: the title, a second mention,
    or a known task at its end ("medical text classification")."""
    ws = name.split()
    if not re.fullmatch(r"[a-z0-9][a-z0-9 -]*", name) or len(ws[0]) < 2 or len(ws) < 2:
        return False
    mods, head = ws[:-1], ws[-1]
    singular = head[:-1] if head.endswith("s") and not head.endswith("ss") else head
    if singular in METHOD_NOUNS or singular in DATASET_NOUNS or singular in DATA_NOUNS or _participle(head):
        return False  # "vision-language pre-trained models", "medical text": a model or data, not a task
    if any(m in NOT_TASK_MODIFIERS or m in PHRASE_STOP for m in mods) or _verb_like(mods[0]):
        return False
    if head in STRONG_TASK_HEADS:
        return True
    if in_title or len({c.start for c in cands}) >= 2:
        return True
    return any("task" in known(" ".join(ws[i:])) for i in range(len(ws) - 1))


TITLE_TASK_INTRO = frozenset("for towards toward".split())
SURVEY_NOUNS = frozenset("survey review overview tutorial primer".split())
TITLE_PHRASE_END = frozenset("""via with using through under from in on by to and of across without at beyond against
as into over is are can do does""".split())


def title_tasks(pt: PaperText, known: Known) -> list[Candidate]:
    """What a title says the work is for: "<method> for X" / "Towards X" / "A Survey on X"
    (X up to the next preposition, at most five words, not a model class or a name — a
    survey's topic may be a method family):
    "... Feature Spaces for Clinical Decision-Making" gives "clinical decision-making"."""
    ws = words(pt.title)
    out = []
    for i, w in enumerate(ws[:-1]):
        lw = w.lower
        intro = lw in TITLE_TASK_INTRO or (lw in ("on", "of") and i > 0 and ws[i - 1].lower in SURVEY_NOUNS)
        if not intro or w.trail:
            continue
        survey = lw in ("on", "of")
        j = i + 1
        while j < len(ws) and (ws[j].lower not in TITLE_PHRASE_END or survey and ws[j].lower == "of") \
                and not ws[j].lead:
            if ws[j].trail:
                j += 1
                break
            j += 1
        item = ws[i + 1:j]
        if not 1 <= len(item) <= 5 or any(is_coined(x.text) or (known(x.text) - {"task"} and not survey)
                                          for x in item):
            continue
        if len(item) > 2 and item[-1].lower in TASK_NOUNS and (
                item[-2].lower in PHRASE_TASK_HEADS or "task" in known(" ".join(x.text for x in item[:-1]))):
            item = item[:-1]  # "Public Health Surveillance Tasks": the task is the surveillance
        name = normalize_task(pt.title[item[0].start:item[-1].end])
        last = name.split()[-1] if name else ""
        if not survey and not (last in PHRASE_TASK_HEADS or last in TASK_NOUNS and len(item) > 2
                               or last.endswith(("-making", "-solving")) or "task" in known(name)):
            continue  # "for Law", "for Telecommunications": a domain, not a task
        singular = last[:-1] if last.endswith("s") and not last.endswith("ss") else last
        if not name or ((is_generic(name) or known(name) - {"task"}) and not survey) or _verb_like(name.split()[0]) \
                or singular in METHOD_NOUNS or singular in DATASET_NOUNS or singular in ("language", "data") \
                or any((x in NOT_TASK_MODIFIERS or x in PHRASE_STOP) and x != "of" for x in name.split()):
            continue
        out.append(Candidate("task", name, item[0].start, item[-1].end, "used", 0.55, "title"))
    return out
