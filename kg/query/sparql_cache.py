"""The embedded SPARQL store beside a graph: a pyoxigraph (RocksDB) store in ``DIR/rdf/``.

``paperkg build`` calls :func:`build_derived` inside the staged store directory, so the RDF
store is swapped in together with the graph it was made from. ``DIR/rdf/meta.json`` records
the sha256 of the ``graph.json`` it was built from; :func:`open_embedded` rebuilds the store
when it is missing or stale (a store built before this existed, a paperkg upgrade).
The triples are bulk-loaded from an N-Triples stream generated on the fly (no temporary file).
"""
from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.errors import StoreError
from kg.fsutil import atomic_write, staged_dir
from kg.export.rdf.export import triples_of
from kg.export.rdf.writers import nt_lines
from kg.store.core import graph_sha256

RDF_DIR = "rdf"
STORE_DIR = "store"
META_FILE = "meta.json"
FORMAT = "paperkg-rdf"
FORMAT_VERSION = 1
"""Bump when the RDF mapping changes: older embedded stores are then rebuilt on first query."""
CHUNK = 1 << 20


class _ChunkReader(io.RawIOBase):
    """A binary file object over an iterator of byte chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _encoded(lines: Iterable[str], counter: list[int]) -> Iterator[bytes]:
    batch: list[str] = []
    size = 0
    for line in lines:
        batch.append(line)
        size += len(line)
        if size >= CHUNK:
            counter[0] += len(batch)
            yield "".join(batch).encode("utf-8")
            batch, size = [], 0
    counter[0] += len(batch)
    yield "".join(batch).encode("utf-8")


def load(store: ox.Store, graph: nx.MultiDiGraph, base_iri: str | None = None, evidence: str = "full") -> int:
    """Bulk-load the triples of ``graph`` at the ``evidence`` level into ``store``'s default
    graph; returns their number. The embedded store holds ``full`` evidence: the canned
    ``relation-evidence`` query lists every evidence sentence (docs/decisions.md, issue 14).

    ``lenient``: the IRIs and literals are generated valid (percent-encoded IRIs, escaped
    strings; tested), and skipping pyoxigraph's re-validation makes the load 30% faster."""
    counter = [0]
    reader = io.BufferedReader(_ChunkReader(_encoded(nt_lines(triples_of(graph, base_iri, evidence)), counter)), CHUNK)
    store.bulk_load(input=reader, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    return counter[0]



def write_embedded(target: Path, graph: nx.MultiDiGraph, graph_sha: str | None) -> int:
    """Create the RDF store directory ``target`` (replacing it) for ``graph``."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    store = ox.Store(str(target / STORE_DIR))
    try:
        count = load(store, graph)
        store.flush()
        # compacts the bulk-loaded RocksDB files: the canned top-methods query on 50k papers
        # took 19 s before and ~3 s after (issue 14)
        store.optimize()
    finally:
        del store
    meta = {"format": FORMAT, "format_version": FORMAT_VERSION, "triples": count, "graph_sha256": graph_sha}
    atomic_write(target / META_FILE, json.dumps(meta, indent=1) + "\n")
    return count


def build_derived(directory: Path, graph: nx.MultiDiGraph) -> None:
    """The ``kg.store.core.DERIVED_BUILDERS`` hook: write ``directory/rdf/`` for ``graph``."""
    write_embedded(Path(directory) / RDF_DIR, graph, graph_sha256(Path(directory)))


def _current(directory: Path) -> bool:
    try:
        meta = json.loads((directory / RDF_DIR / META_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(meta, dict) and meta.get("format") == FORMAT
            and meta.get("format_version") == FORMAT_VERSION
            and meta.get("graph_sha256") == graph_sha256(directory)
            and (directory / RDF_DIR / STORE_DIR).is_dir())


def open_embedded(directory: str | Path) -> ox.Store:
    """The RDF store of the graph store ``directory``, opened read-only; rebuilt first when
    missing or stale (in memory when ``directory`` is not writable)."""
    directory = Path(directory)
    if not _current(directory):
        from kg.store.core import open_store

        graph = open_store(directory).graph  # a StoreError saying what to do if DIR is no store
        _rebuild(directory, graph)
        if not _current(directory):
            store = ox.Store()
            load(store, graph)
            return store
    try:
        return ox.Store.read_only(str(directory / RDF_DIR / STORE_DIR))
    except OSError as exc:
        raise StoreError(f"cannot open the RDF store: {exc}", where=str(directory / RDF_DIR),
                         hint="delete DIR/rdf (it is rebuilt on the next query) or rebuild the store") from None


def _rebuild(directory: Path, graph: nx.MultiDiGraph) -> None:
    """Replace ``directory/rdf`` by a fresh store; gives up silently when ``directory`` is not
    writable or another process swapped in its own rebuild first."""
    from kg.store.lock import try_lock

    with try_lock(directory, "query cache") as free:
        if free:  # else a build is replacing the store: the caller queries an in-memory copy
            _rebuild_locked(directory, graph)


def _rebuild_locked(directory: Path, graph: nx.MultiDiGraph) -> None:
    try:
        with staged_dir(directory / RDF_DIR) as staged:
            write_embedded(staged, graph, graph_sha256(directory))
    except OSError:
        pass
