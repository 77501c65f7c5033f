"""Closed namespaces for the RDF terms paperkg writes.

``PKG`` mirrors ``ontology/paperkg.ttl`` term for term (``tests/test_rdf_ontology.py``
checks both directions), so a misspelled term fails at import time instead of producing
an IRI nobody defined. The other classes list the few external terms the exporter uses.
"""
from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

ONTOLOGY_IRI = "https://w3id.org/paperkg/ontology"
DEFAULT_BASE_IRI = "https://w3id.org/paperkg/"


class PKG(DefinedNamespace):
    """The paperkg ontology (``ontology/paperkg.ttl``)."""

    _fail = True
    _NS = Namespace(ONTOLOGY_IRI + "#")

    # annotation
    graphLabel: URIRef  # the property-graph node or edge type a term represents
    # classes
    Paper: URIRef
    ResearchEntity: URIRef
    Method: URIRef
    Dataset: URIRef
    Task: URIRef
    Metric: URIRef
    Repository: URIRef
    Assertion: URIRef
    Evidence: URIRef
    Extractor: URIRef
    CoOccurrence: URIRef
    # object properties (one per edge type)
    proposes: URIRef
    uses: URIRef
    introduces: URIRef
    evaluatesOn: URIRef
    addresses: URIRef
    reports: URIRef
    hasCode: URIRef
    evaluatedOn: URIRef
    appliedTo: URIRef
    pairFirst: URIRef
    pairSecond: URIRef
    # datatype properties
    paperCount: URIRef
    rank: URIRef
    datasetCount: URIRef
    nameKey: URIRef
    longForm: URIRef
    externalId: URIRef
    arxivId: URIRef
    sourceLocation: URIRef
    host: URIRef
    path: URIRef
    role: URIRef
    confidence: URIRef
    support: URIRef
    sentence: URIRef
    field: URIRef
    startOffset: URIRef
    endOffset: URIRef


class SCHEMA(DefinedNamespace):
    """The schema.org terms paperkg uses (``http://schema.org/``, as in most SPARQL data)."""

    _fail = True
    _NS = Namespace("http://schema.org/")

    ScholarlyArticle: URIRef
    Dataset: URIRef
    SoftwareSourceCode: URIRef
    DefinedTerm: URIRef
    name: URIRef
    alternateName: URIRef
    url: URIRef
    datePublished: URIRef
    codeRepository: URIRef
    sameAs: URIRef


class LPWC(DefinedNamespace):
    """Linked Papers With Code classes (``https://linkedpaperswithcode.com/class/``)."""

    _fail = True
    _NS = Namespace("https://linkedpaperswithcode.com/class/")

    paper: URIRef
    method: URIRef
    dataset: URIRef
    task: URIRef
    repository: URIRef


class LPWCP(DefinedNamespace):
    """Linked Papers With Code properties (``https://linkedpaperswithcode.com/property/``)."""

    _fail = True
    _NS = Namespace("https://linkedpaperswithcode.com/property/")

    hasMethod: URIRef
    usesDataset: URIRef
    hasTask: URIRef
    hasRepository: URIRef
    introducedBy: URIRef
    creatorName: URIRef


LPWC_INSTANCES = "https://linkedpaperswithcode.com/"
"""LPWC instance IRIs are ``LPWC_INSTANCES + "method/" + <Papers With Code id>`` (and
``dataset/``); ``ids.pwc`` of a node links to them with ``schema:sameAs``."""

PREFIXES: dict[str, str] = {
    "pkg": str(PKG),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": str(SCHEMA),
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "lpwc": str(LPWC),
    "lpwcp": str(LPWCP),
}
"""The vocabulary prefixes of exported Turtle/TriG (instance prefixes are added per base IRI)."""
