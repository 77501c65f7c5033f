"""Stage 5, store: the persisted graph directory, its atomic swaps and its lock."""
