"""The longer name wins (``extractors/longer.py``): a method name written with a variant
suffix, a depth prefix or joined to another name by ``+`` is its own candidate, and the base
name said only inside it is then nested away by the merge. Sentences and names are invented
for these tests ("Vornet", "QuillFormer" exist nowhere)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractors.assemble import assemble
from extractors.context import Candidate, PaperText
from extractors.longer import longer_names
from extractors.tagger import _trim
from kg.cli.main import main

TITLE = "A Study of Things"


def paper(abstract: str) -> PaperText:
    text = f"{TITLE}\n\n{abstract}"
    start = len(TITLE) + 2
    return PaperText(text, len(TITLE), [(0, len(TITLE)), (start, len(text))])


def at(pt: PaperText, name: str, etype: str = "method", nth: int = 0, role: str = "used") -> Candidate:
    start = -1
    for _ in range(nth + 1):
        start = pt.text.index(name, start + 1)
    return Candidate(etype, name, start, start + len(name), role, 0.6, "tagger")


def grown(abstract: str, *bases: str) -> set[str]:
    pt = paper(abstract)
    given = [at(pt, b) for b in bases]
    return {c.name for c in longer_names(pt, given)} - {c.name for c in given}


@pytest.mark.parametrize("abstract, base, longer", [
    ("Vornet-1 shot reaches 61.2 mIoU.", "Vornet", "Vornet-1 shot"),
    ("We compare with Vornet 5-shot on the split.", "Vornet", "Vornet 5-shot"),
    ("Quill-2 shot is weaker.", "Quill-2", "Quill-2 shot"),
    ("It beats Zeph 3 D [4] by far.", "Zeph", "Zeph 3 D"),  # "Zeph3D" split by a tokenizer
    ("It beats Zeph 3 D [4] by far.", "Zeph 3", "Zeph 3 D"),
    ("We denote it QuillBERT-legal.", "QuillBERT", "QuillBERT-legal"),
    ("We train Vornet 50-GCN twice.", "Vornet", "Vornet 50-GCN"),
    ("Vornet-8 s-heavy is strong.", "Vornet-8", "Vornet-8 s-heavy"),
    ("Then Vornet-Ab 2 Cd runs.", "Vornet", "Vornet-Ab 2 Cd"),
    ("The FastVor-MobileQ-v 2 model is small.", "FastVor", "FastVor-MobileQ-v 2"),
    ("Against Zeph coarse v 2 it wins.", "Zeph", "Zeph coarse v 2"),
    ("Only Distilled QuillNet SOFT is faster.", "Distilled QuillNet", "Distilled QuillNet SOFT"),
    ("The smallest 4-layer QuillBERT wins.", "QuillBERT", "4-layer QuillBERT"),
    ("As in I 3 D Vornet models, we inflate.", "Vornet", "I 3 D Vornet"),
    ("Our GCN + BR model is best.", "GCN", "GCN + BR"),
    ("Two-Stream + QDT is a baseline.", "QDT", "Two-Stream + QDT"),
    ("We encode the QuillBERT + Glyph Features here.", "QuillBERT", "QuillBERT + Glyph Features"),
])
def test_a_variant_or_configuration_is_a_longer_candidate(abstract: str, base: str, longer: str) -> None:
    assert longer in grown(abstract, base)


@pytest.mark.parametrize("abstract, base", [
    ("Most Vornet-based models fail.", "Vornet"),           # an adjective built on the name
    ("The Vornet-style decoder fails.", "Vornet"),
    ("We freeze the Vornet-layer weights.", "Vornet"),        # a part of the model
    ("We use Keras' Vornet-that works.", "Vornet"),           # a clause glued on by a dash
    ("Vornet-guided sampling helps.", "Vornet"),
    ("The FastVor-MobileQ-v 2 has fewer weights.", "FastVor"),  # a version, then a plain verb
    ("We run Vornet on 12 GPUs.", "Vornet"),
    ("We run Vornet + the rest.", "Vornet"),                 # "+" before a plain word
    ("Vornet 3 times faster.", "Vornet"),
])
def test_no_variant_where_the_text_does_not_name_one(abstract: str, base: str) -> None:
    got = grown(abstract, base)
    assert not got or got == {"FastVor-MobileQ-v 2"}, got


def test_a_version_followed_by_a_verb_stops_at_the_version() -> None:
    assert grown("The FastVor-MobileQ-v 2 has fewer weights.", "FastVor") == {"FastVor-MobileQ-v 2"}


def test_a_numbered_variant_lets_its_siblings_grow_from_the_stem() -> None:
    assert "Vornet-5 shot" in grown("Vornet-1 shot is weak and Vornet-5 shot is strong.", "Vornet-1")


def test_every_occurrence_of_a_name_grows_and_the_proposed_role_stays_put() -> None:
    pt = paper("We propose Vornet. Vornet-1 shot and Vornet-5 shot reach 60 and 64 mIoU.")
    base = at(pt, "Vornet", role="proposed")
    found = {c.name: c for c in longer_names(pt, [base])}
    assert {"Vornet-1 shot", "Vornet-5 shot"} <= set(found)
    assert found["Vornet-1 shot"].role != "proposed"
    assert found["Vornet-1 shot"].confidence > base.confidence


def test_the_merge_keeps_the_longer_name_and_nests_the_shorter() -> None:
    pt = paper("Vornet-1 shot reaches 61 mIoU while QuillNet alone and QuillNet SOFT reach 58 mIoU.")
    cands = longer_names(pt, [at(pt, "Vornet"), at(pt, "QuillNet"), at(pt, "QuillNet", nth=1)])
    names = {str(e["name"]) for e in assemble(pt, cands)}
    assert "Vornet-1 shot" in names and "Vornet" not in names  # said only inside the variant
    assert {"QuillNet", "QuillNet SOFT"} <= names               # said on its own too: two entities


def test_the_tagger_drops_a_table_score_after_a_name() -> None:
    pt = paper("Method mIoU Vornet-5 74.27% Ours 80.12%")
    start = pt.text.index("Vornet")
    s, e = _trim(pt, start, pt.text.index("%"), True)
    assert pt.text[s:e] == "Vornet-5"
    version = paper("We use Zeph 3.1 here")
    s, e = _trim(version, version.text.index("Zeph"), version.text.index(" here"), True)
    assert version.text[s:e] == "Zeph 3.1"


@pytest.mark.slow
def test_extract_keeps_the_variant_name_end_to_end(tmp_path: Path) -> None:
    src = tmp_path / "p.jsonl"
    abstract = ("Few-shot segmentation baselines are compared in Table 2. QuillSeg-1 shot [12] reaches 70.3% "
                "and QuillSeg-5 shot [12] reaches 73.0%, while our GlimNet [5] + QRF [8] model reaches 75.1%.")
    src.write_text(json.dumps({"title": "Few-shot segmentation with glimmers", "abstract": abstract}) + "\n")
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(main, ["-q", "extract", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    rec = json.loads(out.read_text())
    forms = {f for e in rec["entities"] if e["type"] == "method" for f in (e["name"], *e["aliases"])}
    assert {"QuillSeg-1 shot", "QuillSeg-5 shot"} <= forms, forms


def test_a_variant_the_tagger_calls_a_metric_still_gets_a_method_candidate() -> None:
    pt = paper("Vornet-5 shot 73.0 and our Vornet reach the best mIoU.")
    start = pt.text.index("Vornet-5 shot")
    metric = Candidate("metric", "Vornet-5 shot", start, start + len("Vornet-5 shot"), "used", 0.4, "tagger")
    found = longer_names(pt, [metric, at(pt, "Vornet", nth=1)])
    assert ("method", "Vornet-5 shot") in {(c.type, c.name) for c in found}
