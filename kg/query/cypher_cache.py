"""The embedded Cypher store of a graph: a Ladybug database, a cache in ``DIR/cache/cypher/``.

Made on first use (:func:`ensure_database`, through :func:`kg.store.cache.ensure_cache`):
:func:`create_database` creates the schema first — one node table per label with ``PRIMARY KEY(id)``, one relationship
table per type, both generated from the whitelist in :mod:`kg.export.cypher.schema` — and then
bulk-loads every table with one ``COPY <table> FROM 'file.parquet'`` from a Parquet file streamed
from the store's database, committed per table (not row by row: Ladybug's ``UNWIND … MERGE`` is
~50x slower; nor from one in-memory Arrow table per label, which held the whole graph). Lists are ``STRING[]``/``INT64[]``; ``sources``
and ``ids`` are JSON strings, as in Neo4j.

The cache's stamp records the store it was made from and the sha256 of the schema DDL;
:func:`open_database` makes the database again when it is missing, stale or unreadable,
then opens it read-only.
"""
from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from kg.export.cypher.schema import (LABELS, NODE_PROPS, REL_ENDPOINTS, REL_TYPES, Kind, Prop, edges_by_type,
                                     node_rows, rel_props, rel_rows)
from kg.graph.model import GraphLike
from kg.iterutil import chunked
from kg.store.cache import STAMP, cache_path, ensure_cache
from kg.store.cache import is_current as cache_is_current
from kg.store.core import open_store
from kg.store.view import GraphSource, stream_of

BATCH = 10_000
"""Rows per Parquet row group while a table file is written."""
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


def _string_literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


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


def _columns(props: tuple[Prop, ...], rel: bool) -> pa.Schema:
    fields = [pa.field("from", pa.string()), pa.field("to", pa.string())] if rel else []
    return pa.schema(fields + [pa.field(p.name, _ARROW_TYPES[p.kind]) for p in props])


def _write_parquet(path: Path, schema: pa.Schema, rows: Iterator[dict[str, Any]]) -> int:
    """Stream ``rows`` (dicts keyed by the schema's column names) into the Parquet file
    ``path``, ``BATCH`` rows per row group; returns the row count."""
    import pyarrow.parquet as pq

    count = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        for batch in chunked(rows, BATCH):
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


def table_files(graph: GraphSource, folder: Path, evidence: str = "full") -> Iterator[tuple[str, Path]]:
    """Write one Parquet file per label and relationship type into ``folder`` — the rows of
    :mod:`kg.export.cypher.schema` with the schema's column types, relationship files starting
    with the ``from`` and ``to`` keys — one table at a time, streamed; yields ``(table, file)``
    for each non-empty one, nodes before relationships, as soon as it is written."""
    for label in LABELS:
        path = folder / f"{label}.parquet"
        if _write_parquet(path, _columns(NODE_PROPS[label], False), node_rows(graph, label, with_hash=False)):
            yield label, path
        path.unlink(missing_ok=True)
    grouped = edges_by_type(graph)
    for rel in REL_TYPES:
        path = folder / f"{rel}.parquet"
        rows = ({"from": r.pop("start"), "to": r.pop("end"), **r}
                for r in rel_rows(graph, rel, with_hash=False, edges=grouped[rel], evidence=evidence))
        if _write_parquet(path, _columns(rel_props(evidence), True), rows):
            yield rel, path
        path.unlink(missing_ok=True)


def create_database(path: Path | str, graph: GraphLike, *, keep_open: bool = False,
                    evidence: str = "full") -> Any:
    """Create the Ladybug database ``path`` (which must not exist; ``":memory:"`` for one in
    memory) for ``graph`` (a store's graph is streamed from its database), relationships at
    the ``evidence`` level (the cache: ``full``); returns it open when ``keep_open``.

    The schema is created in one transaction; then each table is loaded by one ``COPY`` from
    a Parquet file streamed from the graph and committed on its own (one transaction for
    everything grew ~quadratically: 31.8 s at 50k papers, per table 10.6 s; issue 14). The
    Parquet files are temporary (beside ``path``, or in the temporary directory for a database
    in memory); Parquet keeps the list columns typed, which CSV would have to quote."""
    import ladybug

    source = stream_of(graph)
    scratch_parent = None if str(path) == ":memory:" else Path(path).parent
    db = ladybug.Database(str(path))
    try:
        conn = ladybug.Connection(db)
        try:
            conn.execute("BEGIN TRANSACTION")
            for statement in schema_ddl(evidence):
                conn.execute(statement)
            conn.execute("COMMIT")
            with tempfile.TemporaryDirectory(prefix=".tables-", dir=scratch_parent) as scratch:
                for name, table_file in table_files(source, Path(scratch), evidence):
                    # a file to scan cannot be a parameter (only data frames and Arrow tables can)
                    conn.execute(f"COPY {_ident(name)} FROM {_string_literal(str(table_file))}")
                    table_file.unlink()
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
    store = open_store(directory)  # raises StoreError for a missing/corrupt store
    path = ensure_cache(directory, CACHE_NAME, cache_key(), lambda staged: create_database(staged / DB_NAME, store))
    return None if path is None else path / DB_NAME


def open_database(directory: str | Path) -> Any:
    """A read-only ``ladybug.Database`` for the store in ``directory`` (made if needed; in
    memory when the cache cannot be written)."""
    import ladybug

    path = ensure_database(directory)
    if path is None:
        return create_database(":memory:", open_store(directory), keep_open=True)
    try:
        return ladybug.Database(str(path), read_only=True)
    except RuntimeError:
        (path.parent / STAMP).unlink(missing_ok=True)  # unreadable (say, another Ladybug version)
        path = ensure_database(directory)
        if path is None:
            return create_database(":memory:", open_store(directory), keep_open=True)
        return ladybug.Database(str(path), read_only=True)
