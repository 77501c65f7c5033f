"""The instance IRI scheme: stable IRIs derived from the graph's canonical node keys.

A node key ``<kind>:<rest>`` becomes ``<base><kind>/<rest>`` with ``rest`` percent-encoded
(UTF-8) except for letters, digits, ``-._~`` and ``:/@``. So ``paper:arxiv:2403.01234``
is ``https://w3id.org/paperkg/paper/arxiv:2403.01234`` and
``repo:github.com/chronolora/chronolora`` is ``…/repo/github.com/chronolora/chronolora``.
The mapping is reversible (:func:`key_of`) and depends only on the key, so an entity keeps
its IRI across builds, exports and pushes. Assertions (edges) are named by a hash of
``(source key, edge type, target key)``, their evidence by the assertion hash and an index.
"""
from __future__ import annotations

import hashlib
import re
from urllib.parse import quote, unquote

from kg.errors import ExportError
from kg.export.rdf.namespace import DEFAULT_BASE_IRI
from kg.graph.model import NODE_KINDS as NODE_KEY_PREFIXES

SAFE = ":/@~"
ASSERTION, EVIDENCE, EXTRACTOR = "assertion", "evidence", "extractor"
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


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\x00".join(parts).encode("utf-8"), digest_size=10).hexdigest()


class Iris:
    """The IRIs of one export under a base IRI."""

    def __init__(self, base: str | None = None) -> None:
        self.base = check_base_iri(base)

    def node(self, key: str) -> str:
        kind, sep, rest = key.partition(":")
        if not sep or not kind:
            return f"{self.base}node/{quote(key, safe=SAFE)}"
        return f"{self.base}{quote(kind, safe='')}/{quote(rest, safe=SAFE)}"

    def assertion(self, source: str, edge_type: str, target: str) -> str:
        return f"{self.base}{ASSERTION}/{_digest(source, edge_type, target)}"

    def evidence(self, assertion: str, index: int) -> str:
        return f"{self.base}{EVIDENCE}/{assertion.rsplit('/', 1)[1]}-{index}"

    def extractor(self, name: str) -> str:
        return f"{self.base}{EXTRACTOR}/{quote(name, safe='')}"

    def graph(self) -> str:
        """The default named graph (N-Quads, TriG, push)."""
        return f"{self.base}graph"

    def prefixes(self) -> dict[str, str]:
        """Turtle prefixes for the instance IRIs (``paper:`` ... ``extractor:``)."""
        return {kind: f"{self.base}{kind}/" for kind in (*NODE_KINDS, ASSERTION, EVIDENCE, EXTRACTOR)}


def key_of(iri: str, base: str = DEFAULT_BASE_IRI) -> str | None:
    """The node key of a node IRI under ``base`` (the inverse of :meth:`Iris.node`), or ``None``."""
    if not iri.startswith(base):
        return None
    kind, sep, rest = iri[len(base):].partition("/")
    if not sep or kind not in NODE_KINDS:
        return None
    return f"{kind}:{unquote(rest)}"
