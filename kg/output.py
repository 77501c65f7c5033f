"""Atomic streaming output: write to a temporary sibling, rename over the target on success.

A write that fails (a full disk, a file size limit, a vanished directory) becomes one
:class:`~kg.errors.OutputError` line and leaves no partial file: the temporary file is
removed, and standard output redirected to a regular file is cut back to where this run
started writing.
"""
from __future__ import annotations

import errno
import os
import re
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from kg.errors import OutputError
from kg.fsutil import atomic_file

STDOUT = "-"
STDOUT_NAME = "standard output"


def output_error(exc: OSError, where: str) -> OutputError:
    """The one-line error for a failed write to ``where``."""
    hint = {errno.ENOSPC: "free some disk space and run again; nothing was written",
            errno.EDQUOT: "free some of your disk quota and run again; nothing was written",
            errno.EFBIG: "the file is larger than this system allows (ulimit -f); nothing was written",
            errno.EACCES: "choose a writable location", errno.EROFS: "choose a writable location"}
    return OutputError(f"cannot write: {exc.strerror or exc}", where=where,
                       hint=hint.get(exc.errno or 0, "check the path and free space; nothing was written"))


class _Guarded:
    """A text handle whose write errors are OutputErrors naming the output."""

    def __init__(self, handle: IO[str], where: str) -> None:
        self._handle = handle
        self._where = where

    def write(self, text: str) -> int:
        try:
            return self._handle.write(text)
        except OSError as exc:
            raise output_error(exc, self._where) from None

    def flush(self) -> None:
        try:
            self._handle.flush()
        except OSError as exc:
            raise output_error(exc, self._where) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


@contextmanager
def atomic_open(path: str | os.PathLike[str] | None) -> Iterator[IO[str]]:
    """A text handle for ``path`` that appears there complete or not at all. ``None`` or
    ``-`` is standard output (streamed; cut back on failure when it is a regular file)."""
    if path is None or str(path) == STDOUT:
        with _stdout() as handle:
            yield handle
        return
    target = Path(path)
    if target.is_dir():
        raise OutputError("is a directory", where=str(target), hint="give a file name for the output")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.exists():
        raise OutputError("output directory does not exist", where=str(parent), hint="create it first")
    in_block = False
    try:
        with atomic_file(target) as handle:
            in_block = True
            yield _Guarded(handle, str(target))  # type: ignore[misc]
            in_block = False
    except OSError as exc:
        if in_block:  # the caller's own error (its writes are already OutputErrors): as it was
            raise
        raise output_error(exc, str(target)) from None  # creating the temporary file, fsync, rename


@contextmanager
def _stdout() -> Iterator[IO[str]]:
    stream = sys.stdout
    start = None
    try:
        fd = stream.fileno()
        stream.flush()
        if stat.S_ISREG(os.fstat(fd).st_mode):
            start = os.lseek(fd, 0, os.SEEK_CUR)
    except (OSError, ValueError, AttributeError):
        fd = -1
    try:
        yield _Guarded(stream, STDOUT_NAME)  # type: ignore[misc]
        try:
            stream.flush()
        except OSError as exc:
            raise output_error(exc, STDOUT_NAME) from None
    except BaseException:
        if start is not None:
            _cut_back(fd, start)
        raise


def _cut_back(fd: int, start: int) -> None:
    """Drop what this run wrote to a redirected standard output; what is still buffered
    goes to the null device, so nothing lands in the file after the cut."""
    try:
        os.ftruncate(fd, start)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except OSError:
        pass


_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: Any) -> str:
    """``text`` safe to show on a terminal: escape sequences and control characters removed
    (a title can carry ``ESC[2J`` or an OSC that retitles the window), tabs/newlines kept."""
    return _CONTROL.sub("", str(text))
