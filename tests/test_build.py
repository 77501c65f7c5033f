"""Graph builder contracts: node and edge types, evidence, aggregation, paper_count, stats."""
from __future__ import annotations

import json

import networkx as nx
import pytest

from kg.graph.build import build_graph, describe, find_entities, repository_of, stats
from kg.errors import DuplicatePaperError, ExportError
from kg.records import Evidence, Extraction, Link, Mention, Paper, Source
from kg.resolve.resolver import resolve


def ev(sentence: str, start: int = 0, end: int = 3) -> tuple[Evidence, ...]:
    return (Evidence(sentence, start, end),)


def mention(name: str, type: str = "method", role: str = "used", confidence: float = 0.5,
            evidence: tuple[Evidence, ...] = (), extractor: str = "x",
            aliases: tuple[str, ...] = ()) -> Mention:
    return Mention(type=type, name=name, aliases=aliases, role=role, confidence=confidence,  # type: ignore[arg-type]
                   evidence=evidence, extractor=extractor)


def paper(pid: str, *mentions: Mention, links: tuple[Link, ...] = (), **metadata: object) -> Extraction:
    return Extraction(Paper(id=pid, title=f"Title {pid}", abstract=f"Abstract {pid}.",
                            sources=(Source("in.jsonl", 1, "jsonl"),), metadata=dict(metadata)),
                      tuple(mentions), links)


def corpus() -> list[Extraction]:
    return [
        paper("p1",
              mention("LoRA", role="proposed", confidence=0.9, evidence=ev("We propose LoRA."),
                      extractor="methods", aliases=("Low-Rank Adaptation",)),
              mention("GLUE", "dataset", confidence=0.7, evidence=ev("We evaluate on GLUE."), extractor="datasets"),
              mention("NewSet", "dataset", role="proposed", evidence=ev("We introduce NewSet.")),
              mention("text classification", "task", evidence=ev("for text classification")),
              mention("accuracy", "metric", evidence=ev("accuracy improves")),
              mention("GPT-3", evidence=ev("GPT-3 is large.")),
              links=(Link("https://github.com/Microsoft/LoRA/tree/main/src", "code", evidence=ev("Code: url")),
                     Link("https://example.org/page", "project")),
              arxiv_id="2106.09685", authors=["E. Hu"], url="https://arxiv.org/abs/2106.09685"),
        paper("p2",
              mention("low-rank adaptation", role="proposed", confidence=0.6, evidence=ev("low-rank adaptation"),
                      extractor="acronyms"),
              mention("GLUE", "dataset", confidence=0.95, evidence=ev("Results on GLUE."), extractor="lists"),
              mention("GLUE", "dataset", confidence=0.2, evidence=ev("Results on GLUE."), extractor="lists"),
              mention("GPT-3", role="mentioned", evidence=ev("unlike GPT-3")),
              mention("GPT-3", role="used", evidence=ev("we use GPT-3")),
              links=(Link("https://github.com/microsoft/lora", "code", evidence=ev("see github")),)),
    ]


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    exts = corpus()
    return build_graph(exts, resolve(exts))


def edge(graph: nx.MultiDiGraph, u: str, v: str, key: str) -> dict:
    return graph.edges[u, v, key]


def test_nodes_have_the_documented_attributes(graph: nx.MultiDiGraph) -> None:
    for node, data in graph.nodes(data=True):
        assert data["id"] == node and {"type", "name", "aliases"} <= set(data)
        assert isinstance(data["aliases"], list)
        if data["type"] != "Paper":
            assert data["paper_count"] >= 1
    p1 = graph.nodes["paper:p1"]
    assert (p1["type"], p1["name"], p1["arxiv_id"], p1["authors"]) == ("Paper", "Title p1", "2106.09685", ["E. Hu"])
    assert p1["sources"] == [{"file": "in.jsonl", "line": 1, "format": "jsonl"}]
    lora = graph.nodes["method:lora"]
    assert (lora["type"], lora["name"], lora["paper_count"]) == ("Method", "LoRA", 2)
    assert lora["long_forms"] == ["Low-Rank Adaptation"] and lora["ids"] == {}
    assert {graph.nodes[n]["type"] for n in graph} == {"Paper", "Method", "Dataset", "Task", "Metric", "Repository"}


def test_paper_edges_by_role_and_type(graph: nx.MultiDiGraph) -> None:
    keys = {(u, v, k) for u, v, k in graph.out_edges("paper:p1", keys=True)}
    assert keys == {("paper:p1", "method:lora", "PROPOSES"), ("paper:p1", "method:gpt3", "USES"),
                    ("paper:p1", "dataset:glue", "EVALUATES_ON"), ("paper:p1", "dataset:newset", "INTRODUCES"),
                    ("paper:p1", "task:textclassification", "ADDRESSES"), ("paper:p1", "metric:accuracy", "REPORTS"),
                    ("paper:p1", "repo:github.com/microsoft/lora", "HAS_CODE")}
    proposes = edge(graph, "paper:p1", "method:lora", "PROPOSES")
    assert proposes == {"type": "PROPOSES", "role": "proposed", "confidence": 0.9, "extractors": ["methods"],
                        "support": 1, "evidence": [{"paper": "p1", "sentence": "We propose LoRA.", "start": 0,
                                                    "end": 3, "field": "abstract"}]}


def test_repeated_mentions_aggregate_on_one_edge(graph: nx.MultiDiGraph) -> None:
    glue = edge(graph, "paper:p2", "dataset:glue", "EVALUATES_ON")
    assert glue["confidence"] == 0.95 and len(glue["evidence"]) == 1 and glue["support"] == 1
    uses = edge(graph, "paper:p2", "method:gpt3", "USES")
    assert uses["role"] == "used" and len(uses["evidence"]) == 2
    assert graph.number_of_edges("paper:p2", "method:gpt3") == 1


def test_method_edges_from_proposing_papers(graph: nx.MultiDiGraph) -> None:
    evaluated = edge(graph, "method:lora", "dataset:glue", "EVALUATED_ON")
    assert evaluated["support"] == 2 and "role" not in evaluated
    assert evaluated["extractors"] == ["acronyms", "datasets", "lists", "methods"]
    assert evaluated["confidence"] == 0.7  # max over papers of min(method, dataset) confidence
    assert [(e["paper"], e["sentence"]) for e in evaluated["evidence"]] == [
        ("p1", "We evaluate on GLUE."), ("p2", "Results on GLUE.")]
    assert edge(graph, "method:lora", "task:textclassification", "APPLIED_TO")["support"] == 1
    assert not graph.has_edge("method:lora", "dataset:newset")  # introduced, not evaluated on
    assert not graph.has_edge("method:gpt3", "dataset:glue")  # used, not proposed


def test_repositories(graph: nx.MultiDiGraph) -> None:
    repo = graph.nodes["repo:github.com/microsoft/lora"]
    assert repo["paper_count"] == 2 and repo["host"] == "github.com" and repo["paths"] == ["/tree/main/src"]
    assert repo["url"] in {"https://github.com/Microsoft/LoRA", "https://github.com/microsoft/lora"}
    assert edge(graph, "paper:p2", "repo:github.com/microsoft/lora", "HAS_CODE")["evidence"][0]["sentence"] == "see github"
    assert repository_of("https://github.com/owner") is None
    assert repository_of("github.com/A/b.git")[:2] == ("repo:github.com/a/b", "https://github.com/A/b")


def test_stats_shape(graph: nx.MultiDiGraph) -> None:
    result = stats(graph)
    assert set(result) == {"nodes", "edges", "top", "merges"}
    assert result["nodes"] == {"Paper": 2, "Method": 2, "Dataset": 2, "Task": 1, "Metric": 1, "Repository": 1}
    assert result["edges"]["PROPOSES"] == 2 and result["edges"]["EVALUATED_ON"] == 1
    assert set(result["edges"]) >= {"USES", "INTRODUCES", "ADDRESSES", "REPORTS", "HAS_CODE", "APPLIED_TO"}
    assert result["top"]["Method"] == [["GPT-3", 2], ["LoRA", 2]]
    assert result["top"]["Dataset"] == [["GLUE", 2], ["NewSet", 1]]
    assert result["merges"] == graph.graph["merges"] > 0
    json.dumps(result)


def test_find_and_describe(graph: nx.MultiDiGraph) -> None:
    assert find_entities(graph, "low rank adaptation") == ["method:lora"]
    assert find_entities(graph, "LoRAs") == ["method:lora"]
    assert find_entities(graph, "microsoft/LoRA") == ["repo:github.com/microsoft/lora"]
    assert find_entities(graph, "nothing") == []
    info = describe(graph, "method:lora")
    assert info["name"] == "LoRA" and info["aliases"] == ["Low-Rank Adaptation", "low-rank adaptation"]
    assert [p["id"] for p in info["papers"]["PROPOSES"]] == ["paper:p1", "paper:p2"]
    assert info["papers"]["PROPOSES"][0]["evidence"] == ["We propose LoRA."]
    assert [d["id"] for d in info["datasets"]] == ["dataset:glue"]
    assert [t["id"] for t in info["tasks"]] == ["task:textclassification"]
    assert [c["id"] for c in info["code"]] == ["repo:github.com/microsoft/lora"]
    assert [m["id"] for m in describe(graph, "dataset:glue")["methods"]] == ["method:lora"]
    assert "code" in describe(graph, "paper:p1")
    with pytest.raises(ExportError, match="no node"):
        describe(graph, "method:missing")


def test_build_is_order_independent_and_json_round_trips() -> None:
    exts = corpus()
    a = nx.node_link_data(build_graph(exts, resolve(exts)), edges="edges")
    b = nx.node_link_data(build_graph(exts[::-1], resolve(exts[::-1])), edges="edges")
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    again = nx.node_link_data(nx.node_link_graph(json.loads(json.dumps(a)), edges="edges"), edges="edges")
    assert json.dumps(again, sort_keys=True) == json.dumps(a, sort_keys=True)


def test_duplicate_paper_id_is_a_coded_error() -> None:
    exts = corpus()
    with pytest.raises(DuplicatePaperError, match=r"'p1' occurs twice .*\[E103\]$"):
        build_graph([*exts, exts[0]], resolve(exts))
