"""Stage 3, resolve: mentions to entities (alias index, acronym senses, normalization, merges)."""
