"""kg.fsutil.install: a file or a directory swapped in, its stamp never vouching for the wrong content."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.fsutil import install


def test_install_file_with_stamp(tmp_path: Path) -> None:
    target, stamp = tmp_path / "db", tmp_path / "db.stamp"
    target.write_text("old")
    stamp.write_text("old stamp")
    staged = tmp_path / ".db.tmp-1"
    staged.write_text("new")
    install(staged, target, stamp=(stamp, "new stamp"))
    assert (target.read_text(), stamp.read_text()) == ("new", "new stamp")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db", "db.stamp"]


def test_failed_install_leaves_no_stale_stamp(tmp_path: Path) -> None:
    target, stamp = tmp_path / "db", tmp_path / "db.stamp"
    target.write_text("old")
    stamp.write_text("old stamp")
    with pytest.raises(FileNotFoundError):
        install(tmp_path / "missing", target, stamp=(stamp, "new stamp"))
    assert target.read_text() == "old" and not stamp.exists()  # stale: rebuilt on next use


def test_install_directory(tmp_path: Path) -> None:
    target = tmp_path / "rdf"
    target.mkdir()
    (target / "a").write_text("old")
    staged = tmp_path / ".rdf.tmp-1"
    staged.mkdir()
    (staged / "b").write_text("new")
    install(staged, target)
    assert [p.name for p in target.iterdir()] == ["b"] and not staged.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rdf"]
