"""The embedded Cypher store and the canned queries: a cache made on first query, made again when
missing or stale, every canned query answers on the seeds graph, gives the same answers as
its SPARQL twin on examples/, and the neo4j-csv export of the seeds graph holds what
`paperkg stats` counts."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support import EXAMPLE_PARAMS, SPARQL_DIR

from kg.cli.main import main
from kg.query.files import CYPHER, canned, parse_header
from kg.query import cypher_cache as embedded
from kg.query.cypher import run_cypher
from kg.export.cypher.schema import LABELS, REL_TYPES
from kg.errors import ExportError
from kg.store.core import build, open_store

ROOT = Path(__file__).resolve().parents[1]


def test_the_embedded_store_is_a_cache_in_sync_with_the_graph(examples: Path) -> None:
    graph = open_store(examples).graph
    _, rows = run_cypher(examples, "MATCH (n:Paper) RETURN count(n) AS n")
    assert rows == [{"n": sum(1 for _, d in graph.nodes(data=True) if d["type"] == "Paper")}]
    assert (examples / "cache" / "cypher" / embedded.DB_NAME).is_file() and embedded.is_current(examples)
    _, rows = run_cypher(examples, "MATCH (:Paper)-[r:USES]->(:Method) RETURN count(r) AS n")
    assert rows == [{"n": sum(1 for *_, k in graph.edges(keys=True) if k == "USES")}]


def test_missing_or_stale_embedded_store_is_made_again(examples: Path, tmp_path: Path) -> None:
    store = tmp_path / "kg"
    shutil.copytree(examples, store)
    shutil.rmtree(store / "cache", ignore_errors=True)
    assert not embedded.is_current(store)
    assert run_cypher(store, "MATCH (d:Dataset) RETURN count(d) AS n")[1][0]["n"] > 0
    assert embedded.is_current(store)
    stamp_path = store / "cache" / "cypher" / "stamp.json"
    stamp_path.write_text(json.dumps({**json.loads(stamp_path.read_text()), "graph": "old"}))
    assert not embedded.is_current(store)
    run_cypher(store, "MATCH (d:Dataset) RETURN count(d) AS n")
    assert embedded.is_current(store)


def test_build_replaces_the_caches(examples: Path, tmp_path: Path) -> None:
    store = tmp_path / "kg"
    shutil.copytree(examples, store)
    run_cypher(store, "MATCH (d:Dataset) RETURN count(d) AS n")
    records = list(open_store(store).extractions())
    build(records[:-1], store, rebuild=True)
    assert not (store / "cache").exists() and not embedded.is_current(store)


def test_query_errors_are_actionable(examples: Path, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="the embedded Cypher store rejected the query.*docs/neo4j.md"):
        run_cypher(examples, "MATCH (n:Paper) RETURN type(n) AS t")
    with pytest.raises(ExportError, match="holds no query"):
        run_cypher(examples, "// title: nothing\n")
    with pytest.raises(Exception, match="no graph store"):
        run_cypher(tmp_path / "missing", "MATCH (n:Paper) RETURN n.id AS id")


@pytest.mark.parametrize("stem", sorted(canned(CYPHER)))
def test_canned_query_answers_on_the_seeds_graph_without_arguments(seeds: Path, stem: str) -> None:
    text = canned(CYPHER)[stem].text
    columns, rows = run_cypher(seeds, text, {})
    assert rows, f"{stem} returns no rows on the seeds graph"
    assert tuple(columns) == parse_header(text, "//").columns


def _values(rows: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    return sorted(tuple(json.dumps(v) for v in row.values()) for row in rows)


@pytest.mark.parametrize("stem", sorted(canned(CYPHER)))
def test_canned_query_gives_the_same_answers_as_its_sparql_twin(examples: Path, stem: str) -> None:
    from kg.query.runner import run

    twin = SPARQL_DIR / f"{stem}.rq"
    assert twin.is_file(), f"every canned Cypher query has a SPARQL twin: queries/sparql/{stem}.rq"
    for params in ({}, EXAMPLE_PARAMS.get(stem, {})):
        sparql = run(examples, str(twin), dict(params))
        cypher = run(examples, str(ROOT / "queries" / "cypher" / f"{stem}.cypher"), dict(params))
        assert cypher.columns == sparql.columns, (stem, params)
        assert _values(cypher.rows) == _values(sparql.rows), (stem, params)
    assert cypher.rows, f"{stem} finds nothing on examples/ with {params}: the comparison would be vacuous"


def test_every_sparql_query_has_a_cypher_twin() -> None:
    sparql = {p.stem for p in SPARQL_DIR.glob("*.rq")}
    assert sparql <= set(canned(CYPHER))


def test_query_command_runs_canned_cypher_with_typed_params(examples: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["query", str(examples), "top-datasets.cypher", "--param", "limit=2", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 2 and list(rows[0]) == ["dataset_id", "dataset_name", "papers"]
    result = runner.invoke(main, ["query", str(examples), "top-datasets.cypher", "--param", "limit=two"])
    assert result.exit_code == 1
    assert result.stderr == "Error: parameter 'limit' must be an integer, got 'two' (e.g. --param limit=10) [E300]\n"
    result = runner.invoke(main, ["query", str(examples), "top-datasets.cypher", "--param", "top=2"])
    assert "unknown parameter(s) top (this query declares: limit)" in result.stderr


def test_export_commands(examples: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["export", str(examples), "--format", "cypher", "-o", str(tmp_path / "g.cypher")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "g.cypher").read_text().count("CREATE CONSTRAINT") == 6
    result = runner.invoke(main, ["export", str(examples), "--format", "neo4j-csv", "-o", str(tmp_path / "csv")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "csv" / "README.md").is_file()


def _data_rows(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def test_neo4j_csv_of_the_seeds_graph_matches_stats(seeds: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    stats = json.loads(runner.invoke(main, ["stats", str(seeds), "--json"]).stdout)
    result = runner.invoke(main, ["export", str(seeds), "--format", "neo4j-csv", "-o", str(tmp_path / "csv")])
    assert result.exit_code == 0, result.output
    assert {label: _data_rows(tmp_path / "csv" / f"nodes-{label}.csv") for label in LABELS} == stats["nodes"]
    assert {rel: _data_rows(tmp_path / "csv" / f"rels-{rel}.csv") for rel in REL_TYPES} == stats["edges"]
    readme = (tmp_path / "csv" / "README.md").read_text()
    assert all(f"--nodes=nodes-{label}.csv" in readme for label in LABELS)
    assert all(f"--relationships=rels-{rel}.csv" in readme for rel in REL_TYPES)
