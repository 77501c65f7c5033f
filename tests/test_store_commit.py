"""Builds into an existing store update its database in place (``kg.store.commit``): a
build that dies at any step leaves the previous store or the new one, never a mix; readers
keep their snapshot and never see the database ahead of its manifest."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.store import commit
from kg.store.core import build, open_store
from kg.store.db import DB_NAME, Reader
from tests.test_store import CORPUS, snapshot

REPO = Path(__file__).resolve().parents[1]
# a build in another process that dies (os._exit: no clean-up, no Python unwinding) at one step
DIE = ("import os, sys\nimport kg.store.commit as c\nfrom kg.store.core import build\n"
       "from tests.test_store import CORPUS\nstep = sys.argv[2]\n"
       "if step == 'before-commit':\n"
       "    real = c.atomic_write\n"
       "    def write(path, data):\n"
       "        real(path, data)\n"
       "        os._exit(9)  # the marker is written, the transaction not committed\n"
       "    c.atomic_write = write\n"
       "else:\n"
       "    c.promote = lambda *a: os._exit(9)  # committed, the manifest not renamed\n"
       "build(CORPUS, sys.argv[1])\n")


def _die(store: Path, step: str) -> None:
    proc = subprocess.run([sys.executable, "-c", DIE, str(store), step], cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 9, proc.stderr


def test_adding_updates_the_file_in_place(tmp_path: Path) -> None:
    build(CORPUS[:5], tmp_path / "kg")
    inode = (tmp_path / "kg" / DB_NAME).stat().st_ino
    report = build(CORPUS[5:], tmp_path / "kg")
    assert report.added == len(CORPUS) - 5
    assert (tmp_path / "kg" / DB_NAME).stat().st_ino == inode  # not copied and swapped
    assert sorted(os.listdir(tmp_path / "kg")) == ["graph.sqlite", "manifest.json"]  # no marker, no WAL left
    manifest = json.loads((tmp_path / "kg" / "manifest.json").read_text())
    assert manifest["files"] == {} and manifest["counts"]["papers"] == len(CORPUS)
    reader = Reader(tmp_path / "kg" / DB_NAME)
    assert reader.generation() == 1  # one in-place commit
    reader.close()


def test_a_build_dying_before_its_commit_leaves_the_previous_store(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    build(CORPUS[:5], store)
    before = snapshot(store)
    _die(store, "before-commit")
    assert (store / commit.NEXT).exists()  # what the dead build left
    opened = open_store(store)  # settles it: the database never reached the marker's generation
    assert opened.stats()["papers"] == 5
    assert not (store / commit.NEXT).exists()
    opened.close()
    assert snapshot(store) == before
    assert build(CORPUS, store).papers == len(CORPUS)


def test_a_build_dying_after_its_commit_is_finished_by_the_next_one(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    build(CORPUS[:5], store)
    _die(store, "after-commit")
    assert json.loads((store / "manifest.json").read_text())["counts"]["papers"] == 5  # not renamed yet
    reader = Reader(store / DB_NAME)
    assert commit.pending_manifest(store, reader)["counts"]["papers"] == len(CORPUS)  # what a reader takes
    reader.close()
    assert open_store(store).stats()["papers"] == len(CORPUS)
    assert not (store / commit.NEXT).exists()
    assert json.loads((store / "manifest.json").read_text())["counts"]["papers"] == len(CORPUS)
    assert build(CORPUS, store).unchanged == len(CORPUS)


def test_a_reader_keeps_its_snapshot_while_a_build_commits(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    build(CORPUS[:5], store)
    reader = open_store(store)
    build(CORPUS, store)  # the reader's transaction does not hold the writer up
    assert reader.stats()["papers"] == 5 and reader.stats()["nodes"]["Paper"] == 5
    assert sum(1 for _ in reader.extractions()) == 5
    reader.close()
    assert open_store(store).stats()["nodes"]["Paper"] == len(CORPUS)


def test_a_marker_that_does_not_parse_is_removed(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    build(CORPUS[:5], store)
    before = snapshot(store)
    (store / commit.NEXT).write_text("{not json")
    assert open_store(store).stats()["papers"] == 5
    assert not (store / commit.NEXT).exists() and snapshot(store) == before


@pytest.mark.parametrize("held", [False, True])
def test_in_place_and_staged_builds_store_the_same_rows(tmp_path: Path, held: bool) -> None:
    """A store a reader holds open in rollback-journal mode cannot switch to WAL: that build
    works on a copy instead, with the same result."""
    from support import stored_content

    build(CORPUS, tmp_path / "batch")
    build(CORPUS[:6], tmp_path / "step")
    if held:  # an older store (rollback journal), read while the build runs
        import sqlite3

        conn = sqlite3.connect(tmp_path / "step" / DB_NAME)
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
        reader = Reader(tmp_path / "step" / DB_NAME)
        reader.meta("graph_key")
    build(CORPUS[6:], tmp_path / "step")
    if held:
        reader.close()
    assert stored_content(tmp_path / "step") == stored_content(tmp_path / "batch")
