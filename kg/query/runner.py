"""``paperkg query``: run a query file against the embedded stores beside a graph.

The language is chosen by the file extension: ``.rq``/``.sparql`` runs SPARQL on the
embedded RDF store (``kg.query.sparql``), ``.cypher``/``.cql`` runs Cypher on the embedded
property-graph store (``kg.query.cypher``) or, with ``neo4j_uri``, on a Neo4j server.
Parameters are passed as bindings/parameters, never formatted into the query text.
A query file may be a path or the name of a canned query in ``queries/`` (``top-datasets``).
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.query.files import load

@dataclass
class QueryResult:
    columns: list[str]
    rows: list[dict[str, Any]]


def run(directory: str | Path, query: str, params: dict[str, str] | None = None, *,
        neo4j: dict[str, Any] | None = None) -> QueryResult:
    from kg.store.core import tidy

    query_file = load(query)
    language, text = query_file.language.name, query_file.text
    params = params or {}
    tidy(directory)  # what a killed build left beside the store goes with the next command
    if language == "sparql":
        from kg.query.sparql import run_sparql

        columns, rows = run_sparql(directory, text, params)
    elif neo4j:
        from kg.query.cypher import run_neo4j

        columns, rows = run_neo4j(text, params, **neo4j)
    else:
        from kg.query.cypher import run_cypher

        columns, rows = run_cypher(directory, text, params)
    return QueryResult(list(columns), [dict(r) for r in rows])


def render(result: QueryResult, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result.rows, indent=2, ensure_ascii=False, default=str)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=result.columns, lineterminator="\n")
        writer.writeheader()
        for row in result.rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
        return buf.getvalue().rstrip("\n")
    from kg.output import printable

    cells = [{c: printable(_cell(r.get(c))) for c in result.columns} for r in result.rows]  # a table is for a terminal
    widths = {c: max([len(c)] + [len(row[c]) for row in cells]) for c in result.columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in result.columns),
             "  ".join("-" * widths[c] for c in result.columns)]
    lines += ["  ".join(row[c].ljust(widths[c]) for c in result.columns) for row in cells]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
