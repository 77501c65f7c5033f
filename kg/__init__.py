"""paperkg: a knowledge graph of ML papers, methods, datasets, tasks and code."""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("paperkg")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+unknown"
