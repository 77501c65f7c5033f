"""Build and run the test-time Neo4j of ``tools/neo4j-server`` (used by tests/conftest.py and
benchmarks/bench_neo4j.py; not part of the paperkg package).

:func:`build` runs ``mvn -q package`` when the jar is older than its sources (the first build
downloads Neo4j into ``~/.m2``). :class:`Neo4jServer` starts the launcher on a home directory,
reads the ``BOLT bolt://127.0.0.1:PORT`` line it prints, and stops it by closing its stdin
(clean shutdown) or by SIGKILL. :meth:`Neo4jServer.admin` runs Neo4j's own ``neo4j-admin`` on
the same home from the same class path. Errors are :class:`LauncherError`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
JAR = HERE / "target" / "neo4j-server.jar"
PASSWORD = "paperkg-test-secret"
JVM = ("-Xms256m", "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
"""Small heap and quick JIT: the test graphs are small, start-up time matters more."""
START_TIMEOUT = 180.0


class LauncherError(RuntimeError):
    """The launcher cannot be built or started."""


class ToolMissing(LauncherError):
    """java or mvn is not installed."""


def build() -> Path:
    """The launcher jar, rebuilt with Maven when a source is newer than it."""
    for tool in ("java", "mvn"):
        if shutil.which(tool) is None:
            raise ToolMissing(f"{tool} is not installed: cannot build or start the test Neo4j (tools/neo4j-server)")
    sources = [HERE / "pom.xml", *(HERE / "src").rglob("*.java")]
    if JAR.is_file() and (HERE / "target" / "lib").is_dir() \
            and JAR.stat().st_mtime >= max(p.stat().st_mtime for p in sources):
        return JAR
    done = subprocess.run(["mvn", "-q", "-B", "package"], cwd=HERE, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0 or not JAR.is_file():
        raise LauncherError(f"mvn package in {HERE} failed:\n{(done.stdout + done.stderr)[-3000:]}")
    return JAR


@dataclass
class Neo4jServer:
    """A test Neo4j process serving the home directory ``home``."""

    home: Path
    password: str = PASSWORD
    jvm: tuple[str, ...] = JVM
    env: dict[str, str] = field(default_factory=dict)
    uri: str = ""
    proc: subprocess.Popen[str] | None = None
    _log: IO[str] | None = None

    def start(self) -> Neo4jServer:
        jar = build()
        self.home.mkdir(parents=True, exist_ok=True)
        self._log = open(self.home / "launcher.log", "a", encoding="utf-8")
        self.proc = subprocess.Popen(["java", *self.jvm, "-jar", str(jar), str(self.home), self.password],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, text=True,
                                     env={**os.environ, **self.env})
        found: list[str] = []

        def read() -> None:
            assert self.proc is not None and self.proc.stdout is not None
            for line in self.proc.stdout:
                if line.startswith("BOLT ") and not found:
                    found.append(line.split()[1])

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        waited = 0.0
        while not found and self.proc.poll() is None and waited < START_TIMEOUT:
            reader.join(0.2)
            waited += 0.2
        if not found:
            self.stop()
            log = (self.home / "launcher.log").read_text("utf-8", errors="replace")[-3000:]
            raise LauncherError(f"the test Neo4j did not start in {self.home}:\n{log}")
        self.uri = found[0]
        return self

    def stop(self, *, kill: bool = False) -> None:
        """Stop the server: end of stdin (clean shutdown), or SIGKILL with ``kill``."""
        if self.proc is None:
            return
        if kill:
            self.proc.kill()
        elif self.proc.stdin is not None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=120)
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

    def admin(self, *args: str, cwd: Path | None = None, heap: str = "1g") -> subprocess.CompletedProcess[str]:
        """Run Neo4j's own admin tool (``neo4j-admin ARGS``) from the launcher's class path
        with NEO4J_HOME = this server's home (stop the server first for an import)."""
        env = {**os.environ, **self.env, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.home / "conf")}
        return subprocess.run(["java", f"-Xmx{heap}", "-cp", str(build()), "org.neo4j.cli.AdminTool", *args],
                              cwd=cwd, env=env, capture_output=True, text=True, timeout=3600)
