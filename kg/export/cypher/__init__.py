"""Cypher targets of the graph: Neo4j push, neo4j-admin CSV, cypher-shell script, embedded Ladybug store.

One schema (:mod:`kg.export.cypher.schema`) and the statement files in ``queries/cypher/``
(:mod:`kg.export.cypher.statements`) drive all of them; see docs/neo4j.md.
"""
