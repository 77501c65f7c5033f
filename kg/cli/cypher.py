"""``paperkg push neo4j``: added to the ``push`` group by :func:`register` (see ``kg.cli.main``);
a thin shell over :func:`kg.api.push_neo4j`."""
from __future__ import annotations

import json

import click

from kg.cli.common import State, handle_errors, progress_bar
from kg.export.cypher import DEFAULT_BATCH_SIZE
from kg.export.evidence import EVIDENCE_LEVELS


@click.command("neo4j")
@click.argument("directory", metavar="DIR")
@click.option("--uri", envvar="NEO4J_URI", required=True, metavar="URI",
              help="Neo4j address, e.g. neo4j://localhost:7687 [env NEO4J_URI].")
@click.option("--user", envvar="NEO4J_USERNAME", default="neo4j", show_default=True,
              help="User name [env NEO4J_USERNAME].")
@click.option("--password", envvar="NEO4J_PASSWORD", default=None,
              help="Password [env NEO4J_PASSWORD]; without one, no authentication is sent.")
@click.option("--database", envvar="NEO4J_DATABASE", default=None,
              help="Database name (default: the server's default database) [env NEO4J_DATABASE].")
@click.option("--batch-size", default=DEFAULT_BATCH_SIZE, show_default=True, type=click.IntRange(1, 100000),
              help="Rows per transaction.")
@click.option("--evidence", type=click.Choice(EVIDENCE_LEVELS), default="summary", show_default=True,
              help="Per relationship: its type only, its confidence, support and one evidence pointer "
                   "(evidence_ref), or every evidence sentence and offset.")
@click.option("--json", "as_json", is_flag=True, help="Print the push report as JSON on stdout.")
@click.pass_obj
@handle_errors
def push_neo4j(state: State, directory: str, uri: str, user: str, password: str | None,
               database: str | None, batch_size: int, evidence: str, as_json: bool) -> None:
    """Push the graph in DIR to Neo4j 5+: constraints first, then nodes and
    relationships in idempotent UNWIND/MERGE batches.

    Pushing the same graph again changes nothing; after an incremental build only
    new and changed nodes and relationships are written. Each batch is a managed
    transaction, retried by the driver on transient errors.

    \b
    Example:
      export NEO4J_PASSWORD=secret
      paperkg push neo4j out/graph --uri neo4j://localhost:7687 --user neo4j
    """
    from kg.api import push_neo4j as push

    with progress_bar(state, "pushing") as advance:
        report = push(directory, uri=uri, user=user, password=password, database=database,
                      batch_size=batch_size, progress=advance, evidence=evidence)
    if as_json:
        click.echo(json.dumps(report.to_dict(), sort_keys=True))
    state.info(f"pushed {directory} to {report.summary()}")


def register(main: click.Group) -> None:
    """Add the ``neo4j`` subcommand to ``main``'s ``push`` group."""
    push_group = main.commands["push"]
    assert isinstance(push_group, click.Group)
    push_group.add_command(push_neo4j)
