"""The embedded Cypher store of a graph: a Ladybug database, a cache in ``DIR/cache/cypher/``.

Made on first use (:func:`ensure_database`, through :func:`kg.store.cache.ensure_cache`):
:func:`create_database` creates the schema first — one node table per label with ``PRIMARY KEY(id)``, one relationship
table per type, both generated from the whitelist in :mod:`kg.export.cypher.schema` — and then
bulk-loads every table with ``COPY <table> FROM $table`` from an Arrow table (not row by row:
Ladybug's ``UNWIND … MERGE`` is ~50x slower). Lists are ``STRING[]``/``INT64[]``; ``sources``
and ``ids`` are JSON strings, as in Neo4j.

The cache's stamp records the store it was made from and the sha256 of the schema DDL;
:func:`open_database` makes the database again when it is missing, stale or unreadable,
then opens it read-only.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pyarrow as pa

from kg.export.cypher.schema import LABELS, NODE_PROPS, REL_ENDPOINTS, REL_TYPES, Kind, node_rows, rel_props, rel_rows
from kg.store.cache import STAMP, cache_path, ensure_cache
from kg.store.cache import is_current as cache_is_current
from kg.store.core import open_store

CACHE_NAME = "cypher"
DB_NAME = "cypher.lbug"
_LADYBUG_TYPES: dict[Kind, str] = {"string": "STRING", "json": "STRING", "int": "INT64", "float": "DOUBLE",
                                   "string[]": "STRING[]", "int[]": "INT64[]"}
_ARROW_TYPES: dict[Kind, pa.DataType] = {"string": pa.string(), "json": pa.string(), "int": pa.int64(),
                                         "float": pa.float64(), "string[]": pa.list_(pa.string()),
                                         "int[]": pa.list_(pa.int64())}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _ident(name: str) -> str:
    # Identifiers come from the fixed schema whitelist; this guards against a bad edit there.
    if not _NAME.fullmatch(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return name


def schema_ddl(evidence: str = "full") -> list[str]:
    """``CREATE NODE TABLE`` / ``CREATE REL TABLE`` statements for the whole schema, with the
    relationship properties of the ``evidence`` level (the cache keeps ``full``)."""
    out = []
    for label in LABELS:
        cols = ", ".join(f"{_ident(p.name)} {_LADYBUG_TYPES[p.kind]}" for p in NODE_PROPS[label])
        out.append(f"CREATE NODE TABLE {_ident(label)}({cols}, PRIMARY KEY(id))")
    for rel in REL_TYPES:
        start, end = REL_ENDPOINTS[rel]
        cols = ", ".join(f"{_ident(p.name)} {_LADYBUG_TYPES[p.kind]}" for p in rel_props(evidence))
        out.append(f"CREATE REL TABLE {_ident(rel)}(FROM {_ident(start)} TO {_ident(end)}, {cols})")
    return out


def arrow_tables(graph: nx.MultiDiGraph, evidence: str = "full") -> dict[str, pa.Table]:
    """One Arrow table per label and relationship type, with the schema's column types
    (relationship tables start with the ``from`` and ``to`` keys)."""
    tables: dict[str, pa.Table] = {}
    for label in LABELS:
        props = NODE_PROPS[label]
        rows = list(node_rows(graph, label, with_hash=False))
        tables[label] = pa.table({p.name: pa.array([r[p.name] for r in rows], _ARROW_TYPES[p.kind])
                                  for p in props})
    for rel in REL_TYPES:
        rows = list(rel_rows(graph, rel, with_hash=False, evidence=evidence))
        columns = {"from": pa.array([r["start"] for r in rows], pa.string()),
                   "to": pa.array([r["end"] for r in rows], pa.string())}
        columns.update({p.name: pa.array([r[p.name] for r in rows], _ARROW_TYPES[p.kind])
                        for p in rel_props(evidence)})
        tables[rel] = pa.table(columns)
    return tables


def create_database(path: Path | str, graph: nx.MultiDiGraph, *, keep_open: bool = False,
                    evidence: str = "full") -> Any:
    """Create the Ladybug database ``path`` (which must not exist; ``":memory:"`` for one in
    memory) for ``graph``, relationships at the ``evidence`` level (the cache: ``full``);
    returns it open when ``keep_open``."""
    import ladybug

    db = ladybug.Database(str(path))
    try:
        conn = ladybug.Connection(db)
        try:
            conn.execute("BEGIN TRANSACTION")  # one commit instead of 30: ~3x faster
            for statement in schema_ddl(evidence):
                conn.execute(statement)
            for name, table in arrow_tables(graph, evidence).items():  # nodes before relationships
                if table.num_rows:
                    conn.execute(f"COPY {_ident(name)} FROM $rows", {"rows": table})
            conn.execute("COMMIT")
        finally:
            conn.close()
    except BaseException:
        db.close()
        raise
    if keep_open:
        return db
    db.close()
    return None


def _schema_sha256() -> str:
    return hashlib.sha256("\n".join(schema_ddl()).encode("utf-8")).hexdigest()


def cache_key() -> dict[str, str]:
    """What the cache depends on besides the store: the schema DDL."""
    return {"format": "paperkg-ladybug", "schema_sha256": _schema_sha256()}


def is_current(directory: str | Path) -> bool:
    """Whether the Cypher cache of the store in ``directory`` exists and is up to date."""
    return cache_is_current(directory, CACHE_NAME, cache_key())


def ensure_database(directory: str | Path) -> Path | None:
    """The path of an up-to-date Ladybug database for the store in ``directory``, made
    (in ``DIR/cache/cypher/``) from the store's graph when missing or stale; None when it
    cannot be written there (a read-only store, or a build replacing it)."""
    directory = Path(directory)
    if is_current(directory):
        return cache_path(directory, CACHE_NAME) / DB_NAME
    graph = open_store(directory).graph  # raises StoreError for a missing/corrupt store
    path = ensure_cache(directory, CACHE_NAME, cache_key(), lambda staged: create_database(staged / DB_NAME, graph))
    return None if path is None else path / DB_NAME


def open_database(directory: str | Path) -> Any:
    """A read-only ``ladybug.Database`` for the store in ``directory`` (made if needed; in
    memory when the cache cannot be written)."""
    import ladybug

    path = ensure_database(directory)
    if path is None:
        return create_database(":memory:", open_store(directory).graph, keep_open=True)
    try:
        return ladybug.Database(str(path), read_only=True)
    except RuntimeError:
        (path.parent / STAMP).unlink(missing_ok=True)  # unreadable (say, another Ladybug version)
        path = ensure_database(directory)
        if path is None:
            return create_database(":memory:", open_store(directory).graph, keep_open=True)
        return ladybug.Database(str(path), read_only=True)
