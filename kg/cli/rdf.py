"""Commands of the RDF stage: ``paperkg validate`` and ``paperkg push sparql``.

``kg.cli.main`` imports this module and calls :func:`register` with its ``main`` group; the
commands are thin shells over :func:`kg.api.validate_store` and :func:`kg.api.push_sparql`.
"""
from __future__ import annotations

import json
import sys

import click

from kg.cli.common import State, handle_errors, progress_bar
from kg.export.evidence import EVIDENCE_LEVELS

MAX_SHOWN = 50


@click.command()
@click.argument("directory", metavar="DIR")
@click.option("--base-iri", default=None, metavar="IRI", envvar="PAPERKG_BASE_IRI",
              help="Base of the instance IRIs [default: https://w3id.org/paperkg/].")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"conforms", "triples", "violations": [...]} as JSON.')
@click.option("--max", "max_shown", default=MAX_SHOWN, show_default=True, type=click.IntRange(0),
              help="How many violations to list.")
@click.option("--evidence", type=click.Choice(EVIDENCE_LEVELS), default="full", show_default=True,
              help="Validate the RDF as exported with this evidence level.")
@handle_errors
def validate(directory: str, base_iri: str | None, as_json: bool, max_shown: int, evidence: str) -> None:
    """Check the graph in DIR, as RDF, against the SHACL shapes (ontology/shapes.ttl).

    Lists each violation with its focus node, path and message; exits with 1 when
    the graph does not conform.

    \b
    Example:
      paperkg validate out/graph
    """
    from kg.api import validate_store

    report = validate_store(directory, base_iri=base_iri, evidence=evidence)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    elif report.conforms:
        click.echo(f"{directory}: conforms to the paperkg shapes ({report.triples} triples).")
    else:
        for violation in report.violations[:max_shown]:
            click.echo(violation.format())
        more = len(report.violations) - max_shown
        if more > 0:
            click.echo(f"... and {more} more (use --max or --json to see all)")
        click.echo(f"{directory}: does not conform: {len(report.violations)} violation(s) "
                   f"in {report.triples} triples.", err=True)
    if not report.conforms:
        sys.exit(1)

@click.command("sparql")
@click.argument("directory", metavar="DIR")
@click.option("--endpoint", required=True, metavar="URL", envvar="PAPERKG_SPARQL_ENDPOINT",
              help="Graph Store Protocol URL, e.g. http://localhost:8890/sparql-graph-crud-auth.")
@click.option("--graph", "graph_iri", default=None, metavar="IRI",
              help="The named graph to replace [default: <base IRI>graph].")
@click.option("--base-iri", default=None, metavar="IRI", envvar="PAPERKG_BASE_IRI",
              help="Base of the instance IRIs [default: https://w3id.org/paperkg/].")
@click.option("--user", default=None, envvar="PAPERKG_SPARQL_USER", help="User for HTTP digest/basic auth.")
@click.option("--password", default=None, envvar="PAPERKG_SPARQL_PASSWORD",
              help="Password (or set PAPERKG_SPARQL_PASSWORD).")
@click.option("--batch-size", default=50_000, show_default=True, type=click.IntRange(1, 10_000_000),
              help="Triples per request.")
@click.option("--timeout", default=300.0, show_default=True, type=click.FloatRange(1),
              help="Seconds to wait for each request.")
@click.option("--evidence", type=click.Choice(EVIDENCE_LEVELS), default="summary", show_default=True,
              help="Per relation: nothing, its confidence, support and one evidence pointer, "
                   "or every evidence sentence and offset.")
@click.pass_obj
@handle_errors
def sparql(state: State, directory: str, endpoint: str, graph_iri: str | None, base_iri: str | None,
           user: str | None, password: str | None, batch_size: int, timeout: float, evidence: str) -> None:
    """Replace a named graph on a SPARQL server with the graph in DIR.

    Uses the SPARQL 1.1 Graph Store HTTP Protocol: PUT of the first batch (replacing
    the named graph), then POST of the others, as N-Triples. Pushing again replaces
    the graph, so a push can simply be repeated.

    \b
    Example:
      paperkg push sparql out/graph --endpoint http://localhost:8890/sparql-graph-crud-auth \\
          --graph https://example.org/kg --user dba --password dba
    """
    from kg.api import push_sparql

    with progress_bar(state, "pushing triples") as advance:
        report = push_sparql(directory, endpoint=endpoint, graph_iri=graph_iri, base_iri=base_iri, user=user,
                             password=password, batch_size=batch_size, timeout=timeout, progress=advance,
                             evidence=evidence)
    state.info(f"pushed {report.triples} triples to <{report.graph}> at {report.endpoint} "
               f"in {report.requests} request(s), {report.seconds:.1f} s.")


def register(main: click.Group) -> None:
    """Add ``validate`` to ``main`` and ``sparql`` to its ``push`` group."""
    main.add_command(validate)
    push = main.commands.get("push")
    if isinstance(push, click.Group):
        push.add_command(sparql)
