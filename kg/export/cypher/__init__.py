"""Neo4j adapters: ``export`` (neo4j-admin CSV, cypher-shell script), ``push`` (a live server).

The defaults ``paperkg push neo4j`` shows live here, in a package module that imports
nothing, so the CLI sets up its options without loading the writers or the driver.
"""
from __future__ import annotations

DEFAULT_BATCH_SIZE = 1000
"""Rows per transaction of ``push neo4j``."""
