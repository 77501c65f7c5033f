"""``paperkg serve`` over real HTTP on 127.0.0.1: pages, the JSON API, the SPARQL 1.1
Protocol endpoint (driven by SPARQLWrapper, a standard client), the read-only Cypher
endpoint, and fetch -> build -> serve end to end against the replay server."""
from __future__ import annotations

import csv
import io
import json
import socket
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from replay import Replay, file_reply, hf_day, serve as replay_server
from support import ABSTRACT_A, MTLORA_SENTENCE, running

from kg.cli.main import main
from kg.serve.app import create_app
from kg.cli.serve import is_loopback
from kg.serve.endpoints import accepted, choose, SELECT_TYPES

@pytest.fixture(scope="module")
def server(serve_store: Path) -> Iterator[str]:
    with running(create_app(serve_store, sparql_timeout=5)) as url:
        yield url


def test_search_finds_names_aliases_and_titles(server: str) -> None:
    rows = httpx.get(f"{server}/api/search", params={"q": "lora"}).json()
    assert [r["name"] for r in rows[:2]] == ["LoRA", "MTLoRA"]  # exact before substring
    assert httpx.get(f"{server}/api/search", params={"q": "low-rank adaptation"}).json()[0]["via"] == \
        "Low-Rank Adaptation"
    titles = httpx.get(f"{server}/api/search", params={"q": "does lora fail"}).json()
    assert titles[0]["id"] == "paper:arxiv:2403.12003" and titles[0]["type"] == "Paper"
    page = httpx.get(f"{server}/search", params={"q": "lora"})
    assert page.status_code == 200 and 'href="/entity/method:lora"' in page.text


def test_entity_page_highlights_the_stored_span_not_the_first_substring(server: str) -> None:
    page = httpx.get(f"{server}/entity/method:lora").text
    assert "We propose MTLoRA, which extends <mark>LoRA</mark> with task-specific" in page
    assert "MT<mark>" not in page and "<mark>MTLoRA</mark>, which extends LoRA" not in page
    assert "<mark>LoRA</mark> adapters are merged" in page
    assert "Low-Rank Adaptation" in page  # alias
    data = httpx.get(f"{server}/api/entity/method:lora").json()
    rows = data["papers"]["USES"]["rows"]
    assert [r["id"] for r in rows] == ["paper:arxiv:2403.12003", "paper:arxiv:2403.11001"]  # newest first
    ev = rows[1]["evidence"][0]
    assert ev["sentence"][ev["mark"][0]:ev["mark"][1]] == "LoRA" and ev["mark"][0] == MTLORA_SENTENCE.index(" LoRA") + 1


def test_method_page_lists_datasets_tasks_and_code(server: str) -> None:
    data = httpx.get(f"{server}/api/entity/method:mtlora").json()
    assert [d["name"] for d in data["datasets"]] == ["NYUv2"]
    assert [t["name"] for t in data["tasks"]] == ["depth estimation"]
    assert [c["url"] for c in data["code"]] == ["https://github.com/lindqvist-lab/MTLoRA"]
    page = httpx.get(f"{server}/entity/dataset:nyuv2").text
    assert "Methods evaluated on / applied to it" in page and "MTLoRA" in page
    assert "github.com/lindqvist-lab/MTLoRA" in page  # which methods, with which code


def test_paper_page_marks_every_entity_at_its_offsets(server: str) -> None:
    data = httpx.get(f"{server}/api/paper/paper:arxiv:2403.11001").json()
    marked = {(s["start"], s["end"]): s["id"] for s in data["spans"]}
    lora = ABSTRACT_A.index(" LoRA ") + 1
    assert marked[(lora, lora + 4)] == "method:lora" and marked[(11, 17)] == "method:mtlora"
    page = httpx.get(f"{server}/paper/paper:arxiv:2403.11001").text
    assert 'href="/entity/method:lora"><mark>LoRA</mark></a> with' in page
    assert httpx.get(f"{server}/paper/paper:nope").status_code == 404
    assert httpx.get(f"{server}/api/entity/method:nope").status_code == 404


def test_neighbourhood_is_bounded_and_expandable(server: str) -> None:
    data = httpx.get(f"{server}/api/neighbourhood/method:lora", params={"limit": 1}).json()
    assert data["center"] == "method:lora" and len(data["nodes"]) == 2 and data["more"] == 1
    full = httpx.get(f"{server}/api/neighbourhood/paper:arxiv:2403.11001").json()
    ids = {n["id"] for n in full["nodes"]}
    assert {"method:lora", "method:mtlora", "dataset:nyuv2"} <= ids
    assert {"from": "method:mtlora", "to": "dataset:nyuv2", "type": "EVALUATED_ON"} in full["edges"]


def test_canned_queries_are_one_click_away(server: str) -> None:
    home = httpx.get(f"{server}/").text
    assert 'href="/query/sparql/top-datasets"' in home and 'href="/query/cypher/top-datasets"' in home
    page = httpx.get(f"{server}/query/sparql/top-datasets")
    assert page.status_code == 200 and "NYUv2" in page.text and "GSM8K" in page.text
    twin = httpx.get(f"{server}/api/queries/cypher/top-datasets").json()
    assert {r["dataset_name"] for r in twin["rows"]} == {"NYUv2", "GSM8K"}
    bad = httpx.get(f"{server}/api/queries/sparql/top-datasets", params={"limit": "many"})
    assert bad.status_code == 400 and "must be an integer" in bad.json()["error"]


TOP = """PREFIX pkg: <https://w3id.org/paperkg/ontology#>
PREFIX schema: <http://schema.org/>
SELECT ?name (COUNT(?paper) AS ?papers) WHERE { ?paper pkg:uses ?m . ?m schema:name ?name }
GROUP BY ?name ORDER BY DESC(?papers) ?name"""


def test_sparqlwrapper_queries_the_endpoint(server: str) -> None:
    from SPARQLWrapper import CSV, JSON, POST, TSV, XML, SPARQLWrapper

    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery(TOP)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert [(b["name"]["value"], b["papers"]["value"]) for b in result["results"]["bindings"]][0] == ("LoRA", "2")
    client.setReturnFormat(XML)
    xml = client.query().convert()
    assert "LoRA" in xml.toxml()
    client.setMethod(POST)
    client.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(client.query().convert().decode())))
    assert rows[0] == ["name", "papers"] and rows[1] == ["LoRA", "2"]
    client.setReturnFormat(TSV)
    assert client.query().convert().decode().splitlines()[0] == "?name\t?papers"
    client.setQuery("ASK { ?s ?p ?o }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_sparql_protocol_by_accept_and_post_forms(server: str) -> None:
    for accept, kind in (("application/sparql-results+xml", "application/sparql-results+xml"),
                         ("text/csv", "text/csv"), ("text/tab-separated-values", "text/tab-separated-values"),
                         ("application/sparql-results+json", "application/sparql-results+json"),
                         ("*/*", "application/sparql-results+json")):
        r = httpx.get(f"{server}/sparql", params={"query": TOP}, headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(kind), accept
    xml = httpx.post(f"{server}/sparql", content=TOP.encode(), headers={
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+xml"})
    assert ET.fromstring(xml.content).tag == "{http://www.w3.org/2005/sparql-results#}sparql"
    form = httpx.post(f"{server}/sparql", data={"query": TOP})
    assert form.json()["head"]["vars"] == ["name", "papers"]
    ttl = httpx.get(f"{server}/sparql", params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"},
                    headers={"Accept": "text/turtle"})
    assert ttl.status_code == 200 and ttl.headers["content-type"].startswith("text/turtle")
    assert httpx.get(f"{server}/sparql", params={"query": TOP}, headers={"Accept": "image/png"}).status_code == 406


def test_sparql_is_read_only_and_reports_bad_queries(server: str) -> None:
    insert = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    assert httpx.post(f"{server}/sparql", data={"update": insert}).status_code == 403
    assert httpx.post(f"{server}/sparql", content=insert, headers={"Content-Type": "application/sparql-update"}).status_code == 403
    bad = httpx.get(f"{server}/sparql", params={"query": insert})
    assert bad.status_code == 400 and "never updates" in bad.text
    assert httpx.get(f"{server}/sparql", params={"query": "SELEC nothing"}).status_code == 400
    assert httpx.get(f"{server}/sparql").status_code == 400
    assert "<form" in httpx.get(f"{server}/sparql", headers={"Accept": "text/html"}).text
    count = httpx.get(f"{server}/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { <urn:a> ?p ?o }"})
    assert count.json()["results"]["bindings"][0]["n"]["value"] == "0"


def test_sparql_timeout_answers_503(serve_store: Path) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?b ?f . ?g ?h ?i }"  # ~2M rows: about 0.7 s
    with running(create_app(serve_store, sparql_timeout=0.2)) as url:
        started = time.monotonic()
        r = httpx.get(f"{url}/sparql", params={"query": slow}, timeout=30)
        assert r.status_code == 503 and "did not finish within 0.2 s" in r.text
        assert time.monotonic() - started < 5


def test_cypher_endpoint_json_in_json_out_read_only(server: str) -> None:
    r = httpx.post(f"{server}/cypher", json={
        "query": "MATCH (p:Paper)-[:USES]->(m:Method {id: $id}) RETURN p.id AS paper ORDER BY paper",
        "parameters": {"id": "method:lora"}})
    assert r.status_code == 200
    assert r.json() == {"columns": ["paper"], "rows": [{"paper": "paper:arxiv:2403.11001"},
                                                       {"paper": "paper:arxiv:2403.12003"}]}
    write = httpx.post(f"{server}/cypher", json={"query": "CREATE (m:Method {id: 'x'})"})
    assert write.status_code == 400 and "read-only" in write.json()["error"]
    assert httpx.post(f"{server}/cypher", content=b"not json").status_code == 400
    assert httpx.post(f"{server}/cypher", json={"query": "MATCH (n) RETURN"}).status_code == 400


def test_accept_negotiation() -> None:
    assert accepted("text/csv;q=0.5, application/sparql-results+json") == ["application/sparql-results+json", "text/csv"]
    assert choose(accepted("application/json"), SELECT_TYPES, "x") == "application/json"
    assert choose([], SELECT_TYPES, "application/sparql-results+json") == "application/sparql-results+json"
    assert choose(["image/png"], SELECT_TYPES, "application/sparql-results+json") is None


def test_loopback_and_port_errors(serve_store: Path) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", str(serve_store), "--port", str(port)])
    assert result.exit_code == 1 and f"Error: cannot listen on 127.0.0.1:{port}" in result.output
    result = CliRunner().invoke(main, ["serve", str(serve_store / "nope")])
    assert result.exit_code == 1 and "no graph store" in result.output


def test_fetch_build_serve_end_to_end(tmp_path: Path) -> None:
    replay = Replay()
    for day in ("2024-03-18", "2024-03-19", "2024-03-20"):
        replay.add("/api/daily_papers", hf_day(day), file_reply(f"hf-{day}.json"))
    with replay_server(replay):
        result = CliRunner().invoke(main, ["build", "--fetch", "hf-daily:2024-03-18..2024-03-20",
                                           "--fetch-cache", str(tmp_path / "cache"), "--fetch-base-url", replay.url,
                                           "--fetch-delay", "0", "-o", str(tmp_path / "graph")])
    assert result.exit_code == 0, result.output
    with running(create_app(tmp_path / "graph")) as url:
        found = httpx.get(f"{url}/api/search", params={"q": "MTLoRA"}).json()
        assert found[0]["name"] == "MTLoRA"
        page = httpx.get(f"{url}{'/entity/' + found[0]['id']}").text
        assert "github.com/lindqvist-lab/MTLoRA" in page
        rows = httpx.get(f"{url}/sparql", params={"query": "SELECT (COUNT(?p) AS ?n) WHERE { ?p a <http://schema.org/ScholarlyArticle> }"},
                         headers={"Accept": "application/sparql-results+json"}).json()
        assert rows["results"]["bindings"][0]["n"]["value"] == "3"
        cypher = httpx.post(f"{url}/cypher", json={"query": "MATCH (p:Paper) RETURN count(p) AS n"}).json()
        assert cypher["rows"] == [{"n": 3}]


def test_api_index_lists_the_endpoints(server: str) -> None:
    assert "/sparql" in json.dumps(httpx.get(f"{server}/api").json())
    assert httpx.get(f"{server}/static/vis-network.min.js").status_code == 200


def test_rdflib_sparqlstore_reads_the_endpoint(server: str) -> None:
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(f"{server}/sparql"))
    rows = [(str(r.name), int(r.papers)) for r in graph.query(TOP)]  # type: ignore[union-attr]
    assert rows[0] == ("LoRA", 2)
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True
