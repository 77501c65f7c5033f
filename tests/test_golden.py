"""Golden node-link graph of the example corpus: any change to extraction, resolution or
the graph builder shows up here as a reviewable diff.

Regenerate after an intended change with::

    PAPERKG_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from kg.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "data" / "golden" / "examples-graph.json"


def test_examples_graph_matches_golden(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)  # sources are recorded as given: relative paths keep the golden portable
    store, exported = tmp_path / "graph", tmp_path / "graph.json"
    inputs = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples").glob("*.txt"))
    for args in (["-q", "build", *inputs, "-o", str(store)], ["-q", "export", str(store), "--format", "json",
                                                               "-o", str(exported)]):
        result = CliRunner().invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    actual = json.loads(exported.read_text("utf-8"))
    if os.environ.get("PAPERKG_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(actual, indent=1, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")
    expected = json.loads(GOLDEN.read_text("utf-8"))
    assert actual["nodes"] == expected["nodes"]
    assert actual["edges"] == expected["edges"]
    assert actual == expected
