"""Run a Cypher query on the embedded store (Ladybug) or on a Neo4j server.

Both take the query text and text parameters (``--param name=value``); the defaults
declared in the query's header fill in what is not given and fix the types
(:func:`kg.query.files.bind`). Parameters are passed to the engine as
parameters, never formatted into the query. Rows come back as dicts keyed by column.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.query.files import CYPHER, bind, body
from kg.errors import ExportError

Rows = list[dict[str, Any]]


def _strip_comments(text: str) -> str:
    # Ladybug reads `//` comments, but a query that is only comments would be an empty query.
    query = body(text, CYPHER).strip()
    if not query:
        raise ExportError("the query file holds no query", hint="write a Cypher query below the header")
    return query.rstrip(";").rstrip()


def run_cypher(directory: str | Path, text: str, params: dict[str, Any] | None = None) -> tuple[list[str], Rows]:
    """Run ``text`` on the embedded store of the graph in ``directory`` (opened read-only,
    built first if missing or stale): ``(columns, rows)``."""
    import ladybug

    from kg.query.cypher_cache import open_database

    bound = bind(text, params, CYPHER)
    query = _strip_comments(text)
    db = open_database(directory)
    try:
        conn = ladybug.Connection(db)
        try:
            result = conn.execute(query, bound)
            if isinstance(result, list):  # several statements: the last one's result
                result = result[-1]
            columns = list(result.get_column_names())
            rows = []
            while result.has_next():
                rows.append(dict(zip(columns, result.get_next())))
        except RuntimeError as exc:
            raise ExportError(f"the embedded Cypher store rejected the query: {exc}",
                              hint="check the query; docs/neo4j.md lists where Ladybug's Cypher differs "
                                   "from Neo4j's") from None
        finally:
            conn.close()
    finally:
        db.close()
    return columns, rows


def _plain(value: Any) -> Any:
    """A JSON-friendly value for a Neo4j result value (nodes and relationships as maps of
    their properties, with ``_labels`` / ``_type``)."""
    from neo4j.graph import Node, Path as GraphPath, Relationship

    if isinstance(value, Node):
        return {"_labels": sorted(value.labels), **{k: _plain(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {"_type": value.type, **{k: _plain(v) for k, v in value.items()}}
    if isinstance(value, GraphPath):
        return [_plain(n) for n in value.nodes]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):  # neo4j.time types
        return value.iso_format()
    return value


def run_neo4j(text: str, params: dict[str, Any] | None = None, *, uri: str, user: str | None = "neo4j",
              password: str | None = None, database: str | None = None) -> tuple[list[str], Rows]:
    """Run ``text`` on the Neo4j server at ``uri`` (read routing): ``(columns, rows)``."""
    import neo4j

    from kg.export.cypher.push import connect, translate_error

    bound = bind(text, params, CYPHER)
    driver = connect(uri, user, password)
    try:
        records, _summary, keys = driver.execute_query(
            text, parameters_=bound, database_=database, routing_=neo4j.RoutingControl.READ)
    except Exception as exc:
        error = translate_error(exc, uri, database)
        if error is None:
            raise
        raise error from exc
    finally:
        driver.close()
    columns = list(keys)
    return columns, [{k: _plain(record[k]) for k in columns} for record in records]
