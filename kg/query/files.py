"""Query files, SPARQL (``.rq``) and Cypher (``.cypher``): finding, reading, the header, parameters.

Every canned query lives in ``queries/sparql/`` or ``queries/cypher/`` (the same stems in
both) and starts with a header of comment lines (``#`` in SPARQL, ``//`` in Cypher)::

    # title: Most-used datasets
    # question: Which datasets do the most papers evaluate on or introduce?
    # param limit: 10 — how many rows to return
    # param dataset (key): "" — a dataset's name or alias; "" means every dataset
    # columns: dataset_id, dataset_name, papers

A parameter line is ``param NAME (TYPE): DEFAULT — description`` (the separator is an em
dash, ``--`` or `` - ``; a default holding one is quoted). The type in parentheses may be left
out; it is then inferred from the default: ``10`` is an ``integer``, ``0.5`` a ``float``,
``<https://…>`` an ``iri``, ``""``/``"text"``/``'text'`` or bare text a ``string``. The type
``key`` is a string turned into a name match key with :func:`kg.resolve.normalize.normalize`
(case, spaces and hyphens ignored: ``ResNet 50`` -> ``resnet50``), matched against
``pkg:nameKey`` (SPARQL) or the ``name_keys`` property (Cypher). Values given on the command
line (always strings) are converted to the parameter's type. ``limit`` is special in SPARQL,
which cannot bind ``LIMIT``: :mod:`kg.query.sparql` applies it by slicing the results.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from kg.errors import ExportError
from kg.resolve.normalize import normalize

LIMIT = "limit"
KINDS = ("string", "integer", "float", "iri", "key")
_HEADER = re.compile(r"(?P<key>[A-Za-z_][\w-]*)(?:\s+(?P<name>[A-Za-z_]\w*))?"
                     r"(?:\s*\(\s*(?P<kind>[a-z]+)\s*\))?\s*:\s?(?P<value>.*)")
_SEPARATOR = re.compile(r"\s+(?:—|--|-)\s+")
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True)
class Language:
    name: str
    package: str
    suffixes: tuple[str, ...]
    comment: str
    variable: re.Pattern[str]
    """How the query text names a parameter (``?x``/``$x`` in SPARQL, ``$x`` in Cypher)."""

    @property
    def suffix(self) -> str:
        return self.suffixes[0]


SPARQL = Language("sparql", "queries.sparql", (".rq", ".sparql"), "#", re.compile(r"[?$]([A-Za-z_]\w*)"))
CYPHER = Language("cypher", "queries.cypher", (".cypher", ".cql"), "//", re.compile(r"\$([A-Za-z_]\w*)"))
LANGUAGES = {lang.name: lang for lang in (SPARQL, CYPHER)}


@dataclass(frozen=True)
class Iri:
    """An IRI-typed parameter value."""

    value: str


@dataclass(frozen=True)
class Param:
    name: str
    default: Any
    description: str = ""
    kind: str = "string"

    def convert(self, value: Any, where: str | None = None) -> Any:
        """A text ``value`` (from the command line, or the default's text) as this parameter's
        type; other values are passed as they are."""
        if not isinstance(value, str):
            return value
        if self.kind == "key":
            return normalize(value)
        if self.kind == "iri":
            return Iri(value.strip().strip("<>"))
        if self.kind not in ("integer", "float"):
            return value
        try:
            return int(value.strip()) if self.kind == "integer" else float(value.strip())
        except ValueError:
            raise ExportError(f"parameter {self.name!r} must be {'an integer' if self.kind == 'integer' else 'a number'}, "
                              f"got {value!r}", where=where,
                              hint=f"e.g. --param {self.name}={getattr(self.default, 'value', self.default)}") from None


@dataclass(frozen=True)
class QueryHeader:
    """The comment header of a query file: title, question, declared parameters, columns."""

    title: str = ""
    question: str = ""
    columns: tuple[str, ...] = ()
    params: dict[str, Param] = field(default_factory=dict)

    def values(self, given: dict[str, Any], where: str | None = None) -> dict[str, Any]:
        """The declared defaults overridden by ``given`` (text converted to the declared types)."""
        values: dict[str, Any] = {name: p.default for name, p in self.params.items()}
        for name, value in given.items():
            values[name] = self.params[name].convert(value, where) if name in self.params else value
        return values


def _default(text: str, kind: str | None) -> tuple[Any, str]:
    """``(default value, kind)`` of a parameter's default text and declared kind."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text, kind = text[1:-1], kind or "string"
    elif text.startswith("<") and text.endswith(">"):
        kind = kind or "iri"
    if kind is None:
        kind = "integer" if _INT.fullmatch(text) else "float" if _FLOAT.fullmatch(text) else "string"
    if kind not in KINDS:
        raise ExportError(f"parameter has unknown type '{kind}'", hint=f"use one of: {', '.join(KINDS)}")
    return Param("default", None, kind=kind).convert(text), kind


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


def parse_header(text: str, comment: str = "#") -> QueryHeader:
    """The header of a query: its leading ``comment`` lines (``title``, ``question``,
    ``param``, ``columns``; see the module doc)."""
    found: dict[str, str] = {}
    params: dict[str, Param] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if not line.startswith(comment):
            break
        match = _HEADER.fullmatch(line[len(comment):].strip())
        if not match:
            continue
        key, name, value = match["key"].lower(), match["name"], match["value"].strip()
        if key == "param" and name:
            default, description = _split_param(value)
            try:
                value, kind = _default(default, match["kind"])
            except ExportError as exc:
                raise ExportError(f"parameter '{name}' has unknown type '{match['kind']}'",
                                  hint=exc.hint) from None
            params[name] = Param(name, value, description, kind)
        elif key in ("title", "question", "columns"):
            found[key] = value
    columns = tuple(c.strip() for c in found.get("columns", "").split(",") if c.strip())
    return QueryHeader(found.get("title", ""), found.get("question", ""), columns, params)


def body(text: str, language: Language) -> str:
    """``text`` without its comment lines."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(language.comment))


def used_params(text: str, language: Language = CYPHER) -> set[str]:
    """Names of the parameters (variables, in SPARQL) the query text uses outside comments."""
    return set(language.variable.findall(body(text, language)))


def bind(text: str, given: dict[str, Any] | None, language: Language, where: str | None = None) -> dict[str, Any]:
    """The parameters to run ``text`` with: the header's defaults overridden by ``given``
    (text values converted to the declared types). A given name is an error when the header
    does not declare it and, in Cypher or in a SPARQL query without declared parameters, the
    query does not use it; so is, in Cypher, a ``$parameter`` used without a default and not given."""
    header = parse_header(text, language.comment)
    given = dict(given or {})
    used = used_params(text, language)
    if language is SPARQL and header.params:  # every ?name is a variable, not a parameter
        allowed = set(header.params)
    else:  # kg.query.sparql takes `limit` by slicing the rows
        allowed = set(header.params) | used | ({LIMIT} if language is SPARQL else set())
    unknown = sorted(set(given) - allowed)
    if unknown:
        declared = ", ".join(sorted(header.params)) or "none"
        raise ExportError(f"unknown parameter(s) {', '.join(unknown)}", where=where,
                          hint=f"this query declares: {declared}")
    bound = header.values(given, where)
    missing = sorted(used - set(bound)) if language is CYPHER else []
    if missing:
        raise ExportError(f"missing parameter(s) {', '.join(missing)}", where=where,
                          hint="pass them with --param NAME=VALUE or declare a default in the header "
                               "(// param NAME: DEFAULT — description)")
    return bound


@dataclass(frozen=True)
class QueryFile:
    """A query: its name (a canned query's stem, or the path given), language and text."""

    name: str
    language: Language
    text: str

    @cached_property
    def header(self) -> QueryHeader:
        return parse_header(self.text, self.language.comment)

    def bind(self, given: dict[str, Any] | None, where: str | None = None) -> dict[str, Any]:
        return bind(self.text, given, self.language, where)


def _package(language: Language) -> Traversable:
    return resources.files(language.package)


def read_packaged(language: Language, relative: str) -> str:
    """The text of ``queries/<language>/<relative>`` (shipped inside the package)."""
    path = _package(language)
    for part in relative.split("/"):
        path = path.joinpath(part)
    if not path.is_file():
        raise ExportError(f"missing query file queries/{language.name}/{relative}",
                          hint="reinstall paperkg; the package data is incomplete")
    return path.read_text("utf-8")


def canned(language: Language) -> dict[str, QueryFile]:
    """Stem -> query of every canned query of ``language`` (``queries/<language>/*<suffix>``)."""
    out = {}
    for entry in _package(language).iterdir():
        if entry.is_file() and entry.name.endswith(language.suffix):
            stem = entry.name.removesuffix(language.suffix)
            out[stem] = QueryFile(stem, language, entry.read_text("utf-8"))
    return dict(sorted(out.items()))


def load(name: str, language: str | None = None) -> QueryFile:
    """A query file by path (the language from its suffix, else ``language``) or by the name
    of a canned query (``top-datasets``, ``top-datasets.cypher``)."""
    path = Path(name)
    if path.is_file():
        suffix = path.suffix.lower()
        lang = next((lang for lang in LANGUAGES.values() if suffix in lang.suffixes),
                    LANGUAGES.get(language or ""))
        if lang is None:
            raise ExportError("cannot tell the query language", where=name,
                              hint="name the file .rq (SPARQL) or .cypher (Cypher)")
        return QueryFile(name, lang, path.read_text("utf-8"))
    for lang in LANGUAGES.values():
        if language not in (None, lang.name):
            continue
        candidate = _package(lang).joinpath(path.name if path.suffix else path.name + lang.suffix)
        if candidate.is_file():
            return QueryFile(name, lang, candidate.read_text("utf-8"))
    raise ExportError("no such query file", where=name,
                      hint="give a .rq/.cypher file or a canned query name (see queries/)")
