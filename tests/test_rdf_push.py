"""``paperkg push sparql``: the Graph Store Protocol requests against a fake server (batches,
errors), and an integration test against a real Virtuoso 7 started on loopback ports."""
from __future__ import annotations

import base64
import http.server
import json
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from support import RUNNER

import kg.store.core
from kg.cli.main import main
from kg.export.rdf.export import export
from kg.export.rdf.push import SparqlPushError, push_sparql

GRAPH = "https://example.org/paperkg-test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def nt_count(examples: Path, tmp_path_factory: pytest.TempPathFactory) -> int:
    return export(kg.store.core.open_store(examples), tmp_path_factory.mktemp("nt") / "g.nt", rdf_format="nt",
                  evidence="summary")  # push sends summary evidence by default, as export


# --------------------------------------------------------------------------- a fake Graph Store

class FakeGraphStore(http.server.ThreadingHTTPServer):
    """Records every request; answers ``status`` (401 without the right Basic credentials)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict[str, Any]] = []
        self.status = 201
        self.credentials: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/store"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: FakeGraphStore

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        expected = self.server.credentials
        if expected and self.headers.get("Authorization") != "Basic " + base64.b64encode(expected.encode()).decode():
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="test"')
            self.end_headers()
            return
        parts = urllib.parse.urlsplit(self.path)
        self.server.requests.append({"method": self.command, "path": parts.path,
                                     "query": urllib.parse.parse_qs(parts.query),
                                     "type": self.headers.get("Content-Type"), "body": body})
        self.send_response(self.server.status)
        message = b"" if self.server.status < 400 else b"SP031: something went wrong\n"
        self.send_header("Content-Length", str(len(message)))
        self.end_headers()
        self.wfile.write(message)

    do_PUT = do_POST = do_DELETE = _handle

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake() -> Iterator[FakeGraphStore]:
    server = FakeGraphStore()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_put_then_post_batches(examples: Path, nt_count: int, fake: FakeGraphStore) -> None:
    report = push_sparql(kg.store.core.open_store(examples), fake.url, graph_iri=GRAPH, batch_size=5000)
    methods = [r["method"] for r in fake.requests]
    assert methods[0] == "PUT" and set(methods[1:]) == {"POST"}
    assert len(methods) == report.requests == 1 + -(-(nt_count - 1000) // 5000)
    assert all(r["query"] == {"graph": [GRAPH]} and r["type"] == "application/n-triples" for r in fake.requests)
    lines = [line for r in fake.requests for line in r["body"].decode("utf-8").splitlines()]
    assert len(lines) == len(set(lines)) == nt_count == report.triples
    assert len(fake.requests[0]["body"].splitlines()) == 1000  # a small first batch


def test_empty_graph_deletes_the_named_graph(fake: FakeGraphStore) -> None:
    report = push_sparql(nx.MultiDiGraph(), fake.url, graph_iri=GRAPH)
    assert [r["method"] for r in fake.requests] == ["DELETE"] and report.triples == 0


def test_basic_auth(examples: Path, fake: FakeGraphStore) -> None:
    fake.credentials = "dba:secret"
    push_sparql(kg.store.core.open_store(examples), fake.url, user="dba", password="secret")
    assert fake.requests
    with pytest.raises(SparqlPushError, match=r"refused the credentials \(HTTP 401\).*check --user/--password"):
        push_sparql(kg.store.core.open_store(examples), fake.url, user="dba", password="wrong")


@pytest.mark.parametrize("status, message", [
    (500, r"the server failed on PUT \(HTTP 500\): SP031: something went wrong"),
    (404, r"does not accept PUT \(HTTP 404\).*Graph Store Protocol URL"),
    (403, r"does not allow this user to write \(HTTP 403\)"),
    (400, r"the server rejected PUT \(HTTP 400\)"),
])
def test_http_errors(examples: Path, fake: FakeGraphStore, status: int, message: str) -> None:
    fake.status = status
    with pytest.raises(SparqlPushError, match=message):
        push_sparql(kg.store.core.open_store(examples), fake.url)


def test_connection_refused_and_bad_endpoint(examples: Path) -> None:
    result = RUNNER.invoke(main, ["push", "sparql", str(examples), "--endpoint", f"http://127.0.0.1:{free_port()}/x"])
    assert result.exit_code == 1
    assert re.fullmatch(r"Error: cannot connect to http://127.0.0.1:\d+/x: connection refused \(is the server "
                        r"running\? check the host and port of --endpoint\) \[E310\]\n", result.stderr)
    result = RUNNER.invoke(main, ["push", "sparql", str(examples), "--endpoint", "localhost:8890"])
    assert result.exit_code == 1 and result.stderr.startswith("Error: bad endpoint 'localhost:8890'")


# --------------------------------------------------------------------------- a real Virtuoso

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def virtuoso_ini(template: str, directory: Path, sql_port: int, http_port: int) -> str:
    """The packaged virtuoso.ini with a private database, loopback ports and no network extras
    (the recipe of ../shared/notes/graph-stores.md)."""
    out, section = [], ""
    for line in template.splitlines():
        header = re.match(r"\s*\[(.+)\]", line)
        if header:
            section = header.group(1)
            out.append(line)
            continue
        key = line.split("=", 1)[0].strip() if "=" in line and not line.lstrip().startswith(";") else ""
        if section in ("Database", "TempDatabase") and key in (
                "DatabaseFile", "ErrorLogFile", "LockFile", "TransactionFile", "xa_persistent_file"):
            line = f"{key} = {directory / line.split('=', 1)[1].strip().rsplit('/', 1)[-1]}"
        elif section == "Parameters" and key == "ServerPort":
            line = f"ServerPort = 127.0.0.1:{sql_port}"
        elif section == "Parameters" and key == "DirsAllowed":
            line = f"DirsAllowed = ., {directory}"
        elif section == "HTTPServer" and key == "ServerPort":
            line = f"ServerPort = 127.0.0.1:{http_port}"
        elif section == "URIQA" and key == "DefaultHost":
            line = f"DefaultHost = 127.0.0.1:{http_port}"
        elif section == "Replication" and key == "ServerEnable":
            line = "ServerEnable = 0"
        elif (section == "Zero Config" and key == "ServerName") or (section == "Plugins" and key.startswith("Load")
                                                                    and key != "LoadPath"):
            line = ";" + line  # no mDNS advertising, no hosting plugins
        out.append(line)
    return "\n".join(out) + "\n"


def sparql_select(base: str, query: str) -> list[dict[str, Any]]:
    url = f"{base}/sparql?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return list(json.load(response)["results"]["bindings"])
    except urllib.error.HTTPError as exc:  # show what the server said
        raise AssertionError(f"HTTP {exc.code}: {exc.read(2000).decode('utf-8', 'replace')}") from None


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.skip("virtuoso-t is not installed (apt-get install virtuoso-opensource-7)")
    directory = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    (directory / "virtuoso.ini").write_text(
        virtuoso_ini(VIRTUOSO_INI.read_text(), directory, sql_port, http_port))
    base = f"http://127.0.0.1:{http_port}"
    with open(directory / "virtuoso.out", "wb") as log:
        process = subprocess.Popen([binary, "+configfile", str(directory / "virtuoso.ini"), "+foreground"],
                                   cwd=directory, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    sparql_select(base, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        tail = (directory / "virtuoso.out").read_text(errors="replace")[-2000:]
                        pytest.fail(f"Virtuoso did not start on {base}:\n{tail}")
                    time.sleep(0.25)
            yield base
        finally:
            isql = shutil.which("isql-vt")
            if isql and process.poll() is None:
                subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", "exec=shutdown;"],
                               capture_output=True, timeout=30, check=False)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def count(base: str, graph: str) -> int:
    (row,) = sparql_select(base, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(row["n"]["value"])


def test_push_to_virtuoso_twice_replaces_the_graph(virtuoso: str, examples: Path, nt_count: int) -> None:
    endpoint = f"{virtuoso}/sparql-graph-crud-auth"
    args = ["push", "sparql", str(examples), "--endpoint", endpoint, "--graph", GRAPH,
            "--user", "dba", "--password", "dba", "--batch-size", "2500"]
    counts = []
    for _ in range(2):
        result = RUNNER.invoke(main, args)
        assert result.exit_code == 0, result.stderr
        assert f"pushed {nt_count} triples to <{GRAPH}>" in result.stderr
        counts.append(count(virtuoso, GRAPH))
    assert counts == [nt_count, nt_count]
    names = sparql_select(virtuoso, f"SELECT ?n WHERE {{ GRAPH <{GRAPH}> {{ ?d <https://w3id.org/paperkg/ontology#nameKey> "
                                    f"\"mmlu\" ; <http://schema.org/name> ?n }} }}")
    assert [r["n"]["value"] for r in names] == ["MMLU"]
    # a smaller graph pushed to the same named graph replaces it entirely
    small = nx.MultiDiGraph()
    small.add_node("task:x", id="task:x", type="Task", name="X", aliases=[], paper_count=0)
    report = push_sparql(small, endpoint, graph_iri=GRAPH, user="dba", password="dba")
    assert count(virtuoso, GRAPH) == report.triples < 20


SUMMARY_ON_SERVER = """
PREFIX pkg: <https://w3id.org/paperkg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?paper_id ?relation ?confidence ?support ?field ?start ?end ?mention FROM <GRAPH> WHERE {
  ?entity pkg:nameKey "lora" ; dcterms:identifier ?entity_id .
  ?paper pkg:uses ?entity ; dcterms:identifier ?paper_id ; dcterms:abstract ?abstract .
  BIND("uses" AS ?relation)
  BIND(IRI(CONCAT(STR(?paper), ";uses=", ENCODE_FOR_URI(?entity_id))) AS ?assertion)
  ?assertion pkg:confidence ?confidence ; pkg:support ?support ; prov:wasDerivedFrom ?pointer .
  FILTER(REGEX(STR(?pointer), "#char=[0-9]+,[0-9]+$"))  # a full export's spans are described instead
  BIND(REPLACE(STR(?pointer), "^.*;([a-z]+)#char=[0-9]+,[0-9]+$", "$1") AS ?field)
  BIND(xsd:integer(REPLACE(STR(?pointer), "^.*#char=([0-9]+),[0-9]+$", "$1")) AS ?start)
  BIND(xsd:integer(REPLACE(STR(?pointer), "^.*#char=[0-9]+,([0-9]+)$", "$1")) AS ?end)
  BIND(SUBSTR(?abstract, ?start + 1, ?end - ?start) AS ?mention)
}"""
"""A SPARQL 1.1 reading of the summary pattern (Virtuoso has no LATERAL, which the canned
query uses for speed on the embedded store): the assertion found from its triple with one
BIND, its pointer read back into offsets into the abstract."""


def test_push_evidence_levels_to_virtuoso(virtuoso: str, examples: Path, tmp_path: Path) -> None:
    """``--evidence`` sends that level (the same triples as ``export --evidence``); at summary a
    SPARQL 1.1 server finds each relation's confidence, support and evidence span from the
    triple alone (the assertion is named by it; the pointer is an RFC 5147 fragment)."""
    endpoint = f"{virtuoso}/sparql-graph-crud-auth"
    graph = kg.store.core.open_store(examples).graph
    rows = {}
    for level in ("none", "summary", "full"):
        expected = export(graph, tmp_path / f"{level}.nt", rdf_format="nt", evidence=level)
        result = RUNNER.invoke(main, ["push", "sparql", str(examples), "--endpoint", endpoint, "--graph", GRAPH,
                                      "--user", "dba", "--password", "dba", "--evidence", level])
        assert result.exit_code == 0, result.stderr
        assert f"pushed {expected} triples" in result.stderr and count(virtuoso, GRAPH) == expected
        rows[level] = [{k: v["value"] for k, v in r.items()}
                       for r in sparql_select(virtuoso, SUMMARY_ON_SERVER.replace("GRAPH", GRAPH))]
    assert not rows["none"] and not rows["full"]  # full points to described spans, not into the text
    uses = {(u, v): d for u, v, k, d in graph.edges(keys=True, data=True) if k == "USES" and v == "method:lora"}
    assert len(rows["summary"]) == len(uses) > 0
    for row in rows["summary"]:
        data = uses[(row["paper_id"], "method:lora")]
        first = data["evidence"][0]
        assert (float(row["confidence"]), int(row["support"])) == (data["confidence"], data["support"])
        assert (row["field"], int(row["start"]), int(row["end"])) == (first["field"], first["start"], first["end"])
        assert row["mention"] and row["mention"] in first["sentence"]
    result = RUNNER.invoke(main, ["push", "sparql", str(examples), "--endpoint", endpoint, "--evidence", "some"])
    assert result.exit_code == 2 and "'some' is not one of" in result.stderr


def test_virtuoso_rejects_a_wrong_password(virtuoso: str, examples: Path) -> None:
    with pytest.raises(SparqlPushError, match=r"refused the credentials \(HTTP 401\)"):
        push_sparql(kg.store.core.open_store(examples), f"{virtuoso}/sparql-graph-crud-auth", graph_iri=GRAPH,
                    user="dba", password="wrong")
