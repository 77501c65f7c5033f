"""Neo4j exporters: ``neo4j-admin database import`` CSV files, and a ``cypher-shell`` script.

``neo4j-csv`` writes a directory: one ``nodes-<Label>.csv`` per label (``id:ID(<Label>)``,
``:LABEL``, typed properties), one ``rels-<TYPE>.csv`` per relationship type
(``:START_ID(<Label>)``, ``:END_ID(<Label>)``, ``:TYPE``, properties), ``schema.cypher``
(the push's constraints and indexes, to run after the import) and a ``README.md`` with the
exact import command. The directory is replaced atomically; a non-empty directory that is
not a previous export is refused.

``cypher`` writes one UTF-8 script: the constraints and indexes, then for every batch a
``:param rows => [...]`` line and the same ``UNWIND $rows AS row MERGE …`` statement the push
sends. Values become Cypher literals only through :mod:`kg.export.cypher.literal`.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from kg.export.cypher.literal import cypher_literal
from kg.export.cypher.schema import (HASH, LABELS, NODE_PROPS, REL_ENDPOINTS, REL_TYPES, Prop,
                              Edge, edges_by_type, node_rows, rel_props, rel_rows)
from kg.export.evidence import DEFAULT_EVIDENCE
from kg.iterutil import chunked
from kg.export.cypher.statements import node_statement, read, rel_statement, schema_statements, split_statements
from kg.errors import ExportError
from kg.graph.model import GraphLike
from kg.store.view import GraphSource, stream_of
from kg.fsutil import atomic_write, staged_dir
from kg.output import atomic_open

ARRAY_DELIMITERS = (";", "|", "\u00a6", "\u241f")
"""Candidates for ``--array-delimiter``, first one that occurs in no array value wins."""
MARKER = "README.md"
_MARK_LINE = "<!-- paperkg neo4j-csv export -->"
SCRIPT_BATCH_SIZE = 500
_CSV_TYPES = {"string": "", "json": "", "int": ":int", "float": ":float", "string[]": ":string[]",
              "int[]": ":int[]"}




def node_header(label: str) -> list[str]:
    props = [p for p in NODE_PROPS[label] if p.name != "id"]
    return [f"id:ID({label})", ":LABEL", *[p.name + _CSV_TYPES[p.kind] for p in props], HASH]


def rel_header(rel_type: str, evidence: str = "full") -> list[str]:
    start, end = REL_ENDPOINTS[rel_type]
    return [f":START_ID({start})", f":END_ID({end})", ":TYPE",
            *[p.name + _CSV_TYPES[p.kind] for p in rel_props(evidence)], HASH]


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _cell(value: Any, prop: Prop | None, delimiter: str) -> str:
    """One CSV field as neo4j-admin reads it: empty = no property, strings quoted
    (doubled quotes), arrays joined with ``delimiter`` (an empty array = no property)."""
    if value is None or (isinstance(value, list) and not value):
        return ""
    if isinstance(value, list):
        return _quote(delimiter.join(str(v) for v in value))
    if isinstance(value, (bool, int, float)) and (prop is None or prop.kind in ("int", "float")):
        return repr(value)
    return _quote(str(value))


def _array_chars(row: dict[str, Any], arrays: list[str], used: set[str]) -> None:
    """Add the ``ARRAY_DELIMITERS`` that occur in the string arrays ``arrays`` of ``row`` to ``used``."""
    used.update(ch for name in arrays for item in row[name] or () for ch in item if ch in ARRAY_DELIMITERS)


def _first_free(used: set[str]) -> str:
    for candidate in ARRAY_DELIMITERS:
        if candidate not in used:
            return candidate
    raise ExportError("every array delimiter candidate occurs in the data",
                      hint="use --format cypher or paperkg push neo4j instead")


def _node_arrays(label: str) -> list[str]:
    return [p.name for p in NODE_PROPS[label] if p.kind == "string[]"]


def _rel_arrays(evidence: str) -> list[str]:
    return [p.name for p in rel_props(evidence) if p.kind == "string[]"]


def choose_delimiter(graph: GraphSource, grouped: dict[str, Iterable[Edge]] | None = None,
                     evidence: str = "full") -> str:
    """The first of ``ARRAY_DELIMITERS`` that occurs in no string-array value."""
    used: set[str] = set()
    grouped = grouped if grouped is not None else edges_by_type(graph)
    for label in LABELS:
        for row in node_rows(graph, label, with_hash=False):
            _array_chars(row, _node_arrays(label), used)
    for rel in REL_TYPES:
        for row in rel_rows(graph, rel, with_hash=False, edges=grouped[rel], evidence=evidence):
            _array_chars(row, _rel_arrays(evidence), used)
    return _first_free(used)


def _write_csv(handle: IO[str], header: list[str], lines: Iterator[list[str]]) -> tuple[int, bool]:
    handle.write(",".join(header) + "\n")
    count, multiline = 0, False
    for cells in lines:
        line = ",".join(cells)
        multiline = multiline or "\n" in line or "\r" in line
        handle.write(line + "\n")
        count += 1
    return count, multiline


def _node_lines(graph: GraphSource, label: str, delimiter: str, used: set[str] | None = None) -> Iterator[list[str]]:
    props = [p for p in NODE_PROPS[label] if p.name != "id"]
    arrays = _node_arrays(label)
    for row in node_rows(graph, label):
        if used is not None:
            _array_chars(row, arrays, used)
        yield [_quote(row["id"]), label, *[_cell(row[p.name], p, delimiter) for p in props],
               _quote(row[HASH])]


def _rel_lines(graph: GraphSource, rel_type: str, delimiter: str, edges: Iterable[Edge],
               evidence: str = "full", used: set[str] | None = None) -> Iterator[list[str]]:
    props = rel_props(evidence)
    arrays = _rel_arrays(evidence)
    for row in rel_rows(graph, rel_type, edges=edges, evidence=evidence):
        if used is not None:
            _array_chars(row, arrays, used)
        yield [_quote(row["start"]), _quote(row["end"]), rel_type,
               *[_cell(row[p.name], p, delimiter) for p in props], _quote(row[HASH])]


def import_command(nodes: list[str], rels: list[str], delimiter: str, multiline: bool,
                   database: str = "neo4j") -> str:
    """The ``neo4j-admin database import full`` command for these files (Neo4j 5). The
    database name comes first: after the last ``--relationships=FILE`` it would be read as
    one more file of that option (Neo4j 5.26: "File 'neo4j' doesn't exist")."""
    parts = [f"neo4j-admin database import full {database}", "--overwrite-destination",
             f"--array-delimiter={_shell_quote(delimiter)}"]
    if multiline:
        parts.append("--multiline-fields=true")
    parts += [f"--nodes={name}" for name in nodes] + [f"--relationships={name}" for name in rels]
    return " \\\n    ".join(parts)


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _check_destination(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise ExportError("is not a directory", where=str(target),
                          hint="the neo4j-csv format writes a directory; give a directory path")
    if target.is_dir() and any(target.iterdir()):
        marker = target / MARKER
        if not (marker.is_file() and _MARK_LINE in marker.read_text("utf-8", errors="replace")):
            raise ExportError("directory exists and is not a previous neo4j-csv export", where=str(target),
                              hint="choose a new or empty directory; paperkg will not overwrite it")


def export_csv(store: GraphLike, destination: str | Path, evidence: str = DEFAULT_EVIDENCE) -> dict[str, int]:
    """Write the ``neo4j-admin`` import files for the graph of ``store`` into the directory
    ``destination``, relationships with the properties of the ``evidence`` level
    (:data:`kg.export.cypher.schema.LEVEL_REL_PROPS`); returns the data rows written per
    label and relationship type."""
    graph, target = stream_of(store), Path(destination)
    rel_props(evidence)  # an unknown level fails before anything is written
    _check_destination(target)
    grouped = edges_by_type(graph)
    nodes = [f"nodes-{label}.csv" for label in LABELS]
    rels = [f"rels-{rel}.csv" for rel in REL_TYPES]
    used: set[str] = set()
    try:
        with staged_dir(target) as staged:
            # one pass in the common case: written with the first candidate delimiter while the
            # characters the arrays use are collected; written again only if it occurs in them
            delimiter = ARRAY_DELIMITERS[0]
            counts, multiline = _write_tables(staged, graph, grouped, delimiter, evidence, used)
            if _first_free(used) != delimiter:
                delimiter = _first_free(used)
                counts, multiline = _write_tables(staged, graph, grouped, delimiter, evidence)
            atomic_write(staged / "schema.cypher", read("push/schema.cypher"))
            atomic_write(staged / MARKER, _readme(import_command(nodes, rels, delimiter, multiline), counts, evidence))
    except OSError as exc:
        raise ExportError(f"cannot write the CSV files: {exc.strerror}", where=str(target),
                          hint="check the path and free space") from None
    return counts


def _write_tables(staged: Path, graph: GraphSource, grouped: dict[str, Iterable[Edge]], delimiter: str,
                  evidence: str, used: set[str] | None = None) -> tuple[dict[str, int], bool]:
    """Write one CSV file per label and relationship type into ``staged``, streamed; returns the
    rows per file and whether a value spans lines. ``used`` collects the delimiter candidates
    the arrays contain."""
    counts: dict[str, int] = {}
    multiline = False
    for label in LABELS:
        with open(staged / f"nodes-{label}.csv", "w", encoding="utf-8", newline="") as handle:
            counts[label], more = _write_csv(handle, node_header(label), _node_lines(graph, label, delimiter, used))
        multiline = multiline or more
    for rel in REL_TYPES:
        with open(staged / f"rels-{rel}.csv", "w", encoding="utf-8", newline="") as handle:
            counts[rel], more = _write_csv(handle, rel_header(rel, evidence),
                                           _rel_lines(graph, rel, delimiter, grouped[rel], evidence, used))
        multiline = multiline or more
    return counts, multiline


def _readme(command: str, counts: dict[str, int], evidence: str = "full") -> str:
    rows = "\n".join(f"| `{name}` | {n} |" for name, n in counts.items())
    return f"""{_MARK_LINE}
# paperkg graph: files for `neo4j-admin database import`

Written by `paperkg export DIR --format neo4j-csv`. One file per node label (`id:ID(Label)`
is the node key, also stored as the property `id`) and per relationship type. Arrays use
the array delimiter below; an empty cell is an absent property (an empty list is not
stored). `sources` and `ids` are JSON strings. Evidence level `{evidence}`: at `full` an
edge's evidence is the parallel lists `evidence_papers`, `evidence_fields`, `evidence_starts`,
`evidence_ends`, `evidence_sentences`; at `summary` an edge has `confidence`, `support` and
`evidence_ref` (`<paper id>#<field>:<start>-<end>`, a span of the paper's text); at `none`
only its `type`.

| label / type | rows |
|---|---|
{rows}

Import into a new database (Neo4j 5; the DBMS must be stopped, or the target database
offline). Run this from this directory:

```
{command}
```

Then start Neo4j and create the uniqueness constraints and indexes the push uses:

```
cypher-shell -u neo4j -p PASSWORD -f schema.cypher
```

Afterwards `paperkg push neo4j` can update this database incrementally: it finds every
node and relationship by its key and rewrites only rows whose `kg_hash` changed.
"""


def script_lines(store_or_graph: GraphLike, batch_size: int = SCRIPT_BATCH_SIZE,
                 evidence: str = DEFAULT_EVIDENCE) -> Iterator[str]:
    """The script, one command or statement at a time (each ends with a newline);
    relationships carry the properties of the ``evidence`` level."""
    graph = stream_of(store_or_graph)
    rel_props(evidence)
    yield ("// paperkg graph as a cypher-shell script: constraints and indexes, then nodes and\n"
           "// relationships in idempotent UNWIND/MERGE batches (re-running it changes nothing).\n"
           "// Run: cypher-shell -a neo4j://localhost:7687 -u neo4j -p PASSWORD -f THIS_FILE\n")
    for statement in schema_statements():
        yield statement + ";\n"
    grouped = edges_by_type(graph)
    for kind, names in (("node", LABELS), ("rel", REL_TYPES)):
        for name in names:
            statement = split_statements((node_statement if kind == "node" else rel_statement)(name))[0]
            rows = (node_rows(graph, name) if kind == "node"
                    else rel_rows(graph, name, edges=grouped[name], evidence=evidence))
            for batch in chunked(rows, batch_size):
                # arrow syntax: one line (cypher-shell drops the trailing ';', the linter wants it)
                yield f":param rows => {cypher_literal(batch)};\n"
                yield statement + ";\n"


def export_script(store: GraphLike, destination: str | Path, batch_size: int = SCRIPT_BATCH_SIZE,
                  evidence: str = DEFAULT_EVIDENCE) -> None:
    """Write the ``cypher-shell`` script for the graph of ``store`` to ``destination``
    (a file, written atomically) at the ``evidence`` level."""
    rel_props(evidence)
    try:
        with atomic_open(str(destination)) as handle:
            for line in script_lines(store, batch_size, evidence):
                handle.write(line)
    except OSError as exc:
        raise ExportError(f"cannot write {destination}: {exc.strerror}", hint="check the path") from None
