"""Queries: canned and user SPARQL/Cypher over the embedded caches or a Neo4j server; one query-file loader."""
