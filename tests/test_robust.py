"""Nothing lost, nothing crashes: the bad-input corpus (tests/data/bad/ plus inputs too big
to keep in git, made by fixtures), every one with its exit code, message and the good
records kept; output failures; source identity; and the store's cleanup and doctor.

Each case names the issue 12 item it reproduces (``#N``); the concurrency of writers is in
``test_store_lock.py``, the fuzzing of the readers in ``test_fuzz_readers.py``."""
from __future__ import annotations

import inspect
import json
import sqlite3
import os
import resource
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.store.core
from kg.cli.main import main

REPO = Path(__file__).resolve().parents[1]
BAD = REPO / "tests" / "data" / "bad"
PAPERKG = [sys.executable, "-m", "kg.cli.main"]
_RUNNER_KWARGS = {"mix_stderr": False} if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters else {}


@pytest.fixture
def cli(monkeypatch):
    """``paperkg ARGS...`` in-process from the repository root (blank spaCy pipeline: these
    tests are about input and output, not extraction quality); never a traceback."""
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(warnings, "filters", list(warnings.filters))
    runner = CliRunner(**_RUNNER_KWARGS)

    def run(*args: str, input: str | bytes | None = None):
        result = runner.invoke(main, [*args], input=input, catch_exceptions=False, prog_name="paperkg")
        assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
        return result

    return run


def titles(stdout: str) -> list[str]:
    return [json.loads(line)["paper"]["title"] for line in stdout.splitlines()]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """Inputs too large for the repository: #2 an abstract of 1.25 million characters,
    #3 JSON nested 10,000 deep (a whole document and one JSON Lines record)."""
    root = tmp_path_factory.mktemp("generated")
    good = json.dumps({"title": "Kept Beside The Giant", "abstract": "We propose GiantNet."})
    (root / "oversized.jsonl").write_text(
        good + "\n" + json.dumps({"title": "Giant Abstract Paper", "abstract": "word " * 250_000}) + "\n")
    (root / "deep.json").write_text("[" * 10_000)
    (root / "deep_line.jsonl").write_text(good + "\n" + "[" * 10_000 + "\n" + '{"title": "After The Deep Line", '
                                          '"abstract": "We use GiantNet."}\n')
    return root


# (issue item, files, exit code, fragments of stderr, titles kept); files in tests/data/bad
# unless they start with "gen:" (made by the ``generated`` fixture)
CASES = [
    ("#2 oversized abstract", ["gen:oversized.jsonl", "good.jsonl"], 1,
     ["oversized.jsonl:2: record is 1,250,0", "more than the limit of 100,000; it is left out"],
     ["Kept Beside The Giant", "Kept Paper One"]),
    ("#3 nested JSON document", ["gen:deep.json", "good.jsonl"], 1,
     ["deep.json:1: record 1: JSON nested too deeply (more than 100 levels)"], ["Kept Paper One"]),
    ("#3 nested JSON Lines record", ["gen:deep_line.jsonl"], 1,
     ["deep_line.jsonl:2: JSON nested too deeply"], ["Kept Beside The Giant", "After The Deep Line"]),
    ("#4 lone CR listing", ["mac_cr.txt"], 0, [], ["Lone CR Paper One", "Lone CR Paper Two"]),
    ("#4 mixed line endings", ["mixed_endings.txt"], 0, [], ["Mixed Paper One", "Mixed Paper Two", "Mixed Paper Three"]),
    ("#4 lone CR CSV", ["mac_cr.csv"], 0, [], ["CR CSV Paper", "CR CSV Paper Two"]),
    ("#8 UTF-16 LE with BOM", ["utf16le.txt"], 0, [], ["UTF Sixteen Paper"]),
    ("#8 UTF-16 BE with BOM", ["utf16be.jsonl"], 0, [], ["UTF Sixteen BE Paper"]),
    ("#8 UTF-32 with BOM", ["utf32.csv"], 0, [], ["UTF Thirty Two Paper"]),
    ("#8 duplicate CSV column", ["dup_header.csv"], 2,
     ["Error: tests/data/bad/dup_header.csv:1: CSV header names the column 'title' twice"], []),
    ("#8 missing abstracts warned", ["no_abstract.jsonl", "no_abstract.csv", "no_abstract.xml"], 0,
     ["no_abstract.jsonl:2: record has no abstract", "no_abstract.jsonl:3: record has no abstract",
      "no_abstract.csv:2: record has no abstract", "no_abstract.xml:1: record has no abstract"],
     ["Has Abstract Paper", "Null Abstract Paper", "Missing Abstract Paper", "Empty Abstract CSV Paper",
      "No Summary Atom Paper"]),
    ("#8 JSON array errors name the record", ["array_errors.json"], 1,
     ["array_errors.json:1: record 2: record has no 'title'", "array_errors.json:1: record 3: expected a JSON object"],
     ["Array Paper One", "Array Paper Four"]),
    ("#8 undefined entity costs one entry", ["xxe.xml"], 1,
     ["xxe.xml:2: entry 2 uses the undefined XML entity &xxe;"], ["Entity Feed Paper One", "Entity Feed Paper Three"]),
    ("XML bomb refused", ["bomb.xml", "good.jsonl"], 1, ["bomb.xml:", "refused", "XML bomb"], ["Kept Paper One"]),
    ("#8 non-JSON numbers nulled and reported", ["nonfinite.jsonl"], 0,
     ["nonfinite.jsonl:1: Infinity/NaN is not a JSON number; written as null"], ["NaN Score Paper"]),
    ("#8 empty input", ["empty.txt"], 1, ["Error: no papers found in tests/data/bad/empty.txt"], []),
    ("binary file", ["binary.bin", "good.jsonl"], 2,
     ["Error: tests/data/bad/binary.bin: looks like a binary file (it contains NUL bytes)"], []),
    ("malformed JSON line among good ones", ["bad_line.jsonl"], 1, ["bad_line.jsonl:2: malformed JSON"],
     ["Good Line Paper", "Good Line Paper Two"]),
    ("latin-1 text", ["latin1.txt"], 2, ["latin1.txt:1: not valid UTF-8 (byte 0xe9 at column 4)", "iconv"], []),
    ("missing file", ["no-such-file.txt"], 2, ["Error: tests/data/bad/no-such-file.txt: no such file"], []),
]


def _path(name: str, generated: Path) -> str:
    return str(generated / name[4:]) if name.startswith("gen:") else f"tests/data/bad/{name}"


@pytest.mark.parametrize(("case", "files", "code", "fragments", "kept"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_corpus(cli, generated, case, files, code, fragments, kept):
    result = cli("extract", "--model", "blank", *[_path(f, generated) for f in files])
    assert result.exit_code == code, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr
    assert sorted(titles(result.stdout)) == sorted(kept)
    if code == 2 or "Error:" in result.stderr:  # a file-level error is exactly one line
        assert [line for line in result.stderr.splitlines() if line.startswith("Error:")] == \
            [result.stderr.splitlines()[-1]]
    assert "truncated download" not in result.stderr or case == "bad"


def test_every_input_record_is_output_or_reported(cli, generated, tmp_path):
    """All good inputs of the corpus at once: each record is in the output or in --errors."""
    errors = tmp_path / "errors.jsonl"
    files = ["mac_cr.txt", "mixed_endings.txt", "utf16le.txt", "utf16be.jsonl", "utf32.csv", "no_abstract.jsonl",
             "array_errors.json", "xxe.xml", "nonfinite.jsonl", "bad_line.jsonl", "gen:oversized.jsonl",
             "gen:deep_line.jsonl"]
    result = cli("extract", "--model", "blank", "--errors", str(errors), *[_path(f, generated) for f in files])
    assert result.exit_code == 1
    problems = [json.loads(line) for line in errors.read_text().splitlines()]
    reported = {(Path(p["file"]).name, p["line"]) for p in problems if p["severity"] == "error"}
    assert reported == {("array_errors.json", 1), ("xxe.xml", 2), ("bad_line.jsonl", 2),
                        ("oversized.jsonl", 2), ("deep_line.jsonl", 2)}
    kept = ["Lone CR Paper One", "Lone CR Paper Two", "Mixed Paper One", "Mixed Paper Two", "Mixed Paper Three",
            "UTF Sixteen Paper", "UTF Sixteen BE Paper", "UTF Thirty Two Paper", "Has Abstract Paper",
            "Null Abstract Paper", "Missing Abstract Paper", "Array Paper One", "Array Paper Four",
            "Entity Feed Paper One", "Entity Feed Paper Three", "NaN Score Paper", "Good Line Paper",
            "Good Line Paper Two", "Kept Beside The Giant", "After The Deep Line"]  # the giant's neighbour: once
    assert sorted(titles(result.stdout)) == sorted(kept)


def test_output_is_strict_json(cli):
    """#8: extract output never holds NaN/Infinity (they are not JSON)."""
    result = cli("extract", "--model", "blank", "tests/data/bad/nonfinite.jsonl")

    def refuse(name):
        raise ValueError(f"non-JSON number {name}")

    (record,) = [json.loads(line, parse_constant=refuse) for line in result.stdout.splitlines()]
    assert record["paper"]["score"] is None and record["paper"]["upper"] is None


def test_show_strips_terminal_escape_sequences(cli, tmp_path):
    """#8: a title carrying ESC[2J (clear screen) or an OSC window title is shown without it."""
    store = str(tmp_path / "g")
    assert cli("build", "--model", "blank", "tests/data/bad/escapes.jsonl", "-o", store).exit_code == 0
    result = cli("show", store, "EscapeNet")
    assert result.exit_code == 0, result.stderr
    assert "EscapeNet" in result.stdout and "Net Paper" in result.stdout
    assert not any(ch in result.stdout for ch in "\x1b\x07\x9b")
    result = cli("query", store, "queries/sparql/method-papers-and-code.rq", "--param", "method=EscapeNet")
    assert result.exit_code == 0, result.stderr
    assert "Net Paper" in result.stdout and not any(ch in result.stdout for ch in "\x1b\x07\x9b")


def test_empty_input_builds_nothing(cli, tmp_path):
    """#8: no papers is an error, and no empty store is made."""
    result = cli("build", "--model", "blank", "tests/data/bad/empty.txt", "-o", str(tmp_path / "g"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no papers found in tests/data/bad/empty.txt")
    assert not (tmp_path / "g").exists()


def test_symlink_loop_names_the_cause(cli, tmp_path):
    """#8: a symlink loop is a loop, not 'no such file'."""
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    result = cli("extract", str(tmp_path / "a"))
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {tmp_path / 'a'}: a symbolic link loop (the link points back to itself) "
                             "(point the link at a real file) [E100]\n")


# =========================================================================== #5 inputs that can be read once

def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=120, **kwargs)


@pytest.mark.slow
def test_process_substitution_and_fifo(tmp_path):
    """#5: ``paperkg extract <(cat file)`` and a named pipe are read once and spooled."""
    result = _run(["bash", "-c", 'exec "$@" <(cat tests/data/bad/mac_cr.txt)', "bash", *PAPERKG,
                   "extract", "--model", "blank"])
    assert result.returncode == 0, result.stderr
    assert titles(result.stdout) == ["Lone CR Paper One", "Lone CR Paper Two"]
    fifo = tmp_path / "papers.fifo"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["bash", "-c", f"cat tests/data/bad/good.jsonl > {fifo}"], cwd=REPO)
    try:
        result = _run([*PAPERKG, "extract", "--model", "blank", str(fifo)])
    finally:
        writer.wait(timeout=60)
    assert result.returncode == 0, result.stderr
    assert titles(result.stdout) == ["Kept Paper One"]


# =========================================================================== #6 output failures

def _limit_file_size(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    return apply


def test_full_disk_output_file_is_one_line_and_no_file(tmp_path):
    """#6: a write failure on -o (here the file size limit, EFBIG) is one line, no partial file."""
    out = tmp_path / "papers.jsonl"
    result = _run([*PAPERKG, "extract", "--model", "blank", "examples/daily-2026-03-11.txt", "-o", str(out)],
                  preexec_fn=_limit_file_size(2000))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (f"Error: {out}: cannot write: File too large (the file is larger "
                                              "than this system allows (ulimit -f); nothing was written) [E500]")
    assert "Traceback" not in result.stderr
    assert os.listdir(tmp_path) == []


def test_full_disk_stdout_is_one_line_and_cut_back(tmp_path):
    """#6: extract to a redirected stdout that fills up: one line, the file back as it was."""
    out = tmp_path / "papers.jsonl"
    out.write_text("kept line\n")
    with open(out, "a") as handle:
        result = subprocess.run([*PAPERKG, "extract", "--model", "blank", "examples/daily-2026-03-11.txt"],
                                cwd=REPO, stdout=handle, stderr=subprocess.PIPE, text=True, timeout=120,
                                preexec_fn=_limit_file_size(4000))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith("Error: standard output: cannot write: File too large")
    assert "Traceback" not in result.stderr
    assert out.read_text() == "kept line\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
def test_stdout_to_dev_full_is_one_line():
    with open("/dev/full", "w") as full:
        result = subprocess.run([*PAPERKG, "extract", "--model", "blank", "tests/data/bad/good.jsonl"], cwd=REPO,
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr == ("Error: standard output: cannot write: No space left on device "
                             "(free some disk space and run again; nothing was written) [E500]\n")


def test_export_write_failure_is_one_line(cli, tmp_path):
    store = str(tmp_path / "g")
    assert cli("build", "--model", "blank", "tests/data/bad/good.jsonl", "-o", store).exit_code == 0
    result = cli("export", store, "--format", "json", "-o", str(tmp_path / "missing" / "g.json"))
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error: ")


# =========================================================================== #7 source identity

def test_same_file_under_another_spelling_is_the_same_source(cli, tmp_path):
    """#7: building the same file by relative, absolute and ./ paths changes nothing, and no
    absolute path of this machine reaches the exported RDF."""
    store = tmp_path / "g"
    assert cli("build", "--model", "blank", "tests/data/bad/good.jsonl", "-o", str(store)).exit_code == 0
    before = {name: (store / name).read_bytes() for name in ("manifest.json", "graph.sqlite")}
    for spelling in (str(BAD / "good.jsonl"), "./tests/data/../data/bad/good.jsonl"):
        result = cli("build", "--model", "blank", spelling, "-o", str(store), "--json")
        assert result.exit_code == 0
        report = json.loads(result.stdout)
        assert (report["unchanged"], report["sources_added"], report["added"]) == (1, 0, 0)
    assert {name: (store / name).read_bytes() for name in before} == before
    (record,) = [e.to_dict() for e in kg.store.core.open_store(store).extractions()]
    assert record["paper"]["sources"] == [{"file": "tests/data/bad/good.jsonl", "format": "jsonl", "line": 1}]
    ttl = tmp_path / "g.ttl"
    # the source location is provenance of reading: written at --evidence full (docs/rdf.md)
    assert cli("export", str(store), "--format", "ttl", "--evidence", "full", "-o", str(ttl)).exit_code == 0
    text = ttl.read_text()
    assert "tests/data/bad/good.jsonl" in text and str(REPO) not in text


def test_same_content_from_another_working_directory_keeps_its_name(cli, tmp_path, monkeypatch):
    """#7: the store remembers each input's content hash, so building the same file from
    another working directory (or through a pipe) adds no source."""
    store = tmp_path / "g"
    assert cli("build", "--model", "blank", "tests/data/bad/good.jsonl", "-o", str(store)).exit_code == 0
    manifest = json.loads((store / "manifest.json").read_text())
    assert list(manifest["inputs"]) == ["tests/data/bad/good.jsonl"]
    before = (store / "graph.sqlite").read_bytes()
    monkeypatch.chdir(tmp_path)
    runner = CliRunner(**_RUNNER_KWARGS)
    result = runner.invoke(main, ["build", "--model", "blank", str(BAD / "good.jsonl"), "-o", "g", "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["unchanged"] == 1
    assert (store / "graph.sqlite").read_bytes() == before


def test_symlinked_input_is_named_by_its_real_path(cli, tmp_path, monkeypatch):
    (tmp_path / "real.jsonl").write_bytes((BAD / "good.jsonl").read_bytes())
    (tmp_path / "link.jsonl").symlink_to(tmp_path / "real.jsonl")
    monkeypatch.chdir(tmp_path)
    result = CliRunner(**_RUNNER_KWARGS).invoke(main, ["extract", "--model", "blank", "link.jsonl", "real.jsonl"])
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert {s["file"] for s in record["paper"]["sources"]} == {"real.jsonl"}


# =========================================================================== cleanup and doctor

def test_staging_of_a_dead_build_is_removed_by_the_next_reader(cli, tmp_path):
    """#8: a killed build's staging folder goes with the next command that opens the store."""
    store = tmp_path / "g"
    assert cli("build", "--model", "blank", "tests/data/bad/good.jsonl", "-o", str(store)).exit_code == 0
    stale = tmp_path / ".g.tmp-dead1234"
    stale.mkdir()
    (stale / "graph.json").write_text("x" * 1000)
    assert cli("stats", str(store)).exit_code == 0
    assert not stale.exists()


def test_interrupted_swap_is_recovered_by_a_reader(cli, tmp_path):
    store = tmp_path / "g"
    assert cli("build", "--model", "blank", "tests/data/bad/good.jsonl", "-o", str(store)).exit_code == 0
    os.rename(store, tmp_path / ".g.old")  # killed between the two renames of the swap
    result = cli("stats", str(store), "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["papers"] == 1


def test_doctor(cli, tmp_path):
    store = tmp_path / "g"
    assert cli("build", "--model", "blank", "tests/data/bad/good.jsonl", "-o", str(store)).exit_code == 0
    (tmp_path / ".g.tmp-dead").mkdir()
    result = cli("doctor", str(store))
    assert result.exit_code == 0, result.stdout
    assert "ok   leftovers: removed 1 left by dead builds: .g.tmp-dead\n" in result.stdout
    assert result.stdout.endswith(f"{store}: healthy\n")
    conn = sqlite3.connect(store / "graph.sqlite")  # a node edited by hand: its row digest no longer matches
    conn.execute("UPDATE nodes SET data = '{}' WHERE rank = 0")
    conn.commit()
    conn.close()
    result = cli("doctor", str(store), "--json")
    assert result.exit_code == 1
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert not checks["file graph.sqlite"]["ok"]
    assert checks["papers"]["ok"] and checks["lock"]["detail"] == "free"


def test_store_reads_survive_a_file_swap_race(tmp_path, monkeypatch):
    """A reader whose directory is swapped between reading two files reads again instead of
    calling the store corrupt."""
    from tests.test_store import CORPUS

    kg.store.core.build(CORPUS[:3], tmp_path / "g")
    real = kg.store.core._checked_reader
    swapped = []

    def racing(directory, manifest):
        if not swapped:  # the manifest is read, the database not yet
            swapped.append(1)
            kg.store.core.build(CORPUS[:5], tmp_path / "g")
        return real(directory, manifest)

    monkeypatch.setattr(kg.store.core, "_checked_reader", racing)
    assert kg.store.core.open_store(tmp_path / "g").stats()["papers"] == 5
