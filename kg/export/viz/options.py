"""The choices and defaults of ``paperkg viz``'s options, one copy each, in a module that
imports nothing: the CLI builds its options from them at start-up without loading the
drawing code (numpy, networkx, matplotlib), and the implementation reads the same names."""
from __future__ import annotations

FORMATS = ("html", "png", "svg")
STATIC_TOP = 40
"""How many entities a PNG/SVG shows unless ``--top`` says otherwise."""
LAYOUTS = ("force", "hierarchical", "circle")
"""The node placements :func:`kg.export.viz.layout.layout` computes."""
