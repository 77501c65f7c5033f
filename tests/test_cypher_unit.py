"""Cypher targets without a server: rows, statement files, literals, query headers, the push
against a fake driver (batching, parameters, retries, idempotency), the CSV and script
exporters, and the `push neo4j` command."""
from __future__ import annotations

import csv
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import ladybug
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from neo4j import exceptions as ne
from support import TRICKY_TITLE, tricky_extractions, tricky_graph

from kg.cli.main import main
from kg.export.cypher import export, push, statements
from kg.export.cypher.literal import cypher_literal, cypher_string
from kg.export.cypher.schema import (EVIDENCE_FIELDS, EVIDENCE_REF, HASH, LABELS, NODE_PROPS, REL_ENDPOINTS, REL_PROPS, REL_TYPES,
                              node_rows, rel_rows)
from kg.iterutil import chunked
from kg.errors import ExportError
from kg.query.files import CYPHER, bind, canned, parse_header, used_params
from kg.store.core import build

CANNED = ["datasets-used-together", "find-entity", "method-papers-and-code", "methods-for-task",
          "methods-on-same-dataset", "papers-with-code-on-dataset", "relation-evidence", "tasks-by-papers",
          "top-datasets", "top-methods"]
# --- rows and statement files -------------------------------------------------------------

def _is_property_value(value: Any) -> bool:
    primitive = (str, int, float, bool)
    if value is None or isinstance(value, primitive):
        return True
    return isinstance(value, list) and len({type(v) for v in value}) <= 1 and all(isinstance(v, primitive) for v in value)


def test_rows_cover_every_label_and_type_with_valid_property_values() -> None:
    graph = tricky_graph()
    for label in LABELS:
        rows = list(node_rows(graph, label))
        assert rows, label
        for row in rows:
            assert list(row) == [p.name for p in NODE_PROPS[label]] + [HASH]
            assert all(_is_property_value(v) for v in row.values()), row  # no maps: Neo4j rejects them
    for rel in REL_TYPES:
        rows = list(rel_rows(graph, rel))
        assert rows, rel
        for row in rows:
            assert list(row) == ["start", "end"] + [p.name for p in REL_PROPS] + [HASH]
            assert all(_is_property_value(v) for v in row.values()), row
            assert row["type"] == rel
            lists = [row[name] for name in EVIDENCE_FIELDS]
            assert lists[0] and len({len(x) for x in lists}) == 1  # parallel lists
            assert all(paper.startswith("paper:") for paper in row["evidence_papers"])
    paper = next(r for r in node_rows(graph, "Paper") if r["title"] == TRICKY_TITLE)
    assert json.loads(paper["sources"]) == [{"file": "a.jsonl", "format": "jsonl", "line": 1}]
    assert paper["authors"] == ["Ann O'Neil", 'Bob "B" Smith']


def test_hash_changes_with_content_only() -> None:
    graph = tricky_graph()
    before = {r["id"]: r[HASH] for r in node_rows(graph, "Method")}
    assert before == {r["id"]: r[HASH] for r in node_rows(tricky_graph(), "Method")}
    graph.nodes["method:bert"]["paper_count"] = 7
    after = {r["id"]: r[HASH] for r in node_rows(graph, "Method")}
    assert [k for k in before if before[k] != after[k]] == ["method:bert"]


def test_edge_between_wrong_labels_is_refused() -> None:
    graph = tricky_graph()
    graph.add_edge("method:bert", "dataset:glue", key="USES", type="USES")
    with pytest.raises(ExportError, match="USES edge method:bert -> dataset:glue joins Method to Dataset"):
        list(rel_rows(graph, "USES"))


def test_chunked_streams_fixed_size_chunks() -> None:
    assert list(chunked(iter(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunked([], 3)) == []
    with pytest.raises(ValueError):
        list(chunked([1], 0))


def test_statement_files_match_the_schema_whitelist() -> None:
    push_dir = Path(statements.__file__).parents[3] / "queries" / "cypher" / "push"
    expected = {f"node-{label}.cypher" for label in LABELS} | {f"rel-{rel}.cypher" for rel in REL_TYPES}
    assert {p.name for p in push_dir.glob("*.cypher")} == expected | {"schema.cypher"}
    for label in LABELS:
        text = statements.node_statement(label)
        assert f"MERGE (n:{label} {{id: row.id}})" in text
        assert re.findall(r"n\.(\w+) = row\.(\w+)", text) == [
            (p.name, p.name) for p in NODE_PROPS[label] if p.name != "id"] + [(HASH, HASH)]
    for rel, (start, end) in REL_ENDPOINTS.items():
        text = statements.rel_statement(rel)
        assert f"MATCH (a:{start} {{id: row.start}})" in text and f"MATCH (b:{end} {{id: row.end}})" in text
        assert f"MERGE (a)-[r:{rel}]->(b)" in text
        # every property of every evidence level (a level's rows leave the others null)
        assert re.findall(r"r\.(\w+) = row\.(\w+)", text) == [
            (p.name, p.name) for p in (*REL_PROPS, EVIDENCE_REF)] + [(HASH, HASH)]
    with pytest.raises(ExportError, match=r"unknown node label .*\[E300\]"):
        statements.node_statement("Paper) DETACH DELETE (n")
    schema = statements.schema_statements()
    assert len(schema) == 12 and all("IF NOT EXISTS" in s for s in schema)
    assert [s for s in schema if "CONSTRAINT" in s] == [
        f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE" for label in LABELS]


# --- literals -------------------------------------------------------------------------------

_LADYBUG = ladybug.Connection(ladybug.Database(":memory:"))


def _ladybug_value(literal: str) -> Any:
    return _LADYBUG.execute(f"RETURN {literal} AS x").get_next()[0]


@pytest.mark.parametrize("text, literal", [
    ("plain", "'plain'"), ("it's", r"'it\'s'"), ('say "hi"', "'say \"hi\"'"), ("a\\b", r"'a\\b'"),
    ("\\'", r"'\\\''"), ("l1\nl2\r\t\b\f", r"'l1\nl2\r\t\b\f'"), ("\x00\x1f\x7f\x85", r"'\u0000\u001f\u007f\u0085'"),
    ("é 中 😀", "'é 中 😀'"), ("\u2028\u2029", r"'\u2028\u2029'"), ("", "''"), ("\\u0041", r"'\\u0041'"),
])
def test_cypher_string_escapes(text: str, literal: str) -> None:
    assert cypher_string(text) == literal
    assert _ladybug_value(literal) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_cypher_string_round_trips_and_stays_on_one_line(text: str) -> None:
    literal = cypher_string(text)
    assert not re.search("[\n\r\u2028\u2029]", literal)
    assert _ladybug_value(literal) == text


def test_cypher_string_refuses_lone_surrogates() -> None:
    with pytest.raises(ExportError, match="surrogate"):
        cypher_string("a\ud800")


def test_cypher_literal_values() -> None:
    value = {"id": "x'y", "n": 3, "f": 1e16, "g": 0.25, "end": None, "ok": True, "l": ["a", "b"], "odd key": 1}
    literal = cypher_literal(value)
    assert literal == ("{`id`: 'x\\'y', `n`: 3, `f`: 1e16, `g`: 0.25, `end`: null, `ok`: true, `l`: ['a', 'b'], "
                       "`odd key`: 1}")
    assert _ladybug_value(literal) == value
    assert cypher_literal({"a`b": [1.5, -2]}) == "{`a``b`: [1.5, -2]}"
    with pytest.raises(ExportError):
        cypher_literal(float("nan"))
    with pytest.raises(TypeError):
        cypher_literal(object())


# --- query headers and parameters -------------------------------------------------------------

def cypher_bind(text: str, given: dict[str, str]) -> dict[str, object]:
    return bind(text, given, CYPHER)


def test_parse_header_and_bind_params() -> None:
    text = ("// title: T\n// question: Q?\n// param limit: 10 — how many\n// param name: \"a - b\" -- desc\n"
            "// param score: 0.5\n// columns: n, m\nMATCH (n:Paper) WHERE n.name = $name RETURN n LIMIT $limit\n")
    header = parse_header(text, "//")
    assert (header.title, header.question, header.columns) == ("T", "Q?", ("n", "m"))
    assert {k: (p.default, p.description) for k, p in header.params.items()} == {
        "limit": (10, "how many"), "name": ("a - b", "desc"), "score": (0.5, "")}
    assert cypher_bind(text, {}) == {"limit": 10, "name": "a - b", "score": 0.5}
    assert cypher_bind(text, {"limit": "5", "score": "1", "name": "7"}) == {
        "limit": 5, "name": "7", "score": 1.0}
    with pytest.raises(ExportError, match="parameter 'limit' must be an integer, got 'five'"):
        cypher_bind(text, {"limit": "five"})
    with pytest.raises(ExportError, match=r"unknown parameter\(s\) nope \(this query declares: limit, name, score\)"):
        cypher_bind(text, {"nope": "1"})
    with pytest.raises(ExportError, match=r"missing parameter\(s\) x"):
        cypher_bind("MATCH (n:Paper) WHERE n.id = $x RETURN n", {})


def test_key_parameters_are_normalized_name_keys() -> None:
    text = ('// param name (key): "Low-Rank Adaptation" — a name\n// param every (key): "" — "" for all\n'
            '// param label: "10" — a string\nMATCH (n:Method) WHERE $name IN n.name_keys RETURN n.id AS id\n')
    header = parse_header(text, "//")
    assert [(p.kind, p.default) for p in header.params.values()] == [("key", "lowrankadaptation"), ("key", ""),
                                                                     ("string", "10")]
    assert cypher_bind(text, {"name": "ResNet 50"})["name"] == "resnet50"
    graph = tricky_graph()
    method = next(r for r in node_rows(graph, "Method") if r["id"] == "method:tricknet")
    assert method["name_keys"] == ["tricknet"]  # "TrickNet" and "Trick Net" share a key
    task = next(r for r in node_rows(graph, "Task"))
    assert task["name_keys"] == ["questionanswering", "qa"]
    assert "name_keys" not in next(node_rows(graph, "Paper"))


def test_canned_queries_have_headers_and_declare_their_parameters() -> None:
    queries = {stem: q.text for stem, q in canned(CYPHER).items()}
    assert sorted(queries) == CANNED
    for stem, text in queries.items():
        header = parse_header(text, "//")
        assert header.title and header.question.endswith("?") and header.columns, stem
        assert used_params(text, CYPHER) == set(header.params), stem
        assert all(p.description for p in header.params.values()), stem


# --- push against a fake driver ------------------------------------------------------------------

class FakeResult:
    def __init__(self, written: int | None, counters: dict[str, int]) -> None:
        self.written, self.counters = written, counters

    def single(self) -> dict[str, int] | None:
        return None if self.written is None else {"written": self.written}

    def consume(self) -> SimpleNamespace:
        return SimpleNamespace(counters=SimpleNamespace(**self.counters))


class FakeDatabase:
    """Applies the push statements the way their Cypher does: MERGE on the key, write only
    when kg_hash differs. `failures` maps a call number to an exception raised before the
    statement is applied (as a server aborts a transaction)."""

    def __init__(self) -> None:
        self.by_text = {statements.node_statement(l): ("node", l) for l in LABELS}
        self.by_text.update({statements.rel_statement(r): ("rel", r) for r in REL_TYPES})
        self.items: dict[tuple[str, ...], str] = {}
        self.schema: set[str] = set()
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failures: dict[int, Exception] = {}
        self.databases: list[str | None] = []

    def run(self, statement: str, params: dict[str, Any]) -> FakeResult:
        self.calls.append((statement, params))
        if len(self.calls) in self.failures:
            raise self.failures[len(self.calls)]
        if statement not in self.by_text:
            assert statement.startswith("CREATE ") and not params
            added = statement not in self.schema
            self.schema.add(statement)
            kind = "constraints_added" if "CONSTRAINT" in statement else "indexes_added"
            return FakeResult(None, {kind: int(added)})
        kind, name = self.by_text[statement]
        written = created = 0
        for row in params["rows"]:
            key = (name, row["id"]) if kind == "node" else (name, row["start"], row["end"])
            if kind == "rel":
                assert (REL_ENDPOINTS[name][0], row["start"]) in self.items, "relationships before nodes"
            created += key not in self.items
            if self.items.get(key) != row[HASH]:
                written += 1
                self.items[key] = row[HASH]
        counters = {"nodes_created" if kind == "node" else "relationships_created": created,
                    "properties_set": written * (len(row) - 1)}
        return FakeResult(written, counters)


class FakeSession:
    """Retries the transaction function on retryable errors, as the driver's execute_write does."""

    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    def __enter__(self) -> FakeSession:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def execute_write(self, fn: Any, *args: Any) -> Any:
        for attempt in range(5):
            tx = SimpleNamespace(run=lambda statement, **params: self.db.run(statement, params))
            try:
                return fn(tx, *args)
            except ne.Neo4jError as exc:
                if not exc.is_retryable() or attempt == 4:
                    raise
        raise AssertionError("unreachable")


class FakeDriver:
    def __init__(self) -> None:
        self.db = FakeDatabase()
        self.closed = False

    def close(self) -> None:
        self.closed = True

    def session(self, database: str | None = None) -> FakeSession:
        self.db.databases.append(database)
        return FakeSession(self.db)


def _neo4j_error(cls: type[ne.Neo4jError], code: str, message: str) -> ne.Neo4jError:
    """A server error as the driver builds it from a FAILURE message (its class follows the code)."""
    hydrate = getattr(ne.Neo4jError, "_hydrate_neo4j", None) or getattr(ne.Neo4jError, "hydrate")
    error = hydrate(code=code, message=message)
    assert isinstance(error, cls)
    return error


def test_push_sends_schema_then_batched_nodes_then_relationships() -> None:
    graph, driver = tricky_graph(), FakeDriver()
    seen: list[int] = []
    report = push.push_graph(graph, driver, database="kg", batch_size=2, progress=seen.append)
    calls = driver.db.calls
    assert [s for s, _ in calls[:12]] == statements.schema_statements()
    kinds = [driver.db.by_text[s] for s, _ in calls[12:]]
    assert [k for k, _ in kinds] == sorted((k for k, _ in kinds), key=["node", "rel"].index)  # nodes first
    assert all(list(params) == ["rows"] and 1 <= len(params["rows"]) <= 2 for _, params in calls[12:])
    assert sum(seen) == graph.number_of_nodes() + graph.number_of_edges() == push.total_rows(graph)
    assert driver.db.databases == ["kg"]
    totals = report.totals()
    assert totals["nodes_created"] == totals["nodes"] == graph.number_of_nodes()
    assert totals["relationships_created"] == graph.number_of_edges()
    assert report.counters["constraints_added"] == 6 and report.counters["indexes_added"] == 6
    assert "10 nodes (10 created, 0 updated, 0 unchanged)" in report.summary()


def test_second_push_writes_nothing_and_an_update_writes_one_row() -> None:
    graph, driver = tricky_graph(), FakeDriver()
    push.push_graph(graph, driver)
    again = push.push_graph(graph, driver)
    assert again.totals()["nodes_unchanged"] == graph.number_of_nodes()
    assert again.totals()["relationships_unchanged"] == graph.number_of_edges()
    assert again.counters == dict.fromkeys(push.COUNTERS, 0)
    graph.nodes["method:bert"]["aliases"] = ["Bidirectional Encoder Representations from Transformers"]
    changed = push.push_graph(graph, driver)
    assert changed.totals()["nodes_updated"] == 1 and changed.written == {"Method": 1} | {
        k: 0 for k in changed.written if k != "Method"}


def test_transient_error_is_retried_and_counted_once() -> None:
    graph, driver = tricky_graph(), FakeDriver()
    driver.db.failures[14] = _neo4j_error(ne.TransientError, "Neo.TransientError.Transaction.DeadlockDetected",
                                          "deadlock")
    report = push.push_graph(graph, driver, batch_size=3)
    assert driver.db.calls[14] == driver.db.calls[13]  # the failed batch was sent again
    assert report.totals()["nodes_created"] == graph.number_of_nodes()
    assert sum(report.sent.values()) == graph.number_of_nodes() + graph.number_of_edges()


def test_client_error_is_not_retried_and_says_what_to_do() -> None:
    graph, driver = tricky_graph(), FakeDriver()
    driver.db.failures[13] = _neo4j_error(ne.ClientError, "Neo.ClientError.Schema.ConstraintValidationFailed",
                                          "Node(1) already exists with label `Paper` and property `id`")
    with pytest.raises(ExportError, match="Neo4j error Neo.ClientError.Schema.ConstraintValidationFailed.*"
                                          "push into an empty database") as info:
        push.push_graph(graph, driver, uri="bolt://db:7687")
    assert str(info.value).startswith("bolt://db:7687: ")
    assert len(driver.db.calls) == 13


@pytest.mark.parametrize("error, message", [
    (ne.AuthError("bad"), "Neo4j refused the user name or password (check --user/--password"),
    (ne.ServiceUnavailable("Couldn't connect to db:7687:\nmore"), "cannot reach Neo4j: Couldn't connect to db:7687 ("),
    (_neo4j_error(ne.ClientError, "Neo.ClientError.Database.DatabaseNotFound", "no db"),
     "Neo4j error Neo.ClientError.Database.DatabaseNotFound: no db (create database 'kg' first"),
    (_neo4j_error(ne.TransientError, "Neo.TransientError.General.MemoryPoolOutOfMemoryError", "oom"),
     "the driver gave up retrying; try again, or pass a smaller --batch-size"),
])
def test_driver_errors_become_actionable_export_errors(error: Exception, message: str) -> None:
    translated = push.translate_error(error, "bolt://db:7687", "kg")
    assert translated is not None and message in str(translated)
    assert push.translate_error(ValueError("x"), "u") is None


# --- the push command ------------------------------------------------------------------------------

@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    build(tricky_extractions(), tmp_path / "kg")
    return tmp_path / "kg"


def test_push_command_reports_and_reads_the_environment(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    driver, opened = FakeDriver(), []
    monkeypatch.setattr(push, "connect", lambda uri, user, password: opened.append((uri, user, password)) or driver)
    env = {"NEO4J_URI": "neo4j://example:7687", "NEO4J_USERNAME": "kg", "NEO4J_PASSWORD": "pw"}
    result = CliRunner().invoke(main, ["push", "neo4j", str(store_dir), "--batch-size", "4", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert opened == [("neo4j://example:7687", "kg", "pw")] and driver.closed
    report = json.loads(result.stdout)
    assert report["totals"]["nodes_created"] == 10 and report["batches"] == 15
    assert "pushed" in result.stderr and "10 nodes (10 created" in result.stderr


def test_push_command_errors(store_dir: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["push", "neo4j", str(store_dir)], env={"NEO4J_URI": None})
    assert result.exit_code == 2 and "Missing option '--uri'" in result.output
    result = runner.invoke(main, ["push", "neo4j", str(store_dir), "--uri", "foo://x"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: foo://x: the Neo4j driver rejected the configuration: URI scheme 'foo'")
    result = runner.invoke(main, ["push", "neo4j", str(store_dir.parent / "missing"), "--uri", "bolt://x"])
    assert result.exit_code == 1 and "no graph store at" in result.stderr
    help_text = runner.invoke(main, ["push", "neo4j", "--help"]).output
    assert "Example:\n    export NEO4J_PASSWORD=secret\n    paperkg push neo4j out/graph" in help_text


# --- exporters ------------------------------------------------------------------------------------------

def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def test_neo4j_csv_files_headers_values_and_command(tmp_path: Path) -> None:
    graph = tricky_graph()
    counts = export.export_csv(graph, tmp_path / "csv", evidence="full")
    header, rows = _read_csv(tmp_path / "csv" / "nodes-Paper.csv")
    assert header == ["id:ID(Paper)", ":LABEL", "type", "name", "aliases:string[]", "title", "abstract", "arxiv_id",
                      "url", "authors:string[]", "published", "sources", "kg_hash"]
    tricky = next(dict(zip(header, r)) for r in rows if r[0] == "paper:arxiv:2401.00001")
    assert tricky["name"] == TRICKY_TITLE and tricky["aliases:string[]"] == "" and "\n" in tricky["abstract"]
    assert tricky["authors:string[]"].split(";") == ["Ann O'Neil", 'Bob "B" Smith']
    header, rows = _read_csv(tmp_path / "csv" / "rels-HAS_CODE.csv")
    assert header == [":START_ID(Paper)", ":END_ID(Repository)", ":TYPE", "type", "role", "confidence:float",
                      "extractors:string[]", "support:int", "evidence_papers:string[]", "evidence_fields:string[]",
                      "evidence_starts:int[]", "evidence_ends:int[]", "evidence_sentences:string[]", "kg_hash"]
    assert rows[0][:13] == ["paper:arxiv:2401.00001", "repo:github.com/org/trick-net", "HAS_CODE", "HAS_CODE", "",
                            "1.0", "links", "1", "paper:arxiv:2401.00001", "abstract", "0", "3", "code at \\github"]
    assert counts == {**{l: len(list(node_rows(graph, l))) for l in LABELS},
                      **{r: len(list(rel_rows(graph, r))) for r in REL_TYPES}}
    readme = (tmp_path / "csv" / "README.md").read_text()
    command = readme.split("```\n")[1]
    assert command.startswith("neo4j-admin database import full neo4j \\\n    --overwrite-destination \\\n"
                              "    --array-delimiter=';' \\\n    --multiline-fields=true \\\n")
    assert command.rstrip().endswith(".csv")  # nothing after the files: it would be read as one more file
    files = sorted(re.findall(r"--(?:nodes|relationships)=(\S+)", command))
    assert files == sorted(p.name for p in (tmp_path / "csv").glob("*.csv")) and len(files) == 15
    assert (tmp_path / "csv" / "schema.cypher").read_text() == statements.read("push/schema.cypher")


def test_neo4j_csv_picks_another_array_delimiter_when_needed(tmp_path: Path) -> None:
    graph = tricky_graph()
    graph.nodes["method:bert"]["aliases"] = ["a;b", "c|d"]
    export.export_csv(graph, tmp_path / "csv")
    assert "--array-delimiter='\u00a6'" in (tmp_path / "csv" / "README.md").read_text()
    header, rows = _read_csv(tmp_path / "csv" / "nodes-Method.csv")
    bert = next(dict(zip(header, r)) for r in rows if r[0] == "method:bert")
    assert bert["aliases:string[]"].split("\u00a6") == ["a;b", "c|d"]


def test_neo4j_csv_replaces_its_own_export_but_no_other_directory(tmp_path: Path) -> None:
    graph = tricky_graph()
    export.export_csv(graph, tmp_path / "csv")
    export.export_csv(graph, tmp_path / "csv")  # a previous export is replaced
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(ExportError, match="directory exists and is not a previous neo4j-csv export"):
        export.export_csv(graph, tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_cypher_script_reuses_the_push_statements(tmp_path: Path) -> None:
    graph = tricky_graph()
    export.export_script(graph, tmp_path / "g.cypher", batch_size=2, evidence="full")
    text = (tmp_path / "g.cypher").read_text("utf-8")
    lines = text.split("\n")
    expected = []
    for kind, names in (("node", LABELS), ("rel", REL_TYPES)):
        for name in names:
            rows = node_rows(graph, name) if kind == "node" else rel_rows(graph, name)
            statement = (statements.node_statement if kind == "node" else statements.rel_statement)(name)
            for batch in chunked(rows, 2):
                expected += [f":param rows => {cypher_literal(batch)};", *f"{statements.split_statements(statement)[0]};".split("\n")]
    schema = [f"{s};" for s in statements.schema_statements()]
    assert [line for line in lines if line and not line.startswith("//")] == schema + expected
    assert text.endswith(";\n") and text.index("CREATE CONSTRAINT paper_id") < text.index(":param")


def test_run_neo4j_binds_typed_parameters_and_returns_plain_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    from neo4j import RoutingControl

    from kg.query import cypher as query

    calls: list[tuple[str, dict[str, Any], dict[str, Any]]] = []

    class Driver:
        def execute_query(self, text: str, parameters_: dict[str, Any], **options: Any) -> Any:
            calls.append((text, parameters_, options))
            return [{"dataset_id": "dataset:glue", "dataset_name": "GLUE", "papers": 2}], None, ["dataset_id", "dataset_name", "papers"]

        def close(self) -> None:
            calls.append(("closed", {}, {}))

    monkeypatch.setattr(push, "connect", lambda uri, user, password: Driver())
    text = {stem: q.text for stem, q in canned(CYPHER).items()}["top-datasets"]
    columns, rows = query.run_neo4j(text, {"limit": "2"}, uri="neo4j://db:7687", user="neo4j", password="pw", database="kg")
    assert columns == ["dataset_id", "dataset_name", "papers"] and rows == [
        {"dataset_id": "dataset:glue", "dataset_name": "GLUE", "papers": 2}]
    assert calls[0] == (text, {"limit": 2}, {"database_": "kg", "routing_": RoutingControl.READ})
    assert calls[-1][0] == "closed"


def test_prefetched_keeps_order_bounds_lookahead_and_raises_the_producers_error() -> None:
    produced: list[int] = []

    def numbers(fail_at: int | None = None) -> Iterator[int]:
        for i in range(10):
            if i == fail_at:
                raise ValueError("bad row")
            produced.append(i)
            yield i

    assert list(push.prefetched(numbers(), depth=2)) == list(range(10))
    produced.clear()
    stream = push.prefetched(numbers(), depth=2)
    assert next(stream) == 0
    time.sleep(0.3)
    assert len(produced) <= 4  # one handed out, two queued, one waiting to be queued
    stream.close()  # stops the producer without consuming the rest
    with pytest.raises(ValueError, match="bad row"):
        list(push.prefetched(numbers(fail_at=5)))
