"""The Cypher statements of the Neo4j writers, read from ``queries/cypher/push/``.

Statements are never assembled from data: the writers send the text of a file chosen from
the fixed whitelist in :mod:`kg.export.cypher.schema` (``push/node-<Label>.cypher``,
``push/rel-<TYPE>.cypher``) and pass every value as the ``$rows`` parameter. Canned queries
and their headers are read by :mod:`kg.query.files`, the one loader of query files.
"""
from __future__ import annotations

from kg.errors import ExportError
from kg.export.cypher.schema import LABELS, REL_TYPES
from kg.query.files import CYPHER, body, read_packaged


def read(relative: str) -> str:
    """The text of ``queries/cypher/<relative>``."""
    return read_packaged(CYPHER, relative)


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
    return [s.strip() for s in body(text, CYPHER).split(";") if s.strip()]


def schema_statements() -> list[str]:
    """Constraints and indexes (Neo4j 5 syntax), to run before any data."""
    return split_statements(read("push/schema.cypher"))
