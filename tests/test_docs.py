"""Every command and every export format is documented in the README as a user would type
it, nothing documented there is missing from the CLI, and the README's test command is
exactly what CI runs.

"As typed" means in the README's code (a fenced block or an inline code span): a command
is ``paperkg <words>`` followed by a space, an option or the end of the code, and an export
format is the value of ``--format`` on a ``paperkg export`` command (``--format nt``, or one
of the alternatives in ``--format ttl|nt|nq``) - never a bare substring such as "nt"."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import command_paths

from kg import export
from kg.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")
COMMANDS = command_paths(main)
FORMATS = sorted(export.formats())
FORMAT_OPTION = re.compile(r"--format[ =]([A-Za-z0-9][\w-]*(?:\|[A-Za-z0-9][\w-]*)*)")


def code_of(markdown: str) -> list[str]:
    """The code in a Markdown text: each fenced block's lines, and each inline code span."""
    fenced = markdown.split("```")
    code = [line for block in fenced[1::2] for line in block.splitlines()]
    for prose in fenced[0::2]:
        code += re.findall(r"`([^`\n]+)`", prose)
    return code


def documented_commands(markdown: str) -> set[tuple[str, ...]]:
    """The command paths typed in the code of ``markdown`` (the longest known path each time,
    and the groups it is in)."""
    known = sorted(COMMANDS, key=len, reverse=True)
    found = set()
    for code in code_of(markdown):
        for m in re.finditer(r"\bpaperkg((?: [a-z][\w-]*)+)", code):
            words = tuple(m.group(1).split())
            match = next((path for path in known if words[:len(path)] == path), None) or words[:1]
            found.update(match[:n] for n in range(1, len(match) + 1))  # `push neo4j` shows `push` too
    return found


def documented_formats(markdown: str) -> set[str]:
    """The ``--format`` values given to ``paperkg export`` in the code of ``markdown``."""
    found: set[str] = set()
    for code in code_of(markdown):
        for command in re.split(r"(?=\bpaperkg )", code):
            if command.startswith("paperkg export"):
                for m in FORMAT_OPTION.finditer(command):
                    found.update(m.group(1).split("|"))
    return found


def test_the_readers_of_the_readme_see_only_typed_commands_and_formats() -> None:
    """The checks below could fail: prose and bare words do not count."""
    prose = "The nt format and the paperkg export command, and `nt`, `--format nt`."
    assert documented_formats(prose) == set() and documented_commands(prose) == set()
    typed = "Run `paperkg export out --format ttl|nt -o g`, or:\n```\npaperkg push neo4j DIR --format cypher\n```\n"
    assert documented_formats(typed) == {"ttl", "nt"}
    assert documented_commands(typed) == {("export",), ("push",), ("push", "neo4j")}
    assert documented_commands("`paperkg pushy DIR`") == {("pushy",)}


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_is_in_the_readme(path: tuple[str, ...]) -> None:
    assert path in documented_commands(README), f"README.md shows no `paperkg {' '.join(path)} ...`"


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_export_format_is_in_the_readme(fmt: str) -> None:
    assert fmt in documented_formats(README), f"README.md shows no `paperkg export ... --format {fmt}`"


def test_the_readme_documents_only_what_exists() -> None:
    commands = documented_commands(README) - set(COMMANDS)
    formats = documented_formats(README) - set(FORMATS)
    assert not commands, f"README.md shows commands that do not exist: {sorted(commands)}"
    assert not formats, f"README.md shows export formats that do not exist: {sorted(formats)}"


def test_ci_runs_the_readme_test_command() -> None:
    blocks = README.split("```")
    commands = [b.strip() for b in blocks[1::2]]
    assert len(commands) >= 2
    install_and_run, test_command = commands[0], commands[1]
    assert "examples/" in install_and_run and "paperkg" in install_and_run
    ci = (ROOT / ".ci" / "run").read_text("utf-8").strip().splitlines()
    assert ci[-1] == test_command
