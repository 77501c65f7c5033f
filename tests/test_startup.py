"""Start-up cost of the ``paperkg`` command (issue 14: ``--version``/``--help`` fast, ``stats``
on 100,000 papers well under 2 s): setting up the command group and answering ``stats``
load none of the heavy libraries. Each check runs in a fresh interpreter and reads
``sys.modules`` after the work; a control run shows the probe does see a heavy import."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("spacy", "thinc", "rdflib", "pyoxigraph", "ladybug", "neo4j", "httpx", "numpy", "networkx",
         "pandas", "pyarrow", "matplotlib", "uvicorn", "starlette")
MARK = "loaded:"

PROBE = """\
import json, sys
{setup}
print({mark!r} + json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""

RUN_CLI = """\
from kg.cli.main import main
try:
    main({args!r}, prog_name="paperkg")
except SystemExit as exc:
    assert not exc.code, exc.code
"""


def loaded(setup: str) -> tuple[list[str], str]:
    """The heavy modules loaded after running ``setup`` in a new interpreter, and its output."""
    code = PROBE.format(setup=setup, mark=MARK, heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    *output, last = done.stdout.splitlines()
    assert last.startswith(MARK), done.stdout
    return json.loads(last[len(MARK):]), "\n".join(output)


def test_the_probe_sees_a_heavy_import() -> None:
    assert loaded("import networkx")[0] == ["networkx"]
    assert loaded("import kg.store.core; kg.store.core.Store.graph.fget")[0] == []


def test_importing_the_cli_entry_point_loads_no_heavy_library() -> None:
    assert loaded("import kg.cli.main")[0] == []


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["viz", "--help"], ["fetch", "arxiv", "--help"],
                                  ["push", "neo4j", "--help"], ["export", "--help"]])
def test_help_and_version_load_no_heavy_library(args: list[str]) -> None:
    heavy, output = loaded(RUN_CLI.format(args=args))
    assert heavy == []
    assert output.startswith("paperkg, version " if args == ["--version"] else "Usage: paperkg")


def test_stats_reads_counters_without_a_heavy_library(serve_store: Path) -> None:
    heavy, output = loaded(RUN_CLI.format(args=["stats", str(serve_store), "--json"]))
    assert heavy == []
    assert json.loads(output)["papers"] == 2
