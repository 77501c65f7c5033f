"""Adding to a store in place: one SQLite transaction, and the manifest that goes with it.

A build into an existing store updates ``graph.sqlite`` where it is (the database is in
WAL mode: readers keep reading the snapshot they started on, and a reader never waits for
the writer), instead of copying the whole file into a staging directory and swapping it in
(docs/decisions.md, issue 14). The database and ``manifest.json`` are two files, so the pair
is committed in three steps, any of which may be the last one a dead build took:

1. the new manifest is written beside the old one as ``.manifest.next``, with the
   *generation* the database is about to reach (``PRAGMA user_version``, one more than now);
2. the transaction commits (the generation with the rows: SQLite makes both durable at once);
3. ``.manifest.next`` is renamed over ``manifest.json``.

Whoever next holds the store's lock (:func:`settle`) finishes a dead build's step 3 when the
database reached the marker's generation (the commit happened), and removes the marker
otherwise (SQLite rolled the transaction back). A reader that finds the database ahead of
``manifest.json`` takes the marker's manifest when its generation is the database's
(:func:`pending_manifest`): it read between steps 2 and 3.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from kg.fsutil import atomic_write, fsync_dir
from kg.store import db

NEXT = ".manifest.next"


def open_writer(path: Path) -> sqlite3.Connection | None:
    """A connection updating the database ``path`` in place, inside one open write
    transaction; None when the file cannot be put in WAL mode now (a reader of an older,
    rollback-journal store holds it): the caller then works on a copy."""
    conn = db.connect(path, read_only=False, journal=True)
    try:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    except sqlite3.OperationalError:
        mode = None
    if str(mode).lower() != "wal":
        conn.close()
        return None
    conn.execute("PRAGMA synchronous=FULL")  # a committed build survives a power cut
    conn.execute("BEGIN IMMEDIATE")
    return conn


def generation(conn: sqlite3.Connection) -> int:
    """How many in-place commits the database has had (its ``user_version``)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def commit(conn: sqlite3.Connection, directory: Path, manifest: str) -> None:
    """Steps 1 to 3 of the module doc; ``manifest`` is the text of the new manifest."""
    nxt = generation(conn) + 1
    conn.execute(f"PRAGMA user_version = {nxt:d}")  # a pragma takes no bound parameter
    atomic_write(directory / NEXT, db.dumps({"generation": nxt, "manifest": manifest}) + "\n")
    try:
        conn.commit()
    except BaseException:
        conn.rollback()
        (directory / NEXT).unlink(missing_ok=True)
        raise
    promote(directory, manifest)


def promote(directory: Path, manifest: str) -> None:
    """Step 3: the marker's manifest text becomes ``manifest.json``."""
    atomic_write(directory / "manifest.json", manifest)
    (directory / NEXT).unlink(missing_ok=True)
    fsync_dir(directory)


def _marker(directory: Path) -> dict[str, Any] | None:
    try:
        marker = json.loads((directory / NEXT).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict) or not isinstance(marker.get("manifest"), str) \
            or not isinstance(marker.get("generation"), int):
        return None
    return marker


def pending_manifest(directory: Path, reader: db.Reader) -> dict[str, Any] | None:
    """The manifest of the in-place build that committed what ``reader`` sees but has not
    renamed its manifest yet, or None."""
    marker = _marker(directory)
    if marker is None or marker["generation"] != reader.generation():
        return None
    try:
        manifest = json.loads(marker["manifest"])
    except ValueError:
        return None
    return manifest if isinstance(manifest, dict) else None


def settle(directory: Path) -> bool:
    """Finish (the database reached the marker's generation) or undo (it did not) what a
    dead in-place build left; the caller holds the lock. Returns whether there was any."""
    if not (directory / NEXT).exists():
        return False
    marker = _marker(directory)
    reached = False
    if marker is not None and (directory / db.DB_NAME).is_file():
        try:
            reader = db.Reader(directory / db.DB_NAME)
            try:
                reached = reader.generation() == marker["generation"]
            finally:
                reader.close()
        except sqlite3.Error:
            reached = False
    if reached and marker is not None:
        promote(directory, marker["manifest"])
    else:
        (directory / NEXT).unlink(missing_ok=True)
        fsync_dir(directory)
    return True


