"""Readers for saved API responses: Hugging Face papers JSON and arXiv Atom XML."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.ingest import arxiv, hf_api
from kg.ingest.base import RawRecord
from kg.records import Problem

DATA = Path(__file__).parent / "data"


def _read(reader, fixture: str) -> list[RawRecord | Problem]:
    text = (DATA / fixture).read_text(encoding="utf-8")
    return list(reader.read(text, fixture))


def _records(items) -> list[RawRecord]:
    return [i for i in items if isinstance(i, RawRecord)]


def _problems(items) -> list[Problem]:
    return [i for i in items if isinstance(i, Problem)]


# --------------------------------------------------------------------------- fixtures, field by field

PROTOMIX_TITLE = "ProtoMix: Prototype-Guided Feature Mixing for Domain Generalization"

HF_CASES = [
    # (record index, attribute or fields key, expected)
    (0, "title", PROTOMIX_TITLE),
    (0, "line", 1),
    (0, "arxiv_id", "2403.01234"),
    (0, "url", "https://huggingface.co/papers/2403.01234"),
    (0, "authors", ["Mira Okonkwo-Hale", "Tobias Lindqvarn", "Yun-Seo Parkhurst"]),
    (0, "published", "2024-03-04T17:59:58.000Z"),
    (0, "code_url", "https://github.com/okhale-lab/ProtoMix"),
    (0, "upvotes", 17),
    (0, "numComments", 2),
    (0, "ai_keywords", ["domain generalization", "prototype", "feature mixing", "PACS", "DomainNet"]),
    (0, "isAuthorParticipating", False),
    (0, "discussionId", "65e5a0c2f2b3d4e5f6a7b8f0"),
    (1, "title", "GRAFT-LM: Retrieval-Grafted Decoding for Long-Context Question Answering"),
    (1, "line", 2),
    (1, "arxiv_id", "2403.02917"),
    (1, "authors", ["Priyanka Venkataraman-Stoll", "Olusegun Arbeloa"]),
    (1, "published", "2024-03-05T12:30:00.000Z"),
    (1, "upvotes", 41),
    (1, "numComments", 5),
]

ARXIV_CASES = [
    (0, "title", PROTOMIX_TITLE),
    (0, "line", 1),
    (0, "arxiv_id", "2403.01234"),
    (0, "arxiv_version", "v2"),
    (0, "url", "http://arxiv.org/abs/2403.01234v2"),
    (0, "pdf_url", "http://arxiv.org/pdf/2403.01234v2"),
    (0, "authors", ["Mira Okonkwo-Hale", "Tobias Lindqvarn", "Yun-Seo Parkhurst"]),
    (0, "published", "2024-03-04T17:59:58Z"),
    (0, "updated", "2024-03-09T11:20:31Z"),
    (0, "categories", ["cs.LG", "cs.CV"]),
    (0, "primary_category", "cs.LG"),
    (0, "doi", "10.5555/protomix.2024.0001"),
    (0, "comment", "Accepted at an invented workshop; 14 pages, 5 figures"),
    (1, "title", "HelioNet: Lightweight Forecasting of Solar Irradiance with Patch Transformers"),
    (1, "line", 2),
    (1, "arxiv_id", "2402.11876"),
    (1, "arxiv_version", "v1"),
    (1, "authors", ["Anouk Verbrugghe", "Rafael Ituarte"]),
    (1, "categories", ["cs.LG", "stat.ML"]),
    (2, "arxiv_id", "hep-th/9901001"),
    (2, "arxiv_version", "v1"),
    (2, "primary_category", "hep-th"),
    (2, "url", "http://arxiv.org/abs/hep-th/9901001v1"),
]


def _value(record: RawRecord, key: str):
    return getattr(record, key) if key in ("title", "abstract", "line") else record.fields[key]


@pytest.mark.parametrize(("index", "key", "expected"), HF_CASES)
def test_hf_fixture_fields(index, key, expected):
    records = _records(_read(hf_api, "hf_daily_papers.json"))
    assert _value(records[index], key) == expected


@pytest.mark.parametrize(("index", "key", "expected"), ARXIV_CASES)
def test_arxiv_fixture_fields(index, key, expected):
    records = _records(_read(arxiv, "arxiv_atom.xml"))
    assert _value(records[index], key) == expected


@pytest.mark.parametrize(("reader", "fixture", "n_records", "n_problems"), [
    (hf_api, "hf_daily_papers.json", 2, 1),
    (arxiv, "arxiv_atom.xml", 3, 0),
])
def test_fixture_counts(reader, fixture, n_records, n_problems):
    items = _read(reader, fixture)
    assert len(_records(items)) == n_records
    assert len(_problems(items)) == n_problems


@pytest.mark.parametrize(("reader", "fixture"), [(hf_api, "hf_daily_papers.json"), (arxiv, "arxiv_atom.xml")])
def test_text_is_whitespace_normalized(reader, fixture):
    for record in _records(_read(reader, fixture)):
        for text in (record.title, record.abstract):
            assert text == text.strip()
            assert "\n" not in text and "  " not in text and "\t" not in text
        assert record.abstract


def test_same_paper_in_both_formats_agrees():
    hf = _records(_read(hf_api, "hf_daily_papers.json"))[0]
    ax = _records(_read(arxiv, "arxiv_atom.xml"))[0]
    assert (hf.fields["arxiv_id"], hf.title, hf.abstract) == (ax.fields["arxiv_id"], ax.title, ax.abstract)
    assert hf.abstract.startswith("Domain generalization (DG) asks")
    assert hf.abstract.endswith("https://github.com/okhale-lab/ProtoMix.")


def test_hf_nested_objects_dropped_and_mapped_keys_not_duplicated():
    record = _records(_read(hf_api, "hf_daily_papers.json"))[0]
    for key in ("submittedBy", "paper", "summary", "githubRepo", "publishedAt", "title", "id"):
        assert key not in record.fields
    assert record.fields["thumbnail"].startswith("https://cdn-thumbnails.huggingface.co/")


def test_hf_entry_without_title_is_a_problem():
    (problem,) = _problems(_read(hf_api, "hf_daily_papers.json"))
    assert problem.file == "hf_daily_papers.json"
    assert problem.line == 3
    assert problem.reason.startswith("record has no title;")


# --------------------------------------------------------------------------- HF shapes

_PAPER = {"id": "2401.00001", "title": "Tiny:  A\n  Paper", "summary": "An\n abstract.",
          "authors": [{"name": "A. Author"}, "B. Author"], "publishedAt": "2024-01-01T00:00:00.000Z"}


@pytest.mark.parametrize("doc", [
    [{"paper": _PAPER, "numComments": 1}],            # daily_papers array
    {"paper": _PAPER, "numComments": 1},              # one listing object
    _PAPER,                                           # /api/papers/{id}
    {"papers": [_PAPER]},                             # wrapped list
    {"papers": [{"paper": _PAPER}]},
], ids=["daily-array", "daily-object", "paper-object", "papers-key", "papers-key-nested"])
def test_hf_accepted_shapes(doc):
    items = list(hf_api.read(json.dumps(doc), "x.json"))
    (record,) = items
    assert isinstance(record, RawRecord)
    assert (record.title, record.abstract, record.line) == ("Tiny: A Paper", "An abstract.", 1)
    assert record.fields["arxiv_id"] == "2401.00001"
    assert record.fields["authors"] == ["A. Author", "B. Author"]
    assert record.fields["published"] == "2024-01-01T00:00:00.000Z"
    assert record.fields["url"] == "https://huggingface.co/papers/2401.00001"


@pytest.mark.parametrize(("text", "line", "fragment"), [
    ('[{"paper": {"title": "x", "summary": "y"}}', 1, "not valid JSON"),
    ('[\n{"title": "x",\n "summary": }\n]', 3, "not valid JSON"),
    ("", 1, "empty input"),
    ('"just a string"', 1, "unrecognized JSON shape"),
    ('{"foo": 1}', 1, "unrecognized JSON shape"),
    ('[{"title": "ok", "summary": "s"}, 42]', 2, "not an object"),
    ('[{"paper": {"summary": "no title here"}}]', 1, "record has no title"),
])
def test_hf_bad_input_gives_problems(text, line, fragment):
    problems = _problems(hf_api.read(text, "bad.json"))
    assert problems, "expected a Problem"
    assert problems[-1].line == line
    assert fragment in problems[-1].reason
    assert problems[-1].file == "bad.json"


def test_hf_non_arxiv_id_goes_to_id():
    (record,) = hf_api.read(json.dumps({"id": "custom-7", "title": "T", "summary": "S"}), "x")
    assert record.fields["id"] == "custom-7" and "arxiv_id" not in record.fields


def test_hf_bom_and_missing_summary():
    (record,) = hf_api.read("\ufeff" + json.dumps([{"paper": {"id": "2401.00002", "title": "T"}}]), "x")
    assert record.title == "T" and record.abstract == ""


# --------------------------------------------------------------------------- arXiv edge cases

def _feed(*entries: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
            + "\n".join(f"<entry>{e}</entry>" for e in entries) + "\n</feed>\n")


@pytest.mark.parametrize(("raw_id", "arxiv_id", "version"), [
    ("http://arxiv.org/abs/2403.01234v2", "2403.01234", "v2"),
    ("http://arxiv.org/abs/2403.01234", "2403.01234", None),
    ("http://arxiv.org/abs/0704.0001v1", "0704.0001", "v1"),
    ("http://arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001", "v1"),
    ("http://arxiv.org/abs/cs/0112017", "cs/0112017", None),
    ("http://arxiv.org/abs/math.GT/0309136v3", "math.GT/0309136", "v3"),
    ("https://arxiv.org/abs/2501.12345v10", "2501.12345", "v10"),
])
def test_arxiv_ids(raw_id, arxiv_id, version):
    (record,) = arxiv.read(_feed(f"<id>{raw_id}</id><title>T</title><summary>S</summary>"), "x.xml")
    assert record.fields["arxiv_id"] == arxiv_id
    assert record.fields.get("arxiv_version") == version
    assert record.fields["url"] == raw_id  # no alternate link: the id URL is the abs URL


@pytest.mark.parametrize(("text", "line", "fragment"), [
    (_feed("<id>http://arxiv.org/abs/2401.1v1</id><title>T</title>").replace("</feed>", ""), 5, "malformed XML"),  # truncated: EOF line
    ('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>\n<title>x</summary>\n', 4,
     "malformed XML"),
    ("not xml at all", 1, "malformed XML"),
    ("", 1, "empty input"),
    ('<html><body>Rate limited</body></html>', 1, "not an Atom <feed>"),
    (_feed("<id>http://arxiv.org/abs/2401.00001v1</id><summary>no title</summary>"), 1, "record has no title"),
    (_feed("<id>http://arxiv.org/api/errors#incorrect_id_format_for_1234</id><title>Error</title>"
           "<summary>incorrect id format for 1234</summary>"), 1, "incorrect id format"),
])
def test_arxiv_bad_input_gives_problem_not_exception(text, line, fragment):
    items = list(arxiv.read(text, "bad.xml"))
    (problem,) = items
    assert isinstance(problem, Problem)
    assert (problem.file, problem.line) == ("bad.xml", line)
    assert fragment in problem.reason


def test_arxiv_empty_feed_yields_nothing():
    assert list(arxiv.read(_feed(), "x.xml")) == []


def test_arxiv_single_entry_document():
    text = ('<entry xmlns="http://www.w3.org/2005/Atom"><id>http://arxiv.org/abs/2401.00003v1</id>'
            "<title>\n  Lone\n   Entry </title><summary> S </summary></entry>")
    (record,) = arxiv.read(text, "x.xml")
    assert (record.title, record.abstract, record.fields["arxiv_id"]) == ("Lone Entry", "S", "2401.00003")


# --------------------------------------------------------------------------- sniffing

@pytest.mark.parametrize(("fixture", "hf", "ax"), [
    ("hf_daily_papers.json", True, False),
    ("arxiv_atom.xml", False, True),
    ("papers.jsonl", False, False),
    ("papers_array.json", False, False),
    ("papers.csv", False, False),
    ("listing_crlf.txt", False, False),
    ("bad_lines.jsonl", False, False),
])
def test_sniff_fixtures(fixture, hf, ax):
    head = (DATA / fixture).read_text(encoding="utf-8")
    assert hf_api.sniff(head) is hf
    assert arxiv.sniff(head) is ax
    assert hf_api.sniff(head[:600]) is hf  # a truncated head still decides
    assert arxiv.sniff(head[:600]) is ax


@pytest.mark.parametrize(("head", "expected"), [
    ('{"id": "2401.00001", "title": "T", "summary": "S"}', True),
    ('{"papers": [{"paper": {"title": "T", "summary": "S"}}]}', True),
    ('[{"paper": {"id": "1", "title": "T", "summary": "S"', True),
    ('{"title": "T", "summary": "S"}\n{"title": "U", "summary": "V"}\n', False),
    ('[]', False),
    ('', False),
    ('title,abstract\n', False),
])
def test_hf_sniff_cases(head, expected):
    assert hf_api.sniff(head) is expected
