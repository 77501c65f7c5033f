"""``paperkg push sparql``: load the graph into a SPARQL server's named graph.

Uses the SPARQL 1.1 Graph Store HTTP Protocol (``?graph=IRI``): the first batch is sent with
``PUT`` (which replaces the named graph), the remaining batches with ``POST`` (which adds to
it), each an N-Triples document. Pushing again therefore replaces the graph: re-pushing is
idempotent. The first batch is kept small so that an authentication challenge (HTTP digest,
as Virtuoso's ``/sparql-graph-crud-auth`` sends) costs little; later requests authenticate
up front. Only the standard library is used (``urllib.request``).
"""
from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from kg.errors import PaperKGError
from kg.graph.model import GraphLike
from kg.export.evidence import DEFAULT_EVIDENCE, check_evidence
from kg.export.rdf.export import base_iri_default, triples_of
from kg.export.rdf.iris import Iris, check_iri
from kg.export.rdf.writers import nt_batches

CONTENT_TYPE = "application/n-triples"
FIRST_BATCH = 1000
DEFAULT_BATCH = 50_000


class SparqlPushError(PaperKGError):
    """A SPARQL server could not be reached or rejected a push."""

    code = "E310"


@dataclass(frozen=True)
class PushReport:
    endpoint: str
    graph: str
    triples: int
    requests: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Digest(urllib.request.HTTPDigestAuthHandler):
    """Digest authentication that, after the first challenge, authenticates every later
    request up front (urllib answers challenges only, so each request body would go twice)."""

    def __init__(self, passwords: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(passwords)
        self._challenge: dict[str, str] | None = None

    def retry_http_digest_auth(self, req: urllib.request.Request, auth: str) -> Any:
        _, challenge = auth.split(" ", 1)
        self._challenge = urllib.request.parse_keqv_list(
            [item for item in urllib.request.parse_http_list(challenge) if item])
        return super().retry_http_digest_auth(req, auth)

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        if self._challenge and not req.has_header(self.auth_header):
            auth = self.get_authorization(req, self._challenge)
            if auth:
                req.add_unredirected_header(self.auth_header, f"Digest {auth}")
        return req

    https_request = http_request


def _opener(endpoint: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = []
    if user is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, endpoint, user, password or "")
        handlers += [_Digest(passwords), urllib.request.HTTPBasicAuthHandler(passwords)]
    return urllib.request.build_opener(*handlers)


def _http_error(exc: urllib.error.HTTPError, method: str, endpoint: str) -> SparqlPushError:
    try:
        detail = " ".join(exc.read(400).decode("utf-8", "replace").split())
    except (OSError, http.client.HTTPException):
        detail = ""
    said = f": {detail}" if detail else ""
    code = exc.code
    if code == 401:
        return SparqlPushError(f"{endpoint} refused the credentials (HTTP 401){said}",
                               hint="check --user/--password; Virtuoso takes writes on /sparql-graph-crud-auth")
    if code == 403:
        return SparqlPushError(f"{endpoint} does not allow this user to write (HTTP 403){said}",
                               hint="give --user/--password of an account with write access")
    if code in (404, 405):
        return SparqlPushError(f"{endpoint} does not accept {method} (HTTP {code}){said}",
                               hint="--endpoint must be a Graph Store Protocol URL, e.g. "
                                    "http://localhost:8890/sparql-graph-crud-auth")
    if code >= 500:
        return SparqlPushError(f"the server failed on {method} (HTTP {code}){said}", where=endpoint,
                               hint="see the server's log; the named graph may hold part of the data: "
                                    "push again to replace it")
    return SparqlPushError(f"the server rejected {method} (HTTP {code}){said}", where=endpoint,
                           hint="check --endpoint and --graph")


def _send(opener: urllib.request.OpenerDirector, method: str, url: str, endpoint: str, body: bytes | None,
          timeout: float) -> None:
    headers = {"Content-Type": CONTENT_TYPE} if body is not None else {}
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        if method == "DELETE" and exc.code == 404:
            return  # nothing to delete
        raise _http_error(exc, method, endpoint) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ConnectionRefusedError):
            raise SparqlPushError(f"cannot connect to {endpoint}: connection refused",
                                  hint="is the server running? check the host and port of --endpoint") from None
        if isinstance(reason, socket.gaierror):
            raise SparqlPushError(f"cannot connect to {endpoint}: unknown host",
                                  hint="check the host name of --endpoint") from None
        raise SparqlPushError(f"cannot connect to {endpoint}: {reason}", hint="check --endpoint") from None
    except (TimeoutError, socket.timeout):
        raise SparqlPushError(f"{endpoint} did not answer {method} within {timeout:g} s",
                              hint="use a smaller --batch-size or check the server") from None
    except (http.client.HTTPException, ConnectionError) as exc:
        raise SparqlPushError(f"the connection to {endpoint} failed during {method}: {exc!r}",
                              hint="check the server; push again to replace the partial graph") from None


def check_endpoint(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SparqlPushError(f"bad endpoint '{endpoint}'",
                              hint="give an http(s) URL, e.g. http://localhost:8890/sparql-graph-crud-auth")
    return endpoint


def _batches(triples: Iterator[Any], batch_size: int) -> Iterator[tuple[bytes, int]]:
    """A small first batch, then batches of ``batch_size`` (all from the one iterator)."""
    first = next(nt_batches(triples, min(FIRST_BATCH, batch_size)), None)
    if first is not None:
        yield first
        yield from nt_batches(triples, batch_size)


def push_sparql(store: GraphLike, endpoint: str, *, graph_iri: str | None = None, base_iri: str | None = None,
                user: str | None = None, password: str | None = None, batch_size: int = DEFAULT_BATCH,
                timeout: float = 300.0, progress: Callable[[int], None] | None = None,
                evidence: str = DEFAULT_EVIDENCE) -> PushReport:
    """Replace the named graph ``graph_iri`` (default ``<base>graph``) at the Graph Store
    Protocol ``endpoint`` with the triples of ``store`` (a store or a networkx graph) at the
    ``evidence`` level (``none``, ``summary`` or ``full``)."""
    start = time.perf_counter()
    check_endpoint(endpoint)
    check_evidence(evidence)
    if batch_size < 1:
        raise SparqlPushError("--batch-size must be at least 1")
    graph = check_iri(graph_iri, "graph IRI") if graph_iri else Iris(base_iri_default(base_iri)).graph()
    url = f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode({'graph': graph})}"
    opener = _opener(endpoint, user, password)
    triples = iter(triples_of(store, base_iri, evidence))
    total = requests = 0
    for body, count in _batches(triples, batch_size):
        _send(opener, "PUT" if requests == 0 else "POST", url, endpoint, body, timeout)
        total += count
        requests += 1
        if progress:
            progress(count)
    if requests == 0:  # an empty graph: make the named graph empty too
        _send(opener, "DELETE", url, endpoint, None, timeout)
        requests = 1
    return PushReport(endpoint, graph, total, requests, round(time.perf_counter() - start, 3))

