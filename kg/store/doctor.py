"""``paperkg doctor DIR``: verify a graph store and tidy what dead builds left behind.

Checks, in order: the lock (free, held by a running build, or left by a build that died),
leftovers beside the store (staging and backup directories of dead builds, removed here
when no build runs), the manifest, the sha256 of every file it lists, and the content
hash of every stored paper.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import StoreError
from kg.fsutil import leftovers
from kg.store import db
from kg.store.lock import describe_holder, is_locked, read_holder


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class DoctorReport:
    directory: str
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {"directory": self.directory, "ok": self.ok, "checks": [asdict(c) for c in self.checks]}


def check_store(directory: str | Path) -> DoctorReport:
    from kg.store.core import _parse_extractions, _read_manifest, content_hash, tidy

    directory = Path(directory)
    report = DoctorReport(str(directory))
    add = report.checks.append
    holder = read_holder(directory)
    if is_locked(directory):
        add(Check("lock", True, f"held by {describe_holder(holder)}"))
    elif holder.get("pid"):
        add(Check("lock", True, f"free; the last build ({describe_holder(holder)}) did not finish, "
                                "the next build takes the lock over"))
    else:
        add(Check("lock", True, "free"))

    found = leftovers(directory)
    tidy(directory)
    remaining = leftovers(directory)
    removed = [p.name for p in found if p not in remaining]
    if remaining and is_locked(directory):
        add(Check("leftovers", True, f"{len(remaining)} belong to the build that is running: "
                                     + ", ".join(p.name for p in remaining)))
    elif remaining:
        add(Check("leftovers", False, f"{len(remaining)} could not be removed: "
                                      + ", ".join(p.name for p in remaining)))
    else:
        add(Check("leftovers", True, f"removed {len(removed)} left by dead builds: {', '.join(removed)}"
                  if removed else "none"))

    try:
        manifest = _read_manifest(directory)
    except StoreError as exc:
        add(Check("manifest", False, exc.format()))
        return report
    add(Check("manifest", True, f"format {manifest.get('format_version')}, "
                                f"{manifest['counts'].get('papers', '?')} papers"))
    texts: dict[str, bytes] = {}
    for name, digest in sorted(manifest["files"].items()):
        try:
            data = (directory / name).read_bytes()
        except OSError as exc:
            add(Check(f"file {name}", False, f"cannot be read: {exc.strerror}"))
            continue
        texts[name] = data if name != db.DB_NAME else b""  # the database is checked by SQLite below
        good = hashlib.sha256(data).hexdigest() == digest
        add(Check(f"file {name}", good, "sha256 matches the manifest" if good
                  else "sha256 does not match the manifest (corrupt or edited by hand): rebuild the store"))
    if "extractions.jsonl" in texts:
        add(_papers_check(directory, manifest, texts["extractions.jsonl"], _parse_extractions, content_hash))
    if manifest.get("format_version", 1) >= 2 and db.DB_NAME not in manifest["files"]:
        add(_content_check(directory, manifest))  # format 3 since issue 14: rows, not file bytes
        texts[db.DB_NAME] = b""
    if db.DB_NAME in texts:
        add(_database_check(directory, content_hash))
    return report


def _content_check(directory: Path, manifest: dict[str, Any]) -> Check:
    """Every node and edge row against its digest, their sum against the database's
    ``digest``, and the ``graph_key`` made of it against the manifest's (the database is
    updated in place, so its bytes are named by its content, not by a file hash)."""
    name = f"file {db.DB_NAME}"
    try:
        reader = db.Reader(directory / db.DB_NAME)
        try:
            total, wrong = 0, []
            for node, data, digest in reader.conn.execute("SELECT id, data, hash FROM nodes ORDER BY rank, id"):
                total += int(digest, 16)
                if db.row_hash(node, data) != digest:
                    wrong.append(node)
            for u, v, k, data, digest in reader.conn.execute(
                    "SELECT source, target, key, data, hash FROM edges ORDER BY rank, source, target, key"):
                total += int(digest, 16)
                if db.row_hash(u, v, k, data) != digest:
                    wrong.append(f"{u} {k} {v}")
            digest = f"{total % (1 << 256):064x}"
            stored, graph, key = reader.meta("digest"), reader.meta("graph", {}), reader.meta("graph_key")
        finally:
            reader.close()
    except (sqlite3.Error, ValueError, TypeError) as exc:
        return Check(name, False, f"cannot be read ({exc}): rebuild the store")
    if wrong:
        return Check(name, False, f"{len(wrong)} node or edge row(s) whose digest differs (first: "
                                  f"{json.dumps(wrong[0])}; corrupt or edited by hand): rebuild the store")
    expected = db.row_hash(*(db.dumps([k, v]) for k, v in sorted(graph.items())), digest)
    if digest != stored or key != expected or key != manifest.get("graph_key"):
        return Check(name, False, "its rows do not add up to the manifest's graph_key "
                                  "(corrupt or edited by hand): rebuild the store")
    return Check(name, True, "its node and edge rows add up to the manifest's graph_key")


def _database_check(directory: Path, content_hash: Any) -> Check:
    """SQLite's own integrity check, then every stored paper's content hash."""
    from kg.records import Extraction

    try:
        reader = db.Reader(directory / db.DB_NAME)
        try:
            (verdict,) = reader.conn.execute("PRAGMA quick_check").fetchone()
            if verdict != "ok":
                return Check("papers", False, f"the database is damaged ({verdict}): rebuild the store")
            wrong, count = [], 0
            for pid, digest, record in reader.papers():
                count += 1
                if content_hash(Extraction.from_dict(json.loads(record))) != digest:
                    wrong.append(pid)
        finally:
            reader.close()
    except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
        return Check("papers", False, f"the database cannot be read ({exc}): rebuild the store")
    if wrong:
        return Check("papers", False, f"{len(wrong)} paper(s) whose content hash differs from the stored one "
                                      f"(first: {json.dumps(wrong[0])}): rebuild the store")
    return Check("papers", True, f"{count} content hashes match")


def _papers_check(directory: Path, manifest: dict[str, Any], data: bytes, parse: Any, content_hash: Any) -> Check:
    try:
        records = parse(directory, data.decode("utf-8"))
    except (StoreError, UnicodeDecodeError) as exc:
        return Check("papers", False, exc.format() if isinstance(exc, StoreError) else str(exc))
    stored = {e.paper.id: content_hash(e) for e in records}
    listed = manifest["papers"]
    wrong = sorted(pid for pid in stored if listed.get(pid) != stored[pid])
    missing = sorted(set(listed) - set(stored))
    if wrong or missing:
        return Check("papers", False, f"{len(wrong)} paper(s) whose content hash differs from the manifest, "
                                      f"{len(missing)} listed but not stored (first: "
                                      f"{json.dumps((wrong + missing)[0])}): rebuild the store")
    return Check("papers", True, f"{len(stored)} content hashes match the manifest")
