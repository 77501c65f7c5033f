"""Writing a picture or graph file: atomically, with the permissions of any new file."""
from __future__ import annotations

import os
from pathlib import Path

from kg.errors import ExportError
from kg.fsutil import atomic_write


def write_output(path: str | Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` atomically (complete or not at all), readable as any new
    file would be (the temporary file is created private); ``ExportError`` on failure."""
    try:
        atomic_write(path, data)
        mask = os.umask(0o022)
        os.umask(mask)
        os.chmod(path, 0o666 & ~mask)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}",
                          hint="check that the directory exists and is writable") from None
