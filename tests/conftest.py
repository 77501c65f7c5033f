"""Shared fixtures: a genuine Neo4j server for the ``server`` tests.

``tools/neo4j-server`` is a Maven project whose one class starts an embedded Neo4j Community
5.26 (Bolt on a free 127.0.0.1 port, authentication on). The session fixture builds it with
``mvn -q package`` when the jar is older than its sources (the first build downloads Neo4j
into ``~/.m2``), starts it in a temporary home, yields it and stops it in teardown. Without
java or mvn the Neo4j tests skip, except on CI (``CI=true``), where they fail.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAUNCHER = ROOT / "tools" / "neo4j-server"
JAR = LAUNCHER / "target" / "neo4j-server.jar"
PASSWORD = "paperkg-test-secret"
JVM = ["-Xms256m", "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
"""Small heap and quick JIT: the test graphs are small, start-up time matters more."""
START_TIMEOUT = 180


def skip_or_fail(reason: str) -> None:
    """Skip, except on CI, where a test that needs a server must run: fail there."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the Neo4j tests must run)")
    pytest.skip(reason)


def build_launcher() -> Path:
    """``tools/neo4j-server/target/neo4j-server.jar``, rebuilt when a source is newer."""
    for tool in ("java", "mvn"):
        if shutil.which(tool) is None:
            skip_or_fail(f"{tool} is not installed: cannot build or start the test Neo4j (tools/neo4j-server)")
    sources = [LAUNCHER / "pom.xml", *(LAUNCHER / "src").rglob("*.java")]
    if JAR.is_file() and JAR.stat().st_mtime >= max(p.stat().st_mtime for p in sources) \
            and (LAUNCHER / "target" / "lib").is_dir():
        return JAR
    done = subprocess.run(["mvn", "-q", "-B", "package"], cwd=LAUNCHER, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0 or not JAR.is_file():
        pytest.fail(f"mvn package in {LAUNCHER} failed:\n{(done.stdout + done.stderr)[-3000:]}")
    return JAR


@dataclass
class Neo4jServer:
    """A test Neo4j process serving the home directory ``home``."""

    home: Path
    password: str = PASSWORD
    uri: str = ""
    proc: subprocess.Popen[str] | None = None
    output: list[str] = field(default_factory=list)
    _log: IO[str] | None = None

    def start(self) -> Neo4jServer:
        self.home.mkdir(parents=True, exist_ok=True)
        self._log = open(self.home / "launcher.log", "a", encoding="utf-8")
        self.proc = subprocess.Popen(["java", *JVM, "-jar", str(build_launcher()), str(self.home), self.password],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, text=True)
        found: list[str] = []

        def read() -> None:
            assert self.proc is not None and self.proc.stdout is not None
            for line in self.proc.stdout:
                self.output.append(line)
                if line.startswith("BOLT ") and not found:
                    found.append(line.split()[1])

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(0)
        waited = 0.0
        while not found and self.proc.poll() is None and waited < START_TIMEOUT:
            reader.join(0.2)
            waited += 0.2
        if not found:
            self.stop()
            log = (self.home / "launcher.log").read_text("utf-8", errors="replace")[-3000:]
            pytest.fail(f"the test Neo4j did not start in {self.home}:\n{log}")
        self.uri = found[0]
        return self

    def stop(self, *, kill: bool = False) -> None:
        """Stop the server: end of stdin (clean shutdown), or SIGKILL with ``kill``."""
        if self.proc is None:
            return
        if kill:
            self.proc.kill()
        else:
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def driver(self, **config: Any) -> Any:
        import neo4j

        return neo4j.GraphDatabase.driver(self.uri, auth=("neo4j", self.password), **config)

    def admin(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        """Run Neo4j's own admin tool (``neo4j-admin ARGS``) from the launcher's class path on
        this server's home (it must be stopped for an import)."""
        env = {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.home / "conf")}
        return subprocess.run(["java", "-Xmx1g", "-cp", str(build_launcher()), "org.neo4j.cli.AdminTool", *args],
                              cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    """One genuine Neo4j for the test session (tests share its database ``neo4j``)."""
    server = Neo4jServer(tmp_path_factory.mktemp("neo4j-home")).start()
    try:
        yield server
    finally:
        server.stop()
