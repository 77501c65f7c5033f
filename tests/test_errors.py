"""Every error paperkg raises on purpose is coded, and the code is in the line a user sees."""
from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import kg
from kg.errors import InputError, PaperKGError


def _all_error_classes() -> list[type[PaperKGError]]:
    for info in pkgutil.walk_packages(kg.__path__, "kg."):
        if not info.name.startswith(("kg.serve", "kg.cli")):
            importlib.import_module(info.name)
    seen, todo = [], [PaperKGError]
    while todo:
        cls = todo.pop()
        seen.append(cls)
        todo.extend(cls.__subclasses__())
    return seen


def test_every_error_class_has_its_own_code_in_range() -> None:
    classes = _all_error_classes()
    codes = [cls.code for cls in classes if "code" in vars(cls)]
    assert len(codes) == len(classes), "every PaperKGError subclass names its own code"
    assert len(set(codes)) == len(codes), sorted(codes)
    assert all(re.fullmatch(r"E[0-7]\d\d", c) for c in codes), codes


def test_message_shows_where_hint_and_code() -> None:
    exc = InputError("no such file", where="a.txt", hint="check the path")
    assert str(exc) == exc.format() == "a.txt: no such file (check the path) [E100]"
    assert PaperKGError("boom").format() == "boom [E000]"
    with pytest.raises(PaperKGError, match=r"\[E100\]$"):
        raise exc


def test_a_message_quoting_a_line_break_stays_one_line(tmp_path) -> None:
    from click.testing import CliRunner

    from kg.cli.main import main
    from kg.errors import InputError

    assert InputError("column 'a\nb\u2028c'", where="f.csv:1").format() == "f.csv:1: column 'a\\nb\\u2028c' [E100]"
    bad = tmp_path / "dup.csv"
    bad.write_text('"a\nb","a\nb",title\n1,2,x\n', encoding="utf-8")  # the same column twice, with a line break
    result = CliRunner().invoke(main, ["extract", str(bad), "--model", "blank"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and "twice" in lines[0] and "\\n" in lines[0] and lines[0].endswith("[E100]")
