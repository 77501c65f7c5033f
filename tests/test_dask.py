"""``--engine dask``: extraction on a real Dask cluster (a LocalCluster of two worker
processes on 127.0.0.1) gives a store byte-identical to the local engine (issue 14).
``distributed`` is in the test extra, so under CI=true these tests run, never skip."""
from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.extract.cluster
from kg.api import RunReport, build_store, extract_papers
from kg.cli.main import main
from kg.errors import EngineError

distributed = pytest.importorskip("distributed")

REPO = Path(__file__).resolve().parents[1]
INPUTS = [*sorted(str(p) for p in (REPO / "examples").glob("*.txt")),
          str(REPO / "tests/data/papers.jsonl"), str(REPO / "tests/data/bad_lines.jsonl")]


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A scheduler and two single-threaded worker processes on 127.0.0.1."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=logging.ERROR) as local:
        yield local.scheduler_address


# The embedded query caches (DIR/cache/, made on first query) are not byte-reproducible even
# between two local builds (they hold their own ids and timestamps), so they are compared by
# content below; every file of the store itself byte for byte.
CACHE_DIR = "cache/"


def is_database(name: str) -> bool:
    return name.startswith(CACHE_DIR)


def files(directory: Path) -> dict[str, bytes]:
    return {name: p.read_bytes() for p in sorted(directory.rglob("*"))
            if p.is_file() and not is_database(name := str(p.relative_to(directory)))}


def database_content(directory: Path) -> tuple[list[str], list[list]]:
    from kg.query.runner import run
    from kg.query.sparql_cache import open_embedded

    quads = sorted(str(q) for q in open_embedded(directory))
    rows = [run(directory, name).rows for name in ("top-methods.cypher", "top-datasets.cypher")]
    return quads, rows


def test_dask_store_is_byte_identical_to_the_local_engine(cluster: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kg.extract.cluster, "PARTITION", 5)  # many partitions on both workers
    local, dask = RunReport(), RunReport()
    build_store(INPUTS, tmp_path / "local", report=local)
    build_store(INPUTS, tmp_path / "dask", report=dask, engine="dask", scheduler=cluster, batch_size=2)
    expected = files(tmp_path / "local")
    assert {"graph.sqlite", "manifest.json"} <= set(expected)
    got = files(tmp_path / "dask")
    assert sorted(got) == sorted(expected)
    assert [name for name in expected if got[name] != expected[name]] == []
    quads, rows = database_content(tmp_path / "local")
    assert len(quads) > 1000 and rows[0]
    assert database_content(tmp_path / "dask") == (quads, rows)
    assert dask.papers == local.papers >= 30  # 6 partitions of 5
    assert [p.to_dict() for p in dask.problems] == [p.to_dict() for p in local.problems]
    assert {(Path(p.file).name, p.line) for p in dask.problems} >= {("bad_lines.jsonl", 3), ("bad_lines.jsonl", 4)}
    # the model was loaded by the workers, once each, and every worker took part
    client = distributed.Client(cluster, set_as_default=False)
    try:
        loaded = client.run(lambda: len(__import__("kg.extract.pipeline").extract.pipeline._PIPELINES))
    finally:
        client.close()
    assert sorted(loaded.values()) == [1, 1]


def test_cli_extract_on_the_cluster_equals_local(cluster: str, tmp_path: Path) -> None:
    runner = CliRunner()
    args = INPUTS[-2:]
    local = runner.invoke(main, ["-q", "extract", *args, "-o", str(tmp_path / "local.jsonl")])
    dask = runner.invoke(main, ["-q", "extract", *args, "-o", str(tmp_path / "dask.jsonl"), "--engine", "dask",
                                "--scheduler", cluster])
    assert local.exit_code == dask.exit_code == 1, dask.output  # bad_lines.jsonl has 2 bad records
    assert "Traceback" not in dask.output
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    assert len((tmp_path / "dask.jsonl").read_text().splitlines()) == 7


def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{sock.getsockname()[1]}"  # nothing listens there once closed


def test_unreachable_scheduler_is_one_coded_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kg.extract.cluster, "CONNECT_TIMEOUT", 1.0)
    address = closed_port()
    with pytest.raises(EngineError) as info:
        list(extract_papers(INPUTS[-2:], engine="dask", scheduler=address))
    assert info.value.code == "E401"
    result = CliRunner().invoke(main, ["build", INPUTS[-2], "-o", str(tmp_path / "g"), "--engine", "dask",
                                       "--scheduler", address])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and f"cannot reach the Dask scheduler at {address}" in lines[0], result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "g").exists()


def test_scheduler_without_dask_engine_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["extract", INPUTS[-2], "--scheduler", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 1
    assert "--scheduler needs --engine dask" in result.output
