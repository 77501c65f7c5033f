"""SPARQL on the embedded store: ``paperkg query DIR FILE.rq [--param name=value ...]``.

Parameters are bound with pyoxigraph substitutions (SEP-0007: the variable ``?name`` is
replaced by the typed term before evaluation), never formatted into the query text.
pyoxigraph requires a substituted variable to be in the ``SELECT`` projection, so a
parameter must be selected; its column is dropped from the output unless the header's
``# columns:`` lists it. Declared parameters get their header defaults
(:mod:`kg.query.files`); ``limit`` slices the results (SPARQL cannot bind ``LIMIT``), and is
also bound when the query uses ``?limit`` (to read only the top ranks, ``FILTER(?rank <= ?limit)``).
Values come back as plain Python values: IRIs and strings as ``str``, numeric literals as
``int``/``float``, booleans as ``bool``, unbound as ``None``.
"""
from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import ExportError
from kg.query.sparql_cache import open_embedded
from kg.query.files import LIMIT, SPARQL, Iri, bind, parse_header, used_params

XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                    "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
FLOAT_TYPES = {XSD + t for t in ("decimal", "double", "float")}


def term(value: Any) -> ox.NamedNode | ox.Literal:
    """A Python parameter value as an RDF term (``int`` -> ``xsd:integer`` and so on)."""
    if isinstance(value, Iri):
        try:
            return ox.NamedNode(value.value)
        except ValueError as exc:
            raise ExportError(f"bad IRI parameter '{value.value}': {exc}") from None
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(XSD + "double"))
    return ox.Literal(str(value))


def python_value(node: Any) -> Any:
    """An RDF term of a result as a plain Python value."""
    if node is None:
        return None
    if isinstance(node, ox.NamedNode):
        return node.value
    if isinstance(node, ox.BlankNode):
        return f"_:{node.value}"
    if isinstance(node, ox.Literal):
        datatype = node.datatype.value
        try:
            if datatype in INTEGER_TYPES:
                return int(node.value)
            if datatype in FLOAT_TYPES:
                return float(node.value)
        except ValueError:
            return node.value
        if datatype == XSD + "boolean":
            return node.value in ("true", "1")
        return node.value
    return str(node)


def bindings(text: str, params: dict[str, str], where: str | None = None) -> tuple[dict[ox.Variable, Any], int | None]:
    """The substitutions for ``params`` (header defaults applied) and the ``limit``, if any."""
    values = bind(text, params, SPARQL, where)
    limit = values.pop(LIMIT, None)
    if limit is not None:
        if not isinstance(limit, int):
            try:
                limit = int(limit)
            except ValueError:
                raise ExportError(f"parameter 'limit' must be an integer, got {limit!r}", where=where) from None
        if limit < 0:
            raise ExportError("parameter 'limit' must be 0 or more", where=where)
    used = used_params(text, SPARQL)
    if limit is not None and LIMIT in used:  # a query may read it too (FILTER(?rank <= ?limit))
        values[LIMIT] = limit
    for name in values:
        if name not in used:
            raise ExportError(f"parameter '{name}' is not a variable of the query", where=where,
                              hint=f"the query uses: {', '.join(sorted(used)) or 'no variables'}")
    return {ox.Variable(name): term(value) for name, value in values.items()}, limit


def query_store(store: ox.Store, text: str, params: dict[str, str] | None = None,
                where: str | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """Run a SPARQL query on a pyoxigraph store (see :func:`run_sparql`)."""
    substitutions, limit = bindings(text, params or {}, where)
    return execute(store, text, substitutions, limit, where)


def execute(store: ox.Store, text: str, substitutions: dict[ox.Variable, Any], limit: int | None,
            where: str | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    try:
        results = store.query(text, substitutions=substitutions)
    except SyntaxError as exc:
        raise ExportError(f"SPARQL syntax error: {exc}", where=where, hint="fix the query") from None
    except RuntimeError as exc:
        hint = ("select every parameter (SELECT ?param ...; its column is dropped from the output)"
                if "projection" in str(exc) else "check the query")
        raise ExportError(f"the query cannot run: {exc}", where=where, hint=hint) from None
    except OSError as exc:
        raise ExportError(f"the query failed: {exc}", where=where) from None
    if isinstance(results, ox.QueryBoolean):
        return ["result"], [{"result": bool(results)}]
    if isinstance(results, ox.QueryTriples):
        columns = ["subject", "predicate", "object"]
        return columns, [dict(zip(columns, (python_value(t.subject), python_value(t.predicate),
                                            python_value(t.object)))) for t in islice(results, limit)]
    keep = set(parse_header(text).columns)
    bound = {v.value for v in substitutions}
    columns = [v.value for v in results.variables if v.value not in bound or v.value in keep]
    rows = [{c: python_value(solution[c]) for c in columns} for solution in islice(results, limit)]
    return columns, rows


def run_sparql(directory: str | Path, text: str, params: dict[str, str] | None = None
               ) -> tuple[list[str], list[dict[str, Any]]]:
    """Run the SPARQL query ``text`` on the embedded store of the graph store ``directory``
    with ``params`` bound; returns ``(columns, rows)``. Bad parameters fail before the
    store is opened."""
    substitutions, limit = bindings(text, params or {})
    return execute(open_embedded(directory), text, substitutions, limit)
