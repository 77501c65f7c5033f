"""The embedded SPARQL store of a graph: a pyoxigraph (RocksDB) store, a cache in ``DIR/cache/sparql/``.

:func:`open_embedded` makes it on first use through :func:`kg.store.cache.ensure_cache`
(stamped with the store it was made from; made again when the store changed or paperkg's
RDF mapping did). The triples are bulk-loaded from an N-Triples stream generated on the fly
from the store's database (:mod:`kg.store.view`: no temporary file, and the graph is never
loaded whole), then the store is compacted (``optimize``).
"""
from __future__ import annotations

from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError
from kg.export.derived import pairs, ranks
from kg.export.rdf.export import base_iri_default, triples_of
from kg.export.rdf.iris import Iris
from kg.export.rdf.triples import pair_triples, rank_triples
from kg.export.rdf.writers import nt_lines
from kg.store.cache import ensure_cache, is_current
from kg.graph.model import GraphLike
from kg.iterutil import chunked
from kg.store.core import open_store
from kg.store.view import stream_of

CACHE_NAME = "sparql"
STORE_DIR = "store"
CACHE_KEY = {"format": "paperkg-rdf", "format_version": 4}
"""Bump the version when the RDF mapping changes: older caches are then made again on first query."""
LOAD_TRIPLES = 100_000
"""Triples per ``bulk_load`` call: the bulk loader holds what it is given in memory (one call
for the 1.14M triples of 10k papers peaked at 1.4 GiB, calls of 100k at 254 MiB, same time);
``optimize`` then compacts what the calls wrote."""


def load(store: ox.Store, graph: GraphLike, base_iri: str | None = None, evidence: str = "full") -> int:
    """Bulk-load the triples of ``graph`` (a store's graph is streamed from its database) at
    the ``evidence`` level into ``store``'s default graph, and the derived counts the canned
    queries read (:mod:`kg.export.derived`: each entity's rank, the top co-occurring pairs; the
    same at every level); returns their number. The embedded
    store holds ``full`` evidence: the canned ``relation-evidence`` query lists every evidence
    sentence (docs/decisions.md, issue 14).

    ``lenient``: the IRIs and literals are generated valid (percent-encoded IRIs, escaped
    strings; tested), and skipping pyoxigraph's re-validation makes the load 30% faster.
    Loaded ``LOAD_TRIPLES`` at a time, so memory stays bounded at any size."""
    source = stream_of(graph)
    iris = Iris(base_iri_default(base_iri))
    triples = chain(triples_of(source, base_iri, evidence), rank_triples(ranks(source), iris),
                    pair_triples(pairs(source), iris))
    count = 0
    for batch in chunked(nt_lines(triples), LOAD_TRIPLES):
        store.bulk_load(input="".join(batch).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, lenient=True)
        count += len(batch)
    return count


def write_embedded(target: Path, graph: GraphLike) -> int:
    """Create the RDF store in the (new or empty) directory ``target`` for ``graph``."""
    target.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(target / STORE_DIR))
    try:
        count = load(store, graph)
        store.flush()
        # compacts the bulk-loaded RocksDB files: the canned top-methods query on 50k papers
        # took 19 s before and ~3 s after (issue 14)
        store.optimize()
    finally:
        del store
    return count


def open_embedded(directory: str | Path) -> ox.Store:
    """The RDF store of the graph store ``directory``, opened read-only; made first (in
    ``DIR/cache/sparql/``) when missing or stale, in memory when it cannot be written."""
    directory = Path(directory)
    if not is_current(directory, CACHE_NAME, CACHE_KEY):
        open_store(directory).close()  # a StoreError saying what to do if DIR is no store

    def make(staged: Path) -> int:
        with open_store(directory) as source:
            return write_embedded(staged, source)

    path = ensure_cache(directory, CACHE_NAME, CACHE_KEY, make)
    if path is None:
        store = ox.Store()
        with open_store(directory) as source:
            load(store, source)
        return store
    try:
        return ox.Store.read_only(str(path / STORE_DIR))
    except OSError as exc:
        raise StoreError(f"cannot open the RDF store: {exc}", where=str(path),
                         hint="delete DIR/cache (it is made again on the next query) or rebuild the store") from None
