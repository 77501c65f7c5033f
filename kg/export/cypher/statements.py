"""Cypher statements and canned queries, read from the ``.cypher`` files in ``queries/cypher/``.

Statements are never assembled from data: the writers send the text of a file chosen from
the fixed whitelist in :mod:`kg.export.cypher.schema` (``push/node-<Label>.cypher``,
``push/rel-<TYPE>.cypher``) and pass every value as the ``$rows`` parameter.

A canned query starts with a header of ``//`` comment lines, the same header as its SPARQL
twin in ``queries/sparql/`` (same stem, ``#`` comments)::

    // title: Most-used datasets
    // question: Which datasets do the most papers evaluate on or introduce?
    // param limit: 10 — how many datasets to return
    // param dataset (key): "" — a dataset's name, alias or long form; "" for every dataset
    // columns: dataset_id, dataset_name, papers

A parameter's type is given in parentheses or inferred from its default: ``10`` is an
``integer``, ``0.5`` a ``float``, a quoted or other default a ``string``. Text values
(``--param limit=5``) are converted to it. A ``key`` is a string turned into a name match
key with ``kg.resolve.normalize.normalize`` (``ResNet 50`` -> ``resnet50``) and compared with the
``name_keys`` property, as SPARQL compares it with ``pkg:nameKey``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from kg.export.cypher.schema import LABELS, REL_TYPES
from kg.errors import ExportError
from kg.resolve.normalize import normalize

PACKAGE = "queries.cypher"
_HEADER = re.compile(r"^//\s*(?P<key>[A-Za-z_][\w-]*)(?:\s+(?P<name>[A-Za-z_]\w*))?"
                     r"(?:\s*\(\s*(?P<kind>[a-z]+)\s*\))?\s*:\s?(?P<value>.*)$")
KINDS = ("string", "integer", "float", "key")
_PARAM_USE = re.compile(r"\$([A-Za-z_]\w*)")
_SEPARATOR = re.compile(r"\s+(?:—|--|-)\s+")
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")


def _files() -> Traversable:
    return resources.files(PACKAGE)


def read(relative: str) -> str:
    """The text of ``queries/cypher/<relative>``."""
    path = _files()
    for part in relative.split("/"):
        path = path.joinpath(part)
    if not path.is_file():
        raise ExportError(f"missing query file queries/cypher/{relative}",
                          hint="reinstall paperkg; the package data is incomplete")
    return path.read_text("utf-8")


def node_statement(label: str) -> str:
    """The batched upsert of ``label`` nodes (``label`` must be in ``LABELS``)."""
    if label not in LABELS:
        raise ExportError(f"unknown node label {label!r}")
    return read(f"push/node-{label}.cypher")


def rel_statement(rel_type: str) -> str:
    """The batched upsert of ``rel_type`` relationships (must be in ``REL_TYPES``)."""
    if rel_type not in REL_TYPES:
        raise ExportError(f"unknown relationship type {rel_type!r}")
    return read(f"push/rel-{rel_type}.cypher")


def split_statements(text: str) -> list[str]:
    """Statements of a file of ``;``-terminated statements, without comment lines. Only for
    our own schema files, which hold no ``;`` inside strings."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return [s.strip() for s in body.split(";") if s.strip()]


def schema_statements() -> list[str]:
    """Constraints and indexes (Neo4j 5 syntax), to run before any data."""
    return split_statements(read("push/schema.cypher"))


@dataclass(frozen=True)
class Param:
    name: str
    default: Any
    description: str = ""
    kind: str = "string"


@dataclass(frozen=True)
class QueryHeader:
    """The ``//`` header of a query file: title, question and declared parameters."""

    title: str = ""
    question: str = ""
    params: dict[str, Param] = field(default_factory=dict)
    columns: tuple[str, ...] = ()


def _default(text: str, kind: str | None) -> tuple[Any, str]:
    """``(default value, kind)`` of a parameter's default text and declared kind."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text, kind = text[1:-1], kind or "string"
    if kind is None:
        kind = "integer" if _INT.fullmatch(text) else "float" if _FLOAT.fullmatch(text) else "string"
    if kind not in KINDS:
        raise ExportError(f"unknown parameter type ({kind})", hint=f"use one of: {', '.join(KINDS)}")
    param = Param("default", None, kind=kind)
    return _convert(param, text, None), kind


def _split_param(value: str) -> tuple[str, str]:
    """``'"a - b" — text'`` -> ``('"a - b"', 'text')``: a default (quoted when it holds a
    dash or spaces at the ends) and a description after an em dash, ``--`` or `` - ``."""
    start = 0
    if value[:1] in "\"'" and value.find(value[0], 1) > 0:
        start = value.find(value[0], 1) + 1
    match = _SEPARATOR.search(value, start)
    if not match:
        return value, ""
    return value[:match.start()], value[match.end():].strip()


def parse_header(text: str) -> QueryHeader:
    """The header of a query: the leading ``//`` lines (``title``, ``question``, ``param``,
    ``columns``)."""
    title = question = ""
    params: dict[str, Param] = {}
    columns: tuple[str, ...] = ()
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if not line.startswith("//"):
            break
        match = _HEADER.match(line)
        if not match:
            continue
        key, name, value = match["key"].lower(), match["name"], match["value"].strip()
        if key == "param" and name:
            default, description = _split_param(value)
            value, kind = _default(default, match["kind"])
            params[name] = Param(name, value, description, kind)
        elif key == "title":
            title = value
        elif key == "question":
            question = value
        elif key == "columns":
            columns = tuple(c.strip() for c in value.split(",") if c.strip())
    return QueryHeader(title, question, params, columns)


def used_params(text: str) -> set[str]:
    """Names of the ``$parameters`` a query uses (outside ``//`` comment lines)."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return set(_PARAM_USE.findall(body))


def _convert(param: Param, value: Any, where: str | None) -> Any:
    """A text value as the parameter's kind (other values are passed as they are)."""
    if not isinstance(value, str):
        return value
    if param.kind == "key":
        return normalize(value)
    if param.kind not in ("integer", "float"):
        return value
    try:
        return int(value.strip()) if param.kind == "integer" else float(value.strip())
    except ValueError:
        raise ExportError(f"parameter {param.name!r} must be {'an integer' if param.kind == 'integer' else 'a number'}, "
                          f"got {value!r}", where=where,
                          hint=f"e.g. --param {param.name}={param.default}") from None


def bind_params(text: str, given: dict[str, Any] | None, where: str | None = None) -> dict[str, Any]:
    """The parameters to run ``text`` with: the header's defaults overridden by ``given``
    (text values converted to the default's type). Raises ``ExportError`` for a parameter
    the query does not declare, or one it uses without a default and that is not given."""
    header = parse_header(text)
    given = dict(given or {})
    unknown = sorted(set(given) - set(header.params) - used_params(text))
    if unknown:
        declared = ", ".join(sorted(header.params)) or "none"
        raise ExportError(f"unknown parameter(s) {', '.join(unknown)}", where=where,
                          hint=f"this query declares: {declared}")
    bound = {name: p.default for name, p in header.params.items()}
    for name, value in given.items():
        bound[name] = _convert(header.params[name], value, where) if name in header.params else value
    missing = sorted(used_params(text) - set(bound))
    if missing:
        raise ExportError(f"missing parameter(s) {', '.join(missing)}", where=where,
                          hint="pass them with --param NAME=VALUE or declare a default in the header "
                               "(// param NAME: DEFAULT — description)")
    return bound


def canned_queries() -> dict[str, str]:
    """Stem -> text of every canned query (``queries/cypher/*.cypher``)."""
    out = {}
    for entry in _files().iterdir():
        if entry.is_file() and entry.name.endswith(".cypher"):
            out[entry.name.removesuffix(".cypher")] = entry.read_text("utf-8")
    return dict(sorted(out.items()))
