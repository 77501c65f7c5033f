"""RDF export contracts: every format carries the same triples (compared as graphs), the
evidence pattern, federation terms, base IRIs, atomic streamed output, SHACL conformance,
and ``paperkg validate``. Runs on ``examples/`` always and on ``../shared/seeds`` when present."""
from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import PROV, RDF, XSD
from support import RUNNER

import kg.export
import kg.export.rdf.export
import kg.store.core
from kg.cli.main import main
from kg.errors import ExportError
from kg.export.rdf.iris import Iris
from kg.export.rdf.namespace import LPWCP, PKG, SCHEMA
from kg.export.rdf.validate import validate_graph

RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}


@pytest.fixture(scope="module")
def exported(examples: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("rdf-export")
    store = kg.store.core.open_store(examples)
    for fmt in kg.export.rdf.export.RDF_FORMATS:
        kg.export.export(store, fmt, out / f"graph.{fmt}", evidence="full")
    return {fmt: out / f"graph.{fmt}" for fmt in kg.export.rdf.export.RDF_FORMATS}


@pytest.fixture(scope="module")
def nt_graph(exported: dict[str, Path]) -> Graph:
    return Graph().parse(exported["nt"], format="nt")


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "xml"])
def test_every_format_is_the_same_graph(exported: dict[str, Path], nt_graph: Graph, fmt: str) -> None:
    assert isomorphic(Graph().parse(exported[fmt], format=RDFLIB_FORMATS[fmt]), nt_graph)


@pytest.mark.parametrize("fmt, parser", [("nq", "nquads"), ("trig", "trig")])
def test_quad_formats_put_everything_in_the_named_graph(exported: dict[str, Path], nt_graph: Graph,
                                                        fmt: str, parser: str) -> None:
    dataset = Dataset().parse(exported[fmt], format=parser)
    graphs = {g.identifier: g for g in dataset.graphs() if len(g)}
    assert list(graphs) == [URIRef(Iris().graph())]
    assert isomorphic(graphs[URIRef(Iris().graph())], nt_graph)


def test_n_triples_lines_are_distinct_triples(examples: Path, exported: dict[str, Path], nt_graph: Graph,
                                              tmp_path: Path) -> None:
    lines = exported["nt"].read_text("utf-8").splitlines()
    assert len(lines) == len(set(lines)) == len(nt_graph)
    assert kg.export.rdf.export.export(kg.store.core.open_store(examples), tmp_path / "again.nt", rdf_format="nt",
                                  evidence="full") == len(lines)
    assert (tmp_path / "again.nt").read_bytes() == exported["nt"].read_bytes()  # deterministic
    assert not any(isinstance(t, BNode) for triple in nt_graph for t in triple)


def test_evidence_pattern(examples: Path, nt_graph: Graph) -> None:
    graph = kg.store.core.open_store(examples).graph
    iris = Iris()
    u, v, key, data = next((u, v, k, d) for u, v, k, d in graph.edges(keys=True, data=True)
                           if k == "USES" and len(d["evidence"]) >= 2)
    s, o, p = URIRef(iris.node(u)), URIRef(iris.node(v)), PKG.uses
    assert (s, p, o) in nt_graph and (s, LPWCP.hasMethod, o) in nt_graph
    assertion = URIRef(iris.assertion(u, str(p), v))
    assert {(t, x) for t, x in nt_graph.predicate_objects(assertion) if t in (RDF.subject, RDF.predicate, RDF.object)} \
        == {(RDF.subject, s), (RDF.predicate, p), (RDF.object, o)}
    assert {PKG.Assertion, RDF.Statement, PROV.Entity} <= set(nt_graph.objects(assertion, RDF.type))
    assert nt_graph.value(assertion, PKG.confidence) == Literal(str(data["confidence"]), datatype=XSD.decimal)
    assert nt_graph.value(assertion, PKG.role) == Literal(data["role"])
    assert nt_graph.value(assertion, PKG.support).toPython() == data["support"]
    extractors = {str(nt_graph.value(x, rdflib.RDFS.label)) for x in nt_graph.objects(assertion, PROV.wasAttributedTo)}
    assert extractors == set(data["extractors"])
    evidence = list(nt_graph.objects(assertion, PROV.wasDerivedFrom))
    assert len(evidence) == len(data["evidence"])
    for node in evidence:
        paper = nt_graph.value(node, PROV.wasQuotedFrom)
        field = str(nt_graph.value(node, PKG.field))
        start, end = (nt_graph.value(node, x).toPython() for x in (PKG.startOffset, PKG.endOffset))
        text = str(nt_graph.value(paper, rdflib.URIRef("http://purl.org/dc/terms/" + field)))
        assert text[start:end] in str(nt_graph.value(node, PKG.sentence))


def test_federation_terms(examples: Path, nt_graph: Graph) -> None:
    """A query written only against schema.org and Linked Papers With Code finds our data."""
    found = {str(row[0]) for row in nt_graph.query("""
        PREFIX schema: <http://schema.org/>
        PREFIX lpwc: <https://linkedpaperswithcode.com/class/>
        PREFIX lpwcp: <https://linkedpaperswithcode.com/property/>
        SELECT ?title WHERE {
            ?paper a schema:ScholarlyArticle, lpwc:paper ; schema:name ?title ;
                   lpwcp:hasMethod [ schema:name "LoRA" ] ; lpwcp:hasRepository ?code .
        }""")}  # type: ignore[index]
    graph = kg.store.core.open_store(examples).graph
    expected = {graph.nodes[p]["title"] for p, m, key in graph.edges(keys=True)
                if key in ("USES", "PROPOSES") and m == "method:lora"
                and any(k == "HAS_CODE" for _, _, k in graph.out_edges(p, keys=True))}
    assert found == expected and found
    introduced = list(nt_graph.subject_objects(LPWCP.introducedBy))
    assert introduced and all((p, PKG.proposes, m) in nt_graph or (p, PKG.introduces, m) in nt_graph
                              for m, p in introduced)
    assert (None, SCHEMA.codeRepository, None) in nt_graph


def test_base_iri(examples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = kg.store.core.open_store(examples)
    kg.export.rdf.export.export(store, tmp_path / "a.nt", rdf_format="nt", base_iri="https://example.org/kg/")
    monkeypatch.setenv("PAPERKG_BASE_IRI", "https://example.org/kg/")
    kg.export.rdf.export.export(store, tmp_path / "b.nt", rdf_format="nt")
    text = (tmp_path / "a.nt").read_text("utf-8")
    assert text == (tmp_path / "b.nt").read_text("utf-8")
    assert "<https://example.org/kg/paper/" in text and "w3id.org/paperkg/paper/" not in text
    with pytest.raises(ExportError, match="bad base IRI"):
        kg.export.rdf.export.export(store, tmp_path / "c.nt", rdf_format="nt", base_iri="kg/")
    assert not (tmp_path / "c.nt").exists()


def test_export_command(examples: Path, tmp_path: Path) -> None:
    result = RUNNER.invoke(main, ["export", str(examples), "--format", "ttl", "-o", str(tmp_path / "g.ttl")])
    assert result.exit_code == 0, result.stderr
    assert Graph().parse(tmp_path / "g.ttl", format="turtle")


def test_failed_export_leaves_the_old_file(examples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "g.nt"
    target.write_text("old\n")

    def broken(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        yield ("https://e/s", "https://e/p", "https://e/o")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kg.export.rdf.export, "graph_triples", broken)
    with pytest.raises(ExportError, match="No space left"):
        kg.export.rdf.export.export(kg.store.core.open_store(examples), target, rdf_format="nt")
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["g.nt"]


@pytest.mark.parametrize("fmt", ["nt", "nq", "ttl", "trig"])
def test_streamed_formats_build_no_rdflib_graph(examples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               fmt: str) -> None:
    def no_graph(*args: object, **kwargs: object) -> None:
        raise AssertionError("an rdflib Graph was built")

    monkeypatch.setattr(rdflib.Graph, "__init__", no_graph)
    kg.export.rdf.export.export(kg.store.core.open_store(examples), tmp_path / f"g.{fmt}", rdf_format=fmt)


# --------------------------------------------------------------------------- SHACL

@pytest.mark.slow
def test_examples_conform(examples: Path) -> None:
    report = validate_graph(kg.store.core.open_store(examples).graph)
    assert report.conforms, [v.format() for v in report.violations]
    result = RUNNER.invoke(main, ["validate", str(examples)])
    assert result.exit_code == 0
    assert result.stdout == f"{examples}: conforms to the paperkg shapes ({report.triples} triples).\n"


def broken_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    graph = graph.copy()
    u, v, key = next(iter(graph.edges(keys=True)))
    graph.edges[u, v, key]["confidence"] = 1.5
    graph.edges[u, v, key]["evidence"][0]["start"] = 999_999
    graph.nodes[v]["paper_count"] = -1
    return graph


@pytest.mark.slow
def test_violations_are_reported_readably(examples: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = kg.store.core.open_store(examples)
    store.graph = broken_graph(store.graph)
    report = validate_graph(store.graph)
    assert not report.conforms
    paths = sorted(v.path or "" for v in report.violations)
    assert paths == ["pkg:confidence", "pkg:paperCount", "pkg:startOffset"]
    assert all(v.focus.startswith(("assertion:", "evidence:", "dataset:", "method:", "task:", "metric:", "<"))
               for v in report.violations)
    monkeypatch.setattr(kg.store.core, "open_store", lambda directory: store)
    result = RUNNER.invoke(main, ["validate", str(examples)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and all(line.startswith("Violation: ") for line in lines)
    assert "pkg:confidence: " in result.stdout and "1.5" in result.stdout
    assert result.stderr.endswith(f"does not conform: 3 violation(s) in {report.triples} triples.\n")


# --------------------------------------------------------------------------- seeds

def test_seeds_turtle_and_n_triples_agree_and_conform(seeds: Path, tmp_path: Path) -> None:
    store = kg.store.core.open_store(seeds)
    count = kg.export.rdf.export.export(store, tmp_path / "g.nt", rdf_format="nt")
    kg.export.rdf.export.export(store, tmp_path / "g.ttl", rdf_format="ttl")
    # parsed with pyoxigraph (rdflib takes 5 s here); there are no blank nodes, so graph
    # isomorphism is equality of the triple sets
    nt = list(ox.parse(path=str(tmp_path / "g.nt"), format=ox.RdfFormat.N_TRIPLES))
    ttl = set(ox.parse(path=str(tmp_path / "g.ttl"), format=ox.RdfFormat.TURTLE))
    assert len(nt) == len(set(nt)) == count
    assert not any(isinstance(t, ox.BlankNode) for triple in nt for t in (triple.subject, triple.object))
    assert set(nt) == ttl
    report = validate_graph(store.graph)
    assert report.conforms, [v.format() for v in report.violations[:20]]
