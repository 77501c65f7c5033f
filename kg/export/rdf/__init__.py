"""The RDF stage: ontology-driven export, SHACL validation, embedded SPARQL and push.

See docs/rdf.md. Modules: ``namespace`` (closed namespaces), ``ontology`` (package data
and the node/edge mapping), ``iris`` (instance IRIs), ``triples`` (the triple stream),
``writers`` and ``export`` (serializations), ``embedded``, ``query`` and ``queryfile``
(the SPARQL store beside a graph), ``validate`` (SHACL), ``push`` (Graph Store Protocol),
``cli`` (``paperkg validate``, ``paperkg push sparql``).
"""
