"""Fuzzing every reader through ``read_papers`` (issue 12): for arbitrary bytes, no
traceback - either one file-level ``InputError`` or papers and reported problems - and for
generated records with junk between them, every record is either output or reported.

Bounded: a few hundred small examples in all, a few seconds."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.ingest import FORMATS, read_papers
from kg.ingest.identity import normalize_title
from kg.records import Paper, Problem

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
STRUCTURE = '[]{}",:<>/&;=\\ \t\r\n\x00\ufeff' + "titleabstractsummaryentryfeedpaperNaN0123456789"
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-32", "latin-1")

raw_bytes = st.one_of(
    st.binary(max_size=1500),
    st.builds(lambda text, enc: text.encode(enc, errors="replace"),
              st.text(alphabet=st.sampled_from(STRUCTURE), max_size=600), st.sampled_from(ENCODINGS)),
)


def _read(path: Path, fmt: str | None) -> tuple[list[Paper], list[Problem]]:
    problems: list[Problem] = []
    papers = list(read_papers([str(path)], fmt=fmt, on_problem=problems.append))
    return papers, problems


@FUZZ
@given(data=raw_bytes, fmt=st.sampled_from([None, *FORMATS]), suffix=st.sampled_from(["", ".txt", ".json", ".xml"]))
def test_arbitrary_bytes_never_crash_a_reader(tmp_path_factory, data, fmt, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(data)
    try:
        papers, problems = _read(path, fmt)
    except InputError as exc:  # the whole file is unusable: one line saying where and why
        assert "\n" not in exc.format() and exc.where and exc.where.startswith(str(path))
        return
    for paper in papers:
        assert normalize_title(paper.title) and paper.sources
        json.dumps(paper.to_dict(), allow_nan=False)  # strict JSON, whatever the input held
    for problem in problems:
        assert problem.file == str(path) and problem.line >= 1 and problem.reason


titles = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=25)  # NUL: a binary file
records = st.lists(st.tuples(titles, st.one_of(st.none(), titles), st.booleans()), max_size=8)


def _expected(recs: list[tuple[str, str | None, bool]]) -> list[str]:
    return [f"P{i} {title}" for i, (title, _, _) in enumerate(recs)]


def _account(papers: list[Paper], problems: list[Problem], recs: list, junk: int) -> None:
    out = {normalize_title(p.title) for p in papers}
    errors = [p for p in problems if p.severity == "error"]
    missing = [t for t in _expected(recs) if normalize_title(" ".join(t.split())) not in out]
    assert len(out) == len(papers)
    assert len(errors) == len(missing) + junk, (missing, errors)


@FUZZ
@given(recs=records, ending=st.sampled_from(["\n", "\r\n", "\r"]), encoding=st.sampled_from(ENCODINGS[:4]))
def test_jsonl_every_record_output_or_reported(tmp_path_factory, recs, ending, encoding):
    lines = []
    junk = 0
    for title, (i, (_, abstract, bad_after)) in zip(_expected(recs), enumerate(recs)):
        lines.append(json.dumps({"title": title, "abstract": abstract}))
        if bad_after:
            lines.append('{"title": "broken' if i % 2 else "[" * 5000)
            junk += 1
    path = tmp_path_factory.mktemp("fuzz") / "records.jsonl"
    path.write_bytes(ending.join(lines).encode(encoding) + (ending.encode(encoding) if lines else b""))
    papers, problems = _read(path, "jsonl")
    _account(papers, problems, recs, junk)


@FUZZ
@given(recs=records, ending=st.sampled_from(["\n", "\r\n", "\r"]), encoding=st.sampled_from(ENCODINGS[:4]))
def test_csv_every_record_output_or_reported(tmp_path_factory, recs, ending, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=ending, quoting=csv.QUOTE_ALL)  # minimal quoting ignores a lone CR/LF
    writer.writerow(["title", "abstract"])
    junk = 0
    for title, (_, abstract, bad_after) in zip(_expected(recs), recs):
        writer.writerow([title, abstract or ""])
        if bad_after:
            buffer.write(f"only-one-field-{junk}{ending}")
            junk += 1
    path = tmp_path_factory.mktemp("fuzz") / "records.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    papers, problems = _read(path, "csv")
    _account(papers, problems, recs, junk)


@FUZZ
@given(recs=records)
def test_json_array_every_record_output_or_reported(tmp_path_factory, recs):
    items: list = []
    junk = 0
    for title, (_, abstract, bad_after) in zip(_expected(recs), recs):
        items.append({"title": title, "abstract": abstract})
        if bad_after:
            items.append([[[1]]] if junk % 2 else {"abstract": "no title"})
            junk += 1
    path = tmp_path_factory.mktemp("fuzz") / "records.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    papers, problems = _read(path, "json")
    _account(papers, problems, recs, junk)
