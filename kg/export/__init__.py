"""Exporters, found by format name in one registry with lazy imports.

An exporter is ``function(store, destination, **options)``; built-ins register exactly like
an outside plugin would, with :func:`register`.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.errors import ExportError

Exporter = Callable[..., Any]
_REGISTRY: dict[str, str] = {}
_DESCRIPTIONS: dict[str, str] = {}


def register(name: str, target: str, description: str = "") -> None:
    """Register ``target`` (``"module:function"``) as the exporter for format ``name``."""
    _REGISTRY[name] = target
    _DESCRIPTIONS[name] = description


def formats() -> dict[str, str]:
    return dict(sorted(_DESCRIPTIONS.items()))


def get(name: str) -> Exporter:
    if name not in _REGISTRY:
        raise ExportError(f"unknown export format '{name}'", hint=f"use one of: {', '.join(sorted(_REGISTRY))}")
    module, func = _REGISTRY[name].split(":")
    return getattr(importlib.import_module(module), func)  # type: ignore[no-any-return]


def export(store: Any, name: str, destination: str | Path, **options: Any) -> Any:
    return get(name)(store, destination, **options)


register("json", "kg.store:export_json", "networkx node-link JSON (every node has id, type, name, aliases)")
