"""The store's database: one SQLite file, ``graph.sqlite``, holding the whole persisted graph.

Why SQLite: it ships with Python (no server, no new dependency), is transactional, reads
through indices without loading anything else, and one file is easy to stage and swap
atomically with the rest of the store directory (docs/decisions.md, issue 14).

Tables (``SCHEMA``, format 3; every table keyed by its content, so the file written by
:func:`canonical_copy` is a function of the rows alone):

    meta      key -> JSON value: the graph's attributes, its ``stats`` (counters), its
              ``graph_key`` and ``digest`` (the sum of the node and edge row hashes)
    papers    one row per paper: id, content hash, the ``Extraction`` record as JSON (the
              paper, its mentions with their evidence, its links): the only copy of the text
    occ       one row per resolvable mention (paper, index): what the resolver reads of it,
              its component (``comp``), base component, ambiguity flag and resolved node
    okeys     candidate identity keys -> mentions (``kg.resolve.resolver.candidate_keys``)
    attested  (type, normalized surface) -> number of mentions saying it (plural folding)
    entities  resolved entity node -> its component and attributes
    contrib   one paper's contribution to one edge (source, target, relation, paper)
    nodes     graph nodes in graph order (rank, id): type, name, paper count, attributes
    edges     graph edges in graph order (source rank, source, target, relation): attributes
    names     normalized name keys of every entity (names, aliases, long forms, urls) -> node:
              the lookups ``paperkg show`` needs
    merges    the resolver's audited ``Merge`` records, in (kept, strategy, merged) order

A first build (or a rebuild, or a migration) creates the file in a staging directory,
swapped in whole; a build into an existing store updates it in place in one transaction
(``kg.store.commit``; ``kg.store.engine`` reads and writes in bounded batches), so a crash
never leaves a half-written store. The file's bytes depend on the history of builds;
:func:`canonical_copy` writes the form that depends only on the rows.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # networkx loads when a graph is made, not to read counters
    import networkx as nx

DB_NAME = "graph.sqlite"
BATCH = 2000
SCHEMA = (
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE papers(id TEXT PRIMARY KEY, hash TEXT NOT NULL, record TEXT NOT NULL) WITHOUT ROWID",
    # resolution: one row per resolvable mention, its candidate keys, the corpus' attested surfaces
    "CREATE TABLE occ(paper TEXT NOT NULL, idx INTEGER NOT NULL, data TEXT NOT NULL, comp TEXT, "
    "base_paper TEXT, base_idx INTEGER, ambiguous INTEGER NOT NULL DEFAULT 0, node TEXT, "
    "PRIMARY KEY(paper, idx)) WITHOUT ROWID",
    "CREATE TABLE okeys(key TEXT NOT NULL, paper TEXT NOT NULL, idx INTEGER NOT NULL, "
    "PRIMARY KEY(key, paper, idx)) WITHOUT ROWID",
    "CREATE TABLE attested(type TEXT NOT NULL, norm TEXT NOT NULL, n INTEGER NOT NULL, "
    "PRIMARY KEY(type, norm)) WITHOUT ROWID",
    "CREATE TABLE entities(node TEXT PRIMARY KEY, comp TEXT NOT NULL, data TEXT NOT NULL) WITHOUT ROWID",
    # the graph: per-paper contributions to each edge, the edges, the nodes, their names, the merges
    "CREATE TABLE contrib(source TEXT NOT NULL, target TEXT NOT NULL, key TEXT NOT NULL, paper TEXT NOT NULL, "
    "data TEXT NOT NULL, PRIMARY KEY(source, target, key, paper)) WITHOUT ROWID",
    "CREATE TABLE nodes(rank INTEGER NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, name TEXT NOT NULL, "
    "count INTEGER NOT NULL, data TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY(rank, id)) WITHOUT ROWID",
    "CREATE TABLE edges(rank INTEGER NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL, key TEXT NOT NULL, "
    "data TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY(rank, source, target, key)) WITHOUT ROWID",
    "CREATE TABLE names(key TEXT NOT NULL, node TEXT NOT NULL, PRIMARY KEY(key, node)) WITHOUT ROWID",
    "CREATE TABLE merges(kept TEXT NOT NULL, strategy TEXT NOT NULL, merged TEXT NOT NULL, papers TEXT NOT NULL, "
    "reason TEXT NOT NULL, PRIMARY KEY(kept, strategy, merged, papers, reason)) WITHOUT ROWID",
)
TABLES = ("meta", "papers", "occ", "okeys", "attested", "entities", "contrib", "nodes", "edges", "names", "merges")
INDICES = (
    "CREATE INDEX occ_comp ON occ(comp)",
    "CREATE INDEX occ_node ON occ(node)",
    "CREATE INDEX okeys_occ ON okeys(paper, idx)",
    "CREATE INDEX entities_comp ON entities(comp)",
    "CREATE INDEX contrib_paper ON contrib(paper)",
    "CREATE INDEX contrib_target ON contrib(target, paper)",
    "CREATE UNIQUE INDEX nodes_id ON nodes(id)",
    "CREATE INDEX nodes_type ON nodes(type, count)",
    "CREATE INDEX edges_source ON edges(source, key)",
    "CREATE INDEX edges_target ON edges(target, key)",
    "CREATE INDEX names_node ON names(node)",
    "CREATE INDEX merges_kept ON merges(kept)",
)


def rank(node: str) -> int:
    """The order rank of a node id (papers 0, entities 1, repositories 2): nodes are kept in
    ``kg.graph.build`` order (papers, entities, repositories, each by id), edges in the order
    networkx lists them (by their source's rank and id, then target, relation)."""
    return 0 if node.startswith("paper:") else 2 if node.startswith("repo:") else 1


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def connect(path: Path, *, read_only: bool = True, journal: bool = False) -> sqlite3.Connection:
    """A connection to the database file ``path`` (read-only unless asked otherwise).
    A writer without ``journal`` writes a file in a staging directory, swapped in whole
    (fsynced first), so neither a journal nor per-transaction syncs buy anything there; with
    ``journal`` it updates the store's own file (``kg.store.commit`` sets its journal)."""
    uri = f"{path.resolve().as_uri()}?mode={'ro' if read_only else 'rwc'}"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=not read_only)  # reads may come from any thread
    if not read_only:
        if not journal:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-65536")  # 64 MiB of pages
        conn.execute("PRAGMA temp_store=FILE")
    return conn


def batched(rows: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def create(path: Path) -> sqlite3.Connection:
    """A new, empty working database with every table and index."""
    conn = connect(path, read_only=False)
    for statement in SCHEMA + INDICES:
        conn.execute(statement)
    return conn


def _fetched(cursor: sqlite3.Cursor, size: int = BATCH) -> Iterator[Any]:
    """The rows of ``cursor``, read ``size`` at a time."""
    while True:
        rows = cursor.fetchmany(size)
        if not rows:
            return
        yield from rows


def row_hash(*parts: str) -> str:
    """The digest of one node or edge row; the graph's key sums them (order-free, so a build
    that rewrites a few rows updates it without reading the others)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def canonical_copy(source: Path, path: Path) -> None:
    """Write the database ``source`` to ``path`` as a new file whose bytes depend only on
    its rows: the same schema created in one order, then each table and its indices filled
    in key order (``INSERT INTO t SELECT * FROM src.t`` copies the b-trees record by record,
    appending); then committed and synced. Builds update their file in place (its pages
    then depend on the history of builds); this is the form two stores are compared in
    ("A then B" equals "A + B" byte for byte), or a store compacted when asked."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    for statement in SCHEMA + INDICES:
        conn.execute(statement)
    conn.execute("ATTACH DATABASE ? AS src", (str(source),))
    for table in TABLES:
        conn.execute(f"INSERT INTO main.{table} SELECT * FROM src.{table}")
    conn.commit()
    conn.execute("DETACH DATABASE src")
    conn.close()
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


class Reader:
    """Read access to a database file through its indices."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = connect(path)
        # one read transaction for the reader's life: every read sees the snapshot of the
        # first one, whatever a build commits meanwhile (WAL mode: the build never waits)
        self.conn.execute("BEGIN")

    def generation(self) -> int:
        """How many in-place builds committed what this reader sees (``kg.store.commit``)."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def meta(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def count(self, table: str) -> int:
        if table not in TABLES:
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
        for kept, strategy, merged, papers, reason in self.conn.execute(
                "SELECT kept, strategy, merged, papers, reason FROM merges ORDER BY kept, strategy, merged, papers, reason"):
            yield {"kept": kept, "merged": merged, "strategy": strategy, "reason": reason, "papers": json.loads(papers)}

    def graph(self) -> nx.MultiDiGraph:
        """The whole graph, in its original order (the caller checks it fits)."""
        import networkx as nx

        graph = nx.MultiDiGraph(**self.meta("graph", {}))
        graph.add_nodes_from(self.node_rows())
        graph.add_edges_from(self.edge_rows())
        return graph

    def node_rows(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(id, attributes)`` of every node in graph order, streamed."""
        for node, data in self.conn.execute("SELECT id, data FROM nodes ORDER BY rank, id"):
            yield node, {**json.loads(data), "id": node}

    def edge_rows(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """``(source, target, key, attributes)`` of every edge in graph order, streamed."""
        for u, v, k, data in self.conn.execute("SELECT source, target, key, data FROM edges ORDER BY rank, source, target, key"):
            yield u, v, k, json.loads(data)

    def node_rows_of_type(self, node_type: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(id, attributes)`` of the nodes of ``node_type`` in graph order, streamed (the
        sorted into graph order)."""
        cursor = self.conn.execute("SELECT id, data FROM nodes WHERE type = ? ORDER BY rank, id", (node_type,))
        for node, data in _fetched(cursor):
            yield node, {**json.loads(data), "id": node}

    def typed_edge_rows(self, key: str) -> Iterator[tuple[str, str, dict[str, Any], str | None, str | None]]:
        """``(source, target, attributes, source type, target type)`` of the edges of relation
        type ``key`` in graph order, streamed (the endpoint types joined by the id index)."""
        cursor = self.conn.execute(
            "SELECT e.source, e.target, e.data, s.type, t.type FROM edges e LEFT JOIN nodes s ON s.id = e.source "
            "LEFT JOIN nodes t ON t.id = e.target WHERE e.key = ? ORDER BY e.rank, e.source, e.target, e.key", (key,))
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
        return self.conn.execute("SELECT target, key FROM edges WHERE source = ? ORDER BY rank, source, target, key", (node,)).fetchall()

    def in_edges(self, node: str) -> list[tuple[str, str]]:
        """``(source, key)`` of the edges entering ``node``, in graph order (by the target index)."""
        return self.conn.execute("SELECT source, key FROM edges WHERE target = ? ORDER BY rank, source, target, key", (node,)).fetchall()

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
        import networkx as nx

        graph = nx.MultiDiGraph(**self.meta("graph", {}))
        centre = sorted(set(nodes))
        rows: dict[tuple[str, str, str], tuple[str, str, str, str]] = {}
        for node in centre:
            for row in self.conn.execute(
                    "SELECT source, target, key, data FROM edges WHERE source = ? OR target = ?", (node, node)):
                rows[row[:3]] = row
        proposers = {u for u, v, k, _ in rows.values() if v in centre and k in ("PROPOSES", "INTRODUCES")}
        for paper in sorted(proposers):
            for row in self.conn.execute(
                    "SELECT source, target, key, data FROM edges WHERE source = ? AND key = 'HAS_CODE'", (paper,)):
                rows[row[:3]] = row
        wanted = set(centre) | {r[0] for r in rows.values()} | {r[1] for r in rows.values()}
        for node in sorted(wanted):
            row = self.conn.execute("SELECT data FROM nodes WHERE id = ?", (node,)).fetchone()
            if row is not None:
                graph.add_node(node, **json.loads(row[0]), id=node)
        self._edges(graph, (rows[key] for key in sorted(rows)))
        return graph

    def close(self) -> None:
        self.conn.close()
