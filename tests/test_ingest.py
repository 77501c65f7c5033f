"""Contracts of the ingest layer: listing, JSON Lines, JSON array and CSV readers, format
detection, cross-input deduplication in ``read_papers`` and file-level errors.

The Hugging Face API and arXiv Atom readers are covered in ``test_ingest_api.py``.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.ingest import STDIN_NAME, InputFile, check_input, detect_format, iter_lines, listing, read_papers
from kg.ingest.base import RawRecord
from kg.ingest.csvfile import read as read_csv
from kg.ingest.jsonfile import read_document, read_lines
from kg.records import Paper, Problem

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
NO_ABSTRACT = "title has no abstract"


def _split(items) -> tuple[list[RawRecord], list[Problem]]:
    items = list(items)
    for item in items:
        assert isinstance(item, (RawRecord, Problem)), item
    return ([i for i in items if isinstance(i, RawRecord)], [i for i in items if isinstance(i, Problem)])


def _listing(text: str, name: str = "page.txt") -> tuple[list[RawRecord], list[Problem]]:
    return _split(listing.read(text.split("\n"), name))


def _write(path: Path, text: str | bytes) -> str:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode("utf-8"))
    return str(path)


def _jsonl(path: Path, records: list[dict]) -> str:
    return _write(path, "".join(json.dumps(r) + "\n" for r in records))


def _papers(names, **kwargs) -> tuple[list[Paper], list[Problem]]:
    problems: list[Problem] = []
    papers = list(read_papers(names, on_problem=problems.append, **kwargs))
    return papers, problems


# =========================================================================== listing reader

HEADER = ("new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n"
          "byAK and the research community\n\nMar 21\n\n")
T1, A1 = "GlowNet: Luminance Priors for Low-Light Detection", "We propose GlowNet. It works at night."
T2, A2 = "Sparse Routers for Mixture Models", "We study routing. Sparse routers are cheaper."

LISTING_CASES = [
    # (id, page text, expected [(title, abstract)], expected warning lines)
    ("boilerplate-full-header", HEADER + f"{T1}\n\n{A1}\n", [(T1, A1)], []),
    ("boilerplate-by-AK-spaced", f"new\n\nSubscribe\n\nby AK and the research community\n\nMar 21\n\n{T1}\n\n{A1}",
     [(T1, A1)], []),
    ("boilerplate-daily-papers-only", f"Daily Papers\n\n{T1}\n\n{A1}", [(T1, A1)], []),
    ("boilerplate-case-insensitive", f"NEW\n\nsubscribe\n\nDAILY PAPERS\n\n{T1}\n\n{A1}", [(T1, A1)], []),
    ("date-short", f"Mar 21\n\n{T1}\n\n{A1}", [(T1, A1)], []),
    ("date-long-month", f"March 21\n\n{T1}\n\n{A1}", [(T1, A1)], []),
    ("date-with-year", f"Mar 21, 2026\n\n{T1}\n\n{A1}", [(T1, A1)], []),
    ("date-weekday", f"Thu, Mar 21\n\n{T1}\n\n{A1}", [(T1, A1)], []),
    ("date-iso", f"2026-03-21\n\n{T1}\n\n{A1}", [(T1, A1)], []),
    ("boilerplate-between-days", f"{T1}\n\n{A1}\n\nnew\n\nSubscribe\n\nMar 22\n\n{T2}\n\n{A2}",
     [(T1, A1), (T2, A2)], []),
    ("crlf", HEADER.replace("\n", "\r\n") + f"{T1}\r\n\r\n{A1}\r\n\r\n{T2}\r\n\r\n{A2}\r\n",
     [(T1, A1), (T2, A2)], []),
    ("stray-blank-lines", f"\n\n\n{T1}\n\n\n\n{A1}\n\n\n\n\n{T2}\n\n{A2}\n\n\n", [(T1, A1), (T2, A2)], []),
    ("whitespace-only-lines", f"{T1}\n   \n\t\n{A1}\n \n{T2}\n\n{A2}", [(T1, A1), (T2, A2)], []),
    ("trailing-whitespace", f"{T1}   \t\n\n{A1}  \n\n{T2}\t\n\n{A2} ", [(T1, A1), (T2, A2)], []),
    ("leading-whitespace", f"  {T1}\n\n   {A1}", [(T1, A1)], []),
    ("abstract-broken-over-lines", f"{T1}\n\nWe propose GlowNet.\nIt works\nat night.\n\n{T2}\n\n{A2}",
     [(T1, A1), (T2, A2)], []),
    ("abstract-continued-after-blank-line",
     f"{T1}\n\nWe propose GlowNet. It is fast.\n\nit also works at night. Code is public.\n\n{T2}\n\n{A2}",
     [(T1, "We propose GlowNet. It is fast. it also works at night. Code is public."), (T2, A2)], []),
    ("abstract-continued-over-two-blank-lines",
     f"{T1}\n\nFirst part. Still first.\n\n\nSecond part. Still second.",
     [(T1, "First part. Still first. Second part. Still second.")], []),
    ("title-without-abstract-then-title", f"{T1}\n\n{T2}\n\n{A2}", [(T1, ""), (T2, A2)], [1]),
    ("title-without-abstract-at-end", f"{T1}\n\n{A1}\n\n{T2}\n", [(T1, A1), (T2, "")], [5]),
    ("only-a-title", f"{T1}", [(T1, "")], [1]),
    ("title-with-vs", f"ResNet vs. ViT: Which Backbone Transfers Better\n\n{A1}",
     [("ResNet vs. ViT: Which Backbone Transfers Better", A1)], []),
    ("title-with-vs-lowercase-next", f"Attention vs. convolution for Audio\n\n{A1}",
     [("Attention vs. convolution for Audio", A1)], []),
    ("title-with-eg", f"Cheap Priors (e.g. Depth) for Video Models\n\n{A1}",
     [("Cheap Priors (e.g. Depth) for Video Models", A1)], []),
    ("title-with-question", f"Do Transformers Need Positions? A Study\n\n{A1}",
     [("Do Transformers Need Positions? A Study", A1)], []),
    ("title-with-ellipsis", f"Scaling Up...\n\n{A1}", [("Scaling Up...", A1)], []),
    ("empty-page", "", [], []),
    ("boilerplate-only", HEADER, [], []),
]


@pytest.mark.parametrize(("text", "expected", "warning_lines"), [c[1:] for c in LISTING_CASES],
                         ids=[c[0] for c in LISTING_CASES])
def test_listing_reader(text, expected, warning_lines):
    records, problems = _listing(text)
    assert [(r.title, r.abstract) for r in records] == expected
    assert [p.line for p in problems] == warning_lines
    for problem in problems:
        assert problem.severity == "warning"
        assert problem.file == "page.txt"
        assert problem.reason.startswith(NO_ABSTRACT)


def test_listing_line_numbers_are_title_lines():
    text = HEADER + f"{T1}\n\n{A1}\n\n\n{T2}\n\nfirst.\nsecond.\n"
    records, problems = _listing(text)
    assert problems == []
    assert [r.line for r in records] == [13, 18]


def test_listing_records_have_no_fields():
    (record,), _ = _listing(f"{T1}\n\n{A1}")
    assert record.fields == {}


def test_listing_abstract_before_any_title_is_an_error_problem():
    records, problems = _listing(f"This is an orphan abstract. It has no title.\n\n{T1}\n\n{A1}")
    assert [(r.title, r.abstract) for r in records] == [(T1, A1)]
    (problem,) = problems
    assert (problem.file, problem.line, problem.severity) == ("page.txt", 1, "error")
    assert "no title precedes it" in problem.reason


def test_listing_missing_abstract_warning_is_actionable():
    _, (problem,) = _listing(f"{T1}\n\n{T2}\n\n{A2}")
    assert problem.format() == (
        "page.txt:1: title has no abstract; the paper is kept with an empty abstract "
        "(add the abstract paragraph after the title to extract from it)")


@pytest.mark.parametrize("boilerplate", ["Mar 22", "new", "Subscribe"])
def test_listing_boilerplate_after_title_without_abstract_is_skipped(boilerplate):
    records, problems = _listing(f"{T1}\n\n{A1}\n\n{T2}\n\n{boilerplate}\n\nThird Paper Title\n\nIt works. Well.")
    assert [r.title for r in records] == [T1, T2, "Third Paper Title"]
    assert [p.line for p in problems] == [5]


def test_listing_fixture_crlf_bom_trailing_whitespace():
    papers, problems = _papers([str(DATA / "listing_crlf.txt")])
    assert [p.title for p in papers] == [
        "FernGrad: Gradient Folding for Memory-Efficient Fine-Tuning",
        "Orbit-Diff: Diffusion Priors for Satellite Image Restoration",
        "A Title With No Abstract",
    ]
    assert papers[0].abstract == (
        "We propose FernGrad, a gradient folding scheme that lets LoRA fine-tuning of Llama 3 fit on a single "
        "consumer GPU. On MMLU and GSM8K, FernGrad matches full LoRA accuracy while using 40% less memory.")
    assert papers[1].abstract.endswith("https://github.com/orbitlab-inv/orbit-diff.")
    assert papers[2].abstract == ""
    assert [s.line for p in papers for s in p.sources] == [13, 19, 23]
    assert [(p.line, p.severity) for p in problems] == [(23, "warning")]
    for paper in papers:
        assert "\r" not in paper.title + paper.abstract and "\ufeff" not in paper.title


def test_bom_is_removed_from_first_line(tmp_path):
    name = _write(tmp_path / "bom.txt", f"\ufeffnew\n\n{T1}\n\n{A1}\n")
    papers, problems = _papers([name])
    assert [(p.title, p.abstract) for p in papers] == [(T1, A1)]
    assert problems == []
    assert next(iter_lines(check_input(name))) == "new"


def test_iter_lines_strips_terminators(tmp_path):
    name = _write(tmp_path / "x.txt", b"\xef\xbb\xbfa\r\nb\n\nc\rd\r\n")
    assert list(iter_lines(check_input(name))) == ["a", "b", "", "c", "d"]  # a lone CR ends a line (old Mac)


# --------------------------------------------------------------------------- listing properties

@settings(max_examples=200, deadline=None)
@given(st.text())
def test_listing_never_raises_on_arbitrary_text(text):
    lines = text.split("\n")
    for item in listing.read(lines, "x"):
        assert isinstance(item, (RawRecord, Problem))
        assert 1 <= item.line <= len(lines)


_WORD = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=10)
_TITLE_WORD = st.text(alphabet=string.ascii_letters + string.digits + "-", min_size=1, max_size=12).filter(
    lambda w: w.strip("-"))
_TITLE = st.builds(
    lambda head, colon, rest: head + (":" if colon else "") + " " + " ".join(rest),
    st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=1).flatmap(
        lambda c: st.text(alphabet=string.ascii_letters, min_size=1, max_size=10).map(lambda s: c + s)),
    st.booleans(),
    st.lists(_TITLE_WORD, min_size=1, max_size=10),
).filter(lambda t: not listing.is_boilerplate(t))
_SENTENCE = st.builds(
    lambda first, rest, comma: first.capitalize() + " " + (", " if comma else " ").join(rest) + ".",
    _WORD, st.lists(_WORD, min_size=1, max_size=12), st.booleans())
_ABSTRACT = st.lists(_SENTENCE, min_size=2, max_size=5).map(" ".join)
_BOILERPLATE = ["new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers",
                "byAK and the research community", "by AK and the research community", "Mar 21", "March 3"]


@st.composite
def _pages(draw):
    """A well-formed page: the lines, the expected (title, abstract) pairs and their title lines."""
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    pad = st.sampled_from(["", " ", "\t", "  "])
    lines: list[str] = []

    def paragraph(text_lines: list[str]) -> None:
        if lines:
            lines.extend([draw(pad)] * draw(st.integers(1, 3)))
        for line in text_lines:
            lines.append(line + draw(pad))

    for item in draw(st.lists(st.sampled_from(_BOILERPLATE), max_size=6, unique=True)):
        paragraph([item])
    pairs = draw(st.lists(st.tuples(_TITLE, _ABSTRACT), min_size=1, max_size=6))
    title_lines = []
    for title, abstract in pairs:
        paragraph([title])
        title_lines.append(len(lines))
        words = abstract.split(" ")
        cut = sorted(draw(st.sets(st.integers(1, len(words) - 1), max_size=3))) if len(words) > 1 else []
        chunks = [" ".join(words[a:b]) for a, b in zip([0, *cut], [*cut, len(words)])]
        paragraph(chunks)
    text = newline.join(lines)
    return text.split("\n"), pairs, title_lines


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_pages())
def test_listing_finds_every_generated_pair_in_order(page):
    lines, pairs, title_lines = page
    records, problems = _split(listing.read(lines, "gen.txt"))
    assert problems == []
    assert [(r.title, r.abstract) for r in records] == pairs
    assert [r.line for r in records] == title_lines


# =========================================================================== JSON Lines

def test_jsonl_fixture_with_bad_lines():
    lines = (DATA / "bad_lines.jsonl").read_text(encoding="utf-8").split("\n")
    records, problems = _split(read_lines(lines, "bad_lines.jsonl"))
    assert [(r.title, r.line) for r in records] == [
        ("Good One: First Valid Record", 1), ("Good Two: Second Valid Record", 2),
        ("Good Three: Third Valid Record", 5)]
    assert [(p.file, p.line, p.severity) for p in problems] == [
        ("bad_lines.jsonl", 3, "error"), ("bad_lines.jsonl", 4, "error")]
    assert problems[0].reason.startswith("malformed JSON (")
    assert problems[0].reason.endswith("fix or remove this line")
    assert problems[1].reason == "record has no 'title'; every record needs a non-empty title"


@pytest.mark.parametrize(("line", "fragment"), [
    ('{"title": "A", "abstract": ', "malformed JSON"),
    ("not json at all", "malformed JSON"),
    ('{"abstract": "no title here."}', "record has no 'title'"),
    ('{"title": "   ", "abstract": "blank title."}', "record has no 'title'"),
    ('{"title": null, "abstract": "null title."}', "record has no 'title'"),
    ('{"title": 42, "abstract": "numeric title."}', "record has no 'title'"),
    ('["a", "list"]', "expected a JSON object"),
    ('"a string"', "expected a JSON object"),
    ('{"title": "T", "abstract": ["not", "a", "string"]}', "'abstract' must be a string"),
], ids=["truncated", "garbage", "no-title", "blank-title", "null-title", "numeric-title", "array",
        "string", "abstract-not-string"])
def test_jsonl_bad_line_is_a_problem_with_its_line_number(line, fragment):
    lines = ['{"title": "First", "abstract": "Ok."}', "", line, '{"title": "Last", "abstract": "Ok."}']
    records, problems = _split(read_lines(lines, "in.jsonl"))
    assert [(r.title, r.line) for r in records] == [("First", 1), ("Last", 4)]
    (problem,) = problems
    assert (problem.file, problem.line, problem.severity) == ("in.jsonl", 3, "error")
    assert fragment in problem.reason


def test_jsonl_blank_lines_are_skipped_but_counted():
    lines = ["", "   ", '{"title": "A", "abstract": "x."}', "", '{"title": "B"}']
    records, problems = _split(read_lines(lines, "in.jsonl"))
    assert [(r.title, r.abstract, r.line) for r in records] == [("A", "x.", 3), ("B", "", 5)]
    assert problems == []


def test_jsonl_whitespace_in_title_and_abstract_is_normalized():
    (record,), _ = _split(read_lines(['{"title": "  A\\n  spaced\\ttitle ", "abstract": "one\\n two  three "}'], "x"))
    assert (record.title, record.abstract) == ("A spaced title", "one two three")


@pytest.mark.parametrize(("obj", "title", "abstract"), [
    ({"paper_title": "PT", "summary": "S."}, "PT", "S."),
    ({"Title": "Cased", "Abstract": "Cased abstract."}, "Cased", "Cased abstract."),
    ({"title": "T", "abstract_text": "AT."}, "T", "AT."),
    ({"title": "T", "paperAbstract": "S2."}, "T", "S2."),
    ({"title": "T", "abstract": None}, "T", ""),
])
def test_jsonl_title_and_abstract_aliases(obj, title, abstract):
    (record,), _ = _split(read_lines([json.dumps(obj)], "x"))
    assert (record.title, record.abstract) == (title, abstract)


def test_jsonl_extra_fields_kept_as_metadata(tmp_path):
    papers, problems = _papers([str(DATA / "papers.jsonl")])
    assert problems == []
    by_title = {p.title: p for p in papers}
    quiet = by_title["Quiet Adapters for Speech Recognition"]
    assert quiet.metadata["venue"] == "Invented Speech Workshop 2024"
    assert quiet.metadata["keywords"] == ["speech recognition", "LoRA", "Whisper"]
    assert quiet.metadata["pages"] == 8
    as_dict = quiet.to_dict()
    assert as_dict["venue"] == "Invented Speech Workshop 2024" and as_dict["pages"] == 8
    lumen = by_title["LumenSeg: Boundary-Aware Distillation for Semantic Segmentation"]
    assert lumen.metadata["authors"] == ["Inès Marchetti", "Koji Haverford"]
    assert lumen.metadata["published"] == "2024-05-02"
    assert lumen.metadata["url"] == "https://example.org/papers/lumenseg"


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("publishedAt", "2024-01-02", ("published", "2024-01-02")),
    ("date", "2024-01-03", ("published", "2024-01-03")),
    ("arxivId", "2401.00001", ("arxiv_id", "2401.00001")),
    ("link", "https://example.org/p", ("url", "https://example.org/p")),
])
def test_jsonl_field_renames(key, value, expected):
    (record,), _ = _split(read_lines([json.dumps({"title": "T", key: value})], "x"))
    assert record.fields[expected[0]] == expected[1]
    assert key not in record.fields


@pytest.mark.parametrize(("authors", "expected"), [
    (["Ada Lovelace", "Alan Turing"], ["Ada Lovelace", "Alan Turing"]),
    ([" Ada Lovelace ", "", None, "Alan Turing"], ["Ada Lovelace", "Alan Turing"]),
    ([{"name": "Ada Lovelace"}, {"name": "Alan Turing", "hidden": False}], ["Ada Lovelace", "Alan Turing"]),
    ([{"given": "Ada", "family": "Lovelace"}], ["Ada Lovelace"]),
    ([{"name": "Ada Lovelace"}, "Alan Turing"], ["Ada Lovelace", "Alan Turing"]),
    ("Ada Lovelace, Alan Turing and Grace Hopper", ["Ada Lovelace", "Alan Turing", "Grace Hopper"]),
    ("Ada Lovelace, Alan Turing, and Grace Hopper", ["Ada Lovelace", "Alan Turing", "Grace Hopper"]),
    ("Lovelace, Ada; Turing, Alan", ["Lovelace, Ada", "Turing, Alan"]),
    ("Ada Lovelace and Alan Turing", ["Ada Lovelace", "Alan Turing"]),
    ("Ada Lovelace", ["Ada Lovelace"]),
    ("", []),
    (None, []),
    ([], []),
], ids=["strings", "strings-with-blanks", "name-objects", "given-family", "mixed", "a-b-and-c",
        "oxford-comma", "semicolons", "a-and-b", "single", "empty-string", "null", "empty-list"])
def test_jsonl_authors_shapes(authors, expected):
    (record,), _ = _split(read_lines([json.dumps({"title": "T", "authors": authors})], "x"))
    assert record.fields["authors"] == expected


# =========================================================================== JSON documents

def test_json_array_fixture_lines_are_object_starts():
    text = (DATA / "papers_array.json").read_text(encoding="utf-8")
    records, problems = _split(read_document(text, "papers_array.json"))
    assert problems == []
    assert [(r.title, r.line) for r in records] == [
        ("MOSAIC-V: Masked Object-Slot Autoencoders for Video", 2), ("Sparse Prompt Tuning Revisited", 10)]
    assert records[0].fields["authors"] == ["Dagny Ruelas", "Hamid Qorbani"]


def test_json_array_lines_with_irregular_layout():
    text = ('\ufeff[{"title": "A"},\n'
            '\n'
            '   {"title":\n'
            '      "B", "abstract": "b."},  {"title": "C"},\n'
            '  7,\n'
            '  {"abstract": "untitled"}\n'
            ']\n')
    records, problems = _split(read_document(text, "arr.json"))
    assert [(r.title, r.line) for r in records] == [("A", 1), ("B", 3), ("C", 4)]
    assert [(p.line, p.reason.split(",")[0].split(";")[0]) for p in problems] == [
        (5, "record 4: expected a JSON object with 'title' and 'abstract'"), (6, "record 5: record has no 'title'")]


@pytest.mark.parametrize(("text", "n_records", "line", "fragment"), [
    ('[\n{"title": "A"},\n{"title": "B", oops}\n]', 1, 3, "the rest of the array cannot be read"),
    ('[{"title": "A"} {"title": "B"}]', 1, 1, "expected ',' or ']'"),
    ("42", 0, 1, "expected a JSON array or object"),
    ('\n\n{"title": "A", ', 0, 3, "malformed JSON"),
])
def test_json_document_malformed(text, n_records, line, fragment):
    records, problems = _split(read_document(text, "bad.json"))
    assert len(records) == n_records
    (problem,) = problems
    assert problem.line == line and fragment in problem.reason and problem.file == "bad.json"


def test_json_single_object_is_one_record():
    (record,), problems = _split(read_document('\n\n  {"title": "Solo", "abstract": "One."}\n', "one.json"))
    assert (record.title, record.abstract, record.line) == ("Solo", "One.", 3)
    assert problems == []


@pytest.mark.parametrize("key", ["papers", "data", "results", "items"])
def test_json_wrapped_array_is_read(key):
    text = json.dumps({key: [{"title": "A", "abstract": "a."}, {"title": "B"}]})
    records, problems = _split(read_document(text, "w.json"))
    assert [r.title for r in records] == ["A", "B"] and problems == []


def test_json_wrapped_array_lines_are_object_starts():
    text = '{\n  "papers": [\n    {"title": "A", "abstract": "a."},\n    {"abstract": "no title"}\n  ]\n}\n'
    records, problems = _split(read_document(text, "w.json"))
    assert [(r.title, r.line) for r in records] == [("A", 3)]
    assert [p.line for p in problems] == [4]


# =========================================================================== CSV

def test_csv_fixture_quoted_fields_and_line_numbers():
    lines = list(iter_lines(check_input(str(DATA / "papers.csv"))))
    records, problems = _split(read_csv(lines, "papers.csv"))
    assert problems == []
    assert [(r.title, r.line) for r in records] == [
        ("KiteFormer: Wind-Aware Trajectory Forecasting", 2),
        ("Calibrated Retrieval with Dual Encoders", 3),
        ("NoiseLedger: Tracking Label Noise in CIFAR-100", 5),
    ]
    assert records[0].fields["authors"] == ["Lotte Abernathy", "Sun-Hee Marlow"]
    assert records[0].fields["published"] == "2024-04-11"
    assert 'report "expected calibration error" per domain.' in records[1].abstract
    assert records[2].fields["url"] is None and records[2].fields["authors"] == []


def test_csv_quoted_newline_becomes_a_space(tmp_path):
    name = _write(tmp_path / "nl.csv", 'title,abstract\nT,"first line.\nsecond line."\n')
    (paper,), problems = _papers([name])
    assert paper.abstract == "first line. second line."


def test_csv_quoted_comma_and_newline_keep_row_lines(tmp_path):
    name = _write(tmp_path / "q.csv", 'title,abstract,url\n'
                                      '"Cats, Dogs and Birds","One, two.",https://example.org/a\n'
                                      '"Multi\nLine Title","x\ny\nz",\n'
                                      'Plain,"p.",\n')
    papers, problems = _papers([name])
    assert problems == []
    assert [p.title for p in papers][0] == "Cats, Dogs and Birds"
    assert papers[0].abstract == "One, two."
    assert papers[0].metadata["url"] == "https://example.org/a"
    assert [p.sources[0].line for p in papers] == [2, 3, 7]
    assert papers[2].title == "Plain"


def test_csv_wrong_field_count_is_a_problem(tmp_path):
    name = _write(tmp_path / "w.csv", "title,abstract\nGood,Fine.\nToo,many,fields\nShort\n\nAlso Good,Ok.\n")
    papers, problems = _papers([name])
    assert [(p.title, p.sources[0].line) for p in papers] == [("Good", 2), ("Also Good", 6)]
    assert [(p.file, p.line) for p in problems] == [(name, 3), (name, 4)]
    assert problems[0].reason == ("row has 3 fields but the header has 2; quote fields that contain the "
                                  "delimiter")
    assert problems[1].reason.startswith("row has 1 fields but the header has 2")


@pytest.mark.parametrize("header", ["id,abstract,url", "abstract", "headline,summary"])
def test_csv_header_without_title_is_an_input_error(tmp_path, header):
    name = _write(tmp_path / "nt.csv", f"{header}\n" + ",".join(["x"] * len(header.split(","))) + "\n")
    with pytest.raises(InputError) as info:
        list(read_papers([name]))
    cols = ", ".join(header.split(","))
    assert str(info.value) == (f"{name}:1: CSV header has no 'title' column (columns: {cols}) "
                               "(name the title column 'title' and the abstract column 'abstract') [E100]")
    assert info.value.exit_code == 2


def test_csv_header_with_bom_and_spaces(tmp_path):
    name = _write(tmp_path / "b.csv", "\ufeff Title , Abstract \nT,A.\n")
    (paper,), problems = _papers([name])
    assert (paper.title, paper.abstract) == ("T", "A.")


def test_tsv(tmp_path):
    name = _write(tmp_path / "p.tsv", "title\tabstract\nA, with comma\tAbs.\n")
    (paper,), problems = _papers([name])
    assert (paper.title, paper.abstract, paper.sources[0].format) == ("A, with comma", "Abs.", "tsv")


def test_empty_csv_gives_nothing(tmp_path):
    assert _papers([_write(tmp_path / "e.csv", "")]) == ([], [])


# =========================================================================== format detection

LISTING_TEXT = f"new\n\n{T1}\n\n{A1}\n"
JSONL_TEXT = '{"title": "A", "abstract": "a."}\n{"title": "B", "abstract": "b."}\n'
ARRAY_TEXT = '[\n {"title": "A", "abstract": "a."}\n]\n'
OBJECT_TEXT = '{"title": "A", "abstract": "a."}\n'
CSV_TEXT = "title,abstract\nA,a.\n"
ATOM_TEXT = (DATA / "arxiv_atom.xml").read_text(encoding="utf-8")
HF_TEXT = (DATA / "hf_daily_papers.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(("suffix", "content", "expected"), [
    (".txt", LISTING_TEXT, "listing"),
    (".md", LISTING_TEXT, "listing"),
    (".TXT", LISTING_TEXT, "listing"),
    (".jsonl", JSONL_TEXT, "jsonl"),
    (".ndjson", JSONL_TEXT, "jsonl"),
    (".json", ARRAY_TEXT, "json"),
    (".json", HF_TEXT, "hf"),
    (".csv", CSV_TEXT, "csv"),
    (".tsv", "title\tabstract\nA\ta.\n", "tsv"),
    (".xml", ATOM_TEXT, "arxiv"),
    (".atom", ATOM_TEXT, "arxiv"),
    (".txt", JSONL_TEXT, "listing"),  # the extension wins over the content
])
def test_format_by_extension(tmp_path, suffix, content, expected):
    path = tmp_path / f"input{suffix}"
    _write(path, content)
    assert detect_format(InputFile(path, str(path))).name == expected


CONTENT_CASES = [
    ("listing", LISTING_TEXT, "listing"),
    ("jsonl", JSONL_TEXT, "jsonl"),
    ("json-array", ARRAY_TEXT, "json"),
    ("json-object", OBJECT_TEXT, "json"),
    ("hf-array", HF_TEXT, "hf"),
    ("csv", CSV_TEXT, "csv"),
    ("atom", ATOM_TEXT, "arxiv"),
    ("leading-whitespace-jsonl", "\n\n  " + JSONL_TEXT, "jsonl"),
    ("bom-array", "\ufeff" + ARRAY_TEXT, "json"),
]


@pytest.mark.parametrize(("content", "expected"), [c[1:] for c in CONTENT_CASES], ids=[c[0] for c in CONTENT_CASES])
@pytest.mark.parametrize("suffix", [".dat", ""])
def test_format_by_content_for_unknown_extension(tmp_path, suffix, content, expected):
    path = tmp_path / f"input{suffix}"
    _write(path, content)
    assert detect_format(InputFile(path, str(path))).name == expected


@pytest.mark.parametrize(("content", "expected"), [c[1:] for c in CONTENT_CASES], ids=[c[0] for c in CONTENT_CASES])
def test_format_by_content_for_stdin(content, expected):
    papers, problems = _papers(["-"], stdin=content.encode("utf-8"))
    assert papers, problems
    for paper in papers:
        assert {(s.file, s.format) for s in paper.sources} == {(STDIN_NAME, expected)}


def test_stdin_accepts_text_and_streams():
    import io

    for stdin in (LISTING_TEXT, io.BytesIO(LISTING_TEXT.encode("utf-8"))):
        (paper,), _ = _papers(["-"], stdin=stdin)
        assert (paper.title, paper.sources[0].file, paper.sources[0].line) == (T1, STDIN_NAME, 3)


def test_forced_format_overrides_detection(tmp_path):
    name = _write(tmp_path / "data.txt", JSONL_TEXT)
    papers, _ = _papers([name], fmt="jsonl")
    assert [p.title for p in papers] == ["A", "B"]
    assert {p.sources[0].format for p in papers} == {"jsonl"}


def test_unknown_forced_format_is_an_input_error(tmp_path):
    name = _write(tmp_path / "data.txt", LISTING_TEXT)
    with pytest.raises(InputError, match=r"^unknown input format 'yaml' \(use one of: listing, jsonl, "):
        list(read_papers([name], fmt="yaml"))


# =========================================================================== read_papers: dedupe and identity

def _src(name: str) -> str:
    """How an input file is named in ``Source.file``: its real path relative to the working directory."""
    return Path(os.path.relpath(os.path.realpath(name), os.path.realpath(os.getcwd()))).as_posix()


def test_same_title_in_two_files_is_one_paper_with_sources_in_input_order(tmp_path):
    first = _write(tmp_path / "day1.txt", f"new\n\n{T1}\n\n{A1}\n\n{T2}\n\n{A2}\n")
    second = _jsonl(tmp_path / "day2.jsonl", [{"title": "Other Paper", "abstract": "x."},
                                              {"title": T1.upper(), "abstract": A1}])
    papers, problems = _papers([first, second])
    assert problems == []
    assert [p.title for p in papers] == [T1, T2, "Other Paper"]
    assert [(s.file, s.line, s.format) for s in papers[0].sources] == [
        (_src(first), 3, "listing"), (_src(second), 2, "jsonl")]
    assert len(papers[1].sources) == 1 and len(papers[2].sources) == 1


def test_same_file_twice_doubles_sources(tmp_path):
    name = _write(tmp_path / "p.txt", f"{T1}\n\n{A1}\n")
    (paper,), _ = _papers([name, name])
    assert [(s.file, s.line) for s in paper.sources] == [(_src(name), 1), (_src(name), 1)]


def test_title_normalization_merges_case_and_punctuation(tmp_path):
    name = _jsonl(tmp_path / "p.jsonl", [{"title": "Deep  Nets: A Survey", "abstract": "a."},
                                         {"title": "deep nets - a survey!", "abstract": "b."}])
    (paper,), _ = _papers([name])
    assert paper.title == "Deep Nets: A Survey" and paper.abstract == "a."
    assert [s.line for s in paper.sources] == [1, 2]


def test_arxiv_id_from_any_copy_becomes_the_paper_id(tmp_path):
    first = _write(tmp_path / "a.txt", f"{T1}\n\n{A1}\n")
    second = _jsonl(tmp_path / "b.jsonl", [{"title": T1, "abstract": A1, "arxiv_id": "2403.01234v2",
                                            "authors": ["Ada Lovelace"]}])
    (paper,), _ = _papers([first, second])
    assert paper.id == "arxiv:2403.01234"
    assert paper.metadata["arxiv_id"] == "2403.01234"
    assert paper.metadata["authors"] == ["Ada Lovelace"]  # filled from the other copy
    assert [s.file for s in paper.sources] == [_src(first), _src(second)]


def test_same_arxiv_id_merges_different_titles(tmp_path):
    name = _jsonl(tmp_path / "p.jsonl", [{"title": "Old Title", "abstract": "a.", "arxiv_id": "2401.00001"},
                                         {"title": "New Title", "abstract": "b.", "id": "arXiv:2401.00001v3"}])
    (paper,), _ = _papers([name])
    assert (paper.id, paper.title) == ("arxiv:2401.00001", "Old Title")
    assert [s.line for s in paper.sources] == [1, 2]


def test_sources_in_input_order_after_a_merge(tmp_path):
    name = _jsonl(tmp_path / "p.jsonl", [
        {"title": "Alpha Paper", "abstract": "a."},
        {"title": "Beta Paper", "abstract": "b.", "arxiv_id": "2401.00001"},
        {"title": "Alpha Paper", "abstract": "a."},
        {"title": "Alpha Paper", "abstract": "a.", "arxiv_id": "2401.00001v2"},
    ])
    (paper,), _ = _papers([name])
    assert [s.line for s in paper.sources] == [1, 2, 3, 4]


@pytest.mark.parametrize(("fields", "expected"), [
    ({"arxiv_id": "2401.01234"}, "arxiv:2401.01234"),
    ({"arxiv_id": "2401.01234v3"}, "arxiv:2401.01234"),
    ({"arxiv_id": "arXiv:2401.01234v1"}, "arxiv:2401.01234"),
    ({"arxiv_id": "arxiv: 2401.0123v2"}, "arxiv:2401.0123"),
    ({"arxiv_id": "hep-th/9901001v2"}, "arxiv:hep-th/9901001"),
    ({"arxiv_id": "math.GT/0309136"}, "arxiv:math.GT/0309136"),
    ({"id": "2401.01234v2"}, "arxiv:2401.01234"),
    ({"url": "https://arxiv.org/abs/2401.01234v2"}, "arxiv:2401.01234"),
    ({"url": "https://arxiv.org/pdf/2401.01234v2.pdf"}, "arxiv:2401.01234"),
    ({"url": "https://huggingface.co/papers/2401.01234"}, "arxiv:2401.01234"),
    ({"pdf_url": "http://arxiv.org/pdf/2401.01234v1"}, "arxiv:2401.01234"),
    ({"id": "p-001", "url": "https://example.org/p"}, None),
    ({"id": "12401.01234"}, None),
], ids=lambda v: json.dumps(v) if isinstance(v, dict) else str(v))
def test_arxiv_ids_strip_versions(tmp_path, fields, expected):
    name = _jsonl(tmp_path / "p.jsonl", [{"title": "Some Paper", "abstract": "a.", **fields}])
    (paper,), _ = _papers([name])
    if expected is None:
        assert re.fullmatch(r"title:[0-9a-f]{16}", paper.id)
        assert "arxiv_id" not in paper.metadata
    else:
        assert paper.id == expected
        assert paper.metadata["arxiv_id"] == expected.removeprefix("arxiv:")
    assert "id" not in paper.metadata


def test_title_key_ids_are_stable(tmp_path):
    title = "ProtoMix: Prototype-Guided Feature Mixing for Domain Generalization"
    a = _write(tmp_path / "a.txt", f"{title}\n\n{A1}\n")
    b = _jsonl(tmp_path / "b.jsonl", [{"title": "  protomix -- PROTOTYPE guided feature mixing for "
                                                "domain generalization ", "abstract": "x."}])
    (pa,), _ = _papers([a])
    (pb,), _ = _papers([b])
    assert pa.id == pb.id == "title:972c3d9a07d4ebed"  # golden: must not change between releases
    expected = hashlib.sha1(b"protomix prototype guided feature mixing for domain generalization").hexdigest()[:16]
    assert pa.id == f"title:{expected}"


def test_empty_abstract_copy_first_then_non_empty_copy_is_emitted(tmp_path):
    first = _write(tmp_path / "a.txt", f"{T1}\n\n{T2}\n\n{A2}\n")
    second = _jsonl(tmp_path / "b.jsonl", [{"title": T1, "abstract": A1, "url": "https://example.org/t1"}])
    papers, problems = _papers([first, second])
    assert [(p.line, p.severity) for p in problems] == [(1, "warning")]
    by_title = {p.title: p for p in papers}
    assert len(papers) == 2
    assert by_title[T1].abstract == A1
    assert [(s.file, s.line) for s in by_title[T1].sources] == [(_src(first), 1), (_src(second), 1)]
    assert by_title[T1].metadata["url"] == "https://example.org/t1"


def test_all_copies_without_abstract_still_emit_one_paper(tmp_path):
    name = _jsonl(tmp_path / "p.jsonl", [{"title": "T"}, {"title": "T", "abstract": "   "}])
    (paper,), _ = _papers([name])
    assert paper.abstract == "" and [s.line for s in paper.sources] == [1, 2]


@pytest.mark.parametrize("title", ["???", "--- ...", "\u2014"])
def test_title_without_letters_or_digits_is_a_problem(tmp_path, title):
    name = _jsonl(tmp_path / "p.jsonl", [{"title": title, "abstract": "a."}, {"title": "Fine", "abstract": "b."}])
    papers, problems = _papers([name])
    assert [p.title for p in papers] == ["Fine"]
    assert [(p.file, p.line, p.reason) for p in problems] == [
        (name, 1, "title has no letters or digits; give a real title")]


def test_problems_go_to_callback_and_good_records_go_through():
    papers, problems = _papers([str(DATA / "bad_lines.jsonl")])
    assert [p.title for p in papers] == ["Good One: First Valid Record", "Good Two: Second Valid Record",
                                         "Good Three: Third Valid Record"]
    assert [p.line for p in problems] == [3, 4]


def test_every_fixture_reads_through_read_papers():
    names = [str(DATA / n) for n in ("papers.jsonl", "papers_array.json", "papers.csv", "listing_crlf.txt",
                                     "hf_daily_papers.json", "arxiv_atom.xml")]
    papers, _ = _papers(names)
    ids = [p.id for p in papers]
    assert len(ids) == len(set(ids))
    protomix = [p for p in papers if p.id == "arxiv:2403.01234"]
    assert len(protomix) == 1 and [s.format for s in protomix[0].sources] == ["hf", "arxiv"]
    for paper in papers:
        assert paper.title == paper.title.strip() and paper.sources


# =========================================================================== file-level errors

FILE_ERRORS = [
    ("missing", "nope.txt", "nope.txt: no such file (check the path; use '-' to read standard input)"),
    ("directory", "tests/data", "tests/data: is a directory, not a file (pass the files inside it, e.g. "
                                "tests/data/*.txt)"),
    ("directory-slash", "tests/data/", "tests/data/: is a directory, not a file (pass the files inside it, "
                                       "e.g. tests/data/*.txt)"),
    ("binary", "tests/data/binary.bin", "tests/data/binary.bin: looks like a binary file (it contains NUL "
                                        "bytes) (give a text file: listing .txt, .jsonl, .json, .csv or "
                                        "arXiv .xml)"),
    ("latin-1", "tests/data/latin1.txt", "tests/data/latin1.txt:9: not valid UTF-8 (byte 0xe9 at column 2) "
                                         "(re-encode it as UTF-8, e.g. iconv -f latin1 -t utf-8 "
                                         "tests/data/latin1.txt > fixed.txt)"),
]


@pytest.mark.parametrize(("name", "message"), [c[1:] for c in FILE_ERRORS], ids=[c[0] for c in FILE_ERRORS])
def test_file_level_errors_name_the_file_and_say_what_to_do(monkeypatch, name, message):
    monkeypatch.chdir(REPO)
    assert not Path("nope.txt").exists()
    with pytest.raises(InputError) as info:
        list(read_papers([name]))
    assert str(info.value) == f"{message} [E100]"
    assert info.value.exit_code == 2 and info.value.hint


def test_file_error_raised_before_any_paper_is_yielded(monkeypatch):
    monkeypatch.chdir(REPO)
    papers = read_papers(["tests/data/papers.jsonl", "tests/data/latin1.txt"])
    with pytest.raises(InputError, match=r"^tests/data/latin1\.txt:9: "):
        next(papers)


def test_nul_byte_after_the_sniffed_head_names_the_line(tmp_path):
    body = ("x" * 99 + "\n") * 700  # 70 000 bytes: beyond the 64 KiB sniff
    name = _write(tmp_path / "late.txt", body.encode() + b"bad\x00line\n")
    with pytest.raises(InputError) as info:
        list(read_papers([name]))
    assert str(info.value) == f"{name}:701: contains NUL bytes (give a text file) [E100]"


def test_invalid_utf8_in_a_later_line_names_that_line(tmp_path):
    name = _write(tmp_path / "late.jsonl", b'{"title": "Ok"}\n{"title": "Caf\xe9"}\n')
    with pytest.raises(InputError, match=rf"^{re.escape(name)}:2: not valid UTF-8 \(byte 0xe9 at column 15\)"):
        list(read_papers([name]))
