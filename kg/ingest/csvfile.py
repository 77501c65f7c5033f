"""Reader for CSV (or TSV) with a header row naming at least a ``title`` column."""
from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from kg.errors import InputError
from kg.ingest.base import RawRecord
from kg.ingest.fields import TITLE_KEYS, record_from_object
from kg.records import Problem


def read(lines: Iterable[str], name: str, *, delimiter: str = ",") -> Iterator[RawRecord | Problem]:
    reader = csv.reader((line + "\n" for line in lines), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputError(f"cannot read the CSV header ({exc})", where=f"{name}:1") from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    seen: set[str] = set()
    for column in header:
        if column and column.lower() in seen:
            raise InputError(f"CSV header names the column '{column}' twice", where=f"{name}:1",
                             hint="rename or remove one of them; paperkg cannot tell which one to use")
        seen.add(column.lower())
    if not any(h.lower() in TITLE_KEYS for h in header):
        raise InputError(f"CSV header has no 'title' column (columns: {', '.join(header) or 'none'})",
                         where=f"{name}:1", hint="name the title column 'title' and the abstract column 'abstract'")
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Problem(name, start, f"malformed CSV row ({exc})")
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield Problem(name, line, f"row has {len(row)} fields but the header has {len(header)}; "
                          "quote fields that contain the delimiter")
            continue
        obj = {h: (v if v != "" else None) for h, v in zip(header, row)}
        yield record_from_object(obj, line, name)


def sniff(head: str) -> bool:
    first = head.lstrip("\ufeff").split("\n", 1)[0].lower()
    return "title" in first and ("," in first or "\t" in first)


def read_tsv(lines: Iterable[str], name: str) -> Iterator[RawRecord | Problem]:
    return read(lines, name, delimiter="\t")
