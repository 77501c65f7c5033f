"""The instance IRI scheme: stable IRIs derived from the graph's canonical node keys.

A node key ``<kind>:<rest>`` becomes ``<base><kind>/<rest>`` with ``rest`` percent-encoded
(UTF-8) except for letters, digits, ``-._~`` and ``:/@``. So ``paper:arxiv:2403.01234``
is ``https://w3id.org/paperkg/paper/arxiv:2403.01234`` and
``repo:github.com/chronolora/chronolora`` is ``…/repo/github.com/chronolora/chronolora``.
The mapping is reversible (:func:`key_of`) and depends only on the key, so an entity keeps
its IRI across builds, exports and pushes.

An assertion (an edge ``source -[TYPE]-> target`` described as a statement) is named by its
triple, so a consumer finds it from the triple with one ``BIND`` and no link triples:
``<source IRI>;<property local name>=<ENCODE_FOR_URI(target key)>``, e.g.
``…/paper/arxiv:2403.01234;uses=method%3Alora``. Node IRIs never hold a raw ``;`` (it is
percent-encoded), so the name cannot collide with a node. In SPARQL:
``IRI(CONCAT(STR(?paper), ";uses=", ENCODE_FOR_URI(?method_id)))``. The evidence spans of a
``full`` export are ``<assertion IRI>;evidence=<index>``; the one evidence pointer of a
``summary`` export is an RFC 5147 fragment of the text of the paper's field:
``<paper IRI>;abstract#char=<start>,<end>`` (``;char=`` instead of ``#char=`` when the base
IRI already holds a ``#``).
"""
from __future__ import annotations

import re
from urllib.parse import quote, unquote

from kg.errors import ExportError
from kg.export.rdf.namespace import DEFAULT_BASE_IRI
from kg.graph.model import NODE_KINDS as NODE_KEY_PREFIXES

SAFE = ":/@~"
EXTRACTOR = "extractor"
NODE_KINDS = tuple(NODE_KEY_PREFIXES.values())
"""The node key prefixes of :mod:`kg.graph.model`; each is also the IRI path segment."""
_BASE_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s<>\"{}|\\^`]*[/#]")


def check_base_iri(base: str | None) -> str:
    """``base`` (default :data:`DEFAULT_BASE_IRI`) if it is an absolute IRI ending in ``/`` or
    ``#``; raises ``ExportError`` otherwise."""
    base = DEFAULT_BASE_IRI if base is None else base
    if not _BASE_RE.fullmatch(base):
        raise ExportError(f"bad base IRI '{base}'",
                          hint="give an absolute IRI ending in '/' or '#', e.g. https://example.org/kg/")
    return base


def check_iri(iri: str, what: str = "IRI") -> str:
    """``iri`` if it is an absolute IRI usable in N-Triples; raises ``ExportError`` otherwise."""
    if not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]+", iri):
        raise ExportError(f"bad {what} '{iri}'", hint="give an absolute IRI such as https://example.org/graph")
    return iri


def local_name(iri: str) -> str:
    """The local name of a vocabulary IRI (after its ``#`` or last ``/``)."""
    return re.split(r"[#/]", iri)[-1]


class Iris:
    """The IRIs of one export under a base IRI."""

    def __init__(self, base: str | None = None) -> None:
        self.base = check_base_iri(base)

    def node(self, key: str) -> str:
        kind, sep, rest = key.partition(":")
        if not sep or not kind:
            return f"{self.base}node/{quote(key, safe=SAFE)}"
        return f"{self.base}{quote(kind, safe='')}/{quote(rest, safe=SAFE)}"

    def assertion(self, source: str, prop: str, target: str) -> str:
        """The statement ``source prop target`` (``prop``: the property IRI of the edge type)."""
        return f"{self.node(source)};{local_name(prop)}={quote(target, safe='')}"

    def pair(self, first: str, second: str) -> str:
        """The co-occurrence of the nodes ``first`` and ``second`` (:mod:`kg.export.derived`):
        ``<first IRI>;with=<ENCODE_FOR_URI(second key)>``."""
        return f"{self.node(first)};with={quote(second, safe='')}"

    def evidence(self, assertion: str, index: int) -> str:
        return f"{assertion};evidence={index}"

    def text_span(self, paper: str, field: str, start: int, end: int) -> str:
        """The RFC 5147 pointer to characters ``start``-``end`` of the ``field`` (abstract or
        title) of ``paper`` (a node key)."""
        document = f"{self.node(paper)};{quote(field, safe='')}"
        return f"{document}{';' if '#' in document else '#'}char={int(start)},{int(end)}"

    def extractor(self, name: str) -> str:
        return f"{self.base}{EXTRACTOR}/{quote(name, safe='')}"

    def graph(self) -> str:
        """The default named graph (N-Quads, TriG, push)."""
        return f"{self.base}graph"

    def prefixes(self) -> dict[str, str]:
        """Turtle prefixes for the instance IRIs (``paper:`` ... ``extractor:``)."""
        return {kind: f"{self.base}{kind}/" for kind in (*NODE_KINDS, EXTRACTOR)}


def key_of(iri: str, base: str = DEFAULT_BASE_IRI) -> str | None:
    """The node key of a node IRI under ``base`` (the inverse of :meth:`Iris.node`), or ``None``."""
    if not iri.startswith(base):
        return None
    kind, sep, rest = iri[len(base):].partition("/")
    if not sep or kind not in NODE_KINDS or ";" in rest:  # ";": an assertion or text span, not a node
        return None
    return f"{kind}:{unquote(rest)}"
