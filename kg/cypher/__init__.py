"""paperkg cypher support."""
