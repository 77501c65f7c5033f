"""Evidence levels of the Neo4j exports (``--evidence none|summary|full`` on ``export
--format neo4j-csv|cypher`` and ``push neo4j``): the relationship properties per level, the
summary's evidence pointer, the canned Cypher queries' rows at every level on embedded
Ladybug, and the CLI option."""
from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import ladybug
import networkx as nx
import pytest
from support import RUNNER

import kg.store.core
from kg.cli.main import main
from kg.errors import ExportError
from kg.export.cypher import export
from kg.export.cypher.schema import LEVEL_REL_PROPS, REL_PROPS, REL_TYPES, rel_rows
from kg.export.evidence import EVIDENCE_LEVELS
from kg.query.cypher_cache import create_database
from kg.query.files import CYPHER, bind, body, canned

EVIDENCE_QUERIES = {"relation-evidence"}
"""Canned queries that list the evidence sentences themselves: full level only."""
_REF = re.compile(r"(?P<paper>paper:.+)#(?P<field>abstract|title):(?P<start>\d+)-(?P<end>\d+)")


@pytest.fixture(scope="module")
def graph(examples: Path) -> nx.MultiDiGraph:
    return kg.store.core.open_store(examples).graph


def test_levels_write_their_properties_only(graph: nx.MultiDiGraph) -> None:
    assert LEVEL_REL_PROPS["full"] == REL_PROPS
    for level in EVIDENCE_LEVELS:
        names = {p.name for p in LEVEL_REL_PROPS[level]}
        rows = [row for rel in REL_TYPES for row in rel_rows(graph, rel, evidence=level)]
        assert rows and all(set(row) == {"start", "end", "kg_hash"} | names for row in rows), level
    summary = {p.name for p in LEVEL_REL_PROPS["summary"]}
    assert summary == {"type", "confidence", "support", "evidence_ref"}
    assert {p.name for p in LEVEL_REL_PROPS["none"]} == {"type"}
    with pytest.raises(ExportError, match="unknown evidence level 'most'"):
        next(rel_rows(graph, "USES", evidence="most"))


def test_summary_pointer_is_the_first_evidence_span_in_the_paper_text(graph: nx.MultiDiGraph) -> None:
    checked = 0
    for rel in REL_TYPES:
        full = {(r["start"], r["end"]): r for r in rel_rows(graph, rel, evidence="full")}
        for row in rel_rows(graph, rel, evidence="summary"):
            match = _REF.fullmatch(row["evidence_ref"])
            assert match, row["evidence_ref"]
            first = full[(row["start"], row["end"])]
            assert match["paper"] == first["evidence_papers"][0]
            assert (int(match["start"]), int(match["end"])) == (first["evidence_starts"][0], first["evidence_ends"][0])
            text = graph.nodes[match["paper"]][match["field"]]
            span = text[int(match["start"]):int(match["end"])]
            assert span and span in first["evidence_sentences"][0]  # the pointer finds the sentence's words
            assert (row["confidence"], row["support"]) == (first["confidence"], first["support"])
            checked += 1
    assert checked == graph.number_of_edges()


def _rows(graph: nx.MultiDiGraph, level: str) -> dict[str, list[tuple[Any, ...]]]:
    db = create_database(":memory:", graph, keep_open=True, evidence=level)
    out = {}
    try:
        conn = ladybug.Connection(db)
        for name, query in canned(CYPHER).items():
            if name in EVIDENCE_QUERIES and level != "full":
                continue  # Ladybug's typed schema has no evidence_sentences column below full
            result = conn.execute(body(query.text, CYPHER).strip().rstrip(";"), bind(query.text, {}, CYPHER))
            rows = []
            while result.has_next():
                rows.append(tuple(result.get_next()))
            out[name] = rows
        conn.close()
    finally:
        db.close()
    return out


def test_canned_cypher_queries_return_the_same_rows_at_every_level(graph: nx.MultiDiGraph) -> None:
    rows = {level: _rows(graph, level) for level in EVIDENCE_LEVELS}
    assert len(rows["full"]) == 10 and len(rows["none"]) == len(rows["summary"]) == 10 - len(EVIDENCE_QUERIES)
    for name in rows["full"]:
        if name in EVIDENCE_QUERIES:
            continue
        assert rows["full"][name], name  # non-empty on examples/, so the comparison means something
        assert rows["none"][name] == rows["summary"][name] == rows["full"][name], name
    assert rows["full"]["relation-evidence"]


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def test_export_option(examples: Path, tmp_path: Path) -> None:
    sizes = {}
    for level in EVIDENCE_LEVELS:
        result = RUNNER.invoke(main, ["export", str(examples), "--format", "neo4j-csv", "--evidence", level,
                                      "-o", str(tmp_path / f"csv-{level}")])
        assert result.exit_code == 0, result.output
        header = _header(tmp_path / f"csv-{level}" / "rels-USES.csv")
        assert header[3:-1] == [p.name + {"float": ":float", "int": ":int", "string[]": ":string[]",
                                          "int[]": ":int[]"}.get(p.kind, "") for p in LEVEL_REL_PROPS[level]]
        assert f"Evidence level `{level}`" in (tmp_path / f"csv-{level}" / "README.md").read_text("utf-8")
        result = RUNNER.invoke(main, ["export", str(examples), "--format", "cypher", "--evidence", level,
                                      "-o", str(tmp_path / f"{level}.cypher")])
        assert result.exit_code == 0, result.output
        sizes[level] = (tmp_path / f"{level}.cypher").stat().st_size
    assert sizes["none"] < sizes["summary"] < sizes["full"]
    default = tmp_path / "default.cypher"
    assert RUNNER.invoke(main, ["export", str(examples), "--format", "cypher", "-o", str(default)]).exit_code == 0
    text = default.read_text("utf-8")
    assert "`evidence_ref`:" in text and "`evidence_sentences`:" not in text  # summary is the default


def test_push_rows_follow_the_level(graph: nx.MultiDiGraph) -> None:
    """The push sends the level's rows (a fake driver records them; the server tests push full)."""
    from kg.export.cypher import push

    sent: dict[str, list[dict[str, Any]]] = {}

    class Tx:
        def run(self, statement: str, rows: list[dict[str, Any]] | None = None) -> Any:
            if rows:
                sent.setdefault("rows", []).extend(rows)
            record = {"written": len(rows or [])}

            class Result:
                def single(self) -> dict[str, int]:
                    return record

                def consume(self) -> Any:
                    class Summary:
                        class counters:  # noqa: N801 - mirrors the driver's attribute
                            nodes_created = relationships_created = properties_set = 0
                            constraints_added = indexes_added = 0
                    return Summary()
            return Result()

    class Session:
        def __enter__(self) -> Session:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def execute_write(self, fn: Any, *args: Any) -> Any:
            return fn(Tx(), *args)

    class Driver:
        def session(self, database: str | None = None) -> Session:
            return Session()

    push.push_graph(graph, Driver(), evidence="none")
    rels = [r for r in sent["rows"] if "start" in r]
    assert rels and all(set(r) == {"start", "end", "type", "kg_hash"} for r in rels)
    with pytest.raises(ExportError, match="unknown evidence level"):
        push.push_graph(graph, Driver(), evidence="all")
