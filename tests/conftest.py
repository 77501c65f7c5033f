"""Shared test configuration.

Under ``CI=true`` a test must not skip for want of something CI installs (Chromium,
Virtuoso, the npm Cypher linter, ...): every skip is turned into a failure naming the skip
reason, except the few reasons in ``SKIP_ALLOWED_IN_CI`` that no installation can change.
Everywhere else (a fresh clone, a laptop) such tests skip with their reason.

Shared fixtures: a genuine Neo4j server for the ``server`` tests. ``tools/neo4j-server`` is a Maven project whose one class starts an embedded Neo4j Community
5.26 (Bolt on a free 127.0.0.1 port, authentication on); its ``launcher.py`` builds it with
``mvn -q package`` when the jar is older than its sources (the first build downloads Neo4j
into ``~/.m2``) and starts and stops it. The session fixture starts one server in a temporary
home and stops it in teardown. Without java or mvn the Neo4j tests skip, except on CI
(``CI=true``), where they fail.
"""
from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools" / "neo4j-server"))

from launcher import LauncherError, Neo4jServer, ToolMissing, build  # noqa: E402

__all__ = ["Neo4jServer", "neo4j_launcher", "neo4j_server"]


def neo4j_launcher() -> Path:
    """The launcher jar (built if needed); skips without java/mvn (fails on CI)."""
    try:
        return build()
    except ToolMissing as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{exc} (CI=true: the Neo4j tests must run)")
        pytest.skip(str(exc))
    except LauncherError as exc:
        pytest.fail(str(exc))


def start(server: Neo4jServer) -> Neo4jServer:
    neo4j_launcher()
    try:
        return server.start()
    except LauncherError as exc:
        pytest.fail(str(exc))


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
