"""Research tasks a paper addresses: curated-list hits, acronyms whose long form is a
task (``domain generalization (DG)``), "the task of X", and task phrases in the title.
Names are lowercase, American spelling, ``pre-training`` hyphenated; at most
``MAX_TASKS`` per paper, title first."""
from __future__ import annotations

import re

from extractors.context import Candidate, PaperText
from extractors.names import is_coined, is_generic, norm_key
from extractors.proposals import Known
from extractors.text import words
from extractors.vocab import PHRASE_TASK_HEADS, TASK_HEADS

MAX_TASKS = 5
_BRITISH = [(r"isation\b", "ization"), (r"modelling\b", "modeling"),
            (r"labelling\b", "labeling"), (r"\bpre ?training\b", "pre-training"),
            (r"\bpretrain", "pre-train"), (r"\bfine ?tuning\b", "fine-tuning"),
            (r"\bcontinued pre-training\b", "continual pre-training")]
_LEADING = re.compile(r"^(?:the|a|an|our|this|these|their|its|such|various|several|many|downstream|"
                      r"challenging|diverse|different|multiple|new|novel|existing|standard|real-world|"
                      r"important|popular|common|complex|general|specific|related)\s+")
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


def _phrase_before_head(ws, k: int, max_words: int = 4) -> tuple[int, int] | None:  # type: ignore[no-untyped-def]
    """Words ending at index ``k`` (a task head noun) back to a stop word: (first index, k)."""
    j = k
    while j - 1 >= 0 and k - (j - 1) < max_words and not ws[j - 1].trail \
            and ws[j - 1].lower not in TASK_PHRASE_STOP and not ws[j - 1].text[:1].isdigit():
        j -= 1
    return (j, k)


def find_tasks(pt: PaperText, known: Known) -> list[Candidate]:
    found: list[Candidate] = []
    for hit in pt.hits:
        if hit.entry.type == "task":
            found.append(Candidate("task", hit.entry.name, hit.start, hit.end, "used", 0.6, "gazetteer",
                                   (hit.text,) if hit.text.lower() != hit.entry.name else (), hit.entry.ids))
    for d in pt.definitions:
        head = d.long.split()[-1].lower() if d.long.split() else ""
        singular = head[:-1] if head.endswith("s") and not head.endswith("ss") else head
        if "task" in known(d.long) or "task" in known(d.short) or (
                singular in TASK_HEADS and not known(d.long) - {"task"} and not is_generic(d.long)):
            if d.long[:1].isupper() and sum(w[:1].isupper() for w in d.long.split()) == len(d.long.split()) \
                    and "task" not in known(d.long) and (singular not in TASK_HEADS or is_coined(d.short)
                                                          and not d.short.isupper()):
                continue  # "Multimodal Distillation (MDist)": a named component, not a task
            found.append(Candidate("task", normalize_task(d.long), d.long_start, d.long_end, "used", 0.7,
                                   "acronyms", (d.short,)))
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
    return rank_tasks(pt, found)


PHRASE_STOP = frozenset("""the a an this that these those our their its his her we they it is are was were be been
being has have had do does did can could may might will would shall should must not no nor and or but for of to in
on at by with from via as into onto over under about between among across through without within than then also
such both each every all any some more most less least many much few several various other another new novel
existing previous prior current recent better best strong stronger effective efficient significant significantly
improved improving improves improve enhanced enhancing enhances enhance state-of-the-art sota downstream
challenging general generic specific real-world large-scale small-scale key main important popular common during after
before until upon along around beyond like near per versus manner way
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
caused causing lead leads led leading reduce reduces reducing increase increases increasing""".split())
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
                if low in PHRASE_STOP or low in VERBS or not re.fullmatch(r"[a-z][a-z0-9-]*", low) or low.endswith("ly"):
                    break
                if not in_title and prev.text[:1].isupper() and sum(c.isupper() for c in prev.text) > 0 \
                        and j - 1 > 0:
                    break  # a capitalized word inside the abstract is part of a name
                if in_title and is_coined(prev.text):
                    break  # an acronym or coined name in the title ("Zero-Shot" is neither)
                j -= 1
            name = normalize_task(pt.text[ws[j].start:w.end])
            if not name or name in GENERIC_TASKS or is_generic(name) or known(name) - {"task"}:
                continue
            if len(name.split()) < 2 and "task" not in known(name):
                continue
            conf = 0.5 if in_title else 0.35
            out.append(Candidate("task", name, ws[j].start, w.end, "used", conf, "phrases"))
    return out


def rank_tasks(pt: PaperText, found: list[Candidate]) -> list[Candidate]:
    """Merge task candidates by name and keep the ``MAX_TASKS`` best: title mentions first,
    then the most mentioned, then the earliest."""
    by_name: dict[str, list[Candidate]] = {}
    for c in found:
        if c.name:
            by_name.setdefault(norm_key(c.name), []).append(c)

    # a one-word paradigm mentioned once in passing ("fine-tuning") is not what the paper addresses
    for name in list(by_name):
        cands = by_name[name]
        if len(cands[0].name.split()) == 1 and len(cands) < 2 and not any(pt.in_title(c.start) for c in cands):
            del by_name[name]

    def score(cands: list[Candidate]) -> tuple[float, int]:
        in_title = any(pt.in_title(c.start) for c in cands)
        return (-(3.0 * in_title + len(cands) + max(c.confidence for c in cands)), min(c.start for c in cands))

    ranked = sorted(by_name.values(), key=score)[:MAX_TASKS]
    out = []
    for cands in ranked:
        best = max(cands, key=lambda c: (c.confidence, -c.start))
        conf = min(0.95, best.confidence + 0.05 * (len(cands) - 1) + (0.1 if any(pt.in_title(c.start) for c in cands) else 0))
        for c in sorted(cands, key=lambda c: c.start):
            out.append(Candidate("task", best.name, c.start, c.end, "used", conf, c.extractor, c.aliases, c.ids))
    return out
