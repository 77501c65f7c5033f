"""The ``paperkg serve`` web application (Starlette; served by uvicorn).

Routes::

    /                     counts, top entities, the canned queries (one click each)
    /search?q=            entities by name/alias/long form, papers by title
    /entity/{id}          aliases, long forms, papers proposing/using/evaluating it with the
                          evidence span highlighted by its offsets, datasets, tasks, code,
                          the interactive neighbourhood graph (expandable)
    /paper/{id}           its abstract with every entity span marked, entities, code
    /query/{lang}/{name}  a canned SPARQL or Cypher query with its parameters
    /sparql               SPARQL 1.1 Protocol (GET, POST form, POST application/sparql-query)
    /cypher               read-only Cypher: POST {"query", "parameters"} -> {"columns", "rows"}
    /api/...              the pages' data as JSON (search, entity, paper, neighbourhood, stats, queries)

Everything the pages show comes from a :class:`~kg.serve.reader.StoreReader` built once at
start-up; the query stores are opened on first use.
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from kg.serve import pages
from kg.serve.endpoints import CypherEndpoint, QueryRefused, SparqlEndpoint, accepted, canned, run_canned
from kg.serve.reader import StoreReader, open_reader

SPARQL_EXAMPLE = """PREFIX pkg: <https://w3id.org/paperkg/ontology#>
PREFIX schema: <http://schema.org/>
SELECT ?dataset ?name (COUNT(?paper) AS ?papers) WHERE {
  ?paper pkg:evaluatesOn ?dataset . ?dataset schema:name ?name .
} GROUP BY ?dataset ?name ORDER BY DESC(?papers) LIMIT 10"""
CYPHER_EXAMPLE = ("MATCH (p:Paper)-[:EVALUATES_ON]->(d:Dataset) RETURN d.name AS dataset, count(p) AS papers "
                  "ORDER BY papers DESC LIMIT 10")
STATIC = {"serve.js": "application/javascript", "serve.css": "text/css"}
VIS = ("pyvis", "lib/vis-9.1.2/vis-network.min.js")
MAX_LIMIT = 500


def _int(request: Request, name: str, default: int, high: int = MAX_LIMIT) -> int:
    try:
        return max(0, min(high, int(request.query_params.get(name, default))))
    except ValueError:
        return default


def create_app(directory: str | Path, *, reader: StoreReader | None = None, sparql_timeout: float = 10.0,
               cypher_timeout: float = 10.0) -> Starlette:
    """The application over the store in ``directory`` (``reader``: an already open reader)."""
    directory = Path(directory)
    reader = reader if reader is not None else open_reader(directory)
    sparql = SparqlEndpoint(directory, sparql_timeout)
    cypher = CypherEndpoint(directory, cypher_timeout)
    queries = {lang: {q["name"]: q for q in canned(lang)} for lang in ("sparql", "cypher")}
    assets = {name: resources.files("kg.serve").joinpath(name).read_bytes() for name in STATIC}
    assets["vis-network.min.js"] = resources.files(VIS[0]).joinpath(VIS[1]).read_bytes()

    def top() -> dict[str, list[dict[str, Any]]]:
        return {t: reader.top(t, 10) for t in ("Method", "Dataset", "Task")}

    # ---- pages ----------------------------------------------------------------------
    def home(request: Request) -> Response:
        return HTMLResponse(pages.home(reader.stats(), top(), list(queries["sparql"].values())))

    def search(request: Request) -> Response:
        q = request.query_params.get("q", "")
        return HTMLResponse(pages.search(q, reader.search(q, _int(request, "limit", 50))))

    def entity(request: Request) -> Response:
        node = request.path_params["node"]
        limit, offset = _int(request, "limit", 50), _int(request, "offset", 0, 10**9)
        data = reader.entity(node, limit, offset)
        if data is None:
            if reader.paper(node) is not None:
                return Response(status_code=307, headers={"Location": pages.href(node)})
            return HTMLResponse(pages.not_found(f"No entity {node}."), status_code=404)
        return HTMLResponse(pages.entity(data, limit, offset))

    def paper(request: Request) -> Response:
        data = reader.paper(request.path_params["node"])
        if data is None:
            return HTMLResponse(pages.not_found(f"No paper {request.path_params['node']}."), status_code=404)
        return HTMLResponse(pages.paper(data))

    def query_page(request: Request) -> Response:
        lang, name = request.path_params["lang"], request.path_params["name"]
        q = queries.get(lang, {}).get(name)
        if q is None:
            return HTMLResponse(pages.not_found(f"No canned {lang} query {name}."), status_code=404)
        params = {k: v for k, v in request.query_params.items() if k in q["params"]}
        try:
            columns, rows = run_canned(directory, lang, name, params, sparql, cypher)
            error = None
        except QueryRefused as exc:
            columns, rows, error = [], [], exc.message
        return HTMLResponse(pages.query_page(q, params, columns, rows, error), status_code=400 if error else 200)

    def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in assets:
            return PlainTextResponse("not found", status_code=404)
        kind = STATIC.get(name, "application/javascript")
        return Response(assets[name], media_type=kind, headers={"Cache-Control": "max-age=3600"})

    # ---- JSON API -------------------------------------------------------------------
    def api_index(request: Request) -> Response:
        return JSONResponse({"endpoints": [
            "/api/stats", "/api/search?q=NAME&limit=20", "/api/entity/{id}?limit=50&offset=0", "/api/paper/{id}",
            "/api/neighbourhood/{id}?limit=40", "/api/queries", "/api/queries/{sparql|cypher}/{name}?PARAM=VALUE",
            "/sparql", "/cypher"]})

    def api_stats(request: Request) -> Response:
        return JSONResponse({**reader.stats(), "top": top()})

    def api_search(request: Request) -> Response:
        return JSONResponse(reader.search(request.query_params.get("q", ""), _int(request, "limit", 20)))

    def api_entity(request: Request) -> Response:
        node = request.path_params["node"]
        data = reader.entity(node, _int(request, "limit", 50), _int(request, "offset", 0, 10**9))
        return JSONResponse(data) if data else JSONResponse({"error": f"no entity {node}"}, status_code=404)

    def api_paper(request: Request) -> Response:
        node = request.path_params["node"]
        data = reader.paper(node)
        return JSONResponse(data) if data else JSONResponse({"error": f"no paper {node}"}, status_code=404)

    def api_neighbourhood(request: Request) -> Response:
        node = request.path_params["node"]
        data = reader.neighbourhood(node, _int(request, "limit", 40, 200))
        return JSONResponse(data) if data else JSONResponse({"error": f"no node {node}"}, status_code=404)

    def api_queries(request: Request) -> Response:
        return JSONResponse([{k: v for k, v in q.items() if k != "text"}
                             for lang in queries for q in queries[lang].values()])

    def api_query(request: Request) -> Response:
        lang, name = request.path_params["lang"], request.path_params["name"]
        try:
            columns, rows = run_canned(directory, lang, name, dict(request.query_params), sparql, cypher)
        except QueryRefused as exc:
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        return Response(json.dumps({"columns": columns, "rows": rows}, default=str), media_type="application/json")

    # ---- SPARQL 1.1 Protocol ----------------------------------------------------------
    async def sparql_endpoint(request: Request) -> Response:
        params = dict(request.query_params)
        text = params.get("query")
        if request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind == "application/sparql-query":
                text = (await request.body()).decode("utf-8", "replace")
            elif kind == "application/x-www-form-urlencoded":
                # a urlencoded form is parsed here: Starlette's form parser needs python-multipart
                form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
                if "update" in form:
                    return _refused(403, "this endpoint is read-only: SPARQL Update is not accepted")
                text = form.get("query") or text
                params.update(form)
            elif kind == "application/sparql-update":
                return _refused(403, "this endpoint is read-only: SPARQL Update is not accepted")
            else:
                return _refused(415, "POST a form (query=...) or application/sparql-query")
        if "update" in params:
            return _refused(403, "this endpoint is read-only: SPARQL Update is not accepted")
        if not text:
            if "text/html" in (request.headers.get("accept") or ""):
                return HTMLResponse(pages.sparql_form(SPARQL_EXAMPLE))
            return _refused(400, "no query: pass query=... (SPARQL 1.1 Protocol)")
        media = accepted(request.headers.get("accept"))
        wanted = pages_format(params)
        if wanted:
            media = [wanted, *media]
        media = [m for m in media if m != "text/html"]
        try:
            with anyio.fail_after(sparql.timeout):
                answer = await anyio.to_thread.run_sync(sparql.evaluate, text, media, abandon_on_cancel=True)
        except TimeoutError:
            return _refused(503, f"the query did not finish within {sparql.timeout:g} s")
        except QueryRefused as exc:
            return _refused(exc.status, exc.message)
        return Response(answer.body, media_type=answer.media_type)

    # ---- Cypher ------------------------------------------------------------------------
    async def cypher_endpoint(request: Request) -> Response:
        if request.method == "GET":
            text = request.query_params.get("query")
            if not text:
                return HTMLResponse(pages.cypher_form(CYPHER_EXAMPLE))
            parameters: Any = json.loads(request.query_params.get("parameters") or "{}")
        else:
            try:
                payload = json.loads(await request.body() or b"null")
            except ValueError:
                return JSONResponse({"error": "the body is not JSON"}, status_code=400)
            if not isinstance(payload, dict):
                return JSONResponse({"error": 'send {"query": "MATCH ...", "parameters": {...}}'}, status_code=400)
            text, parameters = payload.get("query"), payload.get("parameters")
        try:
            columns, rows = await anyio.to_thread.run_sync(cypher.run, text, parameters)
        except QueryRefused as exc:
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        return JSONResponse({"columns": columns, "rows": rows})

    routes = [
        Route("/", home), Route("/search", search),
        Route("/entity/{node:path}", entity), Route("/paper/{node:path}", paper),
        Route("/query/{lang}/{name}", query_page),
        Route("/static/{name}", static),
        Route("/api", api_index), Route("/api/stats", api_stats), Route("/api/search", api_search),
        Route("/api/entity/{node:path}", api_entity), Route("/api/paper/{node:path}", api_paper),
        Route("/api/neighbourhood/{node:path}", api_neighbourhood),
        Route("/api/queries", api_queries), Route("/api/queries/{lang}/{name}", api_query),
        Route("/sparql", sparql_endpoint, methods=["GET", "POST"]),
        Route("/cypher", cypher_endpoint, methods=["GET", "POST"]),
    ]
    app = Starlette(routes=routes)
    app.state.reader = reader
    return app


def pages_format(params: dict[str, str]) -> str | None:
    """A media type asked for by a ``format=``/``output=`` parameter (SPARQLWrapper sends them)."""
    from kg.serve.endpoints import FORMAT_NAMES

    for key in ("format", "output"):
        value = params.get(key, "").lower()
        if value in FORMAT_NAMES:
            return FORMAT_NAMES[value]
        if "/" in value:
            return value
    return None


def _refused(status: int, message: str) -> Response:
    return PlainTextResponse(message + "\n", status_code=status)
