"""The views that say something: the aggregated overview (PNG/SVG default, the HTML page's
first screen), the node budget of the HTML page, and evidence marked by stored offsets
(with a name that is a substring of another: LoRA inside MTLoRA)."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from chromium import Browser

import kg.export.viz
from kg.graph.build import build_graph
from kg.graph.evidence import mark, sentence_start
from kg.records import Evidence, Extraction, Mention, Paper, Source
from kg.resolve.resolver import resolve
from kg.export.viz import visualize
from kg.export.viz.html import page_data
from kg.export.viz.layout import layout
from kg.export.viz.overview import LINK, overview
from kg.export.viz.view import ViewOptions, select

SENTENCE = "We propose MTLoRA, which extends LoRA with task-specific low-rank modules."


def at(text: str, word: str, nth: int = 0) -> int:
    return [m.start() for m in re.finditer(re.escape(word), text)][nth]


def m(kind: str, name: str, text: str, word: str, nth: int = 0, role: str = "used") -> Mention:
    start = at(text, word, nth)
    sentence_at = text.rfind(".", 0, start) + 1
    sentence_end = text.find(".", start) + 1
    return Mention(type=kind, name=name, role=role, confidence=0.9,  # type: ignore[arg-type]
                   evidence=(Evidence(text[sentence_at:sentence_end].strip(), start, start + len(word)),),
                   extractor="t")


def paper(pid: str, abstract: str, *mentions: Mention) -> Extraction:
    return Extraction(Paper(pid, f"Paper {pid}", abstract, (Source("t.jsonl", 1, "jsonl"),)), tuple(mentions))


def corpus() -> list[Extraction]:
    a = f"Intro sentence. {SENTENCE} We test on NYUv2 for depth estimation."
    b = "LoRA is cheap. We evaluate LoRA on GSM8K for math reasoning and on NYUv2 for depth estimation."
    c = "BERT is strong. We fine-tune BERT with LoRA on GLUE for text classification."
    d = "We study BERT on GLUE and on SQuAD for question answering and text classification."
    return [
        paper("p1", a, m("method", "MTLoRA", a, "MTLoRA", role="proposed"), m("method", "LoRA", a, "LoRA", 1),
              m("dataset", "NYUv2", a, "NYUv2"), m("task", "depth estimation", a, "depth estimation")),
        paper("p2", b, m("method", "LoRA", b, "LoRA"), m("dataset", "GSM8K", b, "GSM8K"),
              m("dataset", "NYUv2", b, "NYUv2"), m("task", "depth estimation", b, "depth estimation"),
              m("task", "math reasoning", b, "math reasoning")),
        paper("p3", c, m("method", "BERT", c, "BERT"), m("method", "LoRA", c, "LoRA"), m("dataset", "GLUE", c, "GLUE"),
              m("task", "text classification", c, "text classification")),
        paper("p4", d, m("method", "BERT", d, "BERT"), m("dataset", "GLUE", d, "GLUE"), m("dataset", "SQuAD", d, "SQuAD"),
              m("task", "question answering", d, "question answering"),
              m("task", "text classification", d, "text classification")),
    ]


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    exts = corpus()
    return build_graph(exts, resolve(exts))


def test_mark_uses_the_stored_offsets_not_the_first_substring() -> None:
    text = f"Intro sentence. {SENTENCE} More."
    lora = at(text, "LoRA", 1)  # the standalone word; occurrence 0 is inside MTLoRA
    ev = {"sentence": SENTENCE, "start": lora, "end": lora + 4, "field": "abstract"}
    got = mark({"abstract": text}, ev)
    assert SENTENCE[got["mark"][0]:got["mark"][1]] == "LoRA" and got["mark"][0] == SENTENCE.index(" LoRA") + 1
    # the same sentence twice: the occurrence holding the span is the one used
    twice = f"{SENTENCE} {SENTENCE}"
    second = at(twice, "LoRA", 3)
    assert sentence_start(twice, SENTENCE, second, second + 4) == len(SENTENCE) + 1
    # offsets that do not fit the text mark nothing rather than guessing
    assert mark({"abstract": "short"}, ev)["mark"] is None
    assert mark({}, ev)["mark"] is None


def test_overview_aggregates_papers_into_weighted_links(graph: nx.MultiDiGraph) -> None:
    view = overview(graph, 10)
    types = {d["type"] for _, d in view.nodes(data=True)}
    assert "Paper" not in types and {"Method", "Dataset", "Task"} <= types
    weight = {(u, v): d["weight"] for u, v, k, d in view.edges(keys=True, data=True) if k == LINK}
    assert weight[("dataset:glue", "method:bert")] == 2  # p3 and p4 mention both
    # tasks shown are those shared by two or more of the chosen methods and datasets
    assert "task:textclassification" in view and "task:depthestimation" in view
    chosen = {n for n, t in view.nodes(data="type") if t != "Task"}
    for task in (n for n, t in view.nodes(data="type") if t == "Task"):
        papers = set(graph.predecessors(task))
        assert len({e for p in papers for e in graph.successors(p)} & chosen) >= 2, task
    few = overview(graph, 3, tasks=0)
    assert [t for _, t in few.nodes(data="type")].count("Task") == 0 and len(few) <= 3
    # at most KEEP_LINKS strongest links per node survive (plus those others keep)
    assert all(view.degree(n) <= 2 * 3 + len(view) for n in view)


def test_default_png_and_svg_are_the_labelled_overview(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    drawn = visualize(graph, tmp_path / "o.svg")
    summary = overview(graph, 40)
    assert drawn == {"nodes": summary.number_of_nodes(), "edges": summary.number_of_edges()}
    texts = "".join(ET.fromstring((tmp_path / "o.svg").read_text()).itertext())
    for name in ("MTLoRA", "LoRA", "BERT", "GLUE", "NYUv2", "text classification"):
        assert name in texts
    assert "Paper p1" not in texts and "Paper (" not in texts  # papers aggregated, not drawn
    focused = visualize(graph, tmp_path / "f.svg", options=ViewOptions(focus="MTLoRA", hops=1))
    assert focused["nodes"] == select(graph, ViewOptions(focus="MTLoRA", hops=1, top=40)).number_of_nodes()


def test_html_details_mark_the_stored_span(graph: nx.MultiDiGraph) -> None:
    data = page_data(graph, graph, layout(graph), title="t", subtitle="s", layout="force")
    row = next(r for r in data["details"]["method:lora"]["papers"]["USES"] if r["id"] == "paper:p1")
    ev = row["evidence"][0]
    assert ev["sentence"] == SENTENCE and ev["sentence"][ev["mark"][0]:ev["mark"][1]] == "LoRA"
    assert ev["mark"][0] == SENTENCE.index(" LoRA") + 1
    dataset = data["details"]["method:mtlora"]["datasets"][0]  # EVALUATED_ON evidence, from the paper
    assert dataset["evidence"][0]["sentence"][slice(*dataset["evidence"][0]["mark"])] == "NYUv2"


def big() -> nx.MultiDiGraph:
    exts = []
    for i in range(420):
        text = f"We propose Meth{i}. It uses Tool{i % 300} on Set{i % 97} and Bench{i % 401} for task {i % 53}."
        exts.append(paper(f"b{i}", text, m("method", f"Meth{i}", text, f"Meth{i}", role="proposed"),
                          m("method", f"Tool{i % 300}", text, f"Tool{i % 300}"),
                          m("dataset", f"Set{i % 97}", text, f"Set{i % 97}"),
                          m("dataset", f"Bench{i % 401}", text, f"Bench{i % 401}"),
                          m("task", f"task {i % 53}", text, f"task {i % 53}")))
    return build_graph(exts, resolve(exts))


def test_html_keeps_a_node_budget_and_carries_the_overview(tmp_path: Path) -> None:
    graph = big()
    assert graph.number_of_nodes() > 1000
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kg.export.viz, "NODE_BUDGET", 400)
        drawn = visualize(graph, tmp_path / "b.html")
    assert drawn["nodes"] <= 400
    html = (tmp_path / "b.html").read_text()
    data = json.loads(re.search(r'id="paperkg-data">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert len(data["nodes"]) == drawn["nodes"] and "entities in most papers" in data["meta"]["subtitle"]
    assert data["meta"]["nodes_total"] == graph.number_of_nodes()
    assert data["overview"]["nodes"] and all(n["type"] != "Paper" for n in data["overview"]["nodes"])
    assert {"from", "to", "weight"} == set(data["overview"]["edges"][0])
    small = visualize(graph, tmp_path / "f.html", options=ViewOptions(focus="Set3", hops=1))
    focus = json.loads(re.search(r'id="paperkg-data">(.*?)</script>', (tmp_path / "f.html").read_text(), re.S)
                       .group(1))  # type: ignore[union-attr]
    assert small["nodes"] < 400 and "overview" not in focus  # a focus page opens on its focus


# ---- in a browser --------------------------------------------------------------------

@pytest.mark.browser
def test_page_opens_on_the_overview_and_marks_the_stored_span(browser: Browser, graph: nx.MultiDiGraph,
                                                               tmp_path: Path) -> None:
    big_graph = nx.compose(big(), graph)
    visualize(big_graph, tmp_path / "p.html")
    browser.open((tmp_path / "p.html").as_uri())
    assert browser.evaluate("document.getElementById('overview').hidden") is False
    browser.wait_for("document.getElementById('overview').dataset.ready === 'true'")
    shown = browser.evaluate("paperkg.data.overview.nodes.map(n => n.type)")
    assert shown and "Paper" not in shown
    browser.evaluate("document.getElementById('show-full').click()")
    assert browser.evaluate("document.getElementById('overview').hidden") is True
    assert browser.evaluate("document.getElementById('show-overview').hidden") is False
    browser.evaluate("document.getElementById('show-overview').click()")
    assert browser.evaluate("document.getElementById('overview').hidden") is False
    # a search opens the full graph on the entity; its evidence marks the stored span
    browser.type("#search", "LoRA")
    browser.press("Enter", 13)
    browser.wait_for("document.querySelector('#details h2') && document.querySelector('#details h2').textContent === 'LoRA'")
    assert browser.evaluate("document.getElementById('overview').hidden") is True
    quote = browser.evaluate("""(() => {
        const q = Array.from(document.querySelectorAll('#details blockquote'))
                       .find(b => b.textContent.includes('MTLoRA, which extends'));
        const mk = q.querySelector('mark');
        return [mk.textContent, mk.previousSibling.textContent];
    })()""")
    assert quote == ["LoRA", "We propose MTLoRA, which extends "]
    assert browser.mine("Runtime.exceptionThrown") == []
