"""Every command and every export format is documented in the README, and the README's
test command is exactly what CI runs."""
from __future__ import annotations

from pathlib import Path

import pytest
from test_cli import _command_paths as command_paths

from kg import export
from kg.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")


@pytest.mark.parametrize("path", command_paths(main), ids=" ".join)
def test_every_command_is_in_the_readme(path: tuple[str, ...]) -> None:
    assert f"paperkg {' '.join(path)}" in README


@pytest.mark.parametrize("fmt", sorted(export.formats()))
def test_every_export_format_is_in_the_readme(fmt: str) -> None:
    assert fmt in README


def test_ci_runs_the_readme_test_command() -> None:
    blocks = README.split("```")
    commands = [b.strip() for b in blocks[1::2]]
    assert len(commands) >= 2
    install_and_run, test_command = commands[0], commands[1]
    assert "examples/" in install_and_run and "paperkg" in install_and_run
    ci = (ROOT / ".ci" / "run").read_text("utf-8").strip().splitlines()
    assert ci[-1] == test_command
