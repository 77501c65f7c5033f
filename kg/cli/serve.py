"""``paperkg serve DIR``: added to the command group by :func:`register` (see ``kg.cli.main``)."""
from __future__ import annotations

import time
from typing import Any

import click

from kg.cli.common import State
from kg.errors import ServeError

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    import ipaddress

    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_port(host: str, port: int) -> None:
    """Fail with one line, before loading anything, when ``host:port`` cannot be listened on."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host.strip("[]"), port))
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                         hint="choose another --port, or stop what uses it") from None


def serve(state: State, directory: str, host: str, port: int, sparql_timeout: float) -> None:
    """Browse the graph in DIR in a web browser, and query it with standard clients.

    Pages: search, entities (with highlighted evidence, datasets, tasks, code and an
    expandable neighbourhood graph), papers, canned queries. Endpoints: /sparql (SPARQL
    1.1 Protocol, read-only), /cypher (read-only Cypher, JSON), /api/ (JSON).
    Listens on 127.0.0.1 unless --host says otherwise.

    \b
    Example:
      paperkg serve out/graph                    # then open http://127.0.0.1:8000/
      paperkg serve out/graph --port 8080
    """
    import uvicorn

    from kg.api import web_app

    if not is_loopback(host):
        click.echo(f"warning: listening on {host}, not loopback: anyone who can reach this machine "
                   "can read the graph (there is no login)", err=True)
    check_port(host, port)
    started = time.perf_counter()
    if not state.quiet:
        click.echo(f"loading {directory} ...", err=True)
    app = web_app(directory, sparql_timeout=sparql_timeout)
    shown = f"[{host}]" if ":" in host else host
    if not state.quiet:
        click.echo(f"ready in {time.perf_counter() - started:.1f} s: http://{shown}:{port}/  (Ctrl-C stops)", err=True)
    uvicorn.run(app, host=host.strip("[]"), port=port, log_level="warning", access_log=False)


def register(main: Any) -> None:
    """Add ``serve`` to the ``paperkg`` command group."""
    from kg.cli.common import handle_errors

    command: Any = handle_errors(serve)
    for option in reversed([
        click.argument("directory", metavar="DIR"),
        click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on."),
        click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535)),
        click.option("--sparql-timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, 3600),
                     metavar="SECONDS", help="Longest a /sparql (and /cypher) query may run."),
    ]):
        command = option(command)
    main.add_command(click.command(name="serve")(click.pass_obj(command)))
