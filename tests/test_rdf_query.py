"""Embedded SPARQL: the canned queries' expected rows on ``examples/``, their headers,
parameter binding (typed, never formatted into the text), ``limit``, the store built by
``paperkg build`` and rebuilt when missing or stale, and every canned query on the seeds."""
from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from support import CANNED_SPARQL as CANNED
from support import RUNNER
from support import canned_sparql as canned

import kg.fsutil
import kg.query.sparql_cache
import kg.store.cache
import kg.store.core
from kg.cli.main import main
from kg.errors import ExportError
from kg.export.derived import pairs, ranks
from kg.export.rdf.export import export
from kg.export.rdf.iris import Iris
from kg.export.rdf.triples import pair_triples, rank_triples
from kg.query.sparql import run_sparql
from kg.query.files import Iri, parse_header


def rows(directory: Path, query: str, **params: str) -> list[dict[str, Any]]:
    return run_sparql(directory, canned(query), params)[1]


def project(result: list[dict[str, Any]], *columns: str) -> list[tuple[Any, ...]]:
    return [tuple(r[c] for c in columns) for r in result]


# --------------------------------------------------------------------------- expected rows on examples/

def test_top_datasets(examples: Path) -> None:
    assert project(rows(examples, "top-datasets", limit="4"), "dataset_id", "dataset_name", "papers") == [
        ("dataset:imagenet", "ImageNet", 3), ("dataset:mmlu", "MMLU", 3), ("dataset:cora", "Cora", 2),
        ("dataset:etth1", "ETTh1", 2)]


def test_top_methods(examples: Path) -> None:
    assert project(rows(examples, "top-methods", limit="5"), "method_id", "papers") == [
        ("method:llama3", 8), ("method:gpt4", 6), ("method:resnet50", 6), ("method:clip", 4), ("method:vitb/16", 4)]


def test_tasks_by_papers(examples: Path) -> None:
    assert project(rows(examples, "tasks-by-papers", limit="4"), "task_id", "papers") == [
        ("task:domaingeneralization", 2), ("task:nodeclassification", 2), ("task:timeseriesforecasting", 2),
        ("task:3doccupancyprediction", 1)]


@pytest.mark.parametrize("query, edge_types, column", [
    ("top-datasets", {"EVALUATES_ON", "INTRODUCES"}, "dataset_id"),
    ("top-methods", {"PROPOSES", "USES"}, "method_id"),
    ("tasks-by-papers", {"ADDRESSES"}, "task_id"),
])
def test_counts_agree_with_the_networkx_graph(examples: Path, query: str, edge_types: set[str], column: str) -> None:
    papers: dict[str, set[str]] = defaultdict(set)
    for u, v, key in kg.store.core.open_store(examples).graph.edges(keys=True):
        if key in edge_types:
            papers[v].add(u)
    found = rows(examples, query, limit="1000")
    assert {r[column]: r["papers"] for r in found} == {k: len(v) for k, v in papers.items()}


def test_methods_for_task(examples: Path) -> None:
    expected = [("task:domaingeneralization", "method:protomix", "ProtoMix", 1),
                ("task:domaingeneralization", "method:styleshuffle", "StyleShuffle", 1)]
    columns = ("task_id", "method_id", "method_name", "papers")
    assert project(rows(examples, "methods-for-task"), *columns) == expected
    assert project(rows(examples, "methods-for-task", task="Domain-Generalization"), *columns) == expected
    assert project(rows(examples, "methods-for-task", task="DG"), *columns) == expected  # an alias
    assert rows(examples, "methods-for-task", task="node classification")


def test_papers_with_code_on_dataset(examples: Path) -> None:
    assert rows(examples, "papers-with-code-on-dataset") == [{
        "dataset_id": "dataset:mmlu", "paper_id": "paper:title:f6c8824ae7a191d5",
        "title": "MathWeaver: Interleaving Program Synthesis and Verification for Mathematical Reasoning",
        "repository": "https://github.com/mweaver-ai/MathWeaver"}]
    assert len(rows(examples, "papers-with-code-on-dataset", dataset="imagenet")) == 3


def test_methods_on_same_dataset(examples: Path) -> None:
    columns = ("method_id", "other_id", "shared_datasets")
    assert project(rows(examples, "methods-on-same-dataset", limit="3"), *columns) == [
        ("method:graphtalk", "method:hopscotch", 3), ("method:listpo", "method:mathweaver", 2),
        ("method:fedlung", "method:lesionlens", 1)]
    assert len(rows(examples, "methods-on-same-dataset")) == 9
    assert project(rows(examples, "methods-on-same-dataset", method="MathWeaver"), *columns) == [
        ("method:mathweaver", "method:listpo", 2), ("method:mathweaver", "method:quillquant", 1)]


def test_datasets_used_together(examples: Path) -> None:
    columns = ("dataset_id", "other_id", "papers")
    assert project(rows(examples, "datasets-used-together", limit="3"), *columns) == [
        ("dataset:cora", "dataset:ogbnarxiv", 2), ("dataset:cora", "dataset:pubmed", 2),
        ("dataset:etth1", "dataset:ettm1", 2)]
    partners = project(rows(examples, "datasets-used-together", dataset="GSM8K"), *columns)
    assert partners[0] == ("dataset:gsm8k", "dataset:mmlu", 2)
    assert {p[0] for p in partners} == {"dataset:gsm8k"}


def test_method_papers_and_code(examples: Path) -> None:
    assert project(rows(examples, "method-papers-and-code"), "relation", "paper_id", "repository") == [
        ("uses", "paper:title:34a8f3e4355619f4", None),
        ("uses", "paper:title:4fe274768e647f9e", "https://github.com/sketchret/SketchRet"),
        ("uses", "paper:title:7fd5310e72c2c780", "https://github.com/mosaicv-lab/MOSAIC-V"),
        ("uses", "paper:title:8e327d236595b89b", "https://github.com/flatguard-team/flatguard")]
    proposed = rows(examples, "method-papers-and-code", method="ProtoMix")
    assert [r["relation"] for r in proposed] == ["proposes"] and proposed[0]["repository"]


def test_find_entity_by_any_alias(examples: Path) -> None:
    both = project(rows(examples, "find-entity"), "id", "type", "entity_name")
    assert both == [("method:sam~segment-anything-model", "Method", "SAM"),
                    ("method:sam~sharpness-aware-minimization", "Method", "SAM")]
    assert project(rows(examples, "find-entity", name="segment anything model"), "id") == [
        ("method:sam~segment-anything-model",)]
    assert project(rows(examples, "find-entity", name="Deep Q-Network"), "id", "type") == [("method:dqn", "Method")]
    assert rows(examples, "find-entity", name="no such thing") == []


def test_relation_evidence(examples: Path) -> None:
    found = rows(examples, "relation-evidence")
    assert project(found, "paper_id", "relation", "confidence", "start", "end") == [
        ("paper:title:1e2946ca15dd587b", "uses", 0.877, 327, 331),
        ("paper:title:21919ddbfc909de9", "uses", 0.967, 583, 587),
        ("paper:title:21919ddbfc909de9", "uses", 0.967, 990, 994),
        ("paper:title:c389f60494f43f74", "uses", 0.967, 381, 400),
        ("paper:title:c389f60494f43f74", "uses", 0.967, 402, 406)]
    assert all("LoRA" in r["sentence"] and r["field"] == "abstract" for r in found)


# --------------------------------------------------------------------------- headers and parameters

@pytest.mark.parametrize("name", CANNED)
def test_every_canned_query_is_documented_and_runs_as_is(examples: Path, name: str) -> None:
    text = canned(name)
    header = parse_header(text)
    assert header.title and header.question.endswith("?") and header.columns
    assert all(p.description for p in header.params.values())
    assert "limit" in header.params
    columns, result = run_sparql(examples, text, {})
    assert columns == list(header.columns)
    assert result, f"{name} returns no rows on examples/"


def test_canned_queries() -> None:
    assert len(CANNED) >= 8
    assert {"top-datasets", "methods-for-task", "papers-with-code-on-dataset", "methods-on-same-dataset",
            "datasets-used-together", "method-papers-and-code", "find-entity", "tasks-by-papers"} <= set(CANNED)


def test_header_format() -> None:
    header = parse_header("""// title: T
// question: Q?
// param limit: 10 — rows
// param ratio: 0.5 -- a float
// param node: <https://example.org/x> — an IRI
// param name (key): Domain-Generalization — a name key
// param text: "42" — a string that looks like a number
// param empty: "" — empty
// columns: a, b
MATCH (n) RETURN n
// param late: 1 — not part of the header
""", comment="//")
    assert (header.title, header.question, header.columns) == ("T", "Q?", ("a", "b"))
    assert {n: (p.kind, p.default) for n, p in header.params.items()} == {
        "limit": ("integer", 10), "ratio": ("float", 0.5), "node": ("iri", Iri("https://example.org/x")),
        "name": ("key", "domaingeneralization"), "text": ("string", "42"), "empty": ("string", "")}
    assert header.values({"name": "Domain generalization", "limit": "3"})["name"] == "domaingeneralization"
    with pytest.raises(ExportError, match="unknown type 'date'"):
        parse_header("# param day (date): 2024-01-01 — a day")


def test_parameter_errors(examples: Path) -> None:
    with pytest.raises(ExportError, match="parameter 'limit' must be an integer, got 'ten'"):
        rows(examples, "top-datasets", limit="ten")
    with pytest.raises(ExportError, match=r"unknown parameter\(s\) dataset \(this query declares: limit\)"):
        rows(examples, "top-datasets", dataset="MMLU")
    with pytest.raises(ExportError, match="must be 0 or more"):
        rows(examples, "top-datasets", limit="-1")


def test_values_are_bound_never_formatted(examples: Path) -> None:
    hostile = 'SAM" } UNION { ?entity ?p ?o } #'
    assert rows(examples, "find-entity", name=hostile) == []
    query = 'SELECT ?name ?n WHERE { ?e <http://schema.org/name> ?n . FILTER(?n = ?name) }'
    assert run_sparql(examples, query, {"name": '" || true || "'})[1] == []
    assert run_sparql(examples, query, {"name": "MMLU"}) == (["n"], [{"n": "MMLU"}])


def test_query_file_mistakes(examples: Path) -> None:
    with pytest.raises(ExportError, match="select every parameter"):
        run_sparql(examples, "SELECT ?n WHERE { ?e <http://schema.org/name> ?n FILTER(?n = ?name) }", {"name": "x"})
    with pytest.raises(ExportError, match=r"unknown parameter\(s\) nme \(this query declares: none\)"):
        run_sparql(examples, "SELECT ?name WHERE { ?e <http://schema.org/name> ?name }", {"nme": "x"})
    with pytest.raises(ExportError, match="SPARQL syntax error"):
        run_sparql(examples, "SELECT WHERE {", {})
    assert run_sparql(examples, "ASK { ?s ?p ?o }", {}) == (["result"], [{"result": True}])


def test_query_command_json(examples: Path) -> None:
    result = RUNNER.invoke(main, ["query", str(examples), "top-datasets", "--param", "limit=2", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [{"dataset_id": "dataset:imagenet", "dataset_name": "ImageNet", "papers": 3},
                                         {"dataset_id": "dataset:mmlu", "dataset_name": "MMLU", "papers": 3}]


# --------------------------------------------------------------------------- the embedded store

def test_the_embedded_store_is_a_cache_made_on_first_query(examples: Path, tmp_path: Path) -> None:
    store = tmp_path / "kg"
    kg.store.core.build(kg.store.core.open_store(examples).extractions(), store)
    assert not (store / "cache").exists()  # build makes no query cache
    assert rows(store, "top-datasets", limit="1")[0]["dataset_id"] == "dataset:imagenet"
    stamp = json.loads((store / "cache" / "sparql" / "stamp.json").read_text())
    assert stamp["graph"] == kg.store.core.graph_key(store) is not None
    assert sorted(p.name for p in (store / "cache").iterdir()) == ["sparql"]  # no staging left
    count = export(kg.store.core.open_store(store), tmp_path / "g.nt", rdf_format="nt", evidence="full")
    graph, iris = kg.store.core.open_store(store).graph, Iris()
    derived = len([*rank_triples(ranks(graph), iris), *pair_triples(pairs(graph), iris)])
    assert derived > len(ranks_of := dict(ranks(graph))) > 0 and ranks_of["dataset:imagenet"] == 1
    # the cache holds full evidence and the counts the canned queries read (kg/export/derived.py)
    assert len(kg.query.sparql_cache.open_embedded(store)) == count + derived


@pytest.fixture
def copy(examples: Path, tmp_path: Path) -> Path:
    target = tmp_path / "kg"
    shutil.copytree(examples, target)
    rows(target, "top-datasets", limit="1")  # make the cache
    return target


def test_missing_cache_is_made_again(copy: Path) -> None:
    shutil.rmtree(copy / "cache" / "sparql")
    assert rows(copy, "top-datasets", limit="1")[0]["dataset_id"] == "dataset:imagenet"
    assert (copy / "cache" / "sparql" / "stamp.json").is_file()
    assert sorted(p.name for p in (copy / "cache").iterdir() if p.name.startswith(".")) == []


def test_stale_cache_is_made_again(copy: Path) -> None:
    stamp = copy / "cache" / "sparql" / "stamp.json"
    stamp.write_text(json.dumps({**json.loads(stamp.read_text()), "graph": "0" * 64}))
    assert not kg.store.cache.is_current(copy, "sparql", kg.query.sparql_cache.CACHE_KEY)
    assert rows(copy, "top-datasets", limit="1")
    assert json.loads(stamp.read_text())["graph"] == kg.store.core.graph_key(copy)


def test_a_cache_without_its_stamp_is_not_used(copy: Path) -> None:
    (copy / "cache" / "sparql" / "stamp.json").unlink()
    assert not kg.store.cache.is_current(copy, "sparql", kg.query.sparql_cache.CACHE_KEY)
    assert rows(copy, "top-datasets", limit="1")[0]["papers"] == 3
    assert kg.store.cache.is_current(copy, "sparql", kg.query.sparql_cache.CACHE_KEY)


def test_unwritable_directory_queries_in_memory(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.rmtree(copy / "cache")

    def refuse(*args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(kg.store.cache.tempfile, "mkdtemp", refuse)
    assert rows(copy, "top-datasets", limit="1")[0]["papers"] == 3
    assert not (copy / "cache" / "sparql").exists()


def test_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(kg.store.core.StoreError, match="no graph store"):
        run_sparql(tmp_path / "nothing", canned("top-datasets"), {})


# --------------------------------------------------------------------------- seeds

@pytest.mark.parametrize("name", CANNED)
def test_every_canned_query_returns_rows_on_the_seeds(seeds: Path, name: str) -> None:
    assert run_sparql(seeds, canned(name), {})[1]
