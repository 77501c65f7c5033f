"""Atomic streaming output: write to a temporary sibling, rename over the target on success."""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from kg.errors import PaperKGError
from kg.fsutil import atomic_file

STDOUT = "-"


@contextmanager
def atomic_open(path: str | os.PathLike[str] | None) -> Iterator[IO[str]]:
    """A text handle for ``path`` that appears there complete or not at all. ``None`` or
    ``-`` is standard output (streamed, not atomic)."""
    if path is None or str(path) == STDOUT:
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    if target.is_dir():
        raise PaperKGError("is a directory", where=str(target), hint="give a file name for the output")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.exists():
        raise PaperKGError("output directory does not exist", where=str(parent), hint="create it first")
    with atomic_file(target) as handle:
        yield handle
