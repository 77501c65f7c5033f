"""Every Neo4j feature against a genuine Neo4j 5.26 server started by the tests (conftest.py).

The session server's one user database (``neo4j``, Community edition) is shared: each test
loads what it needs with :func:`load`, which clears the database (nodes, constraints and
indexes) first. The bulk import and the server-stopped-mid-push test use a second server
with its own home directory.
"""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner, Result
from launcher import Neo4jServer
from support import EXAMPLE_PARAMS, SPARQL_DIR, neo4j_launcher, start
from support import row_hashes as _row_hashes

from kg.cli.main import main
from kg.export.cypher import push, statements
from kg.query.files import CYPHER, canned
from kg.export.cypher.schema import LABELS, REL_TYPES, node_rows, rel_rows
from kg.errors import ExportError
from kg.query.runner import run
from kg.store.core import open_store

pytestmark = pytest.mark.server
ROOT = Path(__file__).resolve().parents[1]
CANNED = sorted(canned(CYPHER))


# --- helpers ------------------------------------------------------------------------------------------

def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def push_cli(server: Neo4jServer, store: Path, *extra: str) -> dict[str, Any]:
    """``paperkg push neo4j STORE --json``: the push report (at ``--evidence full`` unless
    ``extra`` names a level: these tests compare every property)."""
    level = () if "--evidence" in extra else ("--evidence", "full")
    result = cli("push", "neo4j", str(store), "--uri", server.uri, "--password", server.password, "--json",
                 *level, *extra)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def reset(server: Neo4jServer) -> None:
    """Empty the database ``neo4j``: no nodes, no constraints, no indexes but the lookups."""
    with server.driver() as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
        for record in driver.execute_query("SHOW CONSTRAINTS YIELD name").records:
            driver.execute_query(f"DROP CONSTRAINT `{record['name']}`")
        for record in driver.execute_query("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'").records:
            driver.execute_query(f"DROP INDEX `{record['name']}`")


_LOADED: dict[str, str] = {}


def _node_count(server: Neo4jServer) -> int:
    with server.driver() as driver:
        return int(driver.execute_query("MATCH (n) RETURN count(n) AS n").records[0]["n"])


def load(server: Neo4jServer, store: Path) -> None:
    """Make the server hold exactly the pushed graph of ``store`` (pushed once, kept while
    the next tests need the same graph and nothing else emptied the database)."""
    if _LOADED.get(server.uri) != str(store) or _node_count(server) != open_store(store).graph.number_of_nodes():
        reset(server)
        push_cli(server, store)
        _LOADED[server.uri] = str(store)


def forget(server: Neo4jServer) -> None:
    _LOADED.pop(server.uri, None)


def server_counts(server: Neo4jServer) -> dict[str, dict[str, int]]:
    with server.driver() as driver:
        nodes = {label: driver.execute_query(f"MATCH (n:{label}) RETURN count(n) AS n").records[0]["n"] for label in LABELS}
        rels = {rel: driver.execute_query(f"MATCH ()-[r:{rel}]->() RETURN count(r) AS n").records[0]["n"] for rel in REL_TYPES}
    return {"nodes": nodes, "edges": rels}


def stats(store: Path) -> dict[str, dict[str, int]]:
    result = cli("stats", str(store), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return {"nodes": data["nodes"], "edges": data["edges"]}


def typed(value: Any) -> str:
    """A text that tells 1 from 1.0 and [] from absent: property values compared with their types."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def dump(server: Neo4jServer) -> dict[str, str]:
    """Every node and relationship on the server: key -> typed properties."""
    out: dict[str, str] = {}
    with server.driver() as driver:
        for r in driver.execute_query("MATCH (n) RETURN labels(n) AS l, properties(n) AS p").records:
            out[f"{r['l']} {r['p'].get('id')}"] = typed(r["p"])
        for r in driver.execute_query("MATCH (a)-[r]->(b) RETURN type(r) AS t, a.id AS a, b.id AS b, "
                                      "properties(r) AS p").records:
            out[f"{r['t']} {r['a']} {r['b']}"] = typed(r["p"])
    return out


def expected(graph: nx.MultiDiGraph, *, empty_lists: bool = True) -> dict[str, str]:
    """What :func:`dump` should give for ``graph``: the push rows without nulls (Neo4j stores
    no null); without empty lists when ``empty_lists`` is false (neo4j-admin's CSV reads an
    empty array cell as no property)."""
    def keep(value: Any) -> bool:
        return value is not None and (empty_lists or value != [])

    out = {}
    for label in LABELS:
        for row in node_rows(graph, label):
            out[f"{[label]} {row['id']}"] = typed({k: v for k, v in row.items() if keep(v)})
    for rel in REL_TYPES:
        for row in rel_rows(graph, rel):
            props = {k: v for k, v in row.items() if k not in ("start", "end") and keep(v)}
            out[f"{rel} {row['start']} {row['end']}"] = typed(props)
    return out


def _values(rows: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    return sorted(tuple(json.dumps(v) for v in row.values()) for row in rows)


def assert_canned_query_matches_sparql(server: Neo4jServer, store: Path, stem: str) -> None:
    """The canned Cypher query on the server gives the rows of its SPARQL twin on the store,
    with the header's defaults and with the example parameters."""
    settings = {"uri": server.uri, "user": "neo4j", "password": server.password, "database": None}
    for params in ({}, EXAMPLE_PARAMS.get(stem, {})):
        sparql = run(store, str(SPARQL_DIR / f"{stem}.rq"), dict(params))
        cypher = run(store, str(ROOT / "queries" / "cypher" / f"{stem}.cypher"), dict(params), neo4j=settings)
        assert cypher.columns == sparql.columns, (stem, params)
        assert _values(cypher.rows) == _values(sparql.rows), (stem, params)
        if not params:
            assert cypher.rows, f"{stem} finds nothing with its defaults: the comparison would be vacuous"


def run_script(server: Neo4jServer, script: Path) -> int:
    """Execute a ``cypher-shell`` script statement by statement through the driver, as
    cypher-shell would: ``:param rows => LITERAL`` sets ``$rows`` (the literal is evaluated
    by the server), every ``;``-terminated statement runs with the current parameters."""
    params: dict[str, Any] = {}
    pending: list[str] = []
    executed = 0
    with server.driver() as driver, driver.session() as session:
        for line in script.read_text("utf-8").splitlines():
            if not pending and (not line.strip() or line.lstrip().startswith("//")):
                continue
            if not pending and line.startswith(":param "):
                name, _, literal = line.removeprefix(":param ").partition(" => ")
                literal = literal[:-1] if literal.endswith(";") else literal
                params[name.strip()] = session.run(f"RETURN {literal} AS value").single()["value"]
                continue
            pending.append(line)
            if line.rstrip().endswith(";"):
                text = "\n".join(pending).rstrip().removesuffix(";")
                session.run(text, {k: v for k, v in params.items() if f"${k}" in text}).consume()
                pending, executed = [], executed + 1
    assert not pending, f"unterminated statement at the end of {script}: {pending[:2]}"
    return executed


# --- push ---------------------------------------------------------------------------------------------

def test_push_of_the_seeds_graph_matches_stats_and_creates_the_constraints(neo4j_server: Neo4jServer,
                                                                            seeds: Path) -> None:
    forget(neo4j_server)
    reset(neo4j_server)
    report = push_cli(neo4j_server, seeds)
    _LOADED[neo4j_server.uri] = str(seeds)
    expected_counts = stats(seeds)
    assert server_counts(neo4j_server) == expected_counts
    assert report["totals"]["nodes_created"] == sum(expected_counts["nodes"].values())
    assert report["totals"]["relationships_created"] == sum(expected_counts["edges"].values())
    assert report["counters"]["constraints_added"] == len(LABELS)
    with neo4j_server.driver() as driver:
        constraints = driver.execute_query("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties").records
    assert sorted((c["type"], tuple(c["labelsOrTypes"]), tuple(c["properties"])) for c in constraints) == \
        sorted(("UNIQUENESS", (label,), ("id",)) for label in LABELS)


def test_second_push_creates_and_changes_nothing(neo4j_server: Neo4jServer, seeds: Path) -> None:
    load(neo4j_server, seeds)
    before = dump(neo4j_server)
    again = push_cli(neo4j_server, seeds)
    assert again["counters"] == dict.fromkeys(push.COUNTERS, 0)  # the server's own summary counters
    assert sum(again["written"].values()) == 0
    graph = open_store(seeds).graph
    assert again["totals"]["nodes_unchanged"] + again["totals"]["relationships_unchanged"] == push.total_rows(graph)
    assert dump(neo4j_server) == before


def test_a_push_at_another_evidence_level_rewrites_the_relationships(neo4j_server: Neo4jServer, seeds: Path) -> None:
    """full, then summary: every relationship is rewritten with confidence, support and
    evidence_ref, and the evidence lists of the full push are gone (the statements set them
    to null); nodes are unchanged. Pushing full again restores the full properties."""
    load(neo4j_server, seeds)
    graph = open_store(seeds).graph
    report = push_cli(neo4j_server, seeds, "--evidence", "summary")
    assert report["totals"]["relationships_unchanged"] == 0
    stored = dump(neo4j_server)
    summary = {f"{rel} {row['start']} {row['end']}": typed({k: v for k, v in row.items() if k not in ("start", "end")})
               for rel in REL_TYPES for row in rel_rows(graph, rel, evidence="summary")}
    assert summary and all(stored[key] == value for key, value in summary.items())
    with neo4j_server.driver() as driver:
        left = driver.execute_query("MATCH ()-[r]->() WHERE r.evidence_sentences IS NOT NULL "
                                    "OR r.role IS NOT NULL RETURN count(r) AS n").records[0]["n"]
    assert left == 0
    push_cli(neo4j_server, seeds)
    assert dump(neo4j_server) == expected(graph)


def test_properties_round_trip_with_their_types(neo4j_server: Neo4jServer, seeds: Path) -> None:
    load(neo4j_server, seeds)
    stored, graph = dump(neo4j_server), open_store(seeds).graph
    assert stored == expected(graph)
    # spot checks of the types the comparison above covers: floats, ints, string lists
    with neo4j_server.driver() as driver:
        record = driver.execute_query(
            "MATCH (:Paper)-[r]->() WHERE size(r.evidence_sentences) > 0 AND r.confidence IS NOT NULL "
            "RETURN r.confidence AS c, r.support AS s, r.evidence_starts AS st, r.evidence_sentences AS ev LIMIT 1"
        ).records[0]
        assert isinstance(record["c"], float) and isinstance(record["s"], int)
        assert all(isinstance(v, int) for v in record["st"]) and all(isinstance(v, str) for v in record["ev"])
        aliases = driver.execute_query("MATCH (m:Method) WHERE size(m.aliases) > 0 RETURN m.aliases AS a LIMIT 1").records
        assert aliases and all(isinstance(a, str) for a in aliases[0]["a"])


@pytest.mark.parametrize("stem", CANNED)
def test_canned_query_on_neo4j_gives_the_rows_of_its_sparql_twin(neo4j_server: Neo4jServer, seeds: Path,
                                                                 stem: str) -> None:
    load(neo4j_server, seeds)
    assert_canned_query_matches_sparql(neo4j_server, seeds, stem)


def test_incremental_push_writes_only_what_changed(neo4j_server: Neo4jServer, examples_a: Path,
                                                   examples: Path) -> None:
    forget(neo4j_server)
    reset(neo4j_server)
    small, full = open_store(examples_a).graph, open_store(examples).graph
    push_cli(neo4j_server, examples_a, "--batch-size", "25")
    before, after = _row_hashes(small), _row_hashes(full)
    new = [k for k in after if k not in before]
    changed = [k for k in after if k in before and before[k] != after[k]]
    assert new and changed, "the incremental build should add and change rows, or this test proves little"
    report = push_cli(neo4j_server, examples, "--batch-size", "25")
    totals = report["totals"]
    assert report["counters"]["nodes_created"] == len([k for k in new if k[0] in LABELS])
    assert report["counters"]["relationships_created"] == len([k for k in new if k[0] in REL_TYPES])
    assert totals["nodes_updated"] + totals["relationships_updated"] == len(changed)
    assert sum(report["written"].values()) == len(new) + len(changed)
    assert totals["nodes_unchanged"] + totals["relationships_unchanged"] == len(after) - len(new) - len(changed)
    assert report["counters"]["constraints_added"] == report["counters"]["indexes_added"] == 0
    assert dump(neo4j_server) == expected(full)


def test_cypher_shell_script_gives_the_same_graph(neo4j_server: Neo4jServer, examples: Path, tmp_path: Path) -> None:
    # The examples graph, not the seeds: every `:param` literal is parsed by the server
    # (as cypher-shell has it evaluated), which takes minutes for the seeds graph.
    forget(neo4j_server)
    reset(neo4j_server)
    result = cli("export", str(examples), "--format", "cypher", "--evidence", "full",
                 "-o", str(tmp_path / "graph.cypher"))
    assert result.exit_code == 0, result.output
    executed = run_script(neo4j_server, tmp_path / "graph.cypher")
    graph = open_store(examples).graph
    assert executed > len(statements.schema_statements()) + len(LABELS)
    assert dump(neo4j_server) == expected(graph)
    assert server_counts(neo4j_server) == stats(examples)
    assert push_cli(neo4j_server, examples)["counters"] == dict.fromkeys(push.COUNTERS, 0)


# --- failure paths --------------------------------------------------------------------------------------

def test_wrong_password_is_a_one_line_error(neo4j_server: Neo4jServer, examples_a: Path) -> None:
    result = cli("push", "neo4j", str(examples_a), "--uri", neo4j_server.uri, "--password", "not-the-password")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {neo4j_server.uri}: Neo4j refused the user name or password "
                             "(check --user/--password (or NEO4J_USERNAME/NEO4J_PASSWORD)) [E300]\n")


def test_missing_database_is_a_one_line_error(neo4j_server: Neo4jServer, examples_a: Path) -> None:
    result = cli("push", "neo4j", str(examples_a), "--uri", neo4j_server.uri, "--password", neo4j_server.password,
                 "--database", "nosuchdb")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {neo4j_server.uri}: Neo4j error Neo.ClientError.Database.DatabaseNotFound")
    assert result.stderr.endswith("(create database 'nosuchdb' first, or omit --database to use the default one) [E300]\n")
    assert result.stderr.count("\n") == 1


# --- bulk import with neo4j-admin, then a push stopped by the server going away ---------------------------

def _import_command(readme: str) -> list[str]:
    """The ``neo4j-admin`` command of an export's README, as arguments."""
    block = re.search(r"```\n(neo4j-admin database import full.*?)\n```", readme, re.S)
    assert block, "the export's README.md has no neo4j-admin command"
    return shlex.split(block.group(1).replace("\\\n", " "))


@pytest.fixture(scope="module")
def imported_server(tmp_path_factory: pytest.TempPathFactory, seeds: Path) -> Any:
    """A second Neo4j whose database ``neo4j`` was made by ``neo4j-admin database import full``
    from ``paperkg export --format neo4j-csv`` of the seeds graph, run exactly as the
    export's README says (then the README's schema.cypher)."""
    neo4j_launcher()
    csv_dir = tmp_path_factory.mktemp("neo4j-csv") / "csv"
    result = cli("export", str(seeds), "--format", "neo4j-csv", "--evidence", "full", "-o", str(csv_dir))
    assert result.exit_code == 0, result.output
    command = _import_command((csv_dir / "README.md").read_text("utf-8"))
    assert command[:4] == ["neo4j-admin", "database", "import", "full"]
    server = Neo4jServer(tmp_path_factory.mktemp("neo4j-import-home"))
    done = server.admin(*command[1:], cwd=csv_dir)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    start(server)
    try:
        with server.driver() as driver:
            for statement in statements.split_statements((csv_dir / "schema.cypher").read_text("utf-8")):
                driver.execute_query(statement)
        yield server
    finally:
        server.stop()


def test_bulk_import_holds_the_graph(imported_server: Neo4jServer, seeds: Path) -> None:
    assert server_counts(imported_server) == stats(seeds)
    assert dump(imported_server) == expected(open_store(seeds).graph, empty_lists=False)
    # the README's promise: a push after the import finds every row up to date
    assert push_cli(imported_server, seeds)["counters"] == dict.fromkeys(push.COUNTERS, 0)


@pytest.mark.parametrize("stem", CANNED)
def test_canned_query_on_the_bulk_import_gives_the_rows_of_its_sparql_twin(imported_server: Neo4jServer,
                                                                          seeds: Path, stem: str) -> None:
    assert_canned_query_matches_sparql(imported_server, seeds, stem)


def test_server_stopped_mid_push_then_a_rerun_completes(imported_server: Neo4jServer, seeds: Path) -> None:
    with imported_server.driver() as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
    graph = open_store(seeds).graph
    batch = 100
    stopped: list[int] = []

    def stop_after_two_batches(rows: int) -> None:
        stopped.append(rows)
        if len(stopped) == 2:
            imported_server.stop(kill=True)  # the server dies between two committed batches

    driver = imported_server.driver(max_transaction_retry_time=1.0)
    try:
        with pytest.raises(ExportError) as caught:
            push.push_graph(graph, driver, batch_size=batch, progress=stop_after_two_batches, uri=imported_server.uri,
                            evidence="full")
    finally:
        driver.close()
    message = str(caught.value)
    assert "cannot reach Neo4j" in message
    assert f"the push stopped after 2 committed batches, which wrote {imported_server.uri}: " \
           f"{2 * batch} nodes ({2 * batch} created" in message
    assert message.endswith("(run the same push again: committed batches are skipped and the rest is written) [E300]")

    start(imported_server)
    report = push_cli(imported_server, seeds, "--batch-size", str(batch))
    assert report["totals"]["nodes_unchanged"] == 2 * batch  # what the first push committed survived
    assert report["totals"]["nodes_created"] == graph.number_of_nodes() - 2 * batch
    assert server_counts(imported_server) == stats(seeds)
    assert dump(imported_server) == expected(graph)


def test_without_java_the_neo4j_tests_skip_but_fail_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    import launcher

    monkeypatch.setattr(launcher.shutil, "which", lambda tool: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"java is not installed.*\(CI=true: the Neo4j tests must run\)"):
        neo4j_launcher()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="java is not installed: cannot build or start the test Neo4j"):
        neo4j_launcher()
