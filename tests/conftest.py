"""Shared test configuration.

Under ``CI=true`` a test must not skip for want of something CI installs (Chromium,
Virtuoso, the npm Cypher linter, ...): every skip is turned into a failure naming the skip
reason, except the few reasons in ``SKIP_ALLOWED_IN_CI`` that no installation can change.
Everywhere else (a fresh clone, a laptop) such tests skip with their reason.

Shared fixtures, built once per session: the example and seed stores (``examples_a``,
``examples``, ``seeds``), the web app's store (``serve_store``), the blank and trained
pipelines (``nlp``, ``run``, ``trained_nlp``), one headless Chromium (``browser``) and a
genuine Neo4j server for the ``server`` tests. ``tools/neo4j-server`` is a Maven project whose one class starts an embedded Neo4j Community
5.26 (Bolt on a free 127.0.0.1 port, authentication on); its ``launcher.py`` builds it with
``mvn -q package`` when the jar is older than its sources (the first build downloads Neo4j
into ``~/.m2``) and starts and stops it. The session fixture starts one server in a temporary
home and stops it in teardown. Without java or mvn the Neo4j tests skip, except on CI
(``CI=true``), where they fail.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from chromium import CHROMIUM, Browser

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools" / "neo4j-server"))

from launcher import Neo4jServer  # noqa: E402
from support import EXAMPLES, SEEDS, check_entities, serve_records, start  # noqa: E402

if TYPE_CHECKING:
    from spacy.language import Language

# --- markers (registered in pyproject.toml) -------------------------------------------------------

MARKED_BY_FIXTURE = {
    "seeds": "slow",  # the seeds graph: tens of seconds to build, and its tests are long
    "neo4j_server": "server", "neo4j_settings": "server", "falkordb": "server", "virtuoso": "server",
    "browser": "browser",
}
"""A test that uses one of these fixtures gets the marker, wherever the test is; tests that
are slow on their own carry ``@pytest.mark.slow`` themselves."""


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            if fixture in MARKED_BY_FIXTURE:
                item.add_marker(MARKED_BY_FIXTURE[fixture])


# --- stores built once per session ----------------------------------------------------------------

def _build(directory: Path, inputs: list[str]) -> Path:
    from kg.api import build_store

    report = build_store(inputs, directory)
    assert not report.errors, report.errors
    return directory


@pytest.fixture(scope="session")
def examples_a(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store of the first example listing."""
    return _build(tmp_path_factory.mktemp("examples-a") / "graph", EXAMPLES[:1])


@pytest.fixture(scope="session")
def examples(tmp_path_factory: pytest.TempPathFactory, examples_a: Path) -> Path:
    """The store of all of examples/, built incrementally on top of a copy of ``examples_a``
    (the graph is the one a single build gives; the incremental tests compare the two).
    Shared: a test that changes a store works on a copy."""
    directory = tmp_path_factory.mktemp("examples") / "graph"
    shutil.copytree(examples_a, directory)
    return _build(directory, EXAMPLES[1:])


@pytest.fixture(scope="session")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store of the user's seed listings (../shared/seeds); skips where they are absent."""
    if not SEEDS:
        pytest.skip("../shared/seeds is absent: the seeds graph cannot be built")
    return _build(tmp_path_factory.mktemp("seeds") / "graph", SEEDS)


@pytest.fixture(scope="session")
def serve_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two-paper store of the web app tests (``support.serve_records``)."""
    from kg.store.core import build

    directory = tmp_path_factory.mktemp("serve") / "graph"
    build(serve_records(), directory)
    return directory


# --- pipelines and browsers -----------------------------------------------------------------------

@pytest.fixture(scope="session")
def nlp() -> Language:
    """The registered extractor components on ``spacy.blank("en")`` (no trained model)."""
    import spacy

    import extractors.components  # noqa: F401  (registers the factories)
    from extractors.components import COMPONENTS

    pipeline = spacy.blank("en")
    for name in COMPONENTS:
        pipeline.add_pipe(name)
    return pipeline


@pytest.fixture(scope="session")
def trained_nlp() -> Language:
    """The default extraction pipeline (the trained model), loaded once (each CLI run would reload it)."""
    from kg.extract.pipeline import build_nlp

    return build_nlp()


@pytest.fixture(scope="session")
def run(nlp: Language) -> Callable[[str, str], list[dict[str, Any]]]:
    """Process one paper with ``nlp``; check the generic contracts; return its entities."""
    from extractors.components import paper_text

    def _run(title: str, abstract: str) -> list[dict[str, Any]]:
        doc = nlp(paper_text(title, abstract))
        entities = doc._.paperkg_entities
        assert isinstance(entities, list)
        check_entities(title, abstract, entities)
        return entities
    return _run


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One headless Chromium for the session, networking off; skips without Chromium."""
    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    instance = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield instance
    instance.close()


# --- the test Neo4j -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    """One genuine Neo4j for the test session (tests share its database ``neo4j``)."""
    server = start(Neo4jServer(tmp_path_factory.mktemp("neo4j-home")))
    try:
        yield server
    finally:
        server.stop()

SKIP_ALLOWED_IN_CI = re.compile(
    r"FalkorDB has no "  # a capability the embedded engine lacks by design, not a missing install
    r"|seed|\.\./shared"  # the user's own corpus: data, not a dependency
)


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if not (_ci() and report.skipped) or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    reason = reason.removeprefix("Skipped: ")
    if SKIP_ALLOWED_IN_CI.search(reason):
        return
    report.outcome = "failed"
    report.longrepr = f"skipped under CI=true, where it must run: {reason}"
