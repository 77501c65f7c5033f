"""Input files as users give them: checked, spooled when not seekable, decoded to lines.

* ``check_input`` names the real cause of an unreadable path (missing, a symlink loop,
  permission, a directory) in one line.
* A FIFO, a process substitution (``<(cmd)``), a pipe or a character device can be read
  only once: like standard input it is copied to a temporary file first, so the two passes
  of ``read_papers`` and the format sniffing each read it from the start.
* The encoding comes from the byte-order mark: UTF-8 (with or without BOM), UTF-16 and
  UTF-32 (LE/BE, with BOM). Anything else that is not UTF-8 is reported with its line.
* Lines end at LF, CRLF or a lone CR (old Mac files), mixed freely.
"""
from __future__ import annotations

import errno
import hashlib
import io
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import InputError

STDIN = "-"
STDIN_NAME = "<stdin>"
SNIFF_BYTES = 65536
TEXT_HINT = "give a text file: listing .txt, .jsonl, .json, .csv or arXiv .xml"

# (byte-order mark, codec that consumes it): UTF-32 first, its LE mark starts like UTF-16's
BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


@dataclass
class InputFile:
    """One input: where its bytes are (``path``), how to name it in messages and sources
    (``name``: as given, ``-`` for stdin; ``display``), and its text encoding."""

    path: Path
    name: str
    encoding: str = "utf-8"
    label: str | None = None
    sha256: str | None = None

    @property
    def display(self) -> str:
        """The name in messages: as the user gave it."""
        return STDIN_NAME if self.name == STDIN else self.name

    @property
    def source(self) -> str:
        """The name in the output (``Source.file``): see ``source_label``."""
        return STDIN_NAME if self.name == STDIN else self.label or self.name


def source_label(name: str) -> str:
    """How a regular input file is named in the output: its real path (symlinks resolved)
    relative to the working directory, so the same file under any spelling is one source
    and no absolute path of this machine ends up in the graph."""
    real = os.path.realpath(name)
    try:
        rel = os.path.relpath(real, os.path.realpath(os.getcwd()))
    except ValueError:  # another drive (Windows)
        return name
    return Path(rel).as_posix()


_STAT_CAUSES = {
    errno.ENOENT: ("no such file", "check the path; use '-' to read standard input"),
    errno.ELOOP: ("a symbolic link loop (the link points back to itself)", "point the link at a real file"),
    errno.EACCES: ("permission denied", "make the file readable"),
    errno.ENOTDIR: ("a part of the path is not a directory", "check the path"),
    errno.ENAMETOOLONG: ("the file name is too long", "check the path"),
}


def check_input(name: str) -> InputFile:
    """Fail early, with a one-line actionable message, on inputs that cannot be read."""
    try:
        info = os.stat(name)
    except OSError as exc:
        message, hint = _STAT_CAUSES.get(exc.errno or 0, (exc.strerror or "cannot be read", "check the path"))
        raise InputError(message, where=name, hint=hint) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a directory, not a file", where=name,
                         hint=f"pass the files inside it, e.g. {name.rstrip('/')}/*.txt")
    if not os.access(name, os.R_OK):
        raise InputError("permission denied", where=name, hint="make the file readable")
    if not stat.S_ISREG(info.st_mode):
        return InputFile(Path(name), name)  # spooled by ``open_inputs``
    return InputFile(Path(name), name, label=source_label(name))


def spool(stack: ExitStack, source: Any, name: str) -> InputFile:
    """Copy a stream (or bytes/str) that can be read only once to a temporary file."""
    tmp = stack.enter_context(tempfile.NamedTemporaryFile(prefix="paperkg-input-", suffix=".in"))
    try:
        if isinstance(source, (str, bytes)):
            tmp.write(source.encode("utf-8") if isinstance(source, str) else source)
        else:
            shutil.copyfileobj(getattr(source, "buffer", source), tmp)
        tmp.flush()
    except OSError as exc:
        raise InputError(f"cannot read it: {exc.strerror}", where=STDIN_NAME if name == STDIN else name,
                         hint="check the command that writes it, and free space for a temporary copy") from None
    return InputFile(Path(tmp.name), name)


def open_input(stack: ExitStack, name: str, stdin: Any = None) -> InputFile:
    """A checked input whose bytes can be read any number of times, its encoding known."""
    if name == STDIN:
        inp = spool(stack, stdin if stdin is not None else sys.stdin.buffer, STDIN)
    else:
        inp = check_input(name)
        if inp.label is None:  # a FIFO, process substitution or device: one read only
            with open(name, "rb") as stream:
                inp = spool(stack, stream, name)
    inp.encoding = detect_encoding(inp)
    inp.sha256 = content_sha256(inp.path)
    return inp


def content_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def detect_encoding(inp: InputFile) -> str:
    with open(inp.path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    for bom, codec in BOMS:
        if head.startswith(bom):
            return codec
    if b"\x00" in head:
        raise InputError("looks like a binary file (it contains NUL bytes)",
                         where=inp.display, hint=TEXT_HINT)
    return "utf-8"


def head_text(inp: InputFile) -> str:
    """The decoded start of the input (for sniffing its format), BOM removed."""
    with open(inp.path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    text = head.decode(inp.encoding, errors="replace").lstrip("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def iter_lines(inp: InputFile) -> Iterator[str]:
    """Decoded lines without terminators (LF, CRLF or lone CR); a BOM is dropped. Raises
    InputError naming the line on NUL bytes or text that is not in the file's encoding."""
    utf8 = inp.encoding == "utf-8"
    with open(inp.path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding=inp.encoding, errors="surrogateescape" if utf8 else "strict",
                                newline=None)
        number = 0
        try:
            for number, line in enumerate(text, start=1):
                line = line.rstrip("\n")
                if number == 1:
                    line = line.lstrip("\ufeff")
                if "\x00" in line:
                    raise InputError("contains NUL bytes", where=f"{inp.display}:{number}", hint="give a text file")
                if utf8 and not line.isascii():
                    _check_utf8(line, inp.display, number)
                yield line
        except UnicodeDecodeError as exc:
            raise InputError(f"not valid {inp.encoding.upper()} ({exc.reason})", where=f"{inp.display}:{number + 1}",
                             hint="re-save the file as UTF-8") from None


def _check_utf8(line: str, display: str, number: int) -> None:
    for column, char in enumerate(line, start=1):
        if "\udc80" <= char <= "\udcff":
            raise InputError(
                f"not valid UTF-8 (byte 0x{ord(char) - 0xdc00:02x} at column {column})", where=f"{display}:{number}",
                hint=f"re-encode it as UTF-8, e.g. iconv -f latin1 -t utf-8 {display} > fixed.txt")
