"""``paperkg viz``: added to the command group by :func:`register` (see ``kg.cli.main``)."""
from __future__ import annotations

from typing import Any

import click

from kg.graph.model import NODE_TYPES
from kg.export.viz.options import FORMATS, LAYOUTS, STATIC_TOP

LARGE = 5000
"""Above this many nodes the command suggests drawing a part of the graph."""

VIZ_OPTIONS = [
    click.argument("directory", metavar="DIR"),
    click.option("-o", "--output", required=True, metavar="FILE",
                 help="Output file: .html (interactive), .png or .svg (static)."),
    click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                 help="Output format (default: from the -o extension)."),
    click.option("--focus", metavar="NAME", default=None,
                 help="Show only the neighbourhood of NAME (a name, alias or paper title)."),
    click.option("--hops", default=2, show_default=True, type=click.IntRange(0, 10),
                 help="Neighbourhood radius for --focus."),
    click.option("--top", type=click.IntRange(0, 1_000_000), default=None,
                 help=f"Keep the N most connected entities and the papers linking them "
                      f"(default: all in html, {STATIC_TOP} in png/svg; 0: all)."),
    click.option("--min-papers", default=0, show_default=True, type=click.IntRange(0, 1_000_000),
                 help="Drop entities found in fewer papers."),
    click.option("--type", "types", multiple=True, type=click.Choice(NODE_TYPES, case_sensitive=False),
                 help="Node types to show (repeatable; default: all)."),
    click.option("--layout", default="force", show_default=True, type=click.Choice(LAYOUTS),
                 help="Node placement, computed once (the page opens laid out)."),
    click.option("--title", default=None, help="Title of the page or image (default: from DIR)."),
]


def viz(directory: str, output: str, fmt: str | None, focus: str | None, hops: int, top: int | None,
        min_papers: int, types: tuple[str, ...], layout: str, title: str | None) -> None:
    """Draw the graph in DIR: an interactive HTML page that works offline, or a PNG/SVG.

    The page has a search box (names, aliases, paper titles), filters by node type and
    paper count, and a details panel (papers with links, evidence, datasets, tasks,
    code) on click. Images show the top 40 entities unless --top or --focus say
    otherwise. GraphML/GEXF for Gephi: 'paperkg export DIR --format graphml'.

    \b
    Example:
      paperkg viz out/graph -o graph.html
      paperkg viz out/graph -o lora.html --focus LoRA --hops 2
      paperkg viz out/graph -o top.png --top 40 --type Method --type Dataset
    """
    from kg.api import visualize

    drawn = visualize(directory, output, fmt=fmt, focus=focus, hops=hops, top=top, min_papers=min_papers,
                      types=types, layout=layout, title=title)
    click.echo(f"wrote {drawn.output} ({drawn.nodes} nodes, {drawn.edges} edges)", err=True)
    if drawn.nodes > LARGE:
        click.echo(f"note: {drawn.nodes} nodes is a lot to look at; --top N, --min-papers N or "
                   "--focus NAME draw a readable part", err=True)


def register(main: Any) -> None:
    """Add ``viz`` to the ``paperkg`` command group (called by ``kg.cli.main``)."""
    from kg.cli.common import handle_errors

    command: Any = handle_errors(viz)
    for option in reversed(VIZ_OPTIONS):
        command = option(command)
    main.add_command(click.command(name="viz")(command))
