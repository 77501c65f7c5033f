"""The 576k projection of benchmarks/bench_scale.py: wall time as measured, and CPU seconds
spread over the cores the workers can use, extraction and the (serial) build stage apart."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from bench_scale import Step, projection  # noqa: E402


def _hours(text: str, label: str) -> float:
    line = next(line for line in text.splitlines() if label in line)
    return float(line.split(label)[1].split(" h")[0].split("=")[-1])


def test_projection_formula(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    steps = [Step("extract", 100.0, 200, True, 20.0, 3.0), Step("build (extract + build)", 130.0, 250, True, 26.0, 3.0)]
    text = projection(steps, 1000, workers=2)
    scale = 576_000 / 1000
    assert abs(_hours(text, "t_extract x scale =") - 100.0 * scale / 3600) < 0.01
    assert abs(_hours(text, "CPU_extract x scale / min(workers, cores) =") - 20.0 * scale / 2 / 3600) < 0.01
    assert abs(_hours(text, "(CPU_build - CPU_extract) x scale =") - 6.0 * scale / 3600) < 0.01
    total = next(line for line in text.splitlines() if line.strip().startswith("total"))
    assert f"cores free {(20.0 * scale / 2 + 6.0 * scale) / 3600:.2f} h" in total
    assert f"as measured {130.0 * scale / 3600:.2f} h" in total


def test_projection_without_a_build_or_an_extract_step() -> None:
    only_extract = projection([Step("extract", 10.0, 200, True, 8.0, 1.0)], 1000, workers=1)
    assert "build: not measured here" in only_extract
    assert "/ 1 =" in only_extract  # one worker: CPU is not divided
    assert "needs a measured extract step" in projection([Step("build (no NLP)", 5.0, 100, True, 5.0, 1.0)], 1000, 2)
