"""Stage 5, store: the persisted graph (one SQLite database, ``db``), its atomic swaps, its
lock, and the query caches made beside it on first use (``cache``)."""
