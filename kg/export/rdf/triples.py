"""The graph as a stream of RDF triples, generated straight from the networkx graph.

Terms are plain values so the writers stay fast: an IRI is a ``str``, a literal is a
``(lexical form, datatype IRI or None)`` tuple (``None``: ``xsd:string``). Triples come
grouped by subject (a node, then each assertion, then its evidence), every triple once,
so a writer can group them (Turtle) or count them (N-Triples lines = triples).
See docs/rdf.md for the pattern.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from kg.export.derived import Pair
from kg.export.evidence import EVIDENCE_LEVELS, check_evidence
from kg.resolve.normalize import normalize
from kg.export.rdf.iris import SAFE, Iris
from kg.export.rdf.namespace import LPWC_INSTANCES, LPWCP, PKG, SCHEMA
from kg.export.rdf.ontology import Mapping, mapping
from kg.store.view import GraphSource

Literal = tuple[str, str | None]
Term = str | Literal
Triple = tuple[str, str, Term]

# the IRI constants are plain strings
TYPE, LABEL = str(RDF.type), str(RDFS.label)
SUBJECT, PREDICATE, OBJECT = str(RDF.subject), str(RDF.predicate), str(RDF.object)
IDENTIFIER, TITLE, ABSTRACT = str(DCTERMS.identifier), str(DCTERMS.title), str(DCTERMS.abstract)
NAME, ALT, URL, DATE = str(SCHEMA.name), str(SCHEMA.alternateName), str(SCHEMA.url), str(SCHEMA.datePublished)
CODE_REPO, SAME_AS, CREATOR = str(SCHEMA.codeRepository), str(SCHEMA.sameAs), str(LPWCP.creatorName)
ATTRIBUTED, DERIVED, QUOTED = str(PROV.wasAttributedTo), str(PROV.wasDerivedFrom), str(PROV.wasQuotedFrom)
P = {name: str(getattr(PKG, name)) for name in (
    "paperCount", "rank", "datasetCount", "pairFirst", "pairSecond", "nameKey", "longForm", "externalId", "arxivId", "sourceLocation", "host", "path", "role",
    "confidence", "support", "sentence", "field", "startOffset", "endOffset")}
ASSERTION, EVIDENCE, EXTRACTOR = str(PKG.Assertion), str(PKG.Evidence), str(PKG.Extractor)
CO_OCCURRENCE = str(PKG.CoOccurrence)
INTEGER, DECIMAL, ANY_URI = str(XSD.integer), str(XSD.decimal), str(XSD.anyURI)
DATE_T, DATETIME_T = str(XSD.date), str(XSD.dateTime)
LPWC_KINDS = {"Method": "method/", "Dataset": "dataset/", "Task": "task/"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")


def integer(value: int) -> Literal:
    return (str(int(value)), INTEGER)


def decimal(value: float) -> Literal:
    """An ``xsd:decimal`` in plain notation (``0.7``, ``1.0``; never ``1e-05``)."""
    text = format(Decimal(repr(float(value))), "f")
    return (text if "." in text else text + ".0", DECIMAL)


def _date(value: Any) -> Literal:
    text = str(value)
    if _DATE.fullmatch(text):
        return (text, DATE_T)
    if _DATETIME.fullmatch(text):
        return (text, DATETIME_T)
    return (text, None)


def _strings(value: Any) -> list[str]:
    """The distinct non-empty strings of a str-or-list attribute, in order."""
    items = value if isinstance(value, (list, tuple)) else [value]
    return list(dict.fromkeys(str(x) for x in items if isinstance(x, (str, int, float)) and str(x)))


class NodeIris:
    """The IRI of a node key (``iris.node``), computed on use and memoized for the most recent
    keys only, so a streamed export holds no map of every node (issue 14)."""

    SIZE = 1 << 16

    def __init__(self, iris: Iris) -> None:
        self._iri = lru_cache(maxsize=self.SIZE)(iris.node)

    def __getitem__(self, key: str) -> str:
        return self._iri(key)

    def get(self, key: str) -> str:
        return self._iri(key)


def graph_triples(graph: GraphSource, iris: Iris, terms: Mapping | None = None,
                  evidence: str = "full") -> Iterator[Triple]:
    """Every triple of ``graph`` under ``iris`` at the ``evidence`` level
    (:data:`kg.export.evidence.EVIDENCE_LEVELS`): ``none`` the edges only; ``summary`` each edge
    annotated with its confidence, support and one evidence pointer, on the assertion node named
    by the edge's triple (:meth:`Iris.assertion`: no link triples); ``full`` each edge as a
    reified statement with every evidence span (sentence and offsets), the extractors and the
    role. ``none`` and ``summary`` leave out what the ontology implies and the provenance of
    reading (:func:`_node_triples`). See docs/rdf.md and docs/decisions.md (issue 14)."""
    terms = terms or mapping()
    check_evidence(evidence)
    node_iri = NodeIris(iris)
    extractors: set[str] = set()
    compact = evidence != "full"
    for node, data in graph.nodes(data=True):
        yield from _node_triples(graph, node, data, node_iri, terms, compact)
    if evidence == "none":
        return
    for source, target, edge_type, data in graph.edges(keys=True, data=True):
        if evidence == "summary":
            yield from _summary_triples(source, target, edge_type, data, iris, terms)
            continue
        yield from _assertion_triples(source, target, edge_type, data, node_iri, iris, terms, extractors)
    for name in sorted(extractors):
        subject = iris.extractor(name)
        yield from ((subject, TYPE, cls) for cls in terms.types[EXTRACTOR])
        yield subject, LABEL, (name, None)


def rank_triples(ranks: Iterable[tuple[str, int]], iris: Iris) -> Iterator[Triple]:
    """``pkg:rank`` of each entity (:func:`kg.export.derived.ranks`), which the embedded SPARQL
    store keeps for the canned top-N queries."""
    for node, rank in ranks:
        yield iris.node(node), P["rank"], integer(rank)


def pair_triples(pairs: Iterable[Pair], iris: Iris) -> Iterator[Triple]:
    """The co-occurrence counts the embedded SPARQL store keeps for the canned every-pair
    queries (:mod:`kg.export.derived`): a ``pkg:CoOccurrence`` node per pair naming its two
    entities (``pkg:pairFirst`` has the smaller id) and its count, ``pkg:paperCount`` for two
    datasets (papers using both), ``pkg:datasetCount`` for two methods (datasets both are
    evaluated on)."""
    for pair in pairs:
        s = iris.pair(pair.first, pair.second)
        yield s, TYPE, CO_OCCURRENCE
        yield s, P["pairFirst"], iris.node(pair.first)
        yield s, P["pairSecond"], iris.node(pair.second)
        yield s, P["paperCount" if pair.kind == "datasets" else "datasetCount"], integer(pair.count)


def _node_triples(graph: GraphSource, node: str, data: dict[str, Any], node_iri: NodeIris,
                  terms: Mapping, compact: bool = False) -> Iterator[Triple]:
    """A node's triples. ``compact`` (the ``none`` and ``summary`` levels) leaves out what the
    ontology implies: the super-classes of its class, the super- and inverse properties of its
    edges (``rdfs:subClassOf``, ``rdfs:subPropertyOf``, ``owl:inverseOf`` in ontology/paperkg.ttl),
    ``rdfs:label``, which repeats ``schema:name``, a paper's ``schema:name``, which repeats its
    ``dcterms:title``, and its ``pkg:sourceLocation`` (where it was read: provenance, as the
    extractors and roles of ``full``)."""
    s = node_iri[node]
    node_type = str(data.get("type", ""))
    classes = terms.node_classes(node_type, node)
    for cls in classes[:1] if compact else classes:
        yield s, TYPE, cls
    name = str(data.get("name") or node)
    yield s, IDENTIFIER, (node, None)
    if not compact:
        yield s, LABEL, (name, None)
    if not (compact and node_type == "Paper"):
        yield s, NAME, (name, None)
    aliases = _strings(data.get("aliases") or [])
    for alias in aliases:
        yield s, ALT, (alias, None)
    if node_type != "Paper":
        names = [name, *aliases, *_strings(data.get("long_forms") or [])]
        for key in dict.fromkeys(normalize(n) for n in names):
            if key:
                yield s, P["nameKey"], (key, None)
    if node_type == "Paper":
        yield from _paper_triples(s, data, compact)
    elif node_type == "Repository":
        if data.get("url"):
            yield s, CODE_REPO, (str(data["url"]), ANY_URI)
        if data.get("host"):
            yield s, P["host"], (str(data["host"]), None)
        for path in _strings(data.get("paths") or []):
            yield s, P["path"], (path, None)
    else:
        for long_form in _strings(data.get("long_forms") or []):
            yield s, P["longForm"], (long_form, None)
        ids = data.get("ids") or {}
        for scheme in sorted(ids) if isinstance(ids, dict) else ():
            yield s, P["externalId"], (f"{scheme}:{ids[scheme]}", None)
            if scheme == "pwc" and node_type in LPWC_KINDS:
                yield s, SAME_AS, LPWC_INSTANCES + LPWC_KINDS[node_type] + quote(str(ids[scheme]), safe=SAFE)
    if "paper_count" in data:
        yield s, P["paperCount"], integer(data["paper_count"])
    # the edges: the property of each edge type and its aligned properties (both directions)
    seen: set[tuple[str, str]] = set()
    for _, target, edge_type in graph.out_edges(node, keys=True):
        edge = terms.edge_terms(edge_type, node, target)
        for prop in (edge.iri,) if compact else (edge.iri, *edge.forward):
            if (prop, target) not in seen:
                seen.add((prop, target))
                yield s, prop, node_iri[target]
    for source, _, edge_type in () if compact else graph.in_edges(node, keys=True):
        for prop in terms.edge_terms(edge_type, source, node).inverse:
            if (prop, source) not in seen:
                seen.add((prop, source))
                yield s, prop, node_iri[source]


def _paper_triples(s: str, data: dict[str, Any], compact: bool) -> Iterator[Triple]:
    yield s, TITLE, (str(data.get("title") or data.get("name") or ""), None)
    if data.get("abstract"):
        yield s, ABSTRACT, (str(data["abstract"]), None)
    if data.get("arxiv_id"):
        yield s, P["arxivId"], (str(data["arxiv_id"]), None)
    if data.get("url"):
        yield s, URL, (str(data["url"]), ANY_URI)
    for author in _strings(data.get("authors") or []):
        yield s, CREATOR, (author, None)
    if data.get("published"):
        yield s, DATE, _date(data["published"])
    sources = [] if compact else [f"{x.get('file')}:{x.get('line')} ({x.get('format')})"
                                  for x in data.get("sources") or [] if isinstance(x, dict)]
    for location in dict.fromkeys(sources):
        yield s, P["sourceLocation"], (location, None)


def _summary_triples(source: str, target: str, edge_type: str, data: dict[str, Any],
                     iris: Iris, terms: Mapping) -> Iterator[Triple]:
    """An edge's confidence, support and one evidence pointer (an RFC 5147 fragment of the
    paper's text, :meth:`Iris.text_span`), on the assertion node named by the edge's triple
    (the node ``full`` describes). Its class ``pkg:Assertion`` is implied by the domain of
    ``pkg:confidence`` and not written; its ``rdf:subject``/``predicate``/``object`` are
    implied by its name."""
    a = iris.assertion(source, terms.edge_terms(edge_type, source, target).iri, target)
    yield a, P["confidence"], decimal(data.get("confidence", 0.0))
    yield a, P["support"], integer(data.get("support", 0))
    first = next((e for e in data.get("evidence") or [] if isinstance(e, dict)), None)
    if first is not None:
        paper = str(first.get("paper", ""))
        key = paper if paper.startswith("paper:") else f"paper:{paper}"
        yield a, DERIVED, iris.text_span(key, str(first.get("field", "abstract")), int(first.get("start", 0)),
                                         int(first.get("end", 0)))


def _assertion_triples(source: str, target: str, edge_type: str, data: dict[str, Any],
                       node_iri: NodeIris, iris: Iris, terms: Mapping,
                       extractors: set[str]) -> Iterator[Triple]:
    prop = terms.edge_terms(edge_type, source, target).iri
    a = iris.assertion(source, prop, target)
    for cls in terms.types[ASSERTION]:
        yield a, TYPE, cls
    yield a, SUBJECT, node_iri[source]
    yield a, PREDICATE, prop
    yield a, OBJECT, node_iri[target]
    if data.get("role"):
        yield a, P["role"], (str(data["role"]), None)
    yield a, P["confidence"], decimal(data.get("confidence", 0.0))
    yield a, P["support"], integer(data.get("support", 0))
    for name in _strings(data.get("extractors") or []):
        extractors.add(name)
        yield a, ATTRIBUTED, iris.extractor(name)
    evidence = list(dict.fromkeys(
        (str(e.get("paper", "")), str(e.get("field", "abstract")), int(e.get("start", 0)),
         int(e.get("end", 0)), str(e.get("sentence", "")))
        for e in data.get("evidence") or [] if isinstance(e, dict)))
    for index in range(len(evidence)):
        yield a, DERIVED, iris.evidence(a, index)
    for index, (paper, field, start, end, sentence) in enumerate(evidence):
        e = iris.evidence(a, index)
        for cls in terms.types[EVIDENCE]:
            yield e, TYPE, cls
        yield e, P["sentence"], (sentence, None)
        yield e, P["field"], (field, None)
        yield e, P["startOffset"], integer(start)
        yield e, P["endOffset"], integer(end)
        if paper:
            key = paper if paper.startswith("paper:") else f"paper:{paper}"
            yield e, QUOTED, node_iri.get(key) or iris.node(key)
