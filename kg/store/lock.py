"""One writer per graph store: an exclusive lock on a lock file beside the store.

The lock file is ``.NAME.lock`` next to the store directory ``NAME`` (not inside it: the
directory itself is swapped on every build). While a process holds the lock the file says
who it is (pid, host, start time, purpose), so a second writer fails with one line naming
the holder. The kernel releases the lock when its holder dies, so a lock left by a dead
process is simply taken over (its stale holder record is overwritten, with a warning).

It is a POSIX record lock (``lockf``), not a ``flock``: a ``flock`` is shared with the
processes a build forks (``--workers``), which outlive a killed build and would keep the
store locked. A POSIX lock belongs to the process alone - and is dropped when that
process closes *any* descriptor of the file, so a process opens the lock file once while
it holds the lock (``_held``) and reads the holder note through that descriptor.

Readers never take this lock to read (they check that the directory was not swapped
while they read it, see ``kg.store.core``); they take it for a moment, without waiting, only to
tidy up what a dead writer left behind.
"""
from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from kg.errors import StoreLockedError

log = logging.getLogger(__name__)

POLL_SECONDS = 0.1
# A holder that is only tidying up, checking or refreshing a query cache (not building)
# lets go soon: a writer asked not to wait still waits this long for it rather than fail.
BRIEF_HOLDER_GRACE = 30.0
BRIEF_PURPOSES = ("cleanup", "doctor", "query cache")

_held: dict[str, tuple[int, int]] = {}  # lock path -> (fd, depth): the lock is re-entrant in a process


def lock_path(directory: str | os.PathLike[str]) -> Path:
    target = Path(directory)
    return target.parent / f".{target.name}.lock"


def _read_holder(fd: int) -> dict[str, Any]:
    try:
        raw = os.pread(fd, 4096, 0)
        data = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_holder(directory: str | os.PathLike[str]) -> dict[str, Any]:
    """The holder record in the store's lock file (empty when free and never used)."""
    held = _held.get(str(lock_path(directory)))
    if held:
        return _read_holder(held[0])
    try:
        fd = os.open(lock_path(directory), os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return {}
    try:
        return _read_holder(fd)
    finally:
        os.close(fd)


def describe_holder(holder: dict[str, Any]) -> str:
    """``a paperkg build (pid 123 on host, started 2026-01-01T10:00:00Z)``, for messages."""
    if not holder.get("pid"):
        return "another process"
    started = f", started {holder['started']}" if holder.get("started") else ""
    text = f"a paperkg {holder.get('purpose') or 'process'} (pid {holder['pid']} on {holder.get('host', '?')}{started})"
    return text


def is_locked(directory: str | os.PathLike[str]) -> bool:
    """Whether a live process holds the store's lock now (False if it cannot be checked)."""
    path = lock_path(directory)
    if str(path) in _held:
        return True
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as exc:
        return exc.errno in (errno.EAGAIN, errno.EACCES)
    finally:
        os.close(fd)  # drops the shared lock just taken (this process held none on the file)
    return False


def _open(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)


@contextmanager
def write_lock(directory: str | os.PathLike[str], *, wait: float = 0.0, purpose: str = "build",
               grace: bool = True) -> Iterator[None]:
    """Hold the store's exclusive lock for the block. Waits up to ``wait`` seconds for
    another holder, then raises :class:`StoreLockedError` naming it."""
    path = lock_path(directory)
    key = str(path)
    if key in _held:
        fd, depth = _held[key]
        _held[key] = (fd, depth + 1)
        try:
            yield
        finally:
            _held[key] = (fd, _held[key][1] - 1)
        return
    try:
        fd = _open(path)
    except OSError as exc:
        raise StoreLockedError(f"cannot create the lock file: {exc.strerror}", where=str(path),
                               hint="make the directory that holds the store writable") from None
    try:
        _acquire(fd, directory, wait, grace)
    except BaseException:
        os.close(fd)
        raise
    previous = _read_holder(fd)
    if previous.get("pid") and previous.get("purpose") not in BRIEF_PURPOSES:
        log.warning("%s: took over the lock left by %s, which did not finish", directory,
                    describe_holder(previous))
    record = {"pid": os.getpid(), "host": socket.gethostname(), "purpose": purpose,
              "started": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(record) + "\n").encode("utf-8"), 0)
    except OSError:
        pass  # the lock holds without the note; only the message to a waiting writer is poorer
    _held[key] = (fd, 1)
    try:
        yield
    finally:
        del _held[key]
        try:
            os.ftruncate(fd, 0)
        except OSError:
            pass
        fcntl.lockf(fd, fcntl.LOCK_UN)
        os.close(fd)


def _acquire(fd: int, directory: str | os.PathLike[str], wait: float, grace: bool) -> None:
    start = time.monotonic()
    while True:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise StoreLockedError(f"cannot lock the store: {exc.strerror}", where=str(directory),
                                       hint="put the store on a local file system") from None
        holder = _read_holder(fd)
        limit = wait
        if grace and (holder.get("purpose") in BRIEF_PURPOSES or not holder.get("pid")):
            limit = max(wait, BRIEF_HOLDER_GRACE)
        if time.monotonic() - start >= limit:
            waited = f" after waiting {wait:g} s" if wait else ""
            raise StoreLockedError(f"locked by {describe_holder(holder)}{waited}", where=str(directory),
                                   hint="wait for it to finish, or pass --wait SECONDS to queue behind it")
        time.sleep(POLL_SECONDS)


@contextmanager
def try_lock(directory: str | os.PathLike[str], purpose: str) -> Iterator[bool]:
    """The lock for the block if it is free now (yields True), else yields False at once;
    also False when the lock file cannot be created (say, a store on a read-only disk)."""
    if str(lock_path(directory)) in _held:  # this process is writing the store: nothing is stale
        yield False
        return
    with ExitStack() as stack:
        try:
            stack.enter_context(write_lock(directory, wait=0, purpose=purpose, grace=False))
        except StoreLockedError:
            yield False
            return
        yield True
