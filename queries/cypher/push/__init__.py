"""Cypher statements of paperkg push neo4j (package data)."""
