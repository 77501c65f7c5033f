"""Checks for the curated name lists shipped in ``extractors.data``.

The lists (methods, datasets, tasks, metrics, generic terms) are plain data
files read at run time with ``importlib.resources``; these tests guard their
format and a few semantic invariants (versions are distinct entries, aliases
are unambiguous, generic class terms never double as method names).
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pytest

try:  # the project may be run from a checkout without being installed
    import extractors.data  # noqa: F401
except ModuleNotFoundError:  # pragma: no cover - depends on how pytest is invoked
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DATA = resources.files("extractors.data")

METHOD_KINDS = {"model", "architecture", "algorithm", "optimizer", "technique", "library"}
DATASET_KINDS = {"dataset", "benchmark", "corpus", "suite", "environment"}
PWC_SLUG = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")

# key -> allowed type(s); required keys are listed separately
ENTITY_OPTIONAL = {
    "acronym": str,
    "ambiguous_acronym": bool,
    "common_word": bool,
    "pwc": str,
}
METRIC_OPTIONAL = {
    "acronym": str,
    "ambiguous_acronym": bool,
    "common_word": bool,
}


def _load_jsonl(filename: str) -> list[dict]:
    text = DATA.joinpath(filename).read_text(encoding="utf-8")
    entries = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        assert line.strip(), f"{filename}:{lineno}: blank line"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:  # pragma: no cover - failure path
            pytest.fail(f"{filename}:{lineno}: invalid JSON: {exc}")
        assert isinstance(obj, dict), f"{filename}:{lineno}: not a JSON object"
        entries.append(obj)
    return entries


def _load_generic() -> list[str]:
    text = DATA.joinpath("generic.txt").read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@pytest.fixture(scope="module")
def methods() -> list[dict]:
    return _load_jsonl("methods.jsonl")


@pytest.fixture(scope="module")
def datasets() -> list[dict]:
    return _load_jsonl("datasets.jsonl")


@pytest.fixture(scope="module")
def tasks() -> list[dict]:
    return _load_jsonl("tasks.jsonl")


@pytest.fixture(scope="module")
def metrics() -> list[dict]:
    return _load_jsonl("metrics.jsonl")


@pytest.fixture(scope="module")
def generic() -> list[str]:
    return _load_generic()


def _acronyms(entry: dict) -> list[str]:
    if "acronyms" in entry:
        return list(entry["acronyms"])
    if "acronym" in entry:
        return [entry["acronym"]]
    return []


def _surfaces(entry: dict) -> list[str]:
    """Every string the extractor may match for this entry."""
    return [entry["name"], *entry.get("aliases", []), *_acronyms(entry)]


def _clean(s: object) -> bool:
    return isinstance(s, str) and bool(s) and s == s.strip() and "\n" not in s and "\t" not in s


def _index(entries: list[dict]) -> dict[str, list[dict]]:
    idx: dict[str, list[dict]] = defaultdict(list)
    for e in entries:
        for s in {x.casefold() for x in _surfaces(e)}:
            idx[s].append(e)
    return idx


def _find(entries: list[dict], surface: str) -> dict:
    hits = _index(entries).get(surface.casefold(), [])
    assert hits, f"no entry matches {surface!r}"
    assert len(hits) == 1, f"{surface!r} is ambiguous: {[h['name'] for h in hits]}"
    return hits[0]


# --------------------------------------------------------------------------- schema


def _check_entity_schema(entries: list[dict], kinds: set[str], filename: str) -> None:
    for e in entries:
        where = f"{filename}: {e.get('name')!r}"
        assert {"name", "aliases", "kind"} <= e.keys(), f"{where}: missing required keys"
        extra = e.keys() - {"name", "aliases", "kind"} - ENTITY_OPTIONAL.keys()
        assert not extra, f"{where}: unexpected keys {sorted(extra)}"
        assert _clean(e["name"]), f"{where}: bad name"
        assert isinstance(e["aliases"], list), f"{where}: aliases must be a list"
        for a in e["aliases"]:
            assert _clean(a), f"{where}: bad alias {a!r}"
            assert a != e["name"], f"{where}: alias repeats the name"
        assert len(e["aliases"]) == len(set(e["aliases"])), f"{where}: repeated alias"
        assert e["kind"] in kinds, f"{where}: unknown kind {e['kind']!r}"
        for key, typ in ENTITY_OPTIONAL.items():
            if key in e:
                assert isinstance(e[key], typ), f"{where}: {key} must be {typ.__name__}"
        if "acronym" in e:
            assert _clean(e["acronym"]), f"{where}: bad acronym"
        for flag in ("ambiguous_acronym", "common_word"):
            if flag in e:
                assert e[flag] is True, f"{where}: {flag} should be omitted rather than false"
        if "pwc" in e:
            assert PWC_SLUG.match(e["pwc"]), f"{where}: bad pwc slug {e['pwc']!r}"


def test_methods_schema(methods):
    _check_entity_schema(methods, METHOD_KINDS, "methods.jsonl")


def test_datasets_schema(datasets):
    _check_entity_schema(datasets, DATASET_KINDS, "datasets.jsonl")


def test_tasks_schema(tasks):
    for t in tasks:
        where = f"tasks.jsonl: {t.get('name')!r}"
        assert set(t) == {"name", "aliases", "acronyms"}, f"{where}: keys {sorted(t)}"
        assert _clean(t["name"]), where
        assert isinstance(t["aliases"], list) and isinstance(t["acronyms"], list), where
        for s in t["aliases"] + t["acronyms"]:
            assert _clean(s), f"{where}: bad string {s!r}"
        assert t["name"] not in t["aliases"], f"{where}: alias repeats the name"
        assert len(t["aliases"]) == len(set(t["aliases"])), f"{where}: repeated alias"


def test_tasks_lowercase(tasks):
    for t in tasks:
        for s in [t["name"], *t["aliases"]]:
            assert s == s.lower(), f"tasks.jsonl: {s!r} is not lowercase"


def test_tasks_hyphenation_and_spelling(tasks):
    for t in tasks:
        # canonical names use the hyphenated form; aliases may carry "pretraining"
        assert "pretraining" not in t["name"], t["name"]
        for s in [t["name"], *t["aliases"]]:
            for british, american in (("modelling", "modeling"), ("optimisation", "optimization"),
                                      ("generalisation", "generalization"), ("recognise", "recognize")):
                assert british not in s, f"{s!r}: use American spelling ({american})"
    names = {t["name"] for t in tasks}
    assert "pre-training" in names


def test_metrics_schema(metrics):
    for m in metrics:
        where = f"metrics.jsonl: {m.get('name')!r}"
        assert {"name", "aliases"} <= m.keys(), where
        extra = m.keys() - {"name", "aliases"} - METRIC_OPTIONAL.keys()
        assert not extra, f"{where}: unexpected keys {sorted(extra)}"
        assert _clean(m["name"]), where
        assert isinstance(m["aliases"], list), where
        for a in m["aliases"]:
            assert _clean(a), f"{where}: bad alias {a!r}"
        for key, typ in METRIC_OPTIONAL.items():
            if key in m:
                assert isinstance(m[key], typ), f"{where}: {key}"


@pytest.mark.parametrize("filename", ["methods.jsonl", "datasets.jsonl", "tasks.jsonl", "metrics.jsonl"])
def test_sorted_by_name(filename):
    names = [e["name"] for e in _load_jsonl(filename)]
    assert names == sorted(names, key=lambda n: (n.casefold(), n)), f"{filename} is not sorted by name"


# --------------------------------------------------------------------------- uniqueness


@pytest.mark.parametrize("filename", ["methods.jsonl", "datasets.jsonl", "tasks.jsonl", "metrics.jsonl"])
def test_no_duplicate_names(filename):
    seen: dict[str, str] = {}
    for e in _load_jsonl(filename):
        key = e["name"].casefold()
        assert key not in seen, f"{filename}: duplicate name {e['name']!r} / {seen[key]!r}"
        seen[key] = e["name"]


@pytest.mark.parametrize("filename", ["methods.jsonl", "datasets.jsonl", "tasks.jsonl", "metrics.jsonl"])
def test_no_alias_collisions(filename):
    """A surface form (name, alias or acronym) may point to two entries only when
    both entries are explicitly marked as sharing an ambiguous acronym."""
    for surface, hits in _index(_load_jsonl(filename)).items():
        if len(hits) > 1:
            assert all(h.get("ambiguous_acronym") for h in hits), (
                f"{filename}: {surface!r} shared by {[h['name'] for h in hits]} "
                "without ambiguous_acronym on every entry"
            )


# --------------------------------------------------------------------------- sizes


def test_counts(methods, datasets, tasks, metrics, generic):
    assert len(methods) >= 600
    assert len(datasets) >= 600
    assert len(tasks) >= 400
    assert 60 <= len(metrics) <= 120
    assert 150 <= len(generic) <= 300


# --------------------------------------------------------------------------- versions are distinct

METHOD_VERSION_PAIRS = [
    ("GPT-4", "GPT-3.5"),
    ("GPT-4", "GPT-4o"),
    ("GPT-4", "GPT-4V"),
    ("GPT-4", "GPT-4 Turbo"),
    ("GPT-3", "GPT-2"),
    ("GPT-3", "GPT-3.5"),
    ("LLaMA", "LLaMA-2"),
    ("LLaMA-2", "Llama 3"),
    ("Llama 3", "Llama 3.1"),
    ("BERT", "RoBERTa"),
    ("BERT", "mBERT"),
    ("BERT", "DistilBERT"),
    ("ResNet", "ResNet-50"),
    ("ResNet-50", "ResNet-101"),
    ("T5", "mT5"),
    ("T5", "Flan-T5"),
    ("CLIP", "OpenCLIP"),
    ("ViT", "DeiT"),
    ("ViT", "Swin Transformer"),
    ("YOLOv3", "YOLOv4"),
    ("YOLOv5", "YOLOv8"),
    ("YOLO", "YOLOv7"),
    ("Stable Diffusion", "SDXL"),
    ("Mistral 7B", "Mixtral 8x7B"),
    ("Mixtral", "Mixtral 8x7B"),
    ("Qwen", "Qwen2"),
    ("Qwen2", "Qwen2.5"),
    ("Gemini", "Gemma"),
    ("Gemma", "Gemma 2"),
    ("Claude", "Claude 3"),
    ("Claude 3", "Claude 3.5 Sonnet"),
    ("PaLM", "PaLM 2"),
    ("DINOv2", "Self-Distillation with No Labels"),
    ("SAM 2", "Segment Anything Model"),
    ("ColBERT", "ColBERTv2"),
    ("StyleGAN", "StyleGAN2"),
    ("DALL-E", "DALL-E 2"),
    ("wav2vec", "wav2vec 2.0"),
    ("AlphaFold", "AlphaFold 2"),
    ("DeepSeek-V2", "DeepSeek-V3"),
    ("Phi-2", "Phi-3"),
    ("MobileNetV2", "MobileNetV3"),
    ("EfficientNet", "EfficientNet-B0"),
]

DATASET_VERSION_PAIRS = [
    ("CIFAR-10", "CIFAR-100"),
    ("SQuAD", "SQuAD 2.0"),
    ("ImageNet", "ImageNet-1k"),
    ("ImageNet-1k", "ImageNet-21k"),
    ("ImageNet-1k", "ImageNet-C"),
    ("MMLU", "MMLU-Pro"),
    ("HumanEval", "HumanEval+"),
    ("MBPP", "MBPP+"),
    ("Kinetics-400", "Kinetics-700"),
    ("WikiText-2", "WikiText-103"),
    ("MIMIC-III", "MIMIC-IV"),
    ("VQA v1", "VQA v2"),
    ("LAION-400M", "LAION-5B"),
    ("MovieLens-1M", "MovieLens-100K"),
    ("ETTh1", "ETTm1"),
    ("WMT14", "WMT16"),
    ("FLORES-101", "FLORES-200"),
    ("MultiWOZ", "MultiWOZ 2.1"),
    ("SWE-bench", "SWE-bench Verified"),
    ("AlpacaEval", "AlpacaEval 2.0"),
    ("DAVIS", "DAVIS 2017"),
    ("PASCAL VOC 2007", "PASCAL VOC 2012"),
    ("Argoverse", "Argoverse 2"),
]


def _assert_distinct(entries: list[dict], a: str, b: str) -> None:
    ea, eb = _find(entries, a), _find(entries, b)
    assert ea is not eb, f"{a!r} and {b!r} resolve to the same entry {ea['name']!r}"
    fold_a = {s.casefold() for s in _surfaces(ea)}
    fold_b = {s.casefold() for s in _surfaces(eb)}
    assert not fold_a & fold_b, f"{a!r} and {b!r} share surface forms {fold_a & fold_b}"


@pytest.mark.parametrize(("a", "b"), METHOD_VERSION_PAIRS)
def test_method_versions_distinct(methods, a, b):
    _assert_distinct(methods, a, b)


@pytest.mark.parametrize(("a", "b"), DATASET_VERSION_PAIRS)
def test_dataset_versions_distinct(datasets, a, b):
    _assert_distinct(datasets, a, b)


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("Llama 2", "LLaMA-2"),
        ("LLaMA 2", "LLaMA-2"),
        ("GPT4", "GPT-4"),
        ("XLM-RoBERTa", "XLM-R"),
        ("ColBERT v2", "ColBERTv2"),
        ("PPO", "Proximal Policy Optimization"),
        ("LoRA", "Low-Rank Adaptation"),
        ("Low-Rank Adaptation", "Low-Rank Adaptation"),
        ("Segment Anything", "Segment Anything Model"),
        ("3DGS", "3D Gaussian Splatting"),
        ("CoT", "Chain-of-Thought"),
        ("SBERT", "Sentence-BERT"),
        ("Vision Transformer", "ViT"),
    ],
)
def test_method_aliases_resolve(methods, surface, name):
    hits = [e for e in methods if surface.casefold() in {s.casefold() for s in _surfaces(e)}]
    assert [h["name"] for h in hits] == [name]


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("MS-COCO", "MS COCO"),
        ("COCO", "MS COCO"),
        ("ILSVRC-2012", "ImageNet-1k"),
        ("SQuAD2.0", "SQuAD 2.0"),
        ("SQuAD v2", "SQuAD 2.0"),
        ("VQAv2", "VQA v2"),
        ("MSMARCO", "MS MARCO"),
        ("NQ", "Natural Questions"),
        ("BBH", "BIG-Bench Hard"),
        ("CC3M", "Conceptual Captions"),
        ("MNLI", "MultiNLI"),
    ],
)
def test_dataset_aliases_resolve(datasets, surface, name):
    hits = [e for e in datasets if surface.casefold() in {s.casefold() for s in _surfaces(e)}]
    assert [h["name"] for h in hits] == [name]


# --------------------------------------------------------------------------- ambiguous acronyms


@pytest.mark.parametrize(("filename", "acronym"), [
    ("methods.jsonl", "SAM"),
    ("methods.jsonl", "DINO"),
    ("methods.jsonl", "LDA"),
    ("methods.jsonl", "DCN"),
    ("methods.jsonl", "GAE"),
    ("datasets.jsonl", "ARC"),
    ("datasets.jsonl", "ACDC"),
])
def test_ambiguous_acronyms_are_split(filename, acronym):
    hits = [e for e in _load_jsonl(filename) if e.get("acronym") == acronym or e["name"] == acronym]
    assert len(hits) >= 2, f"{acronym} should be split into separate entries"
    for h in hits:
        assert h.get("ambiguous_acronym") is True, h["name"]


def test_common_words_are_flagged(datasets):
    for name in ["Weather", "Traffic", "Electricity", "Wikipedia", "MATH", "Spider", "The Pile", "Places"]:
        assert _find(datasets, name).get("common_word") is True, name


# --------------------------------------------------------------------------- generic terms


def test_generic_format(generic):
    assert len(generic) == len(set(generic)), "duplicate generic terms"
    for g in generic:
        assert g == g.lower() and g == g.strip(), g


def test_generic_terms_are_not_methods(methods, generic):
    surfaces = {s.casefold(): e["name"] for e in methods for s in _surfaces(e)}
    clashes = {g: surfaces[g] for g in generic if g.casefold() in surfaces}
    assert not clashes, f"generic terms used as method names/aliases: {clashes}"


def test_generic_covers_core_classes(generic):
    required = {
        "large language model", "large language models", "llm", "llms", "mllm", "vlm",
        "transformer", "transformers", "diffusion model", "diffusion models", "cnn", "rnn",
        "gnn", "mlp", "moe", "mixture of experts", "foundation model", "autoencoder",
        "attention", "neural network", "language model", "reinforcement learning", "fine-tuning",
        "openai", "google", "meta", "deepmind", "hugging face",
    }
    assert required <= set(generic), sorted(required - set(generic))
    # named methods that must stay out of the generic list
    for named in ("vision transformer", "vit", "gan", "lstm", "bert", "gpt"):
        assert named not in generic, named
