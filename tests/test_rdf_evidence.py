"""Evidence levels of the RDF export (``--evidence none|summary|full``): triples per paper on
``examples/`` (and the seeds when present), SHACL conformance at each level, the canned SPARQL
queries' rows at each level, the summary pattern, and the CLI option."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest
from support import CANNED_SPARQL as CANNED
from support import RUNNER
from support import canned_sparql as canned

import kg.store.core
from kg.cli.main import main
from kg.errors import ExportError
from kg.query.sparql_cache import load
from kg.export.rdf.export import export
from kg.export.rdf.iris import Iris
from kg.query.sparql import query_store
from kg.export.rdf.triples import EVIDENCE_LEVELS, graph_triples
from kg.export.rdf.validate import validate_graph

EVIDENCE_QUERIES = {"relation-evidence"}
"""Canned queries that list the evidence sentences themselves: full level only."""


@pytest.fixture(scope="module")
def graph(examples: Path) -> nx.MultiDiGraph:
    return kg.store.core.open_store(examples).graph


def papers(graph: nx.MultiDiGraph) -> int:
    return sum(1 for _, d in graph.nodes(data=True) if d.get("type") == "Paper")


def count(graph: nx.MultiDiGraph, evidence: str) -> int:
    return sum(1 for _ in graph_triples(graph, Iris(), evidence=evidence))


def test_levels_shrink_and_summary_stays_compact(graph: nx.MultiDiGraph) -> None:
    none, summary, full = (count(graph, level) for level in EVIDENCE_LEVELS)
    edges = graph.number_of_edges()
    assert none < summary < full
    # summary: exactly 7 triples per edge on top of the plain graph (type, s, p, o, confidence,
    # support, one evidence pointer; every edge here has evidence)
    assert summary - none == 7 * edges
    assert summary < 0.6 * full


def test_full_is_the_default_of_graph_triples(graph: nx.MultiDiGraph) -> None:
    assert list(graph_triples(graph, Iris())) == list(graph_triples(graph, Iris(), evidence="full"))


def test_summary_pattern(graph: nx.MultiDiGraph) -> None:
    iris = Iris()
    u, v, key, data = next((u, v, k, d) for u, v, k, d in graph.edges(keys=True, data=True)
                           if len(d["evidence"]) >= 2)
    a = iris.assertion(u, key, v)
    summary = [(p, o) for s, p, o in graph_triples(graph, iris, evidence="summary") if s == a]
    full = {(p, o) for s, p, o in graph_triples(graph, iris, evidence="full") if s == a}
    derived = [o for p, o in summary if p.endswith("wasDerivedFrom")]
    assert derived == [iris.evidence(a, 0)]
    # the pointer is the first evidence span a full export describes
    assert (derived[0] in {o for p, o in full if p.endswith("wasDerivedFrom")})
    assert set(summary) <= full and len(summary) == 7
    assert not any(s.startswith(iris.evidence(a, 0)) for s, _, _ in graph_triples(graph, iris, evidence="summary"))


@pytest.mark.parametrize("level", EVIDENCE_LEVELS)
def test_each_level_conforms(graph: nx.MultiDiGraph, level: str) -> None:
    report = validate_graph(graph, evidence=level)
    assert report.conforms, [v.format() for v in report.violations[:10]]


def _rows(graph: nx.MultiDiGraph, level: str) -> dict[str, list[dict[str, Any]]]:
    store = ox.Store()
    load(store, graph, evidence=level)
    return {name: query_store(store, canned(name))[1] for name in CANNED}


def test_canned_queries_return_the_same_rows_at_every_level(graph: nx.MultiDiGraph) -> None:
    rows = {level: _rows(graph, level) for level in EVIDENCE_LEVELS}
    assert len(CANNED) == 10
    for name in CANNED:
        if name in EVIDENCE_QUERIES:
            continue
        assert rows["full"][name], name  # non-empty on examples/, so the comparison means something
        assert rows["none"][name] == rows["summary"][name] == rows["full"][name], name
    # the evidence query needs the sentences: only full has them (the embedded store keeps full)
    assert rows["full"]["relation-evidence"] and not rows["summary"]["relation-evidence"]


def test_export_option(graph: nx.MultiDiGraph, tmp_path: Path, examples: Path) -> None:
    directory = examples
    lines = {}
    for level in EVIDENCE_LEVELS:
        result = RUNNER.invoke(main, ["export", str(directory), "--format", "nt", "--evidence", level,
                                      "-o", str(tmp_path / f"{level}.nt")])
        assert result.exit_code == 0, result.output
        lines[level] = len((tmp_path / f"{level}.nt").read_text("utf-8").splitlines())
        assert lines[level] == count(graph, level)
    result = RUNNER.invoke(main, ["export", str(directory), "--format", "nt", "-o", str(tmp_path / "d.nt")])
    assert len((tmp_path / "d.nt").read_text("utf-8").splitlines()) == lines["summary"]
    result = RUNNER.invoke(main, ["export", str(directory), "--format", "json", "--evidence", "none",
                                  "-o", str(tmp_path / "g.json")])
    assert result.exit_code != 0 and "apply to RDF formats" in result.output + (result.stderr or "")
    with pytest.raises(ExportError, match="unknown evidence level 'some'"):
        export(graph, tmp_path / "x.nt", rdf_format="nt", evidence="some")


def test_seeds_per_paper(seeds: Path) -> None:
    """Triples per paper on the seeds at each level (the issue's target is 60 at summary; see
    docs/decisions.md for why 7 triples per reified relation put it above that)."""
    graph = kg.store.core.open_store(seeds).graph
    per_paper = {level: count(graph, level) / papers(graph) for level in EVIDENCE_LEVELS}
    assert per_paper["summary"] < per_paper["full"] / 2
    assert per_paper["summary"] <= 130 and per_paper["none"] <= 65
