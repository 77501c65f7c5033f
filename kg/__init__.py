"""paperkg: a knowledge graph of ML papers, methods, datasets, tasks and code.

The public Python API is :mod:`kg.api`, re-exported here: one typed function per
``paperkg`` command (see the README's "Python API")::

    import kg
    kg.build_store(["examples/listing.txt"], "out/graph")
    print(kg.store_stats("out/graph").nodes)

Names are loaded on first use, so ``import kg`` stays cheap (no spaCy, rdflib or
pyoxigraph until a function that needs them is called; ``__version__`` reads the installed
package's metadata when first asked for, since ``importlib.metadata`` alone costs ~0.1 s).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "BuildResult", "ExportResult", "FetchOptions", "FetchReport", "Neo4jTarget", "RunReport", "ShowResult",
    "StoreStats", "VizResult", "build_store", "check_store", "evaluate", "export_graph", "extract_papers",
    "extract_to_file", "fetch_arxiv", "fetch_hf_daily", "fetch_listing", "push_neo4j", "push_sparql",
    "render_rows", "run_query", "show_entity", "store_stats", "validate_store", "visualize", "web_app",
    "__version__",
]

if TYPE_CHECKING:
    from kg.api import (BuildResult, ExportResult, FetchOptions, FetchReport, Neo4jTarget, RunReport,
                        ShowResult, StoreStats, VizResult, build_store, check_store, evaluate, export_graph,
                        extract_papers, extract_to_file, fetch_arxiv, fetch_hf_daily, fetch_listing, push_neo4j,
                        push_sparql, render_rows, run_query, show_entity, store_stats, validate_store,
                        visualize, web_app)

    __version__: str


def __getattr__(name: str) -> Any:
    """Load :mod:`kg.api` when one of its names is first asked for (``__version__``: the
    installed package's version)."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("paperkg")
        except PackageNotFoundError:  # running from a source tree without installing
            found = "0.0.0+unknown"
        globals()[name] = found
        return found
    if name in __all__:
        from kg import api

        value = getattr(api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kg' has no attribute '{name}'")
