"""The store's database: one SQLite file, ``graph.sqlite``, holding the whole persisted graph.

Why SQLite: it ships with Python (no server, no new dependency), is transactional, reads
through indices without loading anything else, and one file is easy to stage and swap
atomically with the rest of the store directory (docs/decisions.md, issue 14).

Tables (``SCHEMA``):

    meta     key -> JSON value: the graph's attributes, its ``stats`` (counters computed
             when the graph was built), its ``graph_key``
    papers   one row per paper: id, content hash, the ``Extraction`` record as JSON (the
             paper, its mentions with their evidence, its links): the only copy of the text
    nodes    one row per graph node in graph order: id, type, attributes as JSON
    edges    one row per graph edge in graph order: source, target, relation type, attributes
    names    normalized name keys of every entity (names, aliases, long forms, urls) -> node:
             the lookups ``paperkg show`` needs
    merges   the resolver's audited ``Merge`` records, in order

Rows go in through :class:`Writer` in bounded batches (``executemany``) inside one
transaction, indices are created after the load; the file is written in a staging
directory, so a crash never leaves a half-written store in place.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx

DB_NAME = "graph.sqlite"
BATCH = 2000
SCHEMA = (
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE papers(id TEXT PRIMARY KEY, hash TEXT NOT NULL, record TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE nodes(seq INTEGER PRIMARY KEY, id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL)",
    "CREATE TABLE edges(seq INTEGER PRIMARY KEY, source TEXT NOT NULL, target TEXT NOT NULL, "
    "key TEXT NOT NULL, data TEXT NOT NULL)",
    "CREATE TABLE names(key TEXT NOT NULL, node TEXT NOT NULL)",
    "CREATE TABLE merges(seq INTEGER PRIMARY KEY, record TEXT NOT NULL)",
)
INDICES = (
    "CREATE UNIQUE INDEX nodes_id ON nodes(id)",
    "CREATE INDEX nodes_type ON nodes(type)",
    "CREATE INDEX edges_source ON edges(source, key)",
    "CREATE INDEX edges_target ON edges(target, key)",
    "CREATE INDEX names_key ON names(key)",
)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def connect(path: Path, *, read_only: bool = True) -> sqlite3.Connection:
    """A connection to the database file ``path`` (read-only unless asked otherwise)."""
    uri = f"{path.resolve().as_uri()}?mode={'ro' if read_only else 'rwc'}"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=not read_only)  # reads may come from any thread
    if not read_only:
        # the file is written in a staging directory and swapped in whole (fsynced first),
        # so neither a journal nor per-transaction syncs buy anything here
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
    return conn


def _batched(rows: Iterable[tuple[Any, ...]], size: int = BATCH) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _fetched(cursor: sqlite3.Cursor, size: int = BATCH) -> Iterator[Any]:
    """The rows of ``cursor``, read ``size`` at a time."""
    while True:
        rows = cursor.fetchmany(size)
        if not rows:
            return
        yield from rows


class Writer:
    """Creates a new database file and fills it in batches; ``close()`` adds the indices,
    commits and syncs it. ``graph_key`` is the sha256 of the graph's rows as written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = connect(path, read_only=False)
        for statement in SCHEMA:
            self.conn.execute(statement)
        self._digest = hashlib.sha256()

    def papers(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """``(id, content hash, record JSON)`` rows, in any order."""
        for batch in _batched(rows):
            self.conn.executemany("INSERT INTO papers VALUES (?, ?, ?)", batch)

    def graph(self, graph: nx.MultiDiGraph, name_keys: Any) -> None:
        """The nodes and edges of ``graph`` in its own order, and the name keys of its
        entities (``name_keys(node, data)`` -> keys)."""
        digest = self._digest
        for key, value in sorted(graph.graph.items()):
            digest.update(dumps([key, value]).encode("utf-8"))
        self.meta("graph", dict(graph.graph))

        def nodes() -> Iterator[tuple[str, str, str]]:
            for node, data in graph.nodes(data=True):
                text = dumps({k: v for k, v in data.items() if k != "id"})
                digest.update(dumps(node).encode("utf-8") + text.encode("utf-8"))
                yield node, str(data.get("type", "")), text

        def edges() -> Iterator[tuple[str, str, str, str]]:
            for u, v, k, data in graph.edges(keys=True, data=True):
                text = dumps(data)
                digest.update(dumps([u, v, k]).encode("utf-8") + text.encode("utf-8"))
                yield u, v, k, text

        for nbatch in _batched(nodes()):
            self.conn.executemany("INSERT INTO nodes(id, type, data) VALUES (?, ?, ?)", nbatch)
        for ebatch in _batched(edges()):
            self.conn.executemany("INSERT INTO edges(source, target, key, data) VALUES (?, ?, ?, ?)", ebatch)
        names = ((key, node) for node, data in graph.nodes(data=True) for key in sorted(name_keys(node, data)))
        for kbatch in _batched(names):
            self.conn.executemany("INSERT INTO names VALUES (?, ?)", kbatch)

    def merges(self, records: Iterable[dict[str, Any]]) -> None:
        for batch in _batched((dumps(r),) for r in records):
            self.conn.executemany("INSERT INTO merges(record) VALUES (?)", batch)

    def meta(self, key: str, value: Any) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, dumps(value)))

    @property
    def graph_key(self) -> str:
        return self._digest.hexdigest()

    def close(self) -> None:
        for statement in INDICES:
            self.conn.execute(statement)
        self.meta("graph_key", self.graph_key)
        self.conn.commit()
        self.conn.close()
        with open(self.path, "rb+") as handle:
            import os

            os.fsync(handle.fileno())

    def abort(self) -> None:
        self.conn.close()


class Reader:
    """Read access to a database file through its indices."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = connect(path)

    def meta(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def count(self, table: str) -> int:
        if table not in ("papers", "nodes", "edges", "merges"):
            raise ValueError(f"no table {table!r}")
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def papers(self) -> Iterator[tuple[str, str, str]]:
        """``(id, hash, record JSON)`` by paper id, streamed."""
        yield from self.conn.execute("SELECT id, hash, record FROM papers ORDER BY id")

    def paper(self, paper_id: str) -> str | None:
        """The record JSON of one paper, or None."""
        row = self.conn.execute("SELECT record FROM papers WHERE id = ?", (paper_id,)).fetchone()
        return None if row is None else str(row[0])

    def merges(self) -> Iterator[dict[str, Any]]:
        for (record,) in self.conn.execute("SELECT record FROM merges ORDER BY seq"):
            yield json.loads(record)

    def graph(self) -> nx.MultiDiGraph:
        """The whole graph, in its original order (the caller checks it fits)."""
        graph = nx.MultiDiGraph(**self.meta("graph", {}))
        graph.add_nodes_from(self.node_rows())
        graph.add_edges_from(self.edge_rows())
        return graph

    def node_rows(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(id, attributes)`` of every node in graph order, streamed."""
        for node, data in self.conn.execute("SELECT id, data FROM nodes ORDER BY seq"):
            yield node, {**json.loads(data), "id": node}

    def edge_rows(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """``(source, target, key, attributes)`` of every edge in graph order, streamed."""
        for u, v, k, data in self.conn.execute("SELECT source, target, key, data FROM edges ORDER BY seq"):
            yield u, v, k, json.loads(data)

    def node_rows_of_type(self, node_type: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(id, attributes)`` of the nodes of ``node_type`` in graph order, streamed (the
        ``type`` index holds them in ``seq`` order: no sort)."""
        cursor = self.conn.execute("SELECT id, data FROM nodes WHERE type = ? ORDER BY seq", (node_type,))
        for node, data in _fetched(cursor):
            yield node, {**json.loads(data), "id": node}

    def typed_edge_rows(self, key: str) -> Iterator[tuple[str, str, dict[str, Any], str | None, str | None]]:
        """``(source, target, attributes, source type, target type)`` of the edges of relation
        type ``key`` in graph order, streamed (the endpoint types joined by the id index)."""
        cursor = self.conn.execute(
            "SELECT e.source, e.target, e.data, s.type, t.type FROM edges e LEFT JOIN nodes s ON s.id = e.source "
            "LEFT JOIN nodes t ON t.id = e.target WHERE e.key = ? ORDER BY e.seq", (key,))
        for u, v, data, u_type, v_type in _fetched(cursor):
            yield u, v, json.loads(data), u_type, v_type

    def node_data(self, node: str) -> dict[str, Any] | None:
        """The attributes of one node (by the id index), or None."""
        row = self.conn.execute("SELECT data FROM nodes WHERE id = ?", (node,)).fetchone()
        return None if row is None else {**json.loads(row[0]), "id": node}

    def node_type(self, node: str) -> str | None:
        """The type of one node (by the id index; its attributes are not parsed), or None."""
        row = self.conn.execute("SELECT type FROM nodes WHERE id = ?", (node,)).fetchone()
        return None if row is None else str(row[0])

    def out_edges(self, node: str) -> list[tuple[str, str]]:
        """``(target, key)`` of the edges leaving ``node``, in graph order (by the source index)."""
        return self.conn.execute("SELECT target, key FROM edges WHERE source = ? ORDER BY seq", (node,)).fetchall()

    def in_edges(self, node: str) -> list[tuple[str, str]]:
        """``(source, key)`` of the edges entering ``node``, in graph order (by the target index)."""
        return self.conn.execute("SELECT source, key FROM edges WHERE target = ? ORDER BY seq", (node,)).fetchall()

    def _edges(self, graph: nx.MultiDiGraph, rows: Iterable[tuple[str, str, str, str]]) -> None:
        for u, v, k, data in rows:
            graph.add_edge(u, v, key=k, **json.loads(data))

    def nodes_named(self, keys: Iterable[str]) -> list[str]:
        found: set[str] = set()
        for key in keys:
            found.update(n for (n,) in self.conn.execute("SELECT node FROM names WHERE key = ?", (key,)))
        return sorted(found)

    def has_node(self, node: str) -> bool:
        return self.conn.execute("SELECT 1 FROM nodes WHERE id = ?", (node,)).fetchone() is not None

    def neighbourhood(self, nodes: Iterable[str]) -> nx.MultiDiGraph:
        """``nodes``, every node one edge away and the edges between them and ``nodes``;
        plus, for papers proposing or introducing one of ``nodes``, their code links
        (what :func:`kg.graph.build.describe` reads)."""
        graph = nx.MultiDiGraph(**self.meta("graph", {}))
        centre = sorted(set(nodes))
        rows: dict[int, tuple[str, str, str, str]] = {}
        for node in centre:
            for seq, *row in self.conn.execute(
                    "SELECT seq, source, target, key, data FROM edges WHERE source = ? OR target = ?", (node, node)):
                rows[seq] = tuple(row)  # type: ignore[assignment]
        proposers = {u for u, v, k, _ in rows.values() if v in centre and k in ("PROPOSES", "INTRODUCES")}
        for paper in sorted(proposers):
            for seq, *row in self.conn.execute(
                    "SELECT seq, source, target, key, data FROM edges WHERE source = ? AND key = 'HAS_CODE'", (paper,)):
                rows[seq] = tuple(row)  # type: ignore[assignment]
        wanted = set(centre) | {r[0] for r in rows.values()} | {r[1] for r in rows.values()}
        for node in sorted(wanted):
            row = self.conn.execute("SELECT data FROM nodes WHERE id = ?", (node,)).fetchone()
            if row is not None:
                graph.add_node(node, **json.loads(row[0]), id=node)
        self._edges(graph, (rows[seq] for seq in sorted(rows)))
        return graph

    def close(self) -> None:
        self.conn.close()
