"""The one root exception of paperkg and its coded subclasses.

Every message says what was wrong, where (``file:line`` when known) and what to do, and
ends with its code in brackets (``... (check the path) [E100]``), so a user can look it up
and a script can match it. The CLI turns any :class:`PaperKGError` into the one line
``Error: <message>`` and the class's exit code.
"""
from __future__ import annotations


class PaperKGError(Exception):
    """Root of every error paperkg raises on purpose."""

    code = "E000"
    exit_code = 1

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.format())

    def format(self) -> str:
        """``where: message (hint) [code]``, the one line a user sees."""
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text = f"{text} ({self.hint})"
        # one line whatever the message quotes (a CSV column name, say, can hold a line break)
        text = "".join(ch if ch not in _LINE_BREAKS else ch.encode("unicode_escape").decode("ascii") for ch in text)
        return f"{text} [{self.code}]"


_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


class UsageError(PaperKGError):
    """Options that do not fit together, or that name nothing to do."""

    code = "E010"


class InputError(PaperKGError):
    """An input file cannot be read at all (missing, a directory, binary, undecodable)."""

    code = "E100"
    exit_code = 2


class NoPapersError(InputError):
    """The inputs hold no paper at all (nothing is written)."""

    code = "E102"
    exit_code = 1


class DuplicatePaperError(InputError):
    """The same paper id reaches resolution or the graph builder twice (the store merges
    duplicates before either runs, so only an API caller can meet this)."""

    code = "E103"
    exit_code = 1


class StoreError(PaperKGError):
    """A graph directory is missing, corrupt, or from an incompatible version."""

    code = "E200"


class ExportError(PaperKGError):
    """An exporter or a query cannot run with the given options."""

    code = "E300"


class PipelineError(PaperKGError):
    """The spaCy pipeline cannot be built as configured."""

    code = "E400"


class StoreLockedError(StoreError):
    """Another process is writing the graph store (or its lock cannot be taken)."""

    code = "E201"


class OutputError(PaperKGError):
    """An output cannot be written (full disk, no permission, a closed pipe)."""

    code = "E500"


class FetchError(PaperKGError):
    """A paper listing cannot be downloaded (offline, refused, an HTTP error after retries)."""

    code = "E600"


class ServeError(PaperKGError):
    """The web application cannot start as asked (bad host/port, unusable store)."""

    code = "E700"


class EngineError(PipelineError):
    """An extraction engine cannot run: a worker process died, a Dask scheduler is
    unreachable, or a Dask worker cannot run paperkg."""

    code = "E401"
