"""Optional modules: the export/query/visualize stages plug into the core by module name."""
from __future__ import annotations

import importlib
from types import ModuleType


def import_optional(module: str) -> ModuleType | None:
    """``module`` imported, or None when that module itself does not exist (an error inside
    an existing module is raised, never hidden)."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return None
        raise
