"""Cypher statements and canned queries, read from the ``.cypher`` files in ``queries/cypher/``.

Statements are never assembled from data: the writers send the text of a file chosen from
the fixed whitelist in :mod:`kg.cypher.schema` (``push/node-<Label>.cypher``,
``push/rel-<TYPE>.cypher``) and pass every value as the ``$rows`` parameter.

A canned query starts with a header of ``//`` comment lines::

    // title: Top datasets
    // question: Which datasets are evaluated on by the most papers?
    // param limit: 10 — how many datasets to list

A parameter's default also fixes its type: a value given as text (``--param limit=5``) is
converted to an int when the default is an int, to a float when it is a float.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from kg.cypher.schema import LABELS, REL_TYPES
from kg.errors import ExportError

PACKAGE = "queries.cypher"
_HEADER = re.compile(r"^//\s*(?P<key>[A-Za-z_][\w-]*)(?:\s+(?P<name>[A-Za-z_]\w*))?\s*:\s?(?P<value>.*)$")
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
        raise ValueError(f"unknown node label {label!r}")
    return read(f"push/node-{label}.cypher")


def rel_statement(rel_type: str) -> str:
    """The batched upsert of ``rel_type`` relationships (must be in ``REL_TYPES``)."""
    if rel_type not in REL_TYPES:
        raise ValueError(f"unknown relationship type {rel_type!r}")
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


@dataclass(frozen=True)
class QueryHeader:
    """The ``//`` header of a query file: title, question and declared parameters."""

    title: str = ""
    question: str = ""
    params: dict[str, Param] = field(default_factory=dict)


def _default(text: str) -> Any:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


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
    """The header of a query: the leading ``//`` lines (``title``, ``question``, ``param``)."""
    title = question = ""
    params: dict[str, Param] = {}
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
            params[name] = Param(name, _default(default), description)
        elif key == "title":
            title = value
        elif key == "question":
            question = value
    return QueryHeader(title, question, params)


def used_params(text: str) -> set[str]:
    """Names of the ``$parameters`` a query uses (outside ``//`` comment lines)."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return set(_PARAM_USE.findall(body))


def _convert(param: Param, value: Any, where: str) -> Any:
    if not isinstance(value, str) or isinstance(param.default, str) or param.default is None:
        return value
    kind = type(param.default)
    try:
        return kind(value.strip())
    except ValueError:
        raise ExportError(f"parameter {param.name!r} must be {'an integer' if kind is int else 'a number'}, "
                          f"got {value!r}", where=where,
                          hint=f"pass --param {param.name}={param.default!r}-like values") from None


def bind_params(text: str, given: dict[str, Any] | None, where: str = "query") -> dict[str, Any]:
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
