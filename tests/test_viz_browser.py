"""The interactive page in a real browser: headless Chromium with networking off, driven
over the Chrome DevTools Protocol (``--remote-debugging-pipe``: NUL-separated JSON on
file descriptors 3 and 4, so no WebSocket client and no port are needed).

Checked: the page loads from file:// with no console error, no uncaught exception and no
request other than file:/data:; the graph is drawn (pixels of each type's colour on the
canvas); the search finds entities by name and alias and papers by title; a real mouse
click on a node opens its details (papers with arXiv links, evidence, datasets, code);
the filters hide nodes; a ~2,000-node graph opens quickly. Skipped only when Chromium is
not installed (CI's .ci/run installs Debian's ``chromium``).
"""
from __future__ import annotations

import fcntl
import io
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest

from kg.graph.build import build_graph, describe
from kg.records import Evidence, Extraction, Link, Mention, Paper, Source
from kg.resolve.resolver import resolve
from kg.export.viz import visualize

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed "
                                "(Debian: apt-get install chromium); .ci/run installs it")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
         # networking off: every request would go to a dead proxy, loopback included
         "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
         "--remote-debugging-pipe", "--window-size=1400,900"]
WIDTH, HEIGHT = 1400, 900
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


class Browser:
    """A headless Chromium and one CDP session on a page (a minimal Playwright)."""

    def __init__(self, profile: Path) -> None:
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # The child reads commands on fd 3 and writes replies on fd 4: copies above 10 (so
        # that dup2 onto 3 and 4 cannot overwrite each other), put in place after the fork.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_child_r, from_child_w)]

        def child_fds() -> None:
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.proc = subprocess.Popen([str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                     close_fds=False, preexec_fn=child_fds,  # noqa: PLW1509 - no threads yet
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for fd in (to_child_r, from_child_w, *high):
            os.close(fd)
        self._inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.events: list[dict[str, Any]] = []
        self._next = 0
        self.session: str | None = None

    def _read(self) -> None:
        buffer = b""
        while chunk := os.read(self._from_child, 1 << 16):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for message in messages:
                self._inbox.put(json.loads(message))

    def send(self, method: str, params: dict[str, Any] | None = None, *, browser: bool = False,
             timeout: float = 30) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if not browser:
            message["sessionId"] = self.session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._inbox.get(timeout=max(0.01, deadline - time.monotonic()))
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def open(self, url: str) -> None:
        """Open ``url`` in a new tab, recording its console, errors and requests."""
        target = self.send("Target.createTarget", {"url": "about:blank"}, browser=True)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 browser=True)["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
        self.send("Page.navigate", {"url": url})
        self.wait_for("document.body && document.body.dataset.ready === 'true'")

    def mine(self, method: str) -> list[dict[str, Any]]:
        return [e["params"] for e in self.events if e.get("method") == method and e.get("sessionId") == self.session]

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {expression}")

    def screenshot(self) -> np.ndarray:
        import base64

        import matplotlib.image

        png = base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"})["data"])
        return matplotlib.image.imread(io.BytesIO(png), format="png")

    def click(self, x: float, y: float) -> None:
        self.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def type(self, selector: str, text: str) -> None:
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.send("Input.insertText", {"text": text})

    def press(self, key: str, code: int) -> None:
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code})

    def close(self) -> None:
        try:
            self.send("Browser.close", browser=True, timeout=5)
        except (RuntimeError, queue.Empty, OSError):  # already gone
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_child)


def mention(name: str, type: str = "method", role: str = "used", sentence: str = "",
            long: tuple[str, ...] = ()) -> Mention:
    return Mention(type=type, name=name, aliases=long, role=role, confidence=0.8,  # type: ignore[arg-type]
                   evidence=(Evidence(sentence or f"We use {name}.", 0, 3),), extractor="x")


def extraction(pid: str, title: str, *mentions: Mention, code: str = "", **metadata: Any) -> Extraction:
    links = (Link(code, "code"),) if code else ()
    return Extraction(Paper(pid, title, f"Abstract of {title}.", (Source("in.jsonl", 1, "jsonl"),), metadata),
                      tuple(mentions), links)


def small_graph() -> nx.MultiDiGraph:
    exts = [
        extraction("arxiv:2106.09685", "LoRA: Low-Rank Adaptation of Large Language Models",
                   mention("LoRA", role="proposed", sentence="We propose LoRA.", long=("Low-Rank Adaptation",)),
                   mention("GLUE", "dataset", sentence="LoRA is evaluated on GLUE."),
                   mention("text classification", "task"), code="https://github.com/microsoft/LoRA",
                   arxiv_id="2106.09685"),
        extraction("title:b", "QLoRA: Efficient Finetuning of Quantized LLMs", mention("QLoRA", role="proposed"),
                   mention("LoRA"), mention("MMLU", "dataset"), mention("accuracy", "metric")),
        extraction("title:c", "</script><script>window.pwned=1</script>", mention("GLUE", "dataset"),
                   mention("GPT-3")),
    ]
    return build_graph(exts, resolve(exts))


def big_graph(papers: int = 420) -> nx.MultiDiGraph:
    """About 2,000 nodes: papers with their own method plus shared datasets and tasks."""
    exts = [extraction(f"title:{i}", f"Paper {i}", mention(f"Method{i}", role="proposed"),
                       mention(f"Set{i % 97}", "dataset"), mention(f"task {i % 53}", "task"),
                       mention(f"Tool{i % 300}"), mention(f"Bench{i % 401}", "dataset"),
                       code=f"https://github.com/o{i % 150}/r{i % 150}") for i in range(papers)]
    return build_graph(exts, resolve(exts))


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    instance = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield instance
    instance.close()


@pytest.fixture(scope="module")
def small_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[nx.MultiDiGraph, Path]:
    graph = small_graph()
    path = tmp_path_factory.mktemp("page") / "graph.html"
    visualize(graph, path, title="test graph")
    return graph, path


def assert_offline_and_clean(browser: Browser) -> None:
    requested = [p["request"]["url"] for p in browser.mine("Network.requestWillBeSent")]
    assert requested and all(u.startswith(("file:", "data:", "about:")) for u in requested), requested
    assert browser.mine("Runtime.exceptionThrown") == []
    console = [p for p in browser.mine("Runtime.consoleAPICalled") if p["type"] in ("error", "assert", "warning")]
    assert console == []
    assert [p for p in browser.mine("Log.entryAdded") if p["entry"]["level"] == "error"] == []
    assert browser.evaluate("window.paperkgErrors") == []
    assert browser.evaluate("document.getElementById('diagnostics').hidden") is True


def graph_pixels(browser: Browser) -> np.ndarray:
    box = browser.evaluate("(() => { const r = document.getElementById('graph').getBoundingClientRect();"
                           " return [r.left, r.top, r.right, r.bottom]; })()")
    left, top, right, bottom = (int(v) for v in box)
    image = browser.screenshot()
    return (image[top:bottom, left:right, :3] * 255).round().astype(int)


def has_colour(pixels: np.ndarray, hex_colour: str) -> bool:
    rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
    return bool((np.abs(pixels - rgb).sum(axis=2) < 12).any())


def test_page_loads_offline_and_draws_the_graph(browser: Browser, small_page: tuple[nx.MultiDiGraph, Path]) -> None:
    browser.open(small_page[1].as_uri())
    assert_offline_and_clean(browser)
    pixels = graph_pixels(browser)
    colours = {tuple(p) for p in pixels[::3, ::3].reshape(-1, 3).tolist()}
    assert len(colours) > 50 and (pixels.sum(axis=2) < 700).mean() > 0.005  # not blank
    for colour in ("#0072b2", "#e69f00", "#009e73", "#8c8c8c"):  # Method, Dataset, Task, Paper
        assert has_colour(pixels, colour), colour
    legend = browser.evaluate("Array.from(document.querySelectorAll('#legend label')).map(l => l.textContent)")
    assert "Method3" in legend and "Paper3" in legend
    assert browser.evaluate("document.querySelectorAll('script').length") == 4
    assert browser.evaluate("window.pwned") is None


def test_search_by_alias_and_title_then_details(browser: Browser, small_page: tuple[nx.MultiDiGraph, Path]) -> None:
    browser.open(small_page[1].as_uri())
    browser.type("#search", "low-rank adaptation")
    assert browser.wait_for("document.querySelector('#results li')?.dataset.id") == "method:lora"
    assert browser.evaluate("document.getElementById('search-status').textContent") == "2 matches"  # + a title
    assert browser.evaluate("document.querySelectorAll('#results li')[1].dataset.id") == "paper:arxiv:2106.09685"
    browser.press("Enter", 13)
    assert browser.wait_for("!document.getElementById('panel').hidden && "
                            "document.querySelector('#details h2').textContent") == "LoRA"
    panel = browser.evaluate("document.getElementById('details').innerText").lower()
    assert "proposed in (1)" in panel and "we propose lora." in panel
    assert "evaluated on (datasets) (1)\nglue" in panel and "github.com/microsoft/lora" in panel
    links = browser.evaluate("Array.from(document.querySelectorAll('#details a')).map(a => a.href)")
    assert "https://arxiv.org/abs/2106.09685" in links and "https://github.com/microsoft/LoRA" in links
    assert browser.evaluate("paperkg.network.getSelectedNodes()") == ["method:lora"]

    browser.evaluate("document.getElementById('search').value = ''")
    browser.type("#search", "low-rank adaptation")
    browser.press("ArrowDown", 40)  # the keyboard picks the second result, the paper
    browser.press("Enter", 13)
    assert browser.wait_for("document.querySelector('#details h2').textContent").startswith("LoRA: Low-Rank")
    assert "arXiv: 2106.09685" in browser.evaluate("document.getElementById('details').innerText")

    browser.evaluate("document.getElementById('search').value = ''")
    browser.type("#search", "quantized llms")
    assert browser.wait_for("document.querySelector('#results li')?.dataset.id") == "paper:title:b"
    browser.type("#search", "zzz")
    assert browser.wait_for("document.getElementById('search-status').textContent").startswith("No match")
    browser.evaluate("document.getElementById('search').value = ''")
    browser.type("#search", "</script>")
    browser.press("Enter", 13)
    assert browser.wait_for("document.querySelector('#details h2').textContent") == \
        "</script><script>window.pwned=1</script>"
    assert browser.evaluate("window.pwned") is None
    assert_offline_and_clean(browser)


def test_click_on_a_node_opens_its_details(browser: Browser, small_page: tuple[nx.MultiDiGraph, Path]) -> None:
    browser.open(small_page[1].as_uri())
    x, y = browser.evaluate("(() => { const n = paperkg.network, p = n.canvasToDOM(n.getPosition('dataset:glue'));"
                            " const r = document.getElementById('graph').getBoundingClientRect();"
                            " return [p.x + r.left, p.y + r.top]; })()")
    browser.click(x, y)
    assert browser.wait_for("!document.getElementById('panel').hidden && "
                            "document.querySelector('#details h2').textContent") == "GLUE"
    panel = browser.evaluate("document.getElementById('details').innerText").lower()
    assert "methods evaluated on / applied to it (1)\nlora" in panel and "used for evaluation in (2)" in panel
    browser.evaluate("document.querySelector('#details .node-link').click()")  # LoRA, from the panel
    assert browser.wait_for("document.querySelector('#details h2').textContent === 'LoRA'")


def test_filters_by_type_and_paper_count(browser: Browser, small_page: tuple[nx.MultiDiGraph, Path]) -> None:
    graph, path = small_page
    browser.open(path.as_uri())
    visible = "paperkg.visible().sort()"
    assert browser.evaluate(visible) == sorted(graph)
    browser.evaluate("document.querySelector('#legend input[data-type=Task]').click()")
    assert "task:textclassification" not in browser.evaluate(visible)
    browser.evaluate("const m = document.getElementById('min-papers'); m.value = '2';"
                     " m.dispatchEvent(new Event('input'))")
    entities = [n for n in browser.evaluate(visible) if not n.startswith("paper:")]
    assert sorted(entities) == ["dataset:glue", "method:lora"]
    browser.type("#search", "text classification")  # a search shows a node the filters hide
    browser.press("Enter", 13)
    assert "task:textclassification" in browser.wait_for(visible)
    browser.evaluate("document.getElementById('only').click()")  # "Show only its neighbours"
    assert browser.evaluate(visible) == sorted(["task:textclassification", "method:lora", "paper:arxiv:2106.09685"])
    browser.evaluate("document.getElementById('reset').click()")
    assert browser.evaluate(visible) == sorted(graph)
    assert_offline_and_clean(browser)


def test_a_big_graph_opens_quickly_and_redraws_fast(browser: Browser, tmp_path: Path) -> None:
    graph = big_graph()
    assert 1800 <= graph.number_of_nodes() <= 2600
    visualize(graph, tmp_path / "big.html")
    start = time.monotonic()
    browser.open((tmp_path / "big.html").as_uri())
    assert time.monotonic() - start < 10
    frame_ms = browser.evaluate("(() => { const t = performance.now(); paperkg.network.redraw();"
                                " return performance.now() - t; })()")
    assert frame_ms < 1000
    assert browser.evaluate("paperkg.network.physics.physicsEnabled") is False  # laid out in Python
    assert_offline_and_clean(browser)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the user's seed listings (../shared/seeds) are absent")
def test_seeds_graph_answers_what_a_method_is_evaluated_on(browser: Browser, tmp_path: Path) -> None:
    import kg.store.core
    from kg.api import build_store

    build_store(sorted(str(p) for p in SEEDS.glob("*.txt")), tmp_path / "seeds")
    graph = kg.store.core.open_store(tmp_path / "seeds").graph
    method = next(n for n, d in sorted(graph.nodes(data=True), key=lambda x: (-x[1].get("paper_count", 0), x[0]))
                  if d["type"] == "Method" and describe(graph, n)["datasets"] and describe(graph, n)["code"])
    info = describe(graph, method)
    visualize(graph, tmp_path / "seeds.html")
    browser.open((tmp_path / "seeds.html").as_uri())
    browser.type("#search", info["name"])
    browser.press("Enter", 13)
    browser.wait_for(f"document.querySelector('#details h2').textContent === {json.dumps(info['name'])}")
    panel = browser.evaluate("document.getElementById('details').innerText")
    assert all(d["name"] in panel for d in info["datasets"])
    assert all(p["name"] in panel for p in info["papers"].get("PROPOSES", []))
    assert all(c["url"].removeprefix("https://") in panel for c in info["code"])
    assert_offline_and_clean(browser)
