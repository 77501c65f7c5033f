"""End-to-end contracts of the ``paperkg`` command line (``kg.cli.main:main``) with click's CliRunner:
exact error text and exit codes, JSON Lines output, ``--errors``, standard input, atomic output."""
from __future__ import annotations

import inspect
import json
import logging
import re
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import command_paths

import kg
import kg.extract.pipeline
from kg.cli.main import main
from kg.errors import PipelineError
from kg.records import ENTITY_TYPES, LINK_KINDS, ROLES

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(str(p.relative_to(REPO)) for p in (REPO / "examples").glob("*.txt"))
SEEDS = (REPO / ".." / "shared" / "seeds").resolve()

# click < 8.2 mixes stderr into the output unless told not to; click >= 8.2 keeps it apart
# and has no ``mix_stderr`` argument. Detect the feature instead of parsing the version.
_RUNNER_KWARGS = {"mix_stderr": False} if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters else {}


@pytest.fixture
def cli(trained_nlp, monkeypatch):
    """Run ``paperkg ARGS...`` from the repository root; return the click Result.
    Every run is checked to never show a traceback."""
    monkeypatch.setattr(kg.extract.pipeline, "build_nlp", lambda *args, **kwargs: trained_nlp)
    monkeypatch.chdir(REPO)
    # ``main`` sets process-wide warning filters and captures warnings into logging: undo both.
    monkeypatch.setattr(warnings, "filters", list(warnings.filters))
    runner = CliRunner(**_RUNNER_KWARGS)

    def run(*args: str, input: str | bytes | None = None):
        result = runner.invoke(main, list(args), input=input, catch_exceptions=False, prog_name="paperkg")
        assert "Traceback" not in result.stdout
        assert "Traceback" not in result.stderr
        return result

    yield run
    logging.captureWarnings(False)


def _records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


# =========================================================================== version and help

def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"paperkg, version {kg.__version__}\n"


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_every_command(cli, flag):
    result = cli(flag)
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: paperkg [OPTIONS] COMMAND [ARGS]...")
    commands = result.stdout.split("Commands:\n", 1)[1]
    listed = re.findall(r"^  (\S+)", commands, flags=re.MULTILINE)
    assert sorted(listed) == sorted(main.commands)
    assert "extract" in main.commands
    assert "Example" in result.stdout


def test_no_arguments_shows_usage(cli):
    result = cli()
    assert result.exit_code in (0, 2)
    assert "Usage: paperkg" in result.stdout + result.stderr


@pytest.mark.parametrize("path", command_paths(main), ids=" ".join)
def test_every_command_help_has_an_example(cli, path):
    result = cli(*path, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: paperkg {' '.join(path)} ")
    assert "Example" in result.stdout


# =========================================================================== extract: output

@pytest.fixture(scope="module")
def examples_output(trained_nlp, tmp_path_factory):
    """``paperkg extract examples/*.txt -o OUT`` run once for the module."""
    out = tmp_path_factory.mktemp("examples") / "papers.jsonl"
    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(kg.extract.pipeline, "build_nlp", lambda *args, **kwargs: trained_nlp)
        mp.chdir(REPO)
        result = CliRunner(**_RUNNER_KWARGS).invoke(main, ["extract", *EXAMPLES, "-o", str(out)],
                                                    catch_exceptions=False)
    finally:
        mp.undo()
    return result, out


def test_extract_examples_one_object_per_unique_paper(examples_output):
    result, out = examples_output
    assert len(EXAMPLES) == 2
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.endswith(f"23 paper(s) written to {out}.\n")
    records = _records(out.read_text(encoding="utf-8"))
    assert len(records) == 23
    assert sum(len(r["paper"]["sources"]) for r in records) == 24
    ids = [r["paper"]["id"] for r in records]
    assert len(set(ids)) == 23
    assert len({r["paper"]["title"] for r in records}) == 23
    (twice,) = [r for r in records if len(r["paper"]["sources"]) == 2]
    assert twice["paper"]["title"].startswith("HopScotch:")
    assert [(s["file"], s["format"]) for s in twice["paper"]["sources"]] == [
        ("examples/daily-2026-03-11.txt", "listing"), ("examples/daily-2026-03-12.txt", "listing")]


def test_extract_examples_paper_objects(examples_output):
    _, out = examples_output
    for record in _records(out.read_text(encoding="utf-8")):
        assert set(record) == {"paper", "entities", "links"}
        paper = record["paper"]
        assert {"id", "title", "abstract", "sources"} <= set(paper)
        assert paper["id"].startswith(("arxiv:", "title:"))
        assert paper["title"] and paper["abstract"]
        for source in paper["sources"]:
            assert set(source) == {"file", "line", "format"}
            assert source["file"] in EXAMPLES and source["line"] >= 1 and source["format"] == "listing"


def test_extract_examples_entities_and_evidence_offsets(examples_output):
    _, out = examples_output
    n_entities = n_title = n_abstract = 0
    for record in _records(out.read_text(encoding="utf-8")):
        paper = record["paper"]
        for entity in record["entities"]:
            n_entities += 1
            assert {"type", "name", "aliases", "role", "confidence", "evidence"} <= set(entity)
            assert entity["type"] in ENTITY_TYPES and entity["role"] in ROLES
            assert isinstance(entity["name"], str) and entity["name"].strip()
            assert isinstance(entity["aliases"], list) and all(isinstance(a, str) for a in entity["aliases"])
            assert 0.0 <= entity["confidence"] <= 1.0
            assert entity["evidence"]
            for ev in entity["evidence"]:
                assert ev["field"] in ("title", "abstract")
                text = paper[ev["field"]]
                assert 0 <= ev["start"] < ev["end"] <= len(text)
                span = text[ev["start"]:ev["end"]]
                assert span.strip() and span in ev["sentence"]
                assert ev["sentence"] in text
                if ev["field"] == "title":
                    n_title += 1
                    assert ev["sentence"] == paper["title"]
                else:
                    n_abstract += 1
    assert n_entities > 23 and n_title > 0 and n_abstract > 0


def test_extract_examples_links(examples_output):
    _, out = examples_output
    kinds = set()
    for record in _records(out.read_text(encoding="utf-8")):
        for link in record["links"]:
            assert {"url", "kind"} <= set(link)
            assert link["kind"] in LINK_KINDS and link["url"].startswith("https://")
            kinds.add(link["kind"])
            for ev in link["evidence"]:
                text = record["paper"][ev["field"]]
                assert text[ev["start"]:ev["end"]] == link["raw"]
    assert {"code", "model", "dataset", "space", "project"} <= kinds
    urls = {link["url"] for r in _records(out.read_text(encoding="utf-8")) for link in r["links"]}
    assert not any(u.endswith((".", ")", ".git", "}")) or "{" in u for u in urls)


def test_extract_to_stdout_is_pure_json_lines(cli):
    result = cli("extract", EXAMPLES[0])
    assert result.exit_code == 0
    records = _records(result.stdout)
    assert len(records) == 12
    assert result.stderr == "12 paper(s) written.\n"


def test_quiet_silences_the_summary(cli, tmp_path):
    result = cli("--quiet", "extract", EXAMPLES[0], "-o", str(tmp_path / "o.jsonl"))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize("model_args", [[], ["--model", "blank"]], ids=["default-model", "blank"])
def test_extract_with_the_real_pipeline_loader(monkeypatch, tmp_path, model_args):
    """Runs without the cached pipeline, so the real loading path stays covered."""
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(warnings, "filters", list(warnings.filters))
    out = tmp_path / "o.jsonl"
    try:
        result = CliRunner(**_RUNNER_KWARGS).invoke(
            main, ["extract", *model_args, "tests/data/papers.jsonl", "-o", str(out)], catch_exceptions=False)
    finally:
        logging.captureWarnings(False)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"4 paper(s) written to {out}.\n"
    records = _records(out.read_text(encoding="utf-8"))
    assert [r["paper"]["sources"][0]["line"] for r in records] == [1, 2, 3, 4]
    assert any(e["name"] == "LumenSeg" and e["role"] == "proposed" for e in records[0]["entities"])


# =========================================================================== extract: errors

@pytest.mark.parametrize(("args", "stderr"), [
    (["nope.txt"], "Error: nope.txt: no such file (check the path; use '-' to read standard input) [E100]\n"),
    (["tests/data"], "Error: tests/data: is a directory, not a file (pass the files inside it, e.g. "
                     "tests/data/*.txt) [E100]\n"),
    (["tests/data/binary.bin"], "Error: tests/data/binary.bin: looks like a binary file (it contains NUL "
                                "bytes) (give a text file: listing .txt, .jsonl, .json, .csv or arXiv .xml) [E100]\n"),
    (["tests/data/latin1.txt"], "Error: tests/data/latin1.txt:9: not valid UTF-8 (byte 0xe9 at column 2) "
                                "(re-encode it as UTF-8, e.g. iconv -f latin1 -t utf-8 tests/data/latin1.txt "
                                "> fixed.txt) [E100]\n"),
    ([EXAMPLES[0], "nope.txt"], "Error: nope.txt: no such file (check the path; use '-' to read standard "
                                "input) [E100]\n"),
    (["--input-format", "jsonl", "tests/data/latin1.txt"], "Error: tests/data/latin1.txt:9: not valid UTF-8 "
                                                           "(byte 0xe9 at column 2) (re-encode it as UTF-8, "
                                                           "e.g. iconv -f latin1 -t utf-8 tests/data/latin1.txt "
                                                           "> fixed.txt) [E100]\n"),
], ids=["missing", "directory", "binary", "latin-1", "missing-after-good", "latin-1-forced-format"])
def test_unusable_input_exact_error_and_exit_2(cli, tmp_path, args, stderr):
    assert not (REPO / "nope.txt").exists()
    out = tmp_path / "out.jsonl"
    result = cli("extract", *args, "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr == stderr
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no output, no temporary file


def test_csv_without_title_column(cli, tmp_path):
    csv_file = tmp_path / "test_no_title.csv"
    csv_file.write_text("id,abstract,url\nn-1,An abstract.,https://example.org/n-1\n", encoding="utf-8")
    result = cli("extract", str(csv_file))
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {csv_file}:1: CSV header has no 'title' column (columns: id, abstract, "
                             "url) (name the title column 'title' and the abstract column 'abstract') [E100]\n")
    assert result.stdout == ""


def test_output_into_missing_directory(cli, tmp_path):
    out = tmp_path / "missing" / "o.jsonl"
    result = cli("extract", EXAMPLES[0], "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {out.parent}: output directory does not exist (create it first) [E500]\n"


def test_bad_option_value_is_a_usage_error(cli):
    result = cli("extract", "--input-format", "yaml", EXAMPLES[0])
    assert result.exit_code == 2
    assert "Invalid value for '--input-format'" in result.stderr


def test_extract_requires_an_input(cli):
    result = cli("extract")
    assert result.exit_code == 2
    assert "Missing argument 'INPUT...'" in result.stderr


# =========================================================================== bad records

def test_errors_file_lists_bad_records_and_good_ones_go_through(cli, tmp_path):
    out, errors = tmp_path / "o.jsonl", tmp_path / "bad.jsonl"
    result = cli("extract", "tests/data/bad_lines.jsonl", "-o", str(out), "--errors", str(errors))
    assert result.exit_code == 1
    titles = [r["paper"]["title"] for r in _records(out.read_text(encoding="utf-8"))]
    assert titles == ["Good One: First Valid Record", "Good Two: Second Valid Record",
                      "Good Three: Third Valid Record"]
    problems = _records(errors.read_text(encoding="utf-8"))
    assert [(p["file"], p["line"], p["severity"]) for p in problems] == [
        ("tests/data/bad_lines.jsonl", 3, "error"), ("tests/data/bad_lines.jsonl", 4, "error")]
    assert all(set(p) == {"file", "line", "reason", "severity"} and p["reason"] for p in problems)
    assert problems[1]["reason"] == "record has no 'title'; every record needs a non-empty title"
    assert result.stderr.startswith("2 bad record(s), 0 warning(s):\n"
                                    "  error: tests/data/bad_lines.jsonl:3: malformed JSON (")
    assert ("  error: tests/data/bad_lines.jsonl:4: record has no 'title'; every record needs a non-empty "
            "title\n") in result.stderr
    assert result.stderr.endswith(f"3 paper(s) written to {out}.\n")


def test_warnings_only_exit_0(cli, tmp_path):
    page = tmp_path / "test_page.txt"
    page.write_text("A Paper Without Abstract\n\nAnother Paper\n\nIt has an abstract. A short one.\n",
                    encoding="utf-8")
    errors = tmp_path / "bad.jsonl"
    result = cli("extract", str(page), "--errors", str(errors))
    assert result.exit_code == 0
    assert len(_records(result.stdout)) == 2
    (problem,) = _records(errors.read_text(encoding="utf-8"))
    assert (problem["line"], problem["severity"]) == (1, "warning")
    assert result.stderr.startswith("0 bad record(s), 1 warning(s):\n  warning: ")


def test_many_problems_are_summarized(cli, tmp_path):
    bad = tmp_path / "test_bad.jsonl"
    bad.write_text("".join("{oops\n" for _ in range(12)) + '{"title": "Fine", "abstract": "Ok."}\n',
                   encoding="utf-8")
    result = cli("extract", str(bad))
    assert result.exit_code == 1
    assert len(_records(result.stdout)) == 1
    assert "  ... and 2 more (use --errors FILE to save all of them)\n" in result.stderr
    errors = tmp_path / "e.jsonl"
    result = cli("extract", str(bad), "--errors", str(errors))
    assert f"  ... and 2 more (all in {errors})\n" in result.stderr
    assert len(_records(errors.read_text(encoding="utf-8"))) == 12


def test_empty_errors_file_when_no_problems(cli, tmp_path):
    errors = tmp_path / "e.jsonl"
    result = cli("extract", "tests/data/papers.jsonl", "--errors", str(errors))
    assert result.exit_code == 0
    assert errors.read_text(encoding="utf-8") == ""


def test_paper_whose_extraction_fails_is_reported_not_lost(cli, monkeypatch, tmp_path):
    import extractors.components

    real = extractors.components.find_links

    def exploding(text):
        if "EXPLODE" in text:
            raise RuntimeError("injected failure")
        return real(text)

    monkeypatch.setattr(extractors.components, "find_links", exploding)
    monkeypatch.chdir(tmp_path)  # extraction problems name the paper's source: relative to the working directory
    src = tmp_path / "test_explode.jsonl"
    src.write_text(json.dumps({"title": "Fine Paper", "abstract": "We propose FineNet. It works."}) + "\n"
                   + json.dumps({"title": "Bad Paper", "abstract": "This one will EXPLODE. Sadly."}) + "\n",
                   encoding="utf-8")
    result = cli("extract", str(src))
    assert [r["paper"]["title"] for r in _records(result.stdout)] == ["Fine Paper", "Bad Paper"]
    assert "error: test_explode.jsonl:2: extraction failed (" in result.stderr
    assert result.exit_code == 1


def test_paper_with_bad_port_url_is_not_lost(cli):
    record = {"title": "Port Paper", "abstract": "We propose PortNet. Demo at https://demo.example.org:99999/ now."}
    result = cli("extract", "-", input=json.dumps(record) + "\n")
    assert [r["paper"]["title"] for r in _records(result.stdout)] == ["Port Paper"]


# =========================================================================== standard input

def test_stdin_listing(cli):
    page = "new\n\nSubscribe\n\nMar 21\n\nGlowNet: Night Detection\n\nWe propose GlowNet. Code: github.com/g/glow.\n"
    result = cli("extract", "-", input=page)
    assert result.exit_code == 0, result.stderr
    (record,) = _records(result.stdout)
    assert record["paper"]["title"] == "GlowNet: Night Detection"
    assert record["paper"]["sources"] == [{"file": "<stdin>", "line": 7, "format": "listing"}]
    assert [(link["url"], link["kind"]) for link in record["links"]] == [("https://github.com/g/glow", "code")]


def test_stdin_jsonl_detected_by_content(cli):
    lines = "".join(json.dumps({"title": t, "abstract": "An abstract."}) + "\n" for t in ("One", "Two"))
    result = cli("extract", "-", input=lines)
    assert result.exit_code == 0
    records = _records(result.stdout)
    assert [r["paper"]["title"] for r in records] == ["One", "Two"]
    assert {r["paper"]["sources"][0]["format"] for r in records} == {"jsonl"}


def test_stdin_and_file_dedupe(cli):
    text = (REPO / EXAMPLES[0]).read_text(encoding="utf-8")
    result = cli("extract", EXAMPLES[0], "-", input=text)
    assert result.exit_code == 0
    records = _records(result.stdout)
    assert len(records) == 12
    for record in records:
        assert [s["file"] for s in record["paper"]["sources"]] == [EXAMPLES[0], "<stdin>"]


def test_stdin_binary_is_an_input_error(cli):
    result = cli("extract", "-", input=b"\x00\x01binary")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: <stdin>: looks like a binary file (it contains NUL bytes)")


# =========================================================================== atomic output

def _fail_after_first(monkeypatch, exc: BaseException, out: Path) -> list[list[Path]]:
    """Make extraction raise ``exc`` after one record; record the temp files seen at that moment."""
    real = kg.extract.pipeline.extract
    seen: list[list[Path]] = []

    def failing(papers, nlp, **kwargs):
        stream = real(papers, nlp, **kwargs)
        yield next(stream)
        seen.append(sorted(out.parent.glob(f".{out.name}.tmp-*")))
        raise exc

    monkeypatch.setattr(kg.extract.pipeline, "extract", failing)
    return seen


@pytest.mark.parametrize(("exc", "code", "stderr"), [
    (PipelineError("boom mid-way"), 1, "Error: boom mid-way [E400]\n"),
    (KeyboardInterrupt(), 130, "Interrupted; no output was written.\n"),
], ids=["paperkg-error", "interrupt"])
def test_failed_run_leaves_existing_output_unchanged(cli, monkeypatch, tmp_path, exc, code, stderr):
    out = tmp_path / "papers.jsonl"
    out.write_text("previous content\n", encoding="utf-8")
    seen = _fail_after_first(monkeypatch, exc, out)
    result = cli("extract", *EXAMPLES, "-o", str(out))
    assert (result.exit_code, result.stderr) == (code, stderr)
    assert len(seen) == 1 and len(seen[0]) == 1, "the run should have been writing to a temporary file"
    assert out.read_text(encoding="utf-8") == "previous content\n"
    assert sorted(tmp_path.iterdir()) == [out]


def test_successful_run_replaces_existing_output(cli, tmp_path):
    out = tmp_path / "papers.jsonl"
    out.write_text("previous content\n", encoding="utf-8")
    result = cli("extract", EXAMPLES[0], "-o", str(out))
    assert result.exit_code == 0
    assert len(_records(out.read_text(encoding="utf-8"))) == 12
    assert sorted(tmp_path.iterdir()) == [out]


# =========================================================================== the seed corpus

@pytest.mark.slow
def test_seed_corpus_counts(cli, tmp_path):
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS}; it is only present in the shared workspace")
    seeds = sorted(str(p) for p in SEEDS.glob("*.txt"))
    assert len(seeds) == 5
    out = tmp_path / "seeds.jsonl"
    result = cli("extract", *seeds, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    records = _records(out.read_text(encoding="utf-8"))
    assert len(records) == 388
    assert sum(len(r["paper"]["sources"]) for r in records) == 450
    assert len({r["paper"]["id"] for r in records}) == 388
