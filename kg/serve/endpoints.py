"""The standard query endpoints of ``paperkg serve``: SPARQL 1.1 Protocol on the embedded
pyoxigraph store and read-only Cypher (JSON in, JSON out) on the embedded Ladybug store.

Both stores are opened read-only, once, on the first query (they are built from the graph
first if missing). Queries run in worker threads:

* SPARQL: pyoxigraph has no query timeout, so the request waits ``timeout`` seconds and
  then answers 503; the abandoned evaluation still runs to its end in its thread, and at
  most ``MAX_RUNNING`` evaluations run at once (more get 503 at once), which bounds the
  work a runaway query can pin. Updates are refused (the store is read-only and only the
  query form is parsed).
* Cypher: Ladybug's own ``set_query_timeout`` interrupts the query; writes are refused by
  the read-only database.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import ExportError

MAX_RUNNING = 2

SELECT_TYPES = {
    "application/sparql-results+json": "JSON", "application/json": "JSON",
    "application/sparql-results+xml": "XML", "application/xml": "XML",
    "text/csv": "CSV", "text/tab-separated-values": "TSV",
}
GRAPH_TYPES = {
    "text/turtle": "TURTLE", "application/n-triples": "N_TRIPLES", "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON_LD", "application/n-quads": "N_QUADS", "application/trig": "TRIG",
}
RESULT_MEDIA = {"JSON": "application/sparql-results+json", "XML": "application/sparql-results+xml",
                "CSV": "text/csv", "TSV": "text/tab-separated-values"}
# SPARQLWrapper and other clients also say what they want with format=/output= parameters
FORMAT_NAMES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
                "n3": "text/turtle", "nt": "application/n-triples", "rdf": "application/rdf+xml",
                "rdf+xml": "application/rdf+xml", "json-ld": "application/ld+json"}


class QueryRefused(Exception):
    """A query the endpoint answers with an HTTP error: ``status`` and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def accepted(header: str | None) -> list[str]:
    """Media types of an ``Accept`` header, best first (q-values, then order)."""
    ranked = []
    for i, part in enumerate((header or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, i, fields[0].lower()))
    return [m for _, _, m in sorted(ranked)]


def choose(media: list[str], table: dict[str, str], default: str) -> str | None:
    """The first media type of ``media`` that ``table`` knows (``*/*`` or none: ``default``)."""
    if not media:
        return default
    for m in media:
        if m in table:
            return m
        if m in ("*/*", "application/*", "text/*"):
            return default if m == "*/*" or default.startswith(m[:-1]) else next(
                (t for t in table if t.startswith(m[:-1])), None)
    return None


@dataclass
class SparqlAnswer:
    body: bytes
    media_type: str


class _Once:
    """A value made on first use, once, whichever thread asks first."""

    def __init__(self, make: Any) -> None:
        self._make = make
        self._value: Any = None
        self._lock = threading.Lock()

    def get(self) -> Any:
        with self._lock:
            if self._value is None:
                self._value = self._make()
            return self._value


def _open_rdf(directory: Path) -> Any:
    from kg.query.sparql_cache import open_embedded

    return open_embedded(directory)


def _open_ladybug(directory: Path) -> Any:
    from kg.query.cypher_cache import open_database

    return open_database(directory)


class SparqlEndpoint:
    def __init__(self, directory: Path, timeout: float) -> None:
        self.directory = directory
        self.timeout = timeout
        self._store = _Once(lambda: _open_rdf(directory))
        self._running = threading.BoundedSemaphore(MAX_RUNNING)

    @property
    def store(self) -> Any:
        return self._store.get()

    def evaluate(self, text: str, media: list[str]) -> SparqlAnswer:
        """Run ``text`` and serialize its results as the best of ``media`` (blocking)."""
        import pyoxigraph as ox

        store = self.store
        if not self._running.acquire(blocking=False):
            raise QueryRefused(503, f"{MAX_RUNNING} queries are already running; try again shortly")
        try:
            try:
                results = store.query(text)
            except SyntaxError as exc:
                raise QueryRefused(400, f"SPARQL syntax error (this endpoint only answers queries, "
                                        f"never updates): {_line(exc)}") from None
            except (RuntimeError, OSError, ValueError) as exc:
                raise QueryRefused(400, f"the query cannot run: {_line(exc)}") from None
            # pyoxigraph results must be dropped in the thread that made them: never let
            # them travel up inside an exception's traceback
            refusal: QueryRefused | None = None
            answer: SparqlAnswer | None = None
            if isinstance(results, ox.QueryTriples):
                chosen = choose(media, GRAPH_TYPES, "text/turtle")
                if chosen is None:
                    refusal = QueryRefused(406, "a graph result can be text/turtle, application/n-triples, "
                                                "application/rdf+xml, application/ld+json")
                else:
                    body = results.serialize(format=getattr(ox.RdfFormat, GRAPH_TYPES[chosen]))
                    answer = SparqlAnswer(bytes(body or b""), chosen)
            else:
                chosen = choose(media, SELECT_TYPES, "application/sparql-results+json")
                if chosen is None:
                    refusal = QueryRefused(406, "results can be application/sparql-results+json, "
                                                "application/sparql-results+xml, text/csv, text/tab-separated-values")
                else:
                    name = SELECT_TYPES[chosen]
                    body = results.serialize(format=getattr(ox.QueryResultsFormat, name))
                    answer = SparqlAnswer(bytes(body or b""), RESULT_MEDIA[name])
            del results
            if refusal is not None:
                raise refusal
            assert answer is not None
            return answer
        finally:
            self._running.release()


class CypherEndpoint:
    def __init__(self, directory: Path, timeout: float) -> None:
        self.directory = directory
        self.timeout = timeout
        self._db = _Once(lambda: _open_ladybug(directory))

    def _database(self) -> Any:
        return self._db.get()

    def run(self, text: object, parameters: dict[str, Any] | None = None) -> tuple[list[str], list[dict[str, Any]]]:
        import ladybug

        if not isinstance(text, str) or not text.strip():
            raise QueryRefused(400, 'send {"query": "MATCH ...", "parameters": {...}}')
        if parameters is not None and not isinstance(parameters, dict):
            raise QueryRefused(400, '"parameters" must be a JSON object')
        conn = ladybug.Connection(self._database())
        try:
            conn.set_query_timeout(int(self.timeout * 1000))
            try:
                result = conn.execute(text.strip().rstrip(";"), parameters or {})
            except RuntimeError as exc:
                message = _line(exc)
                status = 504 if "interrupt" in message.lower() or "timeout" in message.lower() else 400
                if "read-only" in message.lower() or "read only" in message.lower():
                    message = f"this endpoint is read-only: {message}"
                raise QueryRefused(status, message) from None
            if isinstance(result, list):
                result = result[-1]
            columns = list(result.get_column_names())
            rows = []
            while result.has_next():
                rows.append(dict(zip(columns, result.get_next())))
            return columns, json.loads(json.dumps(rows, default=str))
        finally:
            conn.close()


def canned(language: str) -> list[dict[str, Any]]:
    """The canned queries of ``queries/<language>/``: name, title, question, parameters."""
    from kg.query.files import LANGUAGES, canned as canned_files

    out = []
    for query in canned_files(LANGUAGES[language]).values():
        header = query.header
        out.append({"name": query.name, "language": language, "title": header.title,
                    "question": header.question, "text": query.text,
                    "params": {p.name: {"default": getattr(p.default, "value", p.default),
                                        "description": p.description} for p in header.params.values()}})
    return out


def run_canned(directory: Path, language: str, name: str, params: dict[str, str],
               sparql: SparqlEndpoint, cypher: CypherEndpoint) -> tuple[list[str], list[dict[str, Any]]]:
    """Run the canned query ``name`` with ``params`` (defaults from its header)."""
    queries = {q["name"]: q for q in canned(language)}
    if name not in queries:
        raise QueryRefused(404, f"no canned {language} query named '{name}'")
    text = queries[name]["text"]
    try:
        if language == "sparql":
            from kg.query.sparql import query_store

            return query_store(sparql.store, text, params, where=name)
        from kg.query.cypher import _strip_comments
        from kg.query.files import CYPHER, bind

        return cypher.run(_strip_comments(text), bind(text, params, CYPHER))
    except ExportError as exc:
        raise QueryRefused(400, exc.format()) from None


def _line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return " ".join(lines)[:500] if lines else type(exc).__name__
