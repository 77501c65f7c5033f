"""``paperkg serve`` in a real browser: headless Chromium (driven over the DevTools pipe, as
in test_viz_browser.py) against the app served by uvicorn on 127.0.0.1. A person's path:
type in the search box, pick a suggestion with the keyboard, read the entity page's
evidence (the stored span highlighted, not the first substring match), and expand the
neighbourhood graph with a real mouse click. Every request stays on the loopback server.

Skipped only when Chromium is not installed, and never under CI=true (CI installs it)."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from chromium import CHROMIUM, FLAGS, Browser
from support import running

from kg.serve.app import create_app

pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("CI") != "true",
    reason="headless Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")]
SHOTS = os.environ.get("PAPERKG_SCREENSHOTS")
"""A folder to save the pages' screenshots in (to look at them), if set."""


@pytest.fixture(scope="module")
def site(serve_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Browser, str]]:
    # the viz tests send loopback to a dead proxy too (file:// pages need no network); here
    # the pages come from the loopback server, so only other hosts go to the dead proxy
    flags = [f for f in FLAGS if not f.startswith("--proxy-bypass-list")]
    with running(create_app(serve_store)) as url:
        browser = Browser(tmp_path_factory.mktemp("chromium-profile"), flags)
        try:
            yield browser, url
        finally:
            browser.close()


def assert_clean(browser: Browser, url: str) -> None:
    requested = [p["request"]["url"] for p in browser.mine("Network.requestWillBeSent")]
    origin = urlsplit(url).netloc
    assert requested and all(urlsplit(u).netloc == origin for u in requested if not u.startswith("data:")), requested
    assert browser.mine("Runtime.exceptionThrown") == []
    assert [p for p in browser.mine("Runtime.consoleAPICalled") if p["type"] in ("error", "assert")] == []


def save(browser: Browser, name: str) -> None:
    if SHOTS:
        import matplotlib.image

        matplotlib.image.imsave(Path(SHOTS) / name, browser.screenshot())


def test_search_open_entity_see_evidence_expand_graph(site: tuple[Browser, str]) -> None:
    browser, url = site
    browser.open(f"{url}/")
    assert browser.evaluate("document.querySelector('a[href=\"/query/sparql/top-datasets\"]') !== null")
    browser.type("#q", "lora")
    browser.wait_for("document.querySelectorAll('#suggest li').length >= 2 && !document.getElementById('suggest').hidden")
    names = browser.evaluate("Array.from(document.querySelectorAll('#suggest li')).map(li => li.firstChild.textContent)")
    assert names[:2] == ["LoRA", "MTLoRA"]
    browser.press("ArrowDown", 40)
    browser.press("Enter", 13)
    browser.wait_for("location.pathname === '/entity/method:lora' && document.body && document.body.dataset.ready === 'true'")

    # the evidence of the MTLoRA paper marks the standalone "LoRA", where the extractor found it
    quote = browser.evaluate("""(() => {
        const q = Array.from(document.querySelectorAll('blockquote.evidence'))
                       .find(b => b.textContent.includes('MTLoRA, which extends'));
        const m = q.querySelector('mark');
        return [m.textContent, m.previousSibling.textContent, q.textContent];
    })()""")
    assert quote[0] == "LoRA" and quote[1] == "We propose MTLoRA, which extends "
    assert browser.evaluate("getComputedStyle(document.querySelector('mark')).backgroundColor") == "rgb(255, 243, 176)"

    # the neighbourhood: LoRA and its two papers; a real click on a paper expands it
    browser.wait_for("window.paperkgGraph && paperkgGraph.nodes.length === 3")
    browser.wait_for("document.getElementById('graph').dataset.stable === 'true'")
    browser.evaluate("paperkgGraph.network.stopSimulation()")
    browser.evaluate("document.getElementById('graph').scrollIntoView({block: 'center'})")
    x, y = browser.evaluate("""(() => {
        const g = paperkgGraph, id = 'paper:arxiv:2403.11001';
        const p = g.network.canvasToDOM(g.network.getPosition(id));
        const r = document.getElementById('graph').getBoundingClientRect();
        return [r.left + p.x, r.top + p.y];
    })()""")
    browser.click(x, y)
    browser.wait_for("paperkgGraph.nodes.length > 3")
    shown = set(browser.evaluate("paperkgGraph.nodes.getIds()"))
    assert {"method:mtlora", "dataset:nyuv2", "repo:github.com/lindqvist-lab/mtlora"} <= shown
    assert "Added" in browser.evaluate("document.getElementById('graph-status').textContent")
    save(browser, "serve-entity.png")
    assert_clean(browser, url)


def test_paper_page_and_canned_query(site: tuple[Browser, str]) -> None:
    browser, url = site
    browser.open(f"{url}/paper/paper:arxiv:2403.11001")
    marks = browser.evaluate("Array.from(document.querySelectorAll('.abstract a.span')).map(a => "
                             "[a.textContent, a.getAttribute('href')])")
    assert ["LoRA", "/entity/method:lora"] in marks and ["MTLoRA", "/entity/method:mtlora"] in marks
    save(browser, "serve-paper.png")
    browser.open(f"{url}/query/sparql/top-datasets")
    cells = browser.evaluate("Array.from(document.querySelectorAll('table.results td')).map(td => td.textContent)")
    assert "NYUv2" in cells and "GSM8K" in cells
    assert_clean(browser, url)
