"""Visualization contracts: selection, layout, the page's data and markup, static images,
GraphML/GEXF and the `paperkg viz` command. The page in a real browser: test_viz_browser.py."""
from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

import kg.store.core
from kg.graph.build import build_graph
from kg.cli.main import main
from kg.errors import ExportError
from kg.records import Evidence, Extraction, Link, Mention, Paper, Source
from kg.resolve.resolver import resolve
from kg.export.viz import infer_format, visualize
from kg.export.viz.files import export, flat_graph
from kg.export.viz.html import json_text, node_details, page_data, render_html
from kg.export.viz.layout import LAYOUTS, layout
from kg.export.viz.overview import overview
from kg.export.viz.view import ViewOptions, paper_link, select, shorten

INJECTION = "</script><script>alert(1)</script><!-- x"


def mention(name: str, type: str = "method", role: str = "used", sentence: str = "",
            long: tuple[str, ...] = ()) -> Mention:
    return Mention(type=type, name=name, aliases=long, role=role, confidence=0.8,  # type: ignore[arg-type]
                   evidence=(Evidence(sentence or f"We use {name}.", 0, 3),), extractor="x")


def paper(pid: str, title: str, *mentions: Mention, code: str = "", **metadata: object) -> Extraction:
    links = (Link(code, "code", evidence=(Evidence(f"Code: {code}", 0, 4),)),) if code else ()
    return Extraction(Paper(pid, title, f"Abstract of {title}.", (Source("in.jsonl", 1, "jsonl"),),
                            metadata=dict(metadata)), tuple(mentions), links)


def corpus() -> list[Extraction]:
    return [
        paper("arxiv:2106.09685", "LoRA: Low-Rank Adaptation of Large Language Models",
              mention("LoRA", role="proposed", sentence="We propose Low-Rank Adaptation, or LoRA.",
                      long=("Low-Rank Adaptation",)),
              mention("GLUE", "dataset", sentence="We evaluate LoRA on GLUE."),
              mention("text classification", "task"), mention("GPT-3"),
              code="https://github.com/microsoft/LoRA", arxiv_id="2106.09685"),
        paper("title:b", "QLoRA: Efficient Finetuning of Quantized LLMs",
              mention("QLoRA", role="proposed"), mention("LoRA"), mention("MMLU", "dataset"),
              mention("accuracy", "metric"), url="https://example.org/qlora"),
        paper("title:c", INJECTION, mention("GPT-3"), mention("GLUE", "dataset"), url="javascript:alert(1)"),
        paper("title:d", "A lonely paper", mention("SoloNet", role="proposed")),
    ]


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    exts = corpus()
    return build_graph(exts, resolve(exts))


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("viz") / "graph"
    kg.store.core.build(corpus(), directory)
    return directory


# ---- selection -------------------------------------------------------------------------

def test_whole_graph_by_default(graph: nx.MultiDiGraph) -> None:
    assert set(select(graph, ViewOptions())) == set(graph)


def test_focus_by_alias_and_hops(graph: nx.MultiDiGraph) -> None:
    one = select(graph, ViewOptions(focus="low-rank adaptation", hops=1))
    assert "method:lora" in one and "dataset:glue" in one and "paper:title:b" in one
    assert "dataset:mmlu" not in one and "method:solonet" not in one
    two = select(graph, ViewOptions(focus="LoRA", hops=2))
    assert "dataset:mmlu" in two and "repo:github.com/microsoft/lora" in two and "method:solonet" not in two
    assert set(select(graph, ViewOptions(focus="LoRA", hops=0))) == {"method:lora"}
    by_title = select(graph, ViewOptions(focus="a lonely paper", hops=1))
    assert set(by_title) == {"paper:title:d", "method:solonet"}
    with pytest.raises(ExportError, match="no entity or paper named 'Nope'"):
        select(graph, ViewOptions(focus="Nope"))


def test_top_keeps_most_connected_entities_and_papers_linking_them(graph: nx.MultiDiGraph) -> None:
    shown = select(graph, ViewOptions(top=2))
    entities = {n for n in shown if graph.nodes[n]["type"] != "Paper"}
    assert entities == {"method:lora", "dataset:glue"}
    papers = {n for n in shown if graph.nodes[n]["type"] == "Paper"}
    assert papers == {"paper:arxiv:2106.09685"}  # the only paper linking both


def test_min_papers_and_types(graph: nx.MultiDiGraph) -> None:
    shown = select(graph, ViewOptions(min_papers=2))
    assert {n for n in shown if graph.nodes[n]["type"] != "Paper"} == {"method:lora", "dataset:glue", "method:gpt3"}
    assert "paper:title:d" not in shown  # links no kept entity
    methods = select(graph, ViewOptions(types=("Method",)))
    assert {graph.nodes[n]["type"] for n in methods} == {"Method"}
    with pytest.raises(ExportError, match="unknown node type"):
        select(graph, ViewOptions(types=("Person",)))


def test_paper_links_and_label_shortening(graph: nx.MultiDiGraph) -> None:
    assert paper_link(graph.nodes["paper:arxiv:2106.09685"]) == "https://arxiv.org/abs/2106.09685"
    assert paper_link(graph.nodes["paper:title:b"]) == "https://example.org/qlora"
    assert paper_link(graph.nodes["paper:title:c"]) is None  # never a javascript: link
    assert shorten("Parameter-efficient fine-tuning of large models", 24) == "Parameter-efficient\u2026"
    assert shorten("short", 24) == "short"


# ---- layout ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", LAYOUTS)
def test_layouts_place_every_node_deterministically(graph: nx.MultiDiGraph, name: str) -> None:
    pos = layout(graph, name)
    assert set(pos) == set(graph) and pos == layout(graph, name)
    points = list(pos.values())
    assert all(abs(x) < 1e4 and abs(y) < 1e4 for x, y in points)
    assert len({(round(x, 3), round(y, 3)) for x, y in points}) == len(points)  # no two on one spot
    with pytest.raises(ExportError, match="unknown layout"):
        layout(graph, "spiral")


def test_force_layout_keeps_neighbours_closer_than_strangers() -> None:
    g = nx.MultiDiGraph()
    for a in range(3):
        for b in range(8):
            g.add_edge(f"hub{a}", f"leaf{a}-{b}")
    pos = layout(g, "force")
    near = max(math.dist(pos["hub0"], pos[f"leaf0-{b}"]) for b in range(8))
    assert near < min(math.dist(pos["hub0"], pos[f"leaf1-{b}"]) for b in range(8))


# ---- the page --------------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_page_is_self_contained_and_injection_safe(graph: nx.MultiDiGraph) -> None:
    data = page_data(graph, graph, layout(graph), title="t <b>", subtitle="whole graph", layout="force")
    page = render_html(data)
    parser = _Tags()
    parser.feed(page)
    for tag, attrs in parser.tags:  # nothing is loaded from anywhere: no src, no stylesheet link
        assert "src" not in attrs and not (tag == "link" and attrs.get("href")), (tag, attrs)
        assert not any(v and re.match(r"\s*(https?:)?//", v) for k, v in attrs.items() if k in ("src", "href"))
    scripts = [a for t, a in parser.tags if t == "script"]
    assert len(scripts) == 4 and scripts[1] == {"type": "application/json", "id": "paperkg-data"}
    assert page.count("</script>") == 4 and INJECTION not in page and "<title>t &lt;b&gt;</title>" in page
    embedded = page.split('id="paperkg-data">', 1)[1].split("</script>", 1)[0]
    assert json.loads(embedded) == json.loads(json.dumps(data))  # the title survives, escaped
    assert "vis-network" in page and "@version 9.1.2" in page


def test_json_text_escapes_every_angle_bracket() -> None:
    text = json_text({"t": "</script><!--", "u": "\u2028"})
    assert "<" not in text and "\u2028" not in text and json.loads(text) == {"t": "</script><!--", "u": "\u2028"}


def test_page_data_contract(graph: nx.MultiDiGraph) -> None:
    shown = select(graph, ViewOptions(focus="QLoRA", hops=2))
    data = page_data(graph, shown, layout(shown), title="t", subtitle="s", layout="force")
    assert set(data) == {"meta", "types", "nodes", "edges", "details", "links"}
    assert {n["id"] for n in data["nodes"]} == set(shown) == set(data["details"])
    assert "paper:arxiv:2106.09685" not in shown and "method:lora" in shown
    assert data["meta"]["nodes_total"] == graph.number_of_nodes()
    node = next(n for n in data["nodes"] if n["id"] == "method:qlora")
    assert set(node) == {"id", "type", "name", "label", "value", "x", "y", "paper_count", "aliases", "long_forms"}
    assert {(e["from"], e["to"], e["type"]) for e in data["edges"]} == set(shown.edges(keys=True))
    # details come from the whole graph: LoRA's proposing paper is not drawn but is named and linked
    lora = data["details"]["method:lora"]
    assert [p["id"] for p in lora["papers"]["PROPOSES"]] == ["paper:arxiv:2106.09685"]
    assert [e["sentence"] for e in lora["papers"]["PROPOSES"][0]["evidence"]] == \
        ["We propose Low-Rank Adaptation, or LoRA."]
    assert [d["name"] for d in lora["datasets"]] == ["GLUE"] and [c["id"] for c in lora["code"]] == [
        "repo:github.com/microsoft/lora"]
    assert data["links"]["paper:arxiv:2106.09685"] == "https://arxiv.org/abs/2106.09685"
    assert data["links"]["repo:github.com/microsoft/lora"] == "https://github.com/microsoft/LoRA"
    assert "paper:title:c" not in data["links"]


def test_node_details_of_a_paper(graph: nx.MultiDiGraph) -> None:
    info = node_details(graph, "paper:arxiv:2106.09685")
    assert info["abstract"].startswith("Abstract of LoRA") and "sources" not in info
    assert [e["id"] for e in info["entities"]["PROPOSES"]] == ["method:lora"]
    assert [c["id"] for c in info["code"]] == ["repo:github.com/microsoft/lora"]


# ---- static images ---------------------------------------------------------------------

def test_png_and_svg(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    drawn = visualize(graph, tmp_path / "g.png")  # the overview: entities only, papers aggregated
    summary = overview(graph, 40)
    assert drawn == {"nodes": summary.number_of_nodes(), "edges": summary.number_of_edges()}
    assert not any(t == "Paper" for _, t in summary.nodes(data="type"))
    png = (tmp_path / "g.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    import matplotlib.image

    pixels = matplotlib.image.imread(tmp_path / "g.png")
    assert pixels.shape[:2] == (1350, 1800)
    assert len({tuple(p) for p in pixels[::7, ::7].reshape(-1, pixels.shape[2]).tolist()}) > 20
    visualize(graph, tmp_path / "g.svg", options=ViewOptions(focus="LoRA", hops=1), title="LoRA")
    svg = (tmp_path / "g.svg").read_text()
    root = ET.fromstring(svg)
    texts = "".join(root.itertext())
    assert "LoRA" in texts and "GLUE" in texts and "Method (" in texts  # labels and legend are text
    assert "SoloNet" not in texts
    assert oct((tmp_path / "g.svg").stat().st_mode & 0o777) != oct(0o600)  # readable like any new file


def test_static_defaults_to_top_40(tmp_path: Path) -> None:
    g = nx.MultiDiGraph()
    for i in range(60):
        g.add_node(f"task:t{i}", id=f"task:t{i}", type="Task", name=f"task {i}", aliases=[], paper_count=1)
    assert visualize(g, tmp_path / "t.png")["nodes"] == 40
    assert visualize(g, tmp_path / "t.html")["nodes"] == 60
    assert visualize(g, tmp_path / "t2.png", options=ViewOptions(top=0))["nodes"] == 60


def test_format_inference() -> None:
    assert infer_format("a/b.HTML") == "html" and infer_format("x.svg") == "svg"
    assert infer_format("x.out", "png") == "png"
    with pytest.raises(ExportError, match="cannot tell the picture format of 'x.pdf'"):
        infer_format("x.pdf")
    with pytest.raises(ExportError, match="unknown picture format 'pdf'"):
        infer_format("x.png", "pdf")


# ---- GraphML / GEXF --------------------------------------------------------------------

def test_graphml_round_trip_with_scalar_attributes(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    export(graph, tmp_path / "g.graphml", file_format="graphml")
    back = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    assert set(back) == set(graph) and back.number_of_edges() == graph.number_of_edges()
    lora = back.nodes["method:lora"]
    assert lora["type"] == "Method" and lora["label"] == "LoRA" and lora["paper_count"] == 2
    assert json.loads(lora["aliases"]) == graph.nodes["method:lora"]["aliases"]
    rels = {d["type"] for _, _, d in back.edges(data=True)}
    assert rels == {k for _, _, k in graph.edges(keys=True)}
    ids = [e.get("id") for e in ET.parse(tmp_path / "g.graphml").getroot().iter("{http://graphml.graphdrawing.org/xmlns}edge")]
    assert len(ids) == len(set(ids)) == graph.number_of_edges()
    evidence = next(d["evidence"] for u, v, d in back.edges(data=True) if d["type"] == "PROPOSES")
    assert json.loads(evidence)[0]["sentence"]


def test_gexf_for_gephi(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    export(graph, tmp_path / "g.gexf", file_format="gexf")
    root = ET.parse(tmp_path / "g.gexf").getroot()
    ns = {"g": "http://www.gexf.net/1.2draft", "viz": "http://www.gexf.net/1.2draft/viz"}
    edges = root.findall(".//g:edge", ns)
    assert len(edges) == graph.number_of_edges() and len({e.get("id") for e in edges}) == len(edges)
    assert all(e.get("type") in (None, "directed") for e in edges)  # GEXF's edge kind, not our relation
    assert {e.get("label") for e in edges} == {k for _, _, k in graph.edges(keys=True)}
    node = root.find(".//g:node[@id='method:lora']", ns)
    assert node is not None and node.get("label") == "LoRA"
    colour = node.find("viz:color", ns)
    assert colour is not None and colour.attrib == {"r": "0", "g": "114", "b": "178", "a": "1.0"}
    back = nx.read_gexf(tmp_path / "g.gexf")
    assert back.nodes["method:lora"]["type"] == "Method"
    assert all(isinstance(v, (str, int, float, bool)) for _, d in flat_graph(graph).nodes(data=True)
               for k, v in d.items() if k != "viz")


# ---- command line ----------------------------------------------------------------------

def test_cli_viz_writes_html_png_svg(store_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    for name, expected in (("g.html", b"<!DOCTYPE html>"), ("g.png", b"\x89PNG"), ("g.svg", b"<?xml")):
        result = runner.invoke(main, ["viz", str(store_dir), "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).read_bytes().startswith(expected)
        assert f"wrote {tmp_path / name} (" in result.output
    result = runner.invoke(main, ["viz", str(store_dir), "-o", str(tmp_path / "f.out"), "--format", "svg",
                                  "--focus", "QLoRA", "--hops", "1", "--type", "method", "--type", "paper",
                                  "--layout", "circle", "--title", "QLoRA and friends"])
    assert result.exit_code == 0, result.output
    assert "QLoRA and friends" in (tmp_path / "f.out").read_text()


def test_cli_viz_errors(store_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["viz", str(store_dir), "-o", str(tmp_path / "g.pdf")])
    assert result.exit_code == 1 and "Error: cannot tell the picture format of" in result.output
    result = runner.invoke(main, ["viz", str(store_dir), "-o", str(tmp_path / "g.html"), "--focus", "Nope"])
    assert result.exit_code == 1
    assert "Error: no entity or paper named 'Nope' in the graph (check the spelling" in result.output
    result = runner.invoke(main, ["viz", str(tmp_path / "missing"), "-o", str(tmp_path / "g.html")])
    assert result.exit_code == 1 and "Error: no graph store at" in result.output
    result = runner.invoke(main, ["viz", str(store_dir), "-o", str(tmp_path / "no" / "g.html")])
    assert result.exit_code == 1 and "Error: cannot write" in result.output
    assert not (tmp_path / "g.pdf").exists() and not (tmp_path / "g.html").exists()


def test_cli_help_and_export(store_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    help_text = runner.invoke(main, ["viz", "--help"]).output
    assert "Example:\n    paperkg viz out/graph -o graph.html" in help_text
    for option in ("--focus", "--hops", "--top", "--min-papers", "--type", "--layout", "--format"):
        assert option in help_text
    for fmt in ("graphml", "gexf"):
        result = runner.invoke(main, ["export", str(store_dir), "--format", fmt, "-o", str(tmp_path / f"g.{fmt}")])
        assert result.exit_code == 0, result.output
        assert ET.parse(tmp_path / f"g.{fmt}").getroot() is not None


def test_page_assets_ship_with_the_package() -> None:
    """page.js/page.css are read with importlib.resources, so a non-editable install needs
    them declared as package data (the README's `pip install -e` works without)."""
    import fnmatch
    import tomllib

    config = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"].get("package-data", {}).get("kg.export.viz", [])
    for asset in ("page.js", "page.css"):
        assert any(fnmatch.fnmatch(asset, p) for p in patterns), \
            'add  "kg.export.viz" = ["*.js", "*.css"]  to [tool.setuptools.package-data] in pyproject.toml'
