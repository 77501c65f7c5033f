"""Caches beside a graph store, made on first use: ``DIR/cache/NAME/``.

The embedded SPARQL and Cypher stores are not part of the store: ``paperkg build`` never
makes them (so it finishes without pyoxigraph or Ladybug); the first query that needs one
calls :func:`ensure_cache`, which makes it from the store and stamps it with the store's
``graph_key`` and the maker's own ``key`` (its format or schema). The store never reads
``DIR/cache/``; a build changes the store's ``graph_key`` (a new store directory drops every
cache; a build in place leaves them stale), so each cache is made again by the next query
that needs it (docs/decisions.md, issues 11 and 14).

A cache is made in a staging directory beside its target, the stamp written into it last
(atomically), and renamed into place, so a reader sees no cache or a whole one, never a
cache without its stamp or a stamp without its cache.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.fsutil import atomic_write, fsync_dir, remove_leftovers, replace_dir

CACHE_DIR = "cache"
STAMP = "stamp.json"


def cache_path(directory: str | Path, name: str) -> Path:
    """Where the cache ``name`` of the store in ``directory`` lives."""
    return Path(directory) / CACHE_DIR / name


def _stamp(directory: Path, key: dict[str, Any]) -> dict[str, Any]:
    from kg.store.core import graph_key

    return {**key, "graph": graph_key(directory)}


def is_current(directory: str | Path, name: str, key: dict[str, Any]) -> bool:
    """Whether the cache ``name`` exists and was made for this store and this ``key``."""
    directory = Path(directory)
    try:
        stamp = json.loads((cache_path(directory, name) / STAMP).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    want = _stamp(directory, key)
    return isinstance(stamp, dict) and want["graph"] is not None and stamp == want


def ensure_cache(directory: str | Path, name: str, key: dict[str, Any],
                 make: Callable[[Path], Any]) -> Path | None:
    """The path of an up-to-date cache ``name`` of the store in ``directory``: made with
    ``make(staging_dir)`` when missing or stale. Returns None when it cannot be written
    (the directory is read-only, or a build holds the store's lock): the caller then works
    from memory. Errors of ``make`` itself are raised."""
    from kg.store.lock import try_lock

    directory = Path(directory)
    target = cache_path(directory, name)
    if is_current(directory, name, key):
        return target
    with try_lock(directory, "query cache") as free:
        if not free:
            return None
        if is_current(directory, name, key):  # another process made it while we waited
            return target
        try:
            target.parent.mkdir(exist_ok=True)
            remove_leftovers(target)  # what a killed query left
            staged = Path(tempfile.mkdtemp(prefix=f".{name}.tmp-", dir=target.parent))
        except OSError:
            return None
        try:
            make(staged)
            atomic_write(staged / STAMP, json.dumps(_stamp(directory, key), sort_keys=True) + "\n")
            fsync_dir(staged)
            replace_dir(staged, target)
        except OSError:
            return None
        finally:
            shutil.rmtree(staged, ignore_errors=True)
    return target
