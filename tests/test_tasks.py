"""Tasks a researcher would recognise: the rules' and the tagger's task candidates ranked
together, listed acronyms named by the vocabulary, model nouns never a task head,
single-word tasks only when the text calls them tasks, and paradigms in the title."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from extractors.acronyms import find_definitions
from extractors.components import paper_text
from extractors.context import Candidate, PaperText
from extractors.gazetteer import TypeIndex, default_gazetteer
from extractors.tasks import find_tasks, rank_tasks, reworded_tasks, task_like

Entity = dict[str, Any]
KNOWN = TypeIndex(default_gazetteer())
TITLE = "Sparse Kernels for Scene Parsing"


def paper(title: str, abstract: str) -> PaperText:
    text = paper_text(title, abstract)
    end = len(title)
    sentences = [(0, end)]
    start = end + 2
    for part in abstract.split(". "):
        sentences.append((start, start + len(part) + 1))
        start += len(part) + 2
    pt = PaperText(text, end, sentences)
    pt.definitions = find_definitions(text, sentences)
    return pt


def tagged(pt: PaperText, surface: str, name: str | None = None) -> Candidate:
    start = pt.text.index(surface, pt.title_end)
    return Candidate("task", name or surface.lower(), start, start + len(surface), "used", 0.4, "tagger")


def names(cands: list[Candidate]) -> set[str]:
    return {c.name for c in cands}


def test_tagger_acronym_of_a_listed_task_takes_the_listed_name() -> None:
    pt = paper(TITLE, "We report 91.2 F1 for NER on news text.")
    ranked = rank_tasks(pt, [tagged(pt, "NER")], KNOWN)
    assert names(ranked) == {"named entity recognition"}
    assert "NER" in ranked[0].aliases or "ner" in ranked[0].aliases


def test_tagger_acronym_nobody_defines_is_not_a_task() -> None:
    pt = paper(TITLE, "Our model improves QXZ scores by two points.")
    assert rank_tasks(pt, [tagged(pt, "QXZ")], KNOWN) == []


def test_tagger_task_joins_the_defined_long_form() -> None:
    abstract = "We study viewport prediction (VP) for streaming. Our VP model is small."
    pt = paper(TITLE, abstract)
    vp = abstract.index("Our VP") + 4
    start = pt.title_end + 2 + vp
    extra = [Candidate("task", "vp", start, start + 2, "used", 0.4, "tagger")]
    ranked = find_tasks(pt, KNOWN, extra)
    assert "viewport prediction" in names(ranked) and "vp" not in names(ranked)
    vp_task = next(c for c in ranked if c.start == start)
    assert vp_task.name == "viewport prediction"


@pytest.mark.parametrize("phrase", ["vision-language pre-trained models", "retrieval benchmarks",
                                    "self-supervised"])
def test_a_model_noun_or_participle_is_never_a_task_head(phrase: str) -> None:
    assert not task_like(phrase, [], True, KNOWN)


@pytest.mark.parametrize("phrase", ["keyword spotting", "sleep stage classification", "entity linking"])
def test_task_heads_still_make_tasks(phrase: str) -> None:
    assert task_like(phrase, [], False, KNOWN)


def test_tagger_phrase_with_a_model_head_is_dropped_even_in_the_title() -> None:
    title = "Efficient Tuning of Vision-Language Pre-trained Models"
    pt = paper(title, "We tune adapters.")
    start = title.index("Vision")
    cand = Candidate("task", "vision-language pre-trained models", start, len(title), "used", 0.4, "tagger")
    assert rank_tasks(pt, [cand], KNOWN) == []


def test_acronym_long_form_ending_in_a_participle_is_not_a_task(run: Callable[..., list[Entity]]) -> None:
    ents = run(TITLE, "Vision-Language Pre-trained (VLP) models are large. We make VLP models cheaper.")
    assert not [e for e in ents if e["type"] == "task" and "pre-trained" in e["name"]]


@pytest.mark.parametrize("abstract, task", [
    ("Our encoder helps on the classification and segmentation tasks of two medical benchmarks.", "classification"),
    ("Results on the parsing task improve by a point.", "parsing"),
])
def test_single_word_task_kept_when_the_text_calls_it_a_task(run: Callable[..., list[Entity]], abstract: str,
                                                           task: str) -> None:
    assert task in {e["name"] for e in run(TITLE, abstract) if e["type"] == "task"}


@pytest.mark.parametrize("abstract", [
    "In this paper we study the problem of answering questions over long documents.",
    "It obtains strong results on many tasks, including pushing the state of the art.",
    "The clustering produced groups the verbs by frame.",
])
def test_single_word_said_once_without_a_task_noun_is_not_a_task(run: Callable[..., list[Entity]],
                                                                abstract: str) -> None:
    tasks = {e["name"] for e in run(TITLE, abstract) if e["type"] == "task"}
    assert not {"answering", "pushing", "clustering"} & tasks


def test_paradigm_named_inside_a_longer_title_task_counts_as_in_the_title() -> None:
    title = "Time Series Adaptation with Information-Aware Prompt Tuning"
    abstract = "We adapt forecasters to new sensors. Prompt tuning keeps the backbone frozen."
    pt = paper(title, abstract)
    longer = title.index("Information")
    inner = title.index("Prompt")
    abstract_start = pt.text.index("Prompt tuning", pt.title_end)
    found = [
        Candidate("task", "information-aware prompt tuning", longer, len(title), "used", 0.5, "phrases"),
        Candidate("task", "prompt tuning", inner, len(title), "used", 0.6, "gazetteer"),
        Candidate("task", "prompt tuning", abstract_start, abstract_start + 13, "used", 0.6, "gazetteer"),
    ]
    assert "prompt tuning" in names(rank_tasks(pt, found, KNOWN))


def test_paradigm_in_passing_is_still_not_a_task() -> None:
    abstract = "Our detector finds cracks in bridges. The backbone is pre-trained and then fine-tuned."
    pt = paper("Crack Detection in Bridge Images", abstract)
    start = pt.text.index("fine-tuned")
    found = [Candidate("task", "fine-tuning", start, start + 10, "used", 0.6, "gazetteer")]
    assert rank_tasks(pt, found, KNOWN) == []


@pytest.mark.parametrize("title, paradigm", [
    ("Distilling Compact Parsers from Large Teachers", "knowledge distillation"),
    ("Pruning Vision Transformers Without Retraining", "network pruning"),
])
def test_title_verb_makes_its_paradigm_the_subject(title: str, paradigm: str) -> None:
    abstract = f"The student keeps the accuracy of its teacher. We apply {paradigm} to three backbones."
    pt = paper(title, abstract)
    start = pt.text.index(paradigm, pt.title_end)
    found = [Candidate("task", paradigm, start, start + len(paradigm), "used", 0.6, "gazetteer")]
    assert paradigm in names(rank_tasks(pt, found, KNOWN))


@pytest.mark.parametrize("title", ["Learning to Parse Tables", "Training Parsers on Tables"])
def test_a_general_title_verb_does_not_make_a_paradigm_the_subject(title: str) -> None:
    abstract = "Tables are hard to parse. Our parser is trained with transfer learning on web tables."
    pt = paper(title, abstract)
    start = pt.text.index("transfer learning", pt.title_end)
    found = [Candidate("task", "transfer learning", start, start + 17, "used", 0.6, "gazetteer")]
    assert rank_tasks(pt, found, KNOWN) == []


def test_coordinated_single_word_tasks_with_a_setting_acronym(run: Callable[..., list[Entity]]) -> None:
    abstract = "Our adapter works in both classification and segmentation CTTA tasks on four benchmarks."
    tasks = {e["name"] for e in run(TITLE, abstract) if e["type"] == "task"}
    assert "classification" in tasks


def test_a_capability_is_not_a_task(run: Callable[..., list[Entity]]) -> None:
    abstract = "The adapted models keep their general language understanding capabilities after tuning."
    assert not [e for e in run(TITLE, abstract) if e["type"] == "task" and "understanding" in e["name"]]


@pytest.mark.parametrize("raw, expected", [("automatic corruption detection", "corruption detection"),
                                           ("automated essay scoring", "essay scoring")])
def test_automatic_is_not_part_of_a_task_name(raw: str, expected: str) -> None:
    from extractors.tasks import normalize_task

    assert normalize_task(raw) == expected


@pytest.mark.parametrize("abstract, task", [
    ("Experiments on Chinese-English translation show gains of two BLEU points.", "chinese-english translation"),
    ("We revisit Chinese word segmentation with a character tagger.", "chinese word segmentation"),
])
def test_a_language_modifier_belongs_to_the_task(run: Callable[..., list[Entity]], abstract: str, task: str) -> None:
    tasks = {e["name"] for e in run(TITLE, abstract) if e["type"] == "task"}
    assert task in tasks and "translation" not in tasks and "segmentation" not in tasks


@pytest.mark.parametrize("abstract, name", [
    ("We use the Simple Linear Iterative Clustering (SLIC) algorithm to get superpixels.", "simple linear iterative clustering"),
    ("An integrated Deep Active Lesion Segmentation (DALS) model predicts the contour.", "deep active lesion segmentation"),
])
def test_capitalized_definition_before_a_method_noun_names_a_method(run: Callable[..., list[Entity]], abstract: str,
                                                                   name: str) -> None:
    assert name not in {e["name"] for e in run(TITLE, abstract) if e["type"] == "task"}


def test_lowercase_task_definition_before_a_method_noun_stays_a_task(run: Callable[..., list[Entity]]) -> None:
    ents = run(TITLE, "Viewport prediction (VP) models guess where the user will look next.")
    assert "viewport prediction" in {e["name"] for e in ents if e["type"] == "task"}


def test_a_listed_task_acronym_names_its_misspelled_long_form(run: Callable[..., list[Entity]]) -> None:
    ents = run(TITLE, "The challenges of Named Entities Recognition (NER) for tweets lie in their brevity.")
    ner = next(e for e in ents if e["type"] == "task" and "NER" in e["aliases"])
    assert ner["name"] == "named entity recognition"


@pytest.mark.parametrize("text", ["word embedding", "text embedding", "sentence embedding", "scaling laws",
                                  "low-rank approximation"])
def test_representations_and_laws_are_not_listed_tasks(text: str) -> None:
    assert "task" not in KNOWN(text)


def test_a_task_said_often_outranks_one_many_extractors_found_once() -> None:
    abstract = ("We study keyword spotting on phones. Keyword spotting must run in real time. "
                "Keyword spotting errors annoy users. We also mention sentiment analysis.")
    pt = paper(TITLE, abstract)
    found = []
    for start in [m for m in range(len(pt.text)) if pt.text.startswith("eyword spotting", m)]:
        found.append(Candidate("task", "keyword spotting", start - 1, start + 15, "used", 0.35, "phrases"))
    s = pt.text.index("sentiment analysis")
    found += [Candidate("task", "sentiment analysis", s, s + 18, "used", c, x)
              for c, x in ((0.6, "gazetteer"), (0.35, "phrases"), (0.4, "tagger"), (0.45, "patterns"))]
    ranked = [c.name for c in rank_tasks(pt, found, KNOWN)]
    assert ranked.index("keyword spotting") < ranked.index("sentiment analysis")


def test_a_tagger_acronym_the_paper_defines_as_a_model_is_not_the_listed_task() -> None:
    abstract = "Vision-Language Pre-trained (VLP) models are costly. We make VLP models cheaper."
    pt = paper(TITLE, abstract)
    start = pt.text.index("VLP models cheaper")
    cand = Candidate("task", "vlp", start, start + 3, "used", 0.4, "tagger")
    assert "vision-language pre-training" not in names(rank_tasks(pt, [cand], KNOWN))


def test_a_tagger_acronym_defined_by_a_shorter_long_form_keeps_the_listed_task() -> None:
    abstract = "Person search needs re-identification (Re-ID) of people. Re-ID features are shared."
    pt = paper(TITLE, abstract)
    start = pt.text.index("Re-ID features")
    cand = Candidate("task", "re-id", start, start + 5, "used", 0.4, "tagger")
    assert "person re-identification" in names(rank_tasks(pt, [cand], KNOWN))


@pytest.mark.parametrize("phrase", ["medical text", "clinical data", "sign language"])
def test_data_is_not_a_task(phrase: str) -> None:
    assert not task_like(phrase, [], True, KNOWN)


def test_an_acronym_defined_as_a_model_family_is_not_a_task(run: Callable[..., list[Entity]]) -> None:
    ents = run(TITLE, "We compare medical language models (MLMs) of three sizes. MLMs still hallucinate.")
    assert not [e for e in ents if e["type"] == "task" and "language models" in e["name"]]


def _tasks(ents: list[Entity]) -> dict[str, list[str]]:
    return {e["name"]: e.get("aliases") or [] for e in ents if e["type"] == "task"}


def test_a_listed_task_is_named_by_the_synonym_the_paper_uses(run: Callable[..., list[Entity]]) -> None:
    ents = run(TITLE, "We tune hyperparameter tuning budgets for wearable sleep stage classification in "
                      "hospitals, and our sleep stage classification results beat every baseline.")
    tasks = _tasks(ents)
    assert "sleep stage classification" in tasks and "sleep staging" not in tasks
    assert "sleep staging" in tasks["sleep stage classification"]  # the listed name still matches


def test_a_part_or_an_acronym_of_a_listed_task_does_not_rename_it(run: Callable[..., list[Entity]]) -> None:
    tasks = _tasks(run(TITLE, "Our robust OOD generalization recipe improves OOD generalization on "
                              "three shifts, and the same recipe helps distillation of students by distillation."))
    assert "ood generalization" not in tasks and "distillation" not in tasks


@pytest.mark.parametrize("abstract, name, surface", [
    ("The model is good at answering factual questions about people.", "factual question answering",
     "answering factual questions"),
    ("We train a network to segment abdominal organs in scans.", "abdominal organ segmentation",
     "segment abdominal organs"),
    ("The classification of images remains hard for small networks.", "image classification",
     "classification of images"),
])
def test_a_task_said_as_a_verb_or_with_of_is_put_in_task_word_order(abstract: str, name: str, surface: str) -> None:
    pt = paper(TITLE, abstract)
    found = {c.name: c.aliases for c in reworded_tasks(pt, KNOWN)}
    assert name in found and surface in found[name]


@pytest.mark.parametrize("abstract", [
    "The model learns to answer quickly and to detect when it fails.",  # no object
    "Our encoder can detect Transformers hidden in the weights.",  # a capitalized name is not an object
    "We generate images from captions.",  # "generate" is what a method outputs
    "The fine detection of spikes matters for the reviewers.",  # "spike detection" is in no list
])
def test_a_verb_phrase_that_does_not_end_in_a_listed_task_is_no_task(abstract: str) -> None:
    assert reworded_tasks(paper(TITLE, abstract), KNOWN) == []
