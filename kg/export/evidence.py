"""The evidence levels every linked-data exporter takes (``--evidence none|summary|full``).

``none`` writes the relations only; ``summary`` (the default) each relation's confidence,
support and one pointer to its first evidence span; ``full`` every evidence span with its
sentence and offsets, the extractors and the role. What each level means in RDF is in
:mod:`kg.export.rdf.triples`, in Neo4j in :data:`kg.export.cypher.schema.LEVEL_REL_PROPS`.
"""
from __future__ import annotations

from kg.errors import ExportError

EVIDENCE_LEVELS = ("none", "summary", "full")
DEFAULT_EVIDENCE = "summary"


def check_evidence(evidence: str) -> str:
    """``evidence`` when it is a level, else an ``ExportError`` naming the levels."""
    if evidence not in EVIDENCE_LEVELS:
        raise ExportError(f"unknown evidence level '{evidence}'", hint=f"use one of: {', '.join(EVIDENCE_LEVELS)}")
    return evidence
