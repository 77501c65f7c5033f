"""Stage 4, graph: the graph model and the builder that turns resolved extractions into it."""
