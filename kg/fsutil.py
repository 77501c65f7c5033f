"""Crash-safe file and directory replacement.

``atomic_write`` writes a sibling temporary file, fsyncs it and ``os.replace``\\ s it over
the target, so readers see the old or the new content, never a mix.

A directory is replaced by ``staged_dir``: everything is written into a temporary sibling
``.NAME.tmp-*``; on success the old directory is renamed to ``.NAME.old``, the staged one
to ``NAME``, and the backup removed. POSIX cannot swap two non-empty directories in one
step, so there is a window between the two renames where ``NAME`` is missing:
``recover_dir`` (called before every read and write of a store) renames the backup back.
A crash before the first rename leaves ``NAME`` untouched and a stale ``.NAME.tmp-*``
that the next ``staged_dir`` (or ``remove_leftovers``) removes. One writer at a time per
directory: the caller holds the lock (``kg.store.lock``) around all of these.

A file built by a tool that creates it itself (the embedded Cypher database) is moved into
place by ``install``, which also keeps its *stamp* (the small file saying what it was built
from) honest: the old stamp goes before the swap and the new one is written atomically after,
so a crash never leaves a stamp vouching for content it does not describe.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """Persist a directory entry change (rename, create) where the platform allows it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def default_mode(path: str | os.PathLike[str], *, directory: bool = False) -> None:
    """Give a file (0666) or directory (0777) made by ``mkstemp``/``mkdtemp`` (0600/0700)
    the permissions an ordinary ``open``/``mkdir`` would have, under the current umask."""
    os.chmod(path, (0o777 if directory else 0o666) & ~_umask())


@contextmanager
def atomic_file(path: str | os.PathLike[str], *, binary: bool = False) -> Iterator[IO[Any]]:
    """A handle on a temporary sibling of ``path`` that is fsynced and renamed over ``path``
    when the block ends without error (and removed when it raises: the block's error is
    the one raised, not a second one from closing a file on a full disk)."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.tmp-", dir=target.parent)
    handle = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")
    try:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        default_mode(tmp)
        os.replace(tmp, target)
    except BaseException:
        try:
            handle.close()
        except OSError:
            pass
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` (text is UTF-8 encoded) to ``path`` atomically."""
    with atomic_file(path, binary=True) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)


def _backup(target: Path) -> Path:
    return target.with_name(f".{target.name}.old")


def recover_dir(path: str | os.PathLike[str]) -> bool:
    """Undo an interrupted ``replace_dir``: if ``path`` is missing but its backup exists,
    put the backup back. Returns whether anything was recovered."""
    target = Path(path)
    backup = _backup(target)
    if not target.exists() and backup.is_dir():
        os.rename(backup, target)
        fsync_dir(target.parent)
        return True
    return False


def leftovers(path: str | os.PathLike[str]) -> list[Path]:
    """The staging (``.NAME.tmp-*``) and backup (``.NAME.old``) directories beside ``path``."""
    target = Path(path)
    try:
        found = sorted(target.parent.glob(f".{target.name}.tmp-*"))
    except OSError:
        return []
    backup = _backup(target)
    return found + ([backup] if backup.exists() else [])


def remove_leftovers(path: str | os.PathLike[str]) -> list[Path]:
    """Remove what ``leftovers`` lists (only call it holding the lock); returns what was removed."""
    removed = []
    for item in leftovers(path):
        if item.is_dir() and not item.is_symlink():
            shutil.rmtree(item, ignore_errors=True)
        else:
            item.unlink(missing_ok=True)
        if not item.exists():
            removed.append(item)
    return removed


def replace_dir(staged: str | os.PathLike[str], path: str | os.PathLike[str]) -> None:
    """Move the directory ``staged`` to ``path``, replacing what is there (see module doc)."""
    target = Path(path)
    backup = _backup(target)
    if backup.exists():
        shutil.rmtree(backup)
    if target.exists():
        os.rename(target, backup)
    os.rename(staged, target)
    fsync_dir(target.parent)
    shutil.rmtree(backup, ignore_errors=True)


@contextmanager
def staged_dir(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a fresh temporary sibling of ``path`` to fill; when the block succeeds it
    replaces ``path``, when it raises it is removed and ``path`` is left as it was."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    recover_dir(target)
    remove_leftovers(target)
    staged = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    default_mode(staged, directory=True)
    try:
        yield staged
        fsync_dir(staged)
        replace_dir(staged, target)
    finally:
        if staged.exists():
            shutil.rmtree(staged, ignore_errors=True)
