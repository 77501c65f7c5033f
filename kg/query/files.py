"""The header of a canned query file: title, question, parameters with typed defaults.

The format is shared with the Cypher twins in ``queries/cypher/`` (same stems; pass
``comment="//"``)::

    # title: Most-used datasets
    # question: Which datasets do the most papers evaluate on or introduce?
    # param limit: 10 — how many rows to return
    # param dataset (key): "" — a dataset's name or alias; "" means every dataset
    # columns: dataset_id, dataset_name, papers

A parameter's type is given in parentheses or, without them, inferred from its default:
``10`` is an ``integer``, ``0.5`` a ``float``, ``<https://…>`` an ``iri``, ``""``/``"text"``
or bare text a ``string``. The type ``key`` is a string turned into a name match key with
``kg.resolve.normalize.normalize`` (case, spaces and hyphens ignored: ``ResNet 50`` -> ``resnet50``),
to be matched against ``pkg:nameKey`` (SPARQL) or the same key in Cypher. Values given on
the command line (always strings) are converted to the parameter's type. ``limit`` is
special: SPARQL cannot bind ``LIMIT``, so it is applied by slicing the results.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kg.errors import ExportError
from kg.resolve.normalize import normalize

LIMIT = "limit"
_PARAM = re.compile(r"param\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(\s*([a-z]+)\s*\))?\s*:\s*(.*?)\s+(?:—|--)\s+(.+)")
KINDS = ("string", "integer", "float", "iri", "key")
_KEY = re.compile(r"(title|question|columns)\s*:\s*(.*)")
_INT = re.compile(r"-?\d+")
_FLOAT = re.compile(r"-?(\d+\.\d*|\.\d+)([eE]-?\d+)?")


@dataclass(frozen=True)
class Iri:
    """An IRI-typed parameter value."""

    value: str


def kind_of(default: Any) -> str:
    return ("iri" if isinstance(default, Iri) else "integer" if isinstance(default, int)
            else "float" if isinstance(default, float) else "string")


@dataclass(frozen=True)
class Param:
    name: str
    default: Any
    description: str
    kind: str = "string"

    def convert(self, value: str, where: str | None = None) -> Any:
        """``value`` (from the command line, or the default's text) as this parameter's type."""
        if self.kind == "key":
            return normalize(value)
        try:
            if self.kind == "integer":
                return int(value)
            if self.kind == "float":
                return float(value)
        except ValueError:
            raise ExportError(f"parameter '{self.name}' must be {'an' if self.kind == 'integer' else 'a'} "
                              f"{self.kind}, not '{value}'", where=where,
                              hint=f"e.g. --param {self.name}={self.default}") from None
        if self.kind == "iri":
            return Iri(value.strip("<>"))
        return value


@dataclass(frozen=True)
class QueryHeader:
    title: str = ""
    question: str = ""
    columns: tuple[str, ...] = ()
    params: dict[str, Param] = field(default_factory=dict)

    def values(self, given: dict[str, str], where: str | None = None) -> dict[str, Any]:
        """The declared defaults overridden by ``given`` (converted to the declared types).
        A name that is not declared is an error when the file declares parameters."""
        unknown = sorted(set(given) - set(self.params))
        if unknown and self.params:
            raise ExportError(f"unknown parameter '{unknown[0]}'", where=where,
                              hint=f"this query takes: {', '.join(sorted(self.params))}")
        values: dict[str, Any] = {name: p.default for name, p in self.params.items()}
        for name, value in given.items():
            values[name] = self.params[name].convert(value, where) if name in self.params else value
        return values


def parse_default(text: str) -> Any:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    if text.startswith("<") and text.endswith(">"):
        return Iri(text[1:-1])
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


def parse_header(text: str, comment: str = "#") -> QueryHeader:
    """The header of a query file: its leading comment lines (see the module docstring)."""
    found: dict[str, str] = {}
    params: dict[str, Param] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith(comment):
            break
        body = stripped[len(comment):].strip()
        match = _PARAM.fullmatch(body)
        if match:
            name, kind, default, description = match.groups()
            value = parse_default(default)
            params[name] = Param(name, value, description.strip(), kind or kind_of(value))
            continue
        key = _KEY.fullmatch(body)
        if key:
            found[key.group(1)] = key.group(2).strip()
    for name, param in list(params.items()):
        if param.kind not in KINDS:
            raise ExportError(f"parameter '{name}' has unknown type '{param.kind}'",
                              hint=f"use one of: {', '.join(KINDS)}")
        if param.kind != kind_of(param.default):
            params[name] = Param(name, param.convert(str(param.default)), param.description, param.kind)
    columns = tuple(c.strip() for c in found.get("columns", "").split(",") if c.strip())
    return QueryHeader(found.get("title", ""), found.get("question", ""), columns, params)
