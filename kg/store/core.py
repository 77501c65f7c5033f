"""The durable graph store: a directory replaced atomically, grown incrementally.

Layout of a store directory (format 3)::

    manifest.json   format + version, paperkg version, counts, the ``graph_key`` of the
                    stored graph (a digest of its rows: it names the database, which
                    builds update in place), the ``inputs`` table
    graph.sqlite    the papers (each ``Extraction.to_dict()`` record with its content hash),
                    the resolver's state, the graph's nodes and edges with each paper's
                    contributions, the entities' name keys, the audited merges, counters
                    (``kg.store.db``)
    cache/          query caches made on first use (``kg.store.cache``); never read here

``graph.json`` is not part of the store: ``paperkg export DIR --format json`` writes it. A
format 1 store (``extractions.jsonl``, ``graph.json``, ``merges.jsonl``) or a format 2 one
(no resolver state) is migrated in place the first time it is opened or built into
(:func:`migrate`): its papers are built again.

``build`` merges new extractions into the stored ones by paper id (same content hash:
unchanged, sources unioned; different content: the newer record replaces the stored one,
sources unioned) in the store's database, in place and in one transaction
(``kg.store.commit``; a first build, a rebuild or a migration writes a new one in a staging
directory, swapped in whole), then re-resolves only the mentions that
share a candidate key with the changed papers' mentions and rewrites only the rows that
changes (``kg.store.engine``). The result is a function of the set of papers: building A
then B gives the rows of A + B (the same bytes once written by ``db.canonical_copy``), and
re-adding a paper leaves the store unchanged. Only new
papers need the (expensive) NLP upstream.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kg.graph.model import graph_of
from kg.errors import ExportError, StoreError
from kg.fsutil import atomic_file, atomic_write, leftovers, recover_dir, remove_leftovers, staged_dir
from kg.store import commit, db, learned
from kg.store.lock import try_lock, write_lock
from kg.records import Extraction

if TYPE_CHECKING:  # reading counters (`paperkg stats`) loads neither networkx nor the resolver
    import networkx as nx

    from kg.resolve.resolver import Merge
    from kg.store.engine import Engine

FORMAT = "paperkg-store"
FORMAT_VERSION = 3
LEGACY_FILES = ("extractions.jsonl", "graph.json", "merges.jsonl")
"""The files of a format 1 store (migrated on first open or build)."""
MAX_GRAPH_ELEMENTS = 20_000_000
"""Nodes + edges above which ``Store.graph`` refuses to load the whole graph into memory
(about 25 GB as networkx objects); set ``PAPERKG_MAX_GRAPH`` to change it."""
_REBUILD_HINT = "rebuild it from the original inputs with `paperkg build INPUT... -o DIR --rebuild`"


def paperkg_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("paperkg")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _dumps(data: Any, **kwargs: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, **kwargs)


def canonical(ext: Extraction) -> Extraction:
    """The record as the store keeps it: round-tripped through its JSON form (rounded
    confidences, sorted ids) with sources sorted and unique."""
    ext = Extraction.from_dict(json.loads(_dumps(ext.to_dict())))
    sources = tuple(sorted(set(ext.paper.sources), key=lambda s: (s.file, s.line, s.format)))
    return replace(ext, paper=replace(ext.paper, sources=sources))


def content_hash(ext: Extraction) -> str:
    """sha256 of a paper's extraction record without its ``sources`` (where it was read)."""
    data = ext.to_dict()
    data["paper"].pop("sources", None)
    return hashlib.sha256(_dumps(data).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BuildReport:
    """What ``build`` did: the stored paper count, the input papers by outcome (``added``,
    ``updated`` content, ``sources_added`` only, ``unchanged``) and the graph's size."""

    directory: str
    papers: int
    added: int
    updated: int
    unchanged: int
    sources_added: int
    nodes: int
    edges: int
    merges: int
    rebuilt: bool
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Store:
    """An opened store directory: a snapshot, its database open from ``open_store`` on (a
    build swapping the directory later does not change what this object reads).
    ``stats()`` and ``neighbourhood()`` answer from the database's counters and indices;
    ``graph`` loads the whole graph (on first use, and refused with a ``StoreError`` above
    ``MAX_GRAPH_ELEMENTS``)."""

    def __init__(self, directory: Path, manifest: dict[str, Any], reader: db.Reader) -> None:
        self.directory = directory
        self.manifest = manifest
        self.db = reader
        self._graph: nx.MultiDiGraph | None = None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def graph(self) -> nx.MultiDiGraph:
        if self._graph is None:
            counts = self.manifest["counts"]
            size = int(counts.get("nodes", 0)) + int(counts.get("edges", 0))
            limit = int(os.environ.get("PAPERKG_MAX_GRAPH", MAX_GRAPH_ELEMENTS))
            if size > limit:
                raise StoreError(f"the graph has {size:,} nodes and edges, more than the {limit:,} "
                                 "this command may load into memory", where=str(self.directory),
                                 hint="use `paperkg stats`, `show`, `query` or `export --format nt`, which "
                                      "stream; or raise the limit with PAPERKG_MAX_GRAPH=N")
            self._graph = self.db.graph()
        return self._graph

    @graph.setter
    def graph(self, graph: nx.MultiDiGraph) -> None:
        """Replace the graph this object answers with (in memory only; the store is unchanged)."""
        self._graph = graph

    @property
    def merges(self) -> tuple[Merge, ...]:
        from kg.resolve.resolver import Merge

        return tuple(Merge.from_dict(m) for m in self.db.merges())

    def stats(self) -> dict[str, Any]:
        """``paperkg stats``: counters kept when the graph was built (no graph is loaded)."""
        return {"papers": self.manifest["counts"]["papers"], **self.db.meta("stats", {})}

    def neighbourhood(self, name: str) -> nx.MultiDiGraph:
        """The part of the graph ``paperkg show NAME`` reads: the nodes ``name`` matches
        (as :func:`kg.graph.build.find_entities` matches them) and their neighbours, found
        through the name index."""
        from kg.graph.build import name_keys

        found = [name] if self.db.has_node(name) else self.db.nodes_named(name_keys(name))
        return self.db.neighbourhood(found)

    def extraction(self, paper_id: str) -> Extraction | None:
        """The stored record of one paper (by the primary-key index), or None."""
        row = self.db.paper(paper_id)
        return None if row is None else Extraction.from_dict(json.loads(row))

    def extractions(self) -> Iterator[Extraction]:
        """The stored extraction records, by paper id, streamed from the database."""
        for _, record in _records(self.db):
            yield record


def _records(reader: db.Reader) -> Iterator[tuple[str, Extraction]]:
    """(content hash, record) of every stored paper, by paper id."""
    for pid, digest, record in reader.papers():
        try:
            yield digest, Extraction.from_dict(json.loads(record))
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"bad extraction record for paper {pid!r}: {exc}",
                             where=str(reader.path), hint=_REBUILD_HINT) from None


def open_reader(directory: Path, manifest: dict[str, Any]) -> db.Reader:
    """A reader of the store's database, checked against the manifest."""
    return _checked_reader(directory, manifest)[0]


def _checked_reader(directory: Path, manifest: dict[str, Any]) -> tuple[db.Reader, dict[str, Any]]:
    """A reader of the store's database and the manifest that goes with what it reads:
    ``manifest``, or the one an in-place build is about to rename over it, when the reader
    started on the snapshot that build committed (``kg.store.commit``)."""
    path = directory / db.DB_NAME
    try:
        reader = db.Reader(path)
        key = reader.meta("graph_key")
        if key != manifest.get("graph_key"):
            pending = commit.pending_manifest(directory, reader)
            if pending is None:  # renamed between our two reads: read it again
                pending = _read_manifest(directory)
            if key == pending.get("graph_key"):
                return reader, pending
            reader.close()
            raise StoreError(f"{db.DB_NAME} does not match the manifest (corrupt or edited by hand)",
                             where=str(path), hint=_REBUILD_HINT)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read {db.DB_NAME}: {exc}", where=str(path), hint=_REBUILD_HINT) from None
    return reader, manifest


def _read_manifest(directory: Path) -> dict[str, Any]:
    if not directory.exists():
        raise StoreError(f"no graph store at {directory}",
                         hint="build one with `paperkg build INPUT... -o DIR`")
    if not directory.is_dir():
        raise StoreError(f"{directory} is not a directory", hint="pass a graph store directory")
    path = directory / "manifest.json"
    if not path.is_file():
        raise StoreError(f"{directory} is not a paperkg graph store (no manifest.json)",
                         hint="pass the directory `paperkg build` wrote, or build one there")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"manifest is unreadable: {exc}", where=str(path), hint=_REBUILD_HINT) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise StoreError("manifest is not a paperkg store manifest", where=str(path), hint=_REBUILD_HINT)
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise StoreError(f"store format {version!r} is not supported (this paperkg reads "
                         f"format {FORMAT_VERSION})", where=str(path),
                         hint=f"upgrade paperkg, or {_REBUILD_HINT}")
    for key in ("files", "counts") + (("papers",) if version == 1 else ()):
        if not isinstance(manifest.get(key), dict):
            raise StoreError(f"manifest has no {key!r} table", where=str(path), hint=_REBUILD_HINT)
    return manifest


def _read_verified(directory: Path, manifest: dict[str, Any], name: str) -> str:
    path = directory / name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"cannot read {name}: {exc.strerror}", where=str(path), hint=_REBUILD_HINT) from None
    if hashlib.sha256(data).hexdigest() != manifest["files"].get(name):
        raise StoreError(f"{name} does not match the manifest (corrupt or edited by hand)",
                         where=str(path), hint=_REBUILD_HINT)
    return data.decode("utf-8")


def _read_extractions(directory: Path, manifest: dict[str, Any] | None = None) -> list[Extraction]:
    manifest = manifest if manifest is not None else _read_manifest(directory)
    return _parse_extractions(directory, _read_verified(directory, manifest, "extractions.jsonl"))


def _parse_extractions(directory: Path, text: str) -> list[Extraction]:
    out = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        try:
            out.append(Extraction.from_dict(json.loads(line)))
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"bad extraction record: {exc}",
                             where=f"{directory / 'extractions.jsonl'}:{line_no}", hint=_REBUILD_HINT) from None
    return out


def tidy(directory: str | Path) -> bool:
    """Undo what a dead build left beside the store (an interrupted swap, staging and
    backup directories), if no build is running now. Returns whether it could check."""
    directory = Path(directory)
    if not leftovers(directory) and not (directory / commit.NEXT).exists():
        return True
    with try_lock(directory, "cleanup") as free:
        if free:
            recover_dir(directory)
            remove_leftovers(directory)
            if directory.is_dir():
                commit.settle(directory)
        return free


def _dir_id(directory: Path) -> tuple[int, int] | None:
    try:
        info = directory.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


SNAPSHOT_TRIES = 50
SNAPSHOT_PAUSE = 0.1


def open_store(directory: str | Path) -> Store:
    """Open and verify a store directory; raises ``StoreError`` saying what to do when it is
    missing, not a store, from a newer paperkg, or corrupt.

    Never sees a half-swapped store: when a build swaps the directory while it is read
    (its identity changes, or it is missing with the build's backup beside it), the
    reading starts over."""
    directory = Path(directory)
    tidy(directory)
    for _ in range(SNAPSHOT_TRIES):
        before = _dir_id(directory)
        try:
            store = _open_once(directory)
        except StoreError:
            if before is not None and _dir_id(directory) == before:
                raise
            if before is None and not any(p.name == f".{directory.name}.old" for p in leftovers(directory)):
                raise  # missing, and not in the middle of a swap
            time.sleep(SNAPSHOT_PAUSE)  # swapped (or being swapped) under us: read again
            continue
        if _dir_id(directory) == before:
            return store
    raise StoreError("the store kept changing while it was read", where=str(directory),
                     hint="try again when the running build has finished")


def _open_once(directory: Path) -> Store:
    manifest = _read_manifest(directory)
    if manifest["format_version"] < FORMAT_VERSION:
        with try_lock(directory, "migration") as free:
            if not free:
                raise StoreError(f"the store is in format {manifest['format_version']} and cannot be "
                                 "migrated now (a build holds it, or it is read-only)", where=str(directory),
                                 hint="try again when the build has finished, or make DIR writable")
            migrate(directory)
        manifest = _read_manifest(directory)
    reader, manifest = _checked_reader(directory, manifest)
    return Store(directory, manifest, reader)


def migrate(directory: str | Path) -> bool:
    """Convert a store of an older format (1: ``extractions.jsonl``, ``graph.json``,
    ``merges.jsonl``; 2: ``graph.sqlite`` without the resolution tables) in ``directory`` to
    the current format, atomically: its stored papers are built again into a new database
    (the graph is what this paperkg's resolver makes of them). The caller holds the store's
    lock. Returns whether anything was converted."""
    directory = Path(directory)
    manifest = _read_manifest(directory)
    if manifest["format_version"] >= FORMAT_VERSION:
        return False
    _build((), directory, rebuild=False, inputs={})
    return True


def _combine(old: Extraction | None, new: Extraction) -> Extraction:
    if old is None:
        return new
    sources = tuple(sorted(set(old.paper.sources) | set(new.paper.sources),
                           key=lambda s: (s.file, s.line, s.format)))
    return replace(new, paper=replace(new.paper, sources=sources))


def _source(directory: Path, rebuild: bool) -> tuple[Path | None, Iterator[tuple[str, Extraction]] | None]:
    """What a build starts from: the current-format database to copy (verified against the
    manifest), or the records of an older-format store to build again, or nothing."""
    recover_dir(directory)  # the caller holds the lock: a missing store with a backup is a dead build's
    if directory.is_dir():
        commit.settle(directory)  # and so is an in-place build's manifest marker
    if not directory.exists() or (directory.is_dir() and not any(directory.iterdir())):
        return None, None
    if directory.is_dir() and not (directory / "manifest.json").exists():
        raise StoreError(f"{directory} exists and is not a paperkg graph store (no manifest.json)",
                         hint="choose a new or empty directory; paperkg will not overwrite it")
    if rebuild:
        return None, None
    manifest = _read_manifest(directory)
    if manifest["format_version"] == 1:
        for name in LEGACY_FILES[1:]:  # derived files: not read, but a damaged store is not migrated
            path = directory / name
            if not path.is_file() or _file_sha256(path) != manifest["files"].get(name):
                raise StoreError(f"{name} does not match the manifest (corrupt or edited by hand)",
                                 where=str(path), hint=_REBUILD_HINT)
        return None, ((content_hash(e), e) for e in _read_extractions(directory, manifest))
    reader = open_reader(directory, manifest)
    if manifest["format_version"] < FORMAT_VERSION:
        def legacy() -> Iterator[tuple[str, Extraction]]:
            try:
                yield from _records(reader)
            finally:
                reader.close()
        return None, legacy()
    reader.close()
    return directory / db.DB_NAME, None


def graph_key(directory: str | Path) -> str | None:
    """What identifies the stored graph (None if unreadable): caches stamp themselves with
    it to know whether they are stale."""
    try:
        manifest = json.loads((Path(directory) / "manifest.json").read_text("utf-8"))
        key = manifest["graph_key"] if manifest.get("format_version", 1) >= 2 else manifest["files"]["graph.json"]
        return str(key)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _intact(directory: Path) -> bool:
    """The store is in the current format and its database matches the manifest."""
    try:
        manifest = _read_manifest(directory)
        if manifest["format_version"] < FORMAT_VERSION:
            return False
        open_reader(directory, manifest).close()
    except StoreError:
        return False
    return True


def build(extractions: Iterable[Extraction], directory: str | Path, *,
          rebuild: bool = False, wait: float = 0.0,
          inputs: dict[str, str] | None = None, corpus_names: bool | None = None,
          min_confidence: float = 0.0) -> BuildReport:
    """Add ``extractions`` to the store in ``directory`` (created if needed; ``rebuild``
    discards what is stored) and rebuild its graph, atomically: an existing store's database
    is updated in place in one transaction committed with its manifest (``kg.store.commit``),
    a new one (or a rebuild) is written beside it and swapped in.

    Only the stored extractions are read (and verified): ``graph.json`` and
    ``merges.jsonl`` are derived from them and rewritten, so a damaged derived file is
    repaired by any build. Raises ``StoreError`` when ``directory`` holds something else
    or its extractions are damaged. The embedded query stores are not made here: they are
    caches made on first query (:mod:`kg.store.cache`). The store's lock is held throughout: another
    writer is waited for up to ``wait`` seconds, then ``StoreLockedError`` names it.
    ``inputs`` (source name -> sha256 of its content, as read) is kept in the manifest, so
    a later build names a file with the same content as this one did. ``corpus_names``
    (None: as the store was built; a new store: on) gives every paper the names other stored
    papers evidence (:mod:`kg.store.learned`), those below ``min_confidence`` left out."""
    with write_lock(directory, wait=wait):
        return _build(extractions, Path(directory), rebuild=rebuild,
                      inputs={} if inputs is None else inputs,  # filled while the extractions are read
                      corpus_names=corpus_names, min_confidence=min_confidence)


def stored_inputs(directory: str | Path) -> dict[str, str]:
    """The manifest's ``inputs`` table: source name -> sha256 of the content last read under it."""
    try:
        manifest = json.loads((Path(directory) / "manifest.json").read_text("utf-8"))
        table = manifest.get("inputs", {})
    except (OSError, ValueError, AttributeError):
        return {}
    return {str(k): str(v) for k, v in table.items()} if isinstance(table, dict) else {}


class _Unchanged(Exception):
    """Raised inside the staging block to leave the store exactly as it was."""


def _build(extractions: Iterable[Extraction], directory: Path, *, rebuild: bool,
           inputs: dict[str, str], corpus_names: bool | None = None, min_confidence: float = 0.0) -> BuildReport:
    start = time.perf_counter()
    old_db, legacy = _source(directory, rebuild)
    outcome = {"added": 0, "updated": 0, "sources_added": 0, "unchanged": 0}
    in_place = None if old_db is None else commit.open_writer(old_db)
    try:
        if in_place is not None:
            outcome, counts = _build_in_place(in_place, extractions, directory, inputs, corpus_names, min_confidence)
        else:
            outcome, counts = _build_staged(old_db, legacy, extractions, directory, rebuild=rebuild, inputs=inputs,
                                            corpus_names=corpus_names, min_confidence=min_confidence)
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise StoreError(f"cannot write the store: {reason}", where=str(directory),
                         hint="check the path and free space; the previous store is unchanged") from None
    return BuildReport(directory=str(directory), papers=int(counts.get("papers", 0)), **outcome,
                       nodes=counts.get("nodes", 0), edges=counts.get("edges", 0),
                       merges=counts.get("merges", 0), rebuilt=rebuild,
                       seconds=round(time.perf_counter() - start, 3))


def _build_in_place(conn: sqlite3.Connection, extractions: Iterable[Extraction], directory: Path,
                    inputs: dict[str, str], corpus_names: bool | None,
                    min_confidence: float) -> tuple[dict[str, int], dict[str, Any]]:
    """Add ``extractions`` to the store's own database in one transaction, committed with
    its manifest by ``kg.store.commit`` (no copy of the file, no hash of its bytes)."""
    from kg.store.engine import Engine

    try:
        engine = Engine(conn)
        outcome = _put_all(engine, extractions)
        _learn(engine, corpus_names, min_confidence)
        if not engine.changed():
            conn.rollback()  # nothing new: the store (and its query caches) stay as they are
            return outcome, _read_manifest(directory).get("counts", {})
        engine.refresh()
        counts = engine.counts()
        key = json.loads(conn.execute("SELECT value FROM meta WHERE key = 'graph_key'").fetchone()[0])
        commit.commit(conn, directory, _manifest_text(counts, key, {**stored_inputs(directory), **inputs}))
    finally:
        if conn.in_transaction:
            conn.rollback()
        conn.close()
    return outcome, counts


def _build_staged(old_db: Path | None, legacy: Iterator[tuple[str, Extraction]] | None,
                  extractions: Iterable[Extraction], directory: Path, *, rebuild: bool,
                  inputs: dict[str, str], corpus_names: bool | None = None,
                  min_confidence: float = 0.0) -> tuple[dict[str, int], dict[str, Any]]:
    """Build into a new database in a staging directory swapped in whole: a first build, a
    rebuild, a migration, or (``old_db``: a copy of the store's database) an addition to a
    store whose file cannot be updated in place now."""
    outcome = {"added": 0, "updated": 0, "sources_added": 0, "unchanged": 0}
    try:
        with staged_dir(directory) as staged:
            work = staged / db.DB_NAME  # updated in place: one copy, no rewrite (docs/decisions.md)
            if old_db is not None:
                shutil.copyfile(old_db, work)
                conn = db.connect(work, read_only=False)
            else:
                conn = db.create(work)
            try:
                from kg.store.engine import Engine

                engine = Engine(conn)
                for digest, record in legacy or ():
                    engine.put(record.paper.id, digest, _dumps(record.to_dict()))
                outcome = _put_all(engine, extractions)
                _learn(engine, learned.DEFAULT if corpus_names is None and old_db is None else corpus_names,
                       min_confidence)  # a new store: the default (an existing one keeps its setting)
                if old_db is not None and not engine.changed():
                    raise _Unchanged  # nothing new: the store (and its query caches) stay as they are
                engine.refresh()
                counts = engine.counts()
                key = engine.conn.execute("SELECT value FROM meta WHERE key = 'graph_key'").fetchone()[0]
                conn.commit()
                # later builds update the file in place, readers never waiting (kg.store.commit)
                conn.execute("PRAGMA journal_mode=WAL")
            finally:
                conn.close()
            known = {} if rebuild else stored_inputs(directory)
            atomic_write(staged / "manifest.json", _manifest_text(counts, json.loads(key), {**known, **inputs}))
    except _Unchanged:
        counts = _read_manifest(directory).get("counts", {})
    return outcome, counts


def _learn(engine: Engine, corpus_names: bool | None, min_confidence: float) -> None:
    """Give the papers this build touched (and the stored papers that mention a name whose
    evidence changed) the names other stored papers evidence (:mod:`kg.store.learned`;
    ``corpus_names`` None: as the store was built)."""
    conn = engine.conn
    learned.update(conn, [p for (p,) in conn.execute("SELECT paper FROM temp.dirty")],
                   lambda pid, ext: engine.put(pid, content_hash(ext), _dumps(ext.to_dict())),
                   corpus_names, min_confidence)


def _put_all(engine: Engine, extractions: Iterable[Extraction]) -> dict[str, int]:
    """Put each record into the store, merged with the stored one by paper id (same content:
    sources unioned; different content: the newer record replaces it, sources unioned);
    returns the input papers by outcome."""
    conn = engine.conn
    conn.execute("CREATE TEMP TABLE seen(id TEXT PRIMARY KEY, hash TEXT, record TEXT) WITHOUT ROWID")
    for ext in extractions:
        ext = canonical(ext)
        pid = ext.paper.id
        old = engine.paper(pid)
        conn.execute("INSERT OR IGNORE INTO temp.seen VALUES (?, ?, ?)", (pid, *(old or (None, None))))
        stored = None if old is None else Extraction.from_dict(json.loads(old[1]))
        data = _combine(stored, ext).to_dict()
        record = _dumps(data)
        data["paper"].pop("sources", None)
        engine.put(pid, hashlib.sha256(_dumps(data).encode("utf-8")).hexdigest(), record)
    outcome = {"added": 0, "updated": 0, "sources_added": 0, "unchanged": 0}
    outcome["added"] = int(conn.execute("SELECT count(*) FROM temp.seen WHERE hash IS NULL").fetchone()[0])
    for before_hash, before, after_hash, after in conn.execute(
            "SELECT s.hash, s.record, p.hash, p.record FROM temp.seen s JOIN papers p ON p.id = s.id "
            "WHERE s.hash IS NOT NULL").fetchall():
        outcome["updated" if before_hash != after_hash else "unchanged" if before == after
                else "sources_added"] += 1
    return outcome


def _manifest_text(counts: dict[str, int], key: str, inputs: dict[str, str]) -> str:
    """The manifest of a format 3 store. Its database is named by the ``graph_key`` kept in
    it (the sum of its node and edge row digests, with the graph's attributes), not by the
    sha256 of its bytes: builds update the file in place (docs/decisions.md, issue 14);
    ``paperkg doctor`` checks the rows against that key."""
    manifest: dict[str, Any] = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "paperkg_version": paperkg_version(),
        "counts": counts, "graph_key": key, "files": {},
    }
    if inputs:
        manifest["inputs"] = dict(sorted(inputs.items()))
    return _dumps(manifest, indent=1) + "\n"


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_json(store_or_graph: Store | nx.MultiDiGraph, path: str | Path) -> None:
    """Write the graph as node-link JSON (``edges="edges"``), every node with ``id``,
    ``type``, ``name`` and ``aliases``, atomically. From a ``Store`` the rows are streamed
    from its database (the graph is never loaded); the bytes are the same either way."""
    try:
        with atomic_file(path) as out:
            if isinstance(store_or_graph, Store) and store_or_graph._graph is None:
                _write_node_link(out, store_or_graph.db.meta("graph", {}), store_or_graph.db.node_rows(),
                                 store_or_graph.db.edge_rows())
            else:
                graph = graph_of(store_or_graph)
                _write_node_link(out, graph.graph, graph.nodes(data=True), graph.edges(keys=True, data=True))
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror}", hint="check the path") from None


def _write_node_link(out: IO[str], attrs: dict[str, Any], nodes: Iterable[tuple[str, dict[str, Any]]],
                     edges: Iterable[tuple[str, str, str, dict[str, Any]]]) -> None:
    """``json.dumps(nx.node_link_data(graph, edges="edges"), indent=2, sort_keys=True)``
    written one node and one edge at a time."""

    def items(rows: Iterable[dict[str, Any]]) -> None:
        empty = True
        for row in rows:
            text = _dumps(row, indent=2).replace("\n", "\n    ")
            out.write(("[\n    " if empty else ",\n    ") + text)
            empty = False
        out.write("[]" if empty else "\n  ]")

    def node_items() -> Iterator[dict[str, Any]]:
        for node, data in nodes:
            item = {**data, "id": node}
            item.setdefault("type", "")
            item.setdefault("name", str(node))
            item.setdefault("aliases", [])
            yield item

    out.write('{\n  "directed": true,\n  "edges": ')
    items({**data, "source": u, "target": v, "key": k} for u, v, k, data in edges)
    out.write(',\n  "graph": ' + _dumps(attrs, indent=2).replace("\n", "\n  "))
    out.write(',\n  "multigraph": true,\n  "nodes": ')
    items(node_items())
    out.write("\n}\n")
