"""paperkg rdf support."""
