"""Resolution contracts: what merges, what stays apart, why (audited), in any input order."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import DuplicatePaperError
from kg.records import Extraction, Mention, Paper
from kg.resolve.normalize import is_short_form, normalize, singular_candidate, slug
from kg.resolve.resolver import Resolution, resolve


def mention(name: str, type: str = "method", aliases: tuple[str, ...] = (), role: str = "used",
            ids: tuple[tuple[str, str], ...] = ()) -> Mention:
    return Mention(type=type, name=name, aliases=aliases, role=role, ids=ids)  # type: ignore[arg-type]


def paper(pid: str, *mentions: Mention, abstract: str = "", title: str = "") -> Extraction:
    return Extraction(Paper(id=pid, title=title or f"Paper {pid}", abstract=abstract, sources=()),
                      tuple(mentions))


def node_of(res: Resolution, pid: str, index: int = 0) -> str:
    return res.mentions[(pid, index)]


# --- normalization -------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("ResNet-50", "ResNet 50"), ("ResNet-50", "resnet50"), ("GPT-4", "GPT4"), ("GPT-4", "gpt_4"),
    ("Sharpness-Aware Minimization", "sharpness aware minimization"), ("ＢＥＲＴ", "BERT"),
    ("LLaMA-2 7B", "LLaMA 2-7B"), ("(SAM)", "SAM"), ("T5.", "T5"),
])
def test_normalize_equal(a: str, b: str) -> None:
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize("a, b", [
    ("GPT-4", "GPT-4o"), ("GPT-4", "GPT-3.5"), ("GPT-3.5", "GPT-4o"), ("CIFAR-10", "CIFAR-100"),
    ("LLaMA-2 7B", "LLaMA-2"), ("LLaMA-2 7B", "LLaMA-27B"), ("GPT-3.5", "GPT-35"), ("v1.5", "v15"),
])
def test_normalize_different(a: str, b: str) -> None:
    assert normalize(a) != normalize(b)


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


@given(st.text("abcXYZ", min_size=1), st.text("abcXYZ", min_size=1), st.sampled_from(["-", " ", "_", ".", ""]))
def test_separators_between_letters_do_not_matter(a: str, b: str, sep: str) -> None:
    assert normalize(a + sep + b) == normalize(a + b)


def test_short_forms_and_slugs() -> None:
    assert [is_short_form(s) for s in ("SAM", "LoRA", "ViDA", "GPT-4", "Transformer", "Low-Rank Adaptation")] \
        == [True, True, True, True, False, False]
    assert slug("Sharpness-Aware Minimization") == "sharpness-aware-minimization"
    assert singular_candidate("Transformers") == "Transformer"
    assert [singular_candidate(s) for s in ("Loss", "Focus", "Analysis", "GANS", "Ms")] == [None] * 5


# --- merge / no-merge table ------------------------------------------------------------

MERGE = [
    ("normalized hyphen/space", mention("ResNet-50"), mention("ResNet 50")),
    ("normalized case", mention("ResNet-50"), mention("resnet50")),
    ("GPT-4 == GPT4", mention("GPT-4"), mention("GPT4")),
    ("plural", mention("Transformers"), mention("Transformer")),
    ("plural acronym", mention("ViDAs"), mention("ViDA")),
    ("acronym + long form", mention("LoRA", aliases=("Low-Rank Adaptation",)), mention("low-rank adaptation")),
    ("long form names the acronym", mention("Segment Anything Model", aliases=("SAM",)), mention("SAM")),
    ("shared id", mention("BERT", ids=(("pwc", "bert"),)),
     mention("Bidirectional Encoder Representations from Transformers", ids=(("pwc", "bert"),))),
    ("dataset plural", mention("ImageNets", "dataset"), mention("ImageNet", "dataset")),
]

APART = [
    ("GPT-4 vs GPT-3.5", mention("GPT-4"), mention("GPT-3.5")),
    ("GPT-4 vs GPT-4o", mention("GPT-4"), mention("GPT-4o")),
    ("GPT-3.5 vs GPT-4o", mention("GPT-3.5"), mention("GPT-4o")),
    ("CIFAR-10 vs CIFAR-100", mention("CIFAR-10", "dataset"), mention("CIFAR-100", "dataset")),
    ("LLaMA-2 7B vs LLaMA-2", mention("LLaMA-2 7B"), mention("LLaMA-2")),
    ("types stay apart", mention("ImageNet", "dataset"), mention("ImageNet", "method")),
    ("uppercase S is not a plural", mention("GANS"), mention("GAN")),
    ("-ss is not a plural", mention("Focal Loss"), mention("Focal Los")),
    ("different ids", mention("X-Net", ids=(("pwc", "x1"),)), mention("XNet", ids=(("pwc", "x2"),))),
]


@pytest.mark.parametrize("label, a, b", MERGE, ids=[c[0] for c in MERGE])
def test_merged(label: str, a: Mention, b: Mention) -> None:
    res = resolve([paper("p1", a), paper("p2", b)])
    assert node_of(res, "p1") == node_of(res, "p2")
    assert res.entities[node_of(res, "p1")].papers == ("p1", "p2")
    assert res.merges, "every merge of two different surface forms is audited"


@pytest.mark.parametrize("label, a, b", APART, ids=[c[0] for c in APART])
def test_kept_apart(label: str, a: Mention, b: Mention) -> None:
    res = resolve([paper("p1", a), paper("p2", b)])
    assert node_of(res, "p1") != node_of(res, "p2")


def test_keys_and_canonical_names() -> None:
    res = resolve([paper("p1", mention("GPT-3.5"), mention("LLaMA-2 7B"), mention("Low-Rank Adaptation", aliases=("LoRA",))),
                   paper("p2", mention("low-rank adaptation"), mention("BEADs"), mention("CIFAR-10", "dataset"))])
    assert set(res.entities) == {"method:gpt3.5", "method:llama2-7b", "method:lora", "method:beads",
                                 "dataset:cifar10"}
    assert res.entities["method:lora"].name == "LoRA"  # the short form wins
    assert res.entities["method:lora"].long_forms == ("Low-Rank Adaptation",)
    assert res.entities["method:beads"].name == "BEADs"  # no 'BEAD' in the corpus: not a plural
    assert res.lookup("low rank adaptation")[0].key == "lora"


def test_canonical_name_prefers_curated_then_frequent() -> None:
    res = resolve([paper("p1", mention("vision transformer")), paper("p2", mention("Vision transformer")),
                   paper("p3", mention("Vision transformer"))])
    assert res.entities["method:visiontransformer"].name == "Vision transformer"
    res = resolve([paper("p1", mention("resnet-50")), paper("p2", mention("resnet-50")),
                   paper("p3", mention("ResNet50", ids=(("pwc", "resnet-50"),)))])
    assert res.entities["method:resnet50"].name == "ResNet50"
    assert res.entities["method:resnet50"].ids == (("pwc", "resnet-50"),)


# --- ambiguous acronyms ------------------------------------------------------------------

SHARP = "Sharpness-Aware Minimization"
SEGMENT = "Segment Anything Model"
SHARP_KEY, SEGMENT_KEY = "method:sam~sharpness-aware-minimization", "method:sam~segment-anything-model"


def sam_corpus() -> list[Extraction]:
    return [
        paper("a", mention("SAM", aliases=(SHARP,), role="proposed"), mention("CIFAR-10", "dataset")),
        paper("b", mention("SAM", aliases=(SEGMENT,)), mention("image segmentation", "task")),
        paper("b2", mention("SAM", aliases=("segment anything model",)), mention("COCO", "dataset")),
        paper("b3", mention("SAM", aliases=(SEGMENT,))),
        paper("c", mention("SAM"), abstract="We revisit sharpness-aware minimization for training."),
        paper("d", mention("SAM"), mention("Image Segmentation", "task")),
        paper("e", mention("SAM")),
        paper("f", mention("SAM"), mention("SAM", aliases=(SHARP,))),
    ]


def test_two_senses_are_kept_apart() -> None:
    res = resolve(sam_corpus())
    assert node_of(res, "a") == SHARP_KEY and node_of(res, "b") == SEGMENT_KEY
    assert node_of(res, "b2") == SEGMENT_KEY  # long forms differing in case are one sense
    assert res.entities[SHARP_KEY].name == res.entities[SEGMENT_KEY].name == "SAM"
    assert not any(k == "method:sam" for k in res.entities)


@pytest.mark.parametrize("pid, index, expected, how", [
    ("c", 0, SHARP_KEY, "long form 'Sharpness-Aware Minimization' in the paper text"),
    ("d", 0, SEGMENT_KEY, "1 co-mentioned entity shared with papers of that sense (image segmentation)"),
    ("e", 0, SEGMENT_KEY, "most frequent sense (3 paper(s))"),
    ("f", 0, SHARP_KEY, "its definition elsewhere in the same paper f"),
])
def test_bare_acronym_attached_by_context_and_audited(pid: str, index: int, expected: str, how: str) -> None:
    res = resolve(sam_corpus())
    assert node_of(res, pid, index) == expected
    [merge] = [m for m in res.merges if m.strategy == "context" and m.papers == (pid,)]
    assert merge.kept == expected and merge.merged == "SAM"
    assert merge.reason.startswith("ambiguous acronym 'SAM' (2 senses: ")
    assert merge.reason.endswith(f"chose '{res.entities[expected].long_forms[0]}' by {how}")


def test_one_definition_is_not_ambiguous() -> None:
    res = resolve([paper("a", mention("SAM", aliases=(SHARP,))), paper("b", mention("SAM"))])
    assert node_of(res, "a") == node_of(res, "b") == "method:sam"


# --- one name, different things (issue 10 item 5) ------------------------------------------

ZORP_LONG = "Zonal Occupancy Reasoning Planner"


def test_two_papers_coining_one_name_make_two_entities() -> None:
    """Two papers each propose a "ZORP": one defines it, one does not; a third paper that
    spells out one long form is attached to that one, and both senses keep the name."""
    res = resolve([paper("a", mention("ZORP", role="proposed", aliases=(ZORP_LONG,))),
                   paper("b", mention("ZORP", role="proposed")),
                   paper("c", mention("ZORP"), abstract="We plan with a zonal occupancy reasoning planner.")])
    assert node_of(res, "a") != node_of(res, "b")
    assert res.entities[node_of(res, "a")].long_forms == (ZORP_LONG,)
    assert res.entities[node_of(res, "b")].long_forms == ()
    assert {res.entities[node_of(res, p)].name for p in "ab"} == {"ZORP"}
    assert node_of(res, "c") == node_of(res, "a")
    [merge] = [m for m in res.merges if m.strategy == "context"]
    assert merge.papers == ("c",) and "long form 'Zonal Occupancy Reasoning Planner' in the paper text" in merge.reason


def test_a_coined_name_used_elsewhere_is_one_entity() -> None:
    res = resolve([paper("a", mention("ZORP", role="proposed")), paper("b", mention("ZORP")),
                   paper("c", mention("ZORP", aliases=(ZORP_LONG,)))])
    assert node_of(res, "a") == node_of(res, "b") == node_of(res, "c") == "method:zorp"


def test_two_papers_coining_one_name_with_one_long_form_are_one_entity() -> None:
    res = resolve([paper("a", mention("ZORP", role="proposed", aliases=(ZORP_LONG,))),
                   paper("b", mention("ZORP", role="proposed", aliases=(ZORP_LONG.lower(),)))])
    assert node_of(res, "a") == node_of(res, "b") == "method:zorp"


def test_a_curated_name_proposed_twice_stays_one_entity() -> None:
    ids = (("pwc", "zorp"),)
    res = resolve([paper("a", mention("ZORP", role="proposed", ids=ids)),
                   paper("b", mention("ZORP", role="proposed", ids=ids))])
    assert node_of(res, "a") == node_of(res, "b")


def test_one_acronym_two_long_forms_in_two_papers() -> None:
    res = resolve([paper("a", mention("LCM", aliases=("Latent Consistency Models",))),
                   paper("b", mention("LCM", aliases=("learnable commutative monoid",)))])
    a, b = res.entities[node_of(res, "a")], res.entities[node_of(res, "b")]
    assert a.key != b.key and a.long_forms == ("Latent Consistency Models",)
    assert b.long_forms == ("learnable commutative monoid",)
    assert "learnable commutative monoid" not in a.aliases and "Latent Consistency Models" not in b.aliases


def test_name_plus_noun_is_not_a_long_form() -> None:
    """"ZORP dataset" (the surface "the ZORP dataset") spells nothing out: no sense is made of it."""
    res = resolve([paper("a", mention("ZORP", "dataset", aliases=("ZORP dataset",))),
                   paper("b", mention("ZORP", "dataset", aliases=("Zonal Object Retrieval Pairs",))),
                   paper("c", mention("ZORP", "dataset"))])
    ent = res.entities[node_of(res, "a")]
    assert node_of(res, "b") == node_of(res, "c") == ent.node_id
    assert ent.long_forms == ("Zonal Object Retrieval Pairs",) and "ZORP dataset" in ent.aliases


def test_a_metric_does_not_take_a_methods_long_form() -> None:
    """AP the metric (average precision) and AP a paper defines as "atomic propositions"
    (typed method here) stay two entities, and the metric gains no alias from the method."""
    res = resolve([paper("a", mention("AP", "metric", aliases=("average precision",))),
                   paper("b", mention("AP", "metric")),
                   paper("c", mention("AP", "method", aliases=("Atomic Propositions",)))])
    metric = res.entities[node_of(res, "a")]
    assert node_of(res, "b") == metric.node_id and metric.type == "metric"
    assert node_of(res, "c") != metric.node_id
    assert "Atomic Propositions" not in metric.aliases + metric.long_forms


# --- types -------------------------------------------------------------------------------

def test_majority_type_merges_typed_differently_with_shared_identity() -> None:
    imagenet = (("pwc", "imagenet"),)
    res = resolve([paper("a", mention("ImageNet", "dataset", ids=imagenet)),
                   paper("b", mention("ImageNet", "dataset", ids=imagenet)),
                   paper("c", mention("ImageNet", "method", ids=imagenet))])
    assert {node_of(res, p) for p in "abc"} == {"dataset:imagenet"}
    [merge] = [m for m in res.merges if m.strategy == "type"]
    assert merge.kept == "dataset:imagenet" and merge.papers == ("c",)
    assert "typed method in 1 paper(s) but dataset in 2" in merge.reason


# --- audit -------------------------------------------------------------------------------

def test_merges_say_why() -> None:
    res = resolve([paper("x", mention("SAM", aliases=(SHARP,))), paper("y", mention("ResNet 50")),
                   paper("z", mention("ResNet-50"), mention("sharpness aware minimization"))])
    reasons = {(m.kept, m.merged): (m.strategy, m.reason) for m in res.merges}
    assert reasons[("method:sam", SHARP)] == (
        "acronym", "acronym 'SAM' defined as 'Sharpness-Aware Minimization' in paper x")
    assert reasons[("method:resnet50", "ResNet 50")] == (
        "normalized", "normalized form 'resnet50' equals 'ResNet-50'")
    assert reasons[("method:sam", "sharpness aware minimization")][0] == "acronym"


# --- determinism -------------------------------------------------------------------------

def tricky_corpus() -> list[Extraction]:
    return sam_corpus() + [
        paper("g", mention("Transformers"), mention("ResNet 50"), mention("X", "dataset")),
        paper("h", mention("Transformer"), mention("ResNet-50"), mention("X", "method")),
        paper("i", mention("LoRA", aliases=("Low-Rank Adaptation",)), mention("GPT-4"), mention("GPT4")),
        paper("j", mention("low rank adaptation"), mention("gpt-4"), mention("T", "task", ids=(("pwc", "t"),))),
        paper("k", mention("T", "dataset", ids=(("pwc", "t"),)), mention("SAM", aliases=("Spatial Attention Module",))),
    ]


@settings(max_examples=40, deadline=None)
@given(st.permutations(tricky_corpus()))
def test_result_does_not_depend_on_input_order(shuffled: list[Extraction]) -> None:
    assert resolve(shuffled) == resolve(tricky_corpus())


def test_duplicate_paper_ids_are_refused() -> None:
    with pytest.raises(DuplicatePaperError, match=r"occurs twice .*\[E103\]"):
        resolve([paper("a", mention("X")), paper("a", mention("Y"))])
