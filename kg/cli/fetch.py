"""``paperkg fetch hf-daily|arxiv``: added to the command group by :func:`register`."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kg.cli.common import State
from kg.sources import ARXIV_INTERVAL, ARXIV_PAGE, HF_INTERVAL, FetchOptions

if TYPE_CHECKING:
    from kg.sources import FetchReport

DEFAULTS = FetchOptions()
"""The defaults the options show are FetchOptions' own."""

FETCH_OPTIONS = [
    click.option("-o", "--cache", "cache", default=str(DEFAULTS.cache), show_default=True, metavar="DIR",
                 help="Cache folder: one file per request; a re-run downloads only what is missing."),
    click.option("--base-url", default=None, metavar="URL",
                 help="Another server with the same API (a mirror), e.g. http://127.0.0.1:8080."),
    click.option("--delay", "interval", type=click.FloatRange(0, 3600), default=None, metavar="SECONDS",
                 help=f"Seconds between requests [default: {ARXIV_INTERVAL:g} for arXiv, as it asks; "
                      f"{HF_INTERVAL:g} for Hugging Face]."),
    click.option("--retries", default=DEFAULTS.retries, show_default=True, type=click.IntRange(0, 20),
                 help="More tries after a 429/5xx answer or a timeout (exponential backoff, Retry-After honoured)."),
    click.option("--backoff", default=DEFAULTS.backoff, show_default=True, type=click.FloatRange(0, 600), metavar="SECONDS",
                 help="First wait before a retry; doubles each time."),
    click.option("--timeout", default=DEFAULTS.timeout, show_default=True, type=click.FloatRange(0.1, 600), metavar="SECONDS"),
]


def fetch_options(state: State, cache: str, base_url: str | None, interval: float | None, retries: int,
                  backoff: float, timeout: float) -> FetchOptions:
    """The options shared by every ``fetch`` command; progress lines go to stderr unless --quiet."""
    quiet = bool(getattr(state, "quiet", False))
    return FetchOptions(cache=Path(cache), base_url=base_url, interval=interval, retries=retries,
                        backoff=backoff, timeout=timeout,
                        progress=None if quiet else (lambda m: click.echo(m, err=True)))


def _finish(state: State, report: FetchReport) -> None:
    for path in report.files:
        click.echo(path)
    if not getattr(state, "quiet", False):
        click.echo(f"{len(report.files)} file(s): {report.downloaded} downloaded, {report.cached} already cached.",
                   err=True)


def hf_daily(state: State, day: str, to: str | None, cache: str, base_url: str | None, interval: float | None,
             retries: int, backoff: float, timeout: float) -> None:
    """Fetch Hugging Face daily papers listings, one JSON file per day.

    Prints the cache files on stdout (so they can be passed to build); progress goes to stderr.

    \b
    Example:
      paperkg fetch hf-daily --date 2024-03-18 --to 2024-03-22 -o cache
      paperkg build cache/hf-daily/*.json -o out/graph
    """
    from kg.api import fetch_hf_daily

    options = fetch_options(state, cache, base_url, interval, retries, backoff, timeout)
    report = fetch_hf_daily(day, to, options=options)
    _finish(state, report)


def arxiv(state: State, query: str, max_results: int, page_size: int, cache: str, base_url: str | None,
          interval: float | None, retries: int, backoff: float, timeout: float) -> None:
    """Fetch arXiv API search results (Atom), one file per page, newest first.

    \b
    Example:
      paperkg fetch arxiv --query 'cat:cs.LG AND ti:diffusion' --max 200 -o cache
      paperkg build cache/arxiv/*/*.xml -o out/graph
    """
    from kg.api import fetch_arxiv

    options = fetch_options(state, cache, base_url, interval, retries, backoff, timeout)
    report = fetch_arxiv(query, max_results=max_results, page_size=page_size, options=options)
    _finish(state, report)


def _command(func: Any, name: str, own: list[Any]) -> Any:
    from kg.cli.common import handle_errors

    command: Any = handle_errors(func)
    for option in reversed(own + FETCH_OPTIONS):
        command = option(command)
    return click.command(name=name)(click.pass_obj(command))


def register(main: Any) -> None:
    """Add ``fetch hf-daily`` and ``fetch arxiv`` to the ``paperkg`` group (called by ``kg.cli.main``)."""

    @main.group()
    def fetch() -> None:
        """Download paper listings (Hugging Face daily papers, arXiv searches) into a cache folder.

        \b
        Example:
          paperkg fetch hf-daily --date 2024-03-21
          paperkg fetch arxiv --query 'cat:cs.LG AND ti:diffusion' --max 300
        """

    fetch.add_command(_command(hf_daily, "hf-daily", [
        click.option("--date", "day", required=True, metavar="YYYY-MM-DD", help="The (first) day."),
        click.option("--to", default=None, metavar="YYYY-MM-DD", help="The last day (inclusive) of a range."),
    ]))
    fetch.add_command(_command(arxiv, "arxiv", [
        click.option("--query", required=True, help="arXiv search_query, e.g. 'cat:cs.LG AND ti:diffusion'."),
        click.option("--max", "max_results", default=100, show_default=True, type=click.IntRange(1, 100_000),
                     help="Papers to fetch at most."),
        click.option("--page-size", default=ARXIV_PAGE, show_default=True, type=click.IntRange(1, 2000),
                     help="Papers per request."),
    ]))
