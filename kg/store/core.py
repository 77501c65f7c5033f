"""The durable graph store: a directory rebuilt atomically, grown incrementally.

Layout of a store directory::

    manifest.json      format + version, paperkg version, counts, sha256 of every file,
                       and a content hash per paper (``content_hash``)
    extractions.jsonl  the stored per-paper ``Extraction.to_dict()`` records, by paper id
    graph.json         networkx node-link JSON (``edges="edges"``) of the whole graph
    merges.jsonl       the resolver's audited ``Merge`` records

``build`` merges new extractions into the stored ones by paper id (same content hash:
unchanged, sources unioned; different content: the newer record replaces the stored one,
sources unioned), then re-resolves and rebuilds the graph from *all* stored extractions,
so building A then B gives exactly the graph of A + B, and re-adding a paper leaves
``graph.json`` byte-identical. Only new papers need the (expensive) NLP upstream;
resolution + graph build is linear in the corpus. Measured on 5,000 synthetic papers
(11 mentions and one code link each -> 11.4k nodes, 84.7k edges; 2 cores, Python 3.11):
``resolve`` 1.2-1.5 s, ``build_graph`` 2.6-2.8 s, a whole ``build`` (incl. reading the
store, hashing, serialization, the atomic swap) about 7 s, an incremental ``build`` of one
new paper into that store also about 7 s (it re-resolves everything), ``open_store`` 2 s.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import Any

import networkx as nx

from kg.graph.build import build_graph, stats
from kg.errors import ExportError, StoreError
from kg.fsutil import atomic_write, leftovers, recover_dir, remove_leftovers, staged_dir
from kg.store.lock import try_lock, write_lock
from kg.records import Extraction
from kg.resolve.resolver import Merge, resolve

FORMAT = "paperkg-store"
FORMAT_VERSION = 1
FILES = ("extractions.jsonl", "graph.json", "merges.jsonl")
_REBUILD_HINT = "rebuild it from the original inputs with `paperkg build INPUT... -o DIR --rebuild`"


def paperkg_version() -> str:
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
    """An opened store directory: ``graph``, ``merges``, ``manifest`` and ``stats()``."""

    def __init__(self, directory: Path, manifest: dict[str, Any], graph: nx.MultiDiGraph,
                 merges: tuple[Merge, ...], extractions_text: str | None = None) -> None:
        self.directory = directory
        self.manifest = manifest
        self.graph = graph
        self.merges = merges
        self._extractions_text = extractions_text

    def stats(self) -> dict[str, Any]:
        return {"papers": self.manifest["counts"]["papers"], **stats(self.graph)}

    def extractions(self) -> Iterator[Extraction]:
        """The stored extraction records, by paper id (as they were when the store was opened)."""
        if self._extractions_text is None:
            yield from _read_extractions(self.directory)
        else:
            yield from _parse_extractions(self.directory, self._extractions_text)


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
    for key in ("files", "papers", "counts"):
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


def load_graph(text: str) -> nx.MultiDiGraph:
    """A graph from its node-link JSON text (as written to ``graph.json``)."""
    graph = nx.node_link_graph(json.loads(text), directed=True, multigraph=True, edges="edges")
    for node, data in graph.nodes(data=True):
        data["id"] = node  # node_link_graph keeps the id only as the node key
    return graph


def tidy(directory: str | Path) -> bool:
    """Undo what a dead build left beside the store (an interrupted swap, staging and
    backup directories), if no build is running now. Returns whether it could check."""
    directory = Path(directory)
    if not leftovers(directory):
        return True
    with try_lock(directory, "cleanup") as free:
        if free:
            recover_dir(directory)
            remove_leftovers(directory)
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
    extractions_text = _read_verified(directory, manifest, "extractions.jsonl")
    graph_text = _read_verified(directory, manifest, "graph.json")
    merges_text = _read_verified(directory, manifest, "merges.jsonl")
    try:
        graph = load_graph(graph_text)
        merges = tuple(Merge.from_dict(json.loads(line)) for line in merges_text.splitlines())
    except (ValueError, KeyError, TypeError, nx.NetworkXError) as exc:
        raise StoreError(f"store files cannot be parsed: {exc}", where=str(directory),
                         hint=_REBUILD_HINT) from None
    return Store(directory, manifest, graph, merges, extractions_text)


def _combine(old: Extraction | None, new: Extraction) -> Extraction:
    if old is None:
        return new
    sources = tuple(sorted(set(old.paper.sources) | set(new.paper.sources),
                           key=lambda s: (s.file, s.line, s.format)))
    return replace(new, paper=replace(new.paper, sources=sources))


def _existing(directory: Path, rebuild: bool) -> dict[str, Extraction]:
    recover_dir(directory)  # the caller holds the lock: a missing store with a backup is a dead build's
    if not directory.exists() or (directory.is_dir() and not any(directory.iterdir())):
        return {}
    if directory.is_dir() and not (directory / "manifest.json").exists():
        raise StoreError(f"{directory} exists and is not a paperkg graph store (no manifest.json)",
                         hint="choose a new or empty directory; paperkg will not overwrite it")
    if rebuild:
        return {}
    return {e.paper.id: e for e in _read_extractions(directory)}


def graph_key(directory: str | Path) -> str | None:
    """What identifies the stored graph (the checksum of ``graph.json`` recorded in the
    manifest; None if unreadable): caches stamp themselves with it to know whether they are stale."""
    try:
        manifest = json.loads((Path(directory) / "manifest.json").read_text("utf-8"))
        return str(manifest["files"]["graph.json"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _intact(directory: Path) -> bool:
    """Every derived file of the store matches its manifest checksum."""
    try:
        manifest = _read_manifest(directory)
        for name in ("graph.json", "merges.jsonl"):
            _read_verified(directory, manifest, name)
    except StoreError:
        return False
    return True


def build(extractions: Iterable[Extraction], directory: str | Path, *,
          rebuild: bool = False, wait: float = 0.0,
          inputs: dict[str, str] | None = None) -> BuildReport:
    """Add ``extractions`` to the store in ``directory`` (created if needed; ``rebuild``
    discards what is stored) and rebuild its graph; the directory is replaced atomically.

    Only the stored extractions are read (and verified): ``graph.json`` and
    ``merges.jsonl`` are derived from them and rewritten, so a damaged derived file is
    repaired by any build. Raises ``StoreError`` when ``directory`` holds something else
    or its extractions are damaged. The embedded query stores are not made here: they are
    caches made on first query (:mod:`kg.store.cache`). The store's lock is held throughout: another
    writer is waited for up to ``wait`` seconds, then ``StoreLockedError`` names it.
    ``inputs`` (source name -> sha256 of its content, as read) is kept in the manifest, so
    a later build names a file with the same content as this one did."""
    with write_lock(directory, wait=wait):
        return _build(extractions, Path(directory), rebuild=rebuild,
                      inputs={} if inputs is None else inputs)  # filled while the extractions are read


def stored_inputs(directory: str | Path) -> dict[str, str]:
    """The manifest's ``inputs`` table: source name -> sha256 of the content last read under it."""
    try:
        manifest = json.loads((Path(directory) / "manifest.json").read_text("utf-8"))
        table = manifest.get("inputs", {})
    except (OSError, ValueError, AttributeError):
        return {}
    return {str(k): str(v) for k, v in table.items()} if isinstance(table, dict) else {}


def _build(extractions: Iterable[Extraction], directory: Path, *, rebuild: bool,
           inputs: dict[str, str]) -> BuildReport:
    start = time.perf_counter()
    before = _existing(directory, rebuild)
    stored = dict(before)
    for ext in extractions:
        ext = canonical(ext)
        stored[ext.paper.id] = _combine(stored.get(ext.paper.id), ext)
    records = [stored[pid] for pid in sorted(stored)]
    hashes = {e.paper.id: content_hash(e) for e in records}
    incoming = [pid for pid in sorted(stored) if stored[pid] is not before.get(pid)]
    outcome = {"added": 0, "updated": 0, "sources_added": 0, "unchanged": 0}
    for pid in incoming:
        old = before.get(pid)
        outcome["added" if old is None else "updated" if content_hash(old) != hashes[pid]
                else "unchanged" if old.paper.sources == stored[pid].paper.sources
                else "sources_added"] += 1
    if before and not rebuild and outcome["added"] == outcome["updated"] == outcome["sources_added"] == 0 \
            and _intact(directory):
        # nothing new: leave the store (and its query caches) exactly as it is
        manifest = _read_manifest(directory)
        counts = manifest.get("counts", {})
        return BuildReport(directory=str(directory), papers=len(records), **outcome,
                           nodes=counts.get("nodes", 0), edges=counts.get("edges", 0),
                           merges=counts.get("merges", 0), rebuilt=False,
                           seconds=round(time.perf_counter() - start, 3))
    resolution = resolve(records)
    graph = build_graph(records, resolution)
    files = {
        "extractions.jsonl": "".join(_dumps(e.to_dict()) + "\n" for e in records),
        "graph.json": _dumps(nx.node_link_data(graph, edges="edges"), separators=(",", ":")),
        "merges.jsonl": "".join(_dumps(m.to_dict()) + "\n" for m in resolution.merges),
    }
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "paperkg_version": paperkg_version(),
        "counts": {"papers": len(records), "nodes": graph.number_of_nodes(),
                   "edges": graph.number_of_edges(), "entities": len(resolution.entities),
                   "merges": len(resolution.merges)},
        "files": {name: hashlib.sha256(text.encode("utf-8")).hexdigest() for name, text in files.items()},
        "papers": hashes,
    }
    known = {} if rebuild else stored_inputs(directory)
    if known or inputs:
        manifest["inputs"] = dict(sorted({**known, **inputs}.items()))
    try:
        with staged_dir(directory) as staged:
            for name, text in files.items():
                atomic_write(staged / name, text)
            atomic_write(staged / "manifest.json", _dumps(manifest, indent=1) + "\n")
    except OSError as exc:
        raise StoreError(f"cannot write the store: {exc.strerror or exc}", where=str(directory),
                         hint="check the path and free space; the previous store is unchanged") from None
    return BuildReport(directory=str(directory), papers=len(records), **outcome,
                       nodes=graph.number_of_nodes(), edges=graph.number_of_edges(),
                       merges=len(resolution.merges), rebuilt=rebuild,
                       seconds=round(time.perf_counter() - start, 3))


def export_json(store_or_graph: Store | nx.MultiDiGraph, path: str | Path) -> None:
    """Write the graph as node-link JSON (``edges="edges"``), every node with ``id``,
    ``type``, ``name`` and ``aliases``, atomically."""
    graph = store_or_graph.graph if isinstance(store_or_graph, Store) else store_or_graph
    data = nx.node_link_data(graph, edges="edges")
    for node in data["nodes"]:
        node.setdefault("type", "")
        node.setdefault("name", str(node["id"]))
        node.setdefault("aliases", [])
    try:
        atomic_write(path, _dumps(data, indent=2) + "\n")
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror}", hint="check the path") from None
