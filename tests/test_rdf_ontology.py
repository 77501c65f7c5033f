"""The ontology is the source of truth: the closed namespace mirrors it, the exporter's
mapping covers the graph model, the shapes parse; the IRI scheme and literal escaping
are exact (Hypothesis)."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.graph.model import EDGE_TYPES, NODE_TYPES
from kg.errors import ExportError
from kg.export.rdf.iris import Iris, check_base_iri, key_of
from kg.export.rdf.namespace import LPWC, LPWCP, PKG, SCHEMA
from kg.export.rdf.ontology import mapping, ontology_graph, shapes_graph
from kg.export.rdf.writers import nt_term

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def declared_pkg_terms() -> set[str]:
    graph = ontology_graph()
    return {str(s)[len(str(PKG)):] for t in TERM_TYPES for s in graph.subjects(RDF.type, t)
            if str(s).startswith(str(PKG))}


def test_namespace_class_mirrors_the_ontology() -> None:
    assert declared_pkg_terms() == set(PKG.__annotations__)


def test_namespace_is_closed() -> None:
    with pytest.raises(AttributeError):
        PKG.evaluatedOnn  # noqa: B018 - a misspelled term must fail loudly


def test_every_term_has_a_label_and_a_comment() -> None:
    graph = ontology_graph()
    for name in declared_pkg_terms():
        term = URIRef(str(PKG) + name)
        assert isinstance(graph.value(term, RDFS.label), Literal), name
        assert len(str(graph.value(term, RDFS.comment) or "")) > 10, name


def test_external_terms_used_are_in_the_ontology_or_shapes() -> None:
    text = {str(t) for g in (ontology_graph(), shapes_graph()) for triple in g for t in triple}
    for namespace in (LPWC, LPWCP):
        for name in namespace.__annotations__:
            assert str(namespace) + name in text, name
    for name in ("ScholarlyArticle", "Dataset", "SoftwareSourceCode", "DefinedTerm", "name", "codeRepository"):
        assert str(getattr(SCHEMA, name)) in text, name


def test_the_mapping_covers_the_graph_model() -> None:
    terms = mapping()
    assert set(terms.node_types) == set(NODE_TYPES)
    assert set(terms.edges) == set(EDGE_TYPES)
    assert terms.node_types["Paper"][0] == str(PKG.Paper)
    assert str(SCHEMA.ScholarlyArticle) in terms.node_types["Paper"]
    assert str(LPWC.dataset) in terms.node_types["Dataset"]
    assert "http://www.w3.org/ns/dcat#Dataset" in terms.node_types["Dataset"]
    assert str(PKG.ResearchEntity) in terms.node_types["Method"]


@pytest.mark.parametrize("edge_type, forward, inverse", [
    ("PROPOSES", [LPWCP.hasMethod], [LPWCP.introducedBy]),
    ("USES", [LPWCP.hasMethod], []),
    ("INTRODUCES", [], [LPWCP.introducedBy]),
    ("EVALUATES_ON", [LPWCP.usesDataset], []),
    ("ADDRESSES", [LPWCP.hasTask], []),
    ("HAS_CODE", [LPWCP.hasRepository], []),
    ("REPORTS", [], []),
    ("EVALUATED_ON", [], []),
    ("APPLIED_TO", [], []),
])
def test_edge_alignments(edge_type: str, forward: list[URIRef], inverse: list[URIRef]) -> None:
    terms = mapping().edges[edge_type]
    assert terms.forward == tuple(str(x) for x in forward)
    assert terms.inverse == tuple(str(x) for x in inverse)


def test_shapes_target_only_defined_classes() -> None:
    shapes = shapes_graph()
    targets = set(shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#targetClass")))
    assert targets and all(str(t)[len(str(PKG)):] in PKG.__annotations__ for t in targets)


# --------------------------------------------------------------------------- IRI scheme

KEYS = st.builds(lambda kind, rest: f"{kind}:{rest}",
                 st.sampled_from(["paper", "method", "dataset", "task", "metric", "repo"]),
                 st.text(min_size=1, max_size=40))


@settings(max_examples=300, deadline=None)
@given(KEYS)
def test_node_iris_are_valid_and_reversible(key: str) -> None:
    iri = Iris().node(key)
    ox.NamedNode(iri)  # a valid IRI, or this raises
    assert not any(c in iri for c in ' <>"{}|^`\\')
    assert key_of(iri) == key


def test_iri_examples() -> None:
    iris = Iris()
    assert iris.node("paper:arxiv:2403.01234") == "https://w3id.org/paperkg/paper/arxiv:2403.01234"
    assert iris.node("repo:github.com/a/b") == "https://w3id.org/paperkg/repo/github.com/a/b"
    assert iris.node("dataset:d&d") == "https://w3id.org/paperkg/dataset/d%26d"
    assert iris.node("method:tülu") == "https://w3id.org/paperkg/method/t%C3%BClu"
    assert Iris("https://example.org/kg#").node("task:x") == "https://example.org/kg#task/x"
    uses = "https://w3id.org/paperkg/ontology#uses"
    assert iris.assertion("a:x", uses, "b:y") == iris.assertion("a:x", uses, "b:y") != iris.assertion("b:y", uses, "a:x")
    # named by its triple: <subject IRI>;<property local name>=<ENCODE_FOR_URI(object key)>
    assert (iris.assertion("paper:arxiv:2403.01234", uses, "method:lo ra/x")
            == "https://w3id.org/paperkg/paper/arxiv:2403.01234;uses=method%3Alo%20ra%2Fx")
    assert iris.evidence(iris.assertion("paper:p", uses, "method:m"), 2) == "https://w3id.org/paperkg/paper/p;uses=method%3Am;evidence=2"
    assert iris.text_span("paper:p", "abstract", 3, 9) == "https://w3id.org/paperkg/paper/p;abstract#char=3,9"
    assert Iris("https://example.org/kg#").text_span("paper:p", "title", 0, 4) == "https://example.org/kg#paper/p;title;char=0,4"
    assert key_of(iris.assertion("paper:p", uses, "method:m")) is None
    assert key_of(iris.text_span("paper:p", "abstract", 3, 9)) is None


@settings(max_examples=200, deadline=None)
@given(KEYS, KEYS)
def test_assertion_iris_are_valid_and_computable_in_sparql(source: str, target: str) -> None:
    """A consumer finds a summary assertion from its triple with one BIND: the exporter's name
    equals SPARQL's ``CONCAT(STR(?s), ";uses=", ENCODE_FOR_URI(?o_id))``, for any keys."""
    iris = Iris()
    uses = "https://w3id.org/paperkg/ontology#uses"
    name = iris.assertion(source, uses, target)
    ox.NamedNode(name)
    (row,) = ox.Store().query(f"SELECT (CONCAT(STR(<{iris.node(source)}>), ';uses=', ENCODE_FOR_URI(?o)) AS ?a) "
                              "WHERE { VALUES ?o { " + ox.Literal(target).__str__() + " } }")
    assert row["a"].value == name
    for base in ("https://example.org/kg#", None):
        ox.NamedNode(Iris(base).text_span(source, "abstract", 0, 5))


@pytest.mark.parametrize("base", ["example.org/", "https://example.org", "https://ex ample.org/", ""])
def test_bad_base_iri(base: str) -> None:
    with pytest.raises(ExportError, match="bad base IRI"):
        check_base_iri(base)


# --------------------------------------------------------------------------- literals

@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_string_literals_round_trip(text: str) -> None:
    line = f"<http://e/s> <http://e/p> {nt_term((text, None))} .\n"
    (triple,) = list(ox.parse(input=line, format=ox.RdfFormat.N_TRIPLES))
    assert triple.object.value == text
    (parsed,) = list(Graph().parse(data=line, format="nt"))
    assert str(parsed[2]) == text
