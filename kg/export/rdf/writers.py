"""Streaming RDF writers over the triples of :mod:`kg.export.rdf.triples`.

N-Triples and N-Quads are written line by line, Turtle and TriG by a writer that groups
consecutive triples of one subject (and one predicate) — the triples arrive grouped — so
memory stays flat and time linear in the number of triples. JSON-LD and RDF/XML go through
pyoxigraph's streaming serializers. Every writer returns the number of triples written.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import IO

from kg.export.rdf.triples import DECIMAL, INTEGER, TYPE, Term, Triple
from kg.iterutil import chunked

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_ESCAPES.update({chr(c): f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if chr(c) not in _ESCAPES})
_TABLE = str.maketrans(_ESCAPES)
_NEEDS_ESCAPE = re.compile('[\\\\"\x00-\x1f\x7f]')
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.:-]*[A-Za-z0-9_:-])?")
BUFFER = 4096
"""Lines joined per ``write`` call."""


def nt_term(term: Term) -> str:
    if isinstance(term, str):
        return f"<{term}>"
    lexical, datatype = term
    text = lexical.translate(_TABLE) if _NEEDS_ESCAPE.search(lexical) else lexical
    return f'"{text}"' if datatype is None else f'"{text}"^^<{datatype}>'


def nt_lines(triples: Iterable[Triple], graph: str | None = None) -> Iterator[str]:
    """One N-Triples line per triple (an N-Quads line with ``graph``), each ending in ``\\n``."""
    end = " .\n" if graph is None else f" <{graph}> .\n"
    for s, p, o in triples:
        yield f"<{s}> <{p}> {nt_term(o)}{end}"


def write_lines(lines: Iterable[str], handle: IO[str]) -> int:
    count = 0
    for buffer in chunked(lines, BUFFER):
        handle.write("".join(buffer))
        count += len(buffer)
    return count


def nt_batches(triples: Iterable[Triple], size: int) -> Iterator[tuple[bytes, int]]:
    """N-Triples documents of at most ``size`` triples each, UTF-8 encoded, with their counts."""
    for batch in chunked(nt_lines(triples), size):
        yield "".join(batch).encode("utf-8"), len(batch)


class _Compactor:
    """Writes an IRI as a prefixed name when a prefix fits and the local part is a plain
    Turtle local name (letters, digits, ``_-.:``), else as ``<IRI>``."""

    CACHE = 100_000

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.namespaces = sorted(((ns, p) for p, ns in prefixes.items()), key=lambda x: -len(x[0]))
        self.cache: dict[str, str] = {TYPE: "a"}

    def __call__(self, iri: str) -> str:
        found = self.cache.get(iri)
        if found is None:
            found = f"<{iri}>"
            for namespace, prefix in self.namespaces:
                if iri.startswith(namespace):
                    local = iri[len(namespace):]
                    if not local or _LOCAL.fullmatch(local):
                        found = f"{prefix}:{local}"
                        break
            if len(self.cache) < self.CACHE:
                self.cache[iri] = found
        return found


def write_turtle(triples: Iterable[Triple], handle: IO[str], prefixes: dict[str, str],
                 graph: str | None = None) -> int:
    """Turtle (or, with ``graph``, TriG with everything in that named graph)."""
    compact = _Compactor(prefixes)
    handle.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items()))
    indent = "    " if graph else ""
    if graph:
        handle.write(f"\n<{graph}> {{")
    out: list[str] = []
    count = 0
    last_s = last_p = None
    for s, p, o in triples:
        if isinstance(o, str):
            obj = compact(o)
        else:
            lexical, datatype = o
            if datatype is INTEGER or datatype is DECIMAL:
                obj = lexical
            else:
                text = lexical.translate(_TABLE) if _NEEDS_ESCAPE.search(lexical) else lexical
                obj = f'"{text}"' if datatype is None else f'"{text}"^^{compact(datatype)}'
        if s == last_s:
            if p == last_p:
                out.append(f" ,\n{indent}        {obj}")
            else:
                out.append(f" ;\n{indent}    {compact(p)} {obj}")
                last_p = p
        else:
            out.append(f"{' .' if last_s is not None else ''}\n\n{indent}{compact(s)} {compact(p)} {obj}")
            last_s, last_p = s, p
        count += 1
        if len(out) >= BUFFER:
            handle.write("".join(out))
            out.clear()
    out.append(" .\n" if last_s is not None else "\n")
    if graph:
        out.append("}\n")
    handle.write("".join(out))
    return count


def write_pyoxigraph(triples: Iterable[Triple], handle: IO[bytes], rdf_format: str,
                     prefixes: dict[str, str]) -> int:
    """JSON-LD (``jsonld``) or RDF/XML (``xml``) with pyoxigraph's streaming serializers."""
    import pyoxigraph as ox

    fmt = {"jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}[rdf_format]
    count = 0
    datatypes: dict[str, ox.NamedNode] = {}

    def terms() -> Iterator[ox.Triple]:
        nonlocal count
        for s, p, o in triples:
            if isinstance(o, str):
                obj: ox.NamedNode | ox.Literal = ox.NamedNode(o)
            elif o[1] is None:
                obj = ox.Literal(o[0])
            else:
                datatype = datatypes.get(o[1]) or datatypes.setdefault(o[1], ox.NamedNode(o[1]))
                obj = ox.Literal(o[0], datatype=datatype)
            count += 1
            yield ox.Triple(ox.NamedNode(s), ox.NamedNode(p), obj)

    ox.serialize(terms(), output=handle, format=fmt, prefixes=prefixes)
    return count
