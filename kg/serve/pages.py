"""The HTML pages of ``paperkg serve``, rendered on the server from the reader's data.

Every text from the store goes through :func:`html.escape`; links to outside pages are
only http(s) URLs; evidence spans are wrapped in ``<mark>`` at their stored offsets
(``mark`` in the reader's evidence records), never found again by searching the text.
"""
from __future__ import annotations

import json
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from kg.export.viz.view import TYPE_STYLE, web_url

RELATION_TITLES = {"PROPOSES": "Proposed in", "INTRODUCES": "Introduced in", "USES": "Used in",
                   "EVALUATES_ON": "Used for evaluation in", "ADDRESSES": "Addressed in",
                   "REPORTS": "Reported in", "HAS_CODE": "Code linked in"}
FROM_PAPER = {"PROPOSES": "Proposes", "INTRODUCES": "Introduces", "USES": "Uses",
              "EVALUATES_ON": "Evaluates on", "ADDRESSES": "Addresses", "REPORTS": "Reports"}
RELATION_ORDER = ("PROPOSES", "INTRODUCES", "USES", "EVALUATES_ON", "ADDRESSES", "REPORTS", "HAS_CODE")


def href(node_id: str) -> str:
    """The page of a node: ``/paper/...`` for papers, ``/entity/...`` for the rest."""
    kind = "paper" if node_id.startswith("paper:") else "entity"
    return f"/{kind}/{quote(node_id, safe=':/')}"


def chip(node_type: str | None) -> str:
    style = TYPE_STYLE.get(str(node_type), {"color": "#999999", "shape": "dot"})
    return (f'<span class="chip {escape(style["shape"])}" style="background:{escape(style["color"])}" '
            f'title="{escape(str(node_type))}"></span>')


def node_ref(row: dict[str, Any], *, count: bool = True) -> str:
    text = f'{chip(row.get("type"))}<a class="node" href="{escape(href(row["id"]))}">{escape(str(row["name"]))}</a>'
    if count and row.get("type") != "Paper" and row.get("paper_count"):
        text += f' <span class="count">{row["paper_count"]}</span>'
    return text


def ext_link(url: Any, text: str) -> str:
    url = web_url(url)
    return f'<a class="ext" href="{escape(url)}" rel="noopener noreferrer">{escape(text)} \u2197</a>' if url else ""


def marked(ev: dict[str, Any]) -> str:
    """An evidence sentence with its span in ``<mark>`` (by its offsets)."""
    sentence, span = ev.get("sentence", ""), ev.get("mark")
    if not span:
        return f'<blockquote class="evidence">{escape(sentence)}</blockquote>'
    a, b = span
    return (f'<blockquote class="evidence">{escape(sentence[:a])}<mark>{escape(sentence[a:b])}</mark>'
            f'{escape(sentence[b:])}</blockquote>')


def layout(title: str, body: str, query: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · paperkg</title>
<link rel="stylesheet" href="/static/serve.css">
</head><body>
<header><a class="brand" href="/">paperkg</a>
<form class="search" action="/search" method="get" role="search">
<input id="q" name="q" type="search" value="{escape(query)}" autocomplete="off" spellcheck="false"
 placeholder="Search methods, datasets, tasks, aliases, paper titles" aria-label="Search">
<ul id="suggest" role="listbox" hidden></ul></form>
<nav><a href="/#queries">Queries</a><a href="/sparql">SPARQL</a><a href="/cypher">Cypher</a><a href="/api">API</a></nav>
</header>
<main>{body}</main>
<script src="/static/vis-network.min.js"></script>
<script src="/static/serve.js"></script>
</body></html>
"""


def _list(rows: list[dict[str, Any]], extra: Any = None) -> str:
    items = []
    for row in rows:
        more = extra(row) if extra else ""
        items.append(f"<li>{node_ref(row, count=not extra)}{more}</li>")
    return f'<ul class="nodes">{"".join(items)}</ul>' if items else '<p class="none">none</p>'


def home(stats: dict[str, Any], top: dict[str, list[dict[str, Any]]], queries: list[dict[str, Any]]) -> str:
    plural = {"Repository": "repositories"}
    counts = ", ".join(f"{n:,} {t.lower() if n == 1 else plural.get(t, t.lower() + 's')}"
                       for t, n in stats["nodes"].items() if n)
    columns = "".join(f'<section class="top"><h2>{chip(t)} Top {t.lower()}s</h2>{_list(rows)}</section>'
                      for t, rows in top.items())
    canned = []
    for q in queries:
        params = ", ".join(f"{k}={v['default']}" for k, v in q["params"].items() if k != "limit" and v["default"] != "")
        canned.append(f'<li><a class="canned" href="/query/sparql/{quote(q["name"])}">{escape(q["title"] or q["name"])}</a>'
                      f' <span class="question">{escape(q["question"])}</span>'
                      f'{f" <code>{escape(params)}</code>" if params else ""}'
                      f' · <a href="/query/cypher/{quote(q["name"])}">Cypher</a></li>')
    return layout("paperkg", f"""
<h1>The graph</h1><p class="counts">{escape(counts)}.</p>
<div class="columns">{columns}</div>
<section id="queries"><h2>Canned queries</h2><p>One click runs a query with its default parameters;
the page lets you change them. The same questions in SPARQL at <a href="/sparql">/sparql</a> and
Cypher at <a href="/cypher">/cypher</a>.</p><ul class="queries">{''.join(canned)}</ul></section>""")


def search(query: str, rows: list[dict[str, Any]]) -> str:
    if not query.strip():
        return layout("Search", "<h1>Search</h1><p>Type a name, an alias or words of a paper title.</p>")
    items = []
    for row in rows:
        via = f' <span class="via">({escape(row["via"])})</span>' if row.get("via") else ""
        items.append(f'<li>{node_ref(row)}{via} <span class="what">{escape(str(row["type"]))}</span></li>')
    body = (f'<ol class="results">{"".join(items)}</ol>' if items
            else f'<p class="none">No match for \u201c{escape(query)}\u201d.</p>')
    return layout(f"Search: {query}", f"<h1>Search: {escape(query)}</h1>{body}", query)


def _facts(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows if v)
    return f'<dl class="facts">{cells}</dl>' if cells else ""


def _graph_box(node_id: str) -> str:
    colors = {t: s["color"] for t, s in TYPE_STYLE.items()}
    shapes = {t: s["shape"] for t, s in TYPE_STYLE.items()}
    return (f'<section class="graph-box"><h2>Neighbourhood</h2>'
            f'<p class="hint">Click a node to expand its neighbours; double-click to open its page.</p>'
            f'<div id="graph" data-center="{escape(node_id)}" data-colors="{escape(json.dumps(colors))}" '
            f'data-shapes="{escape(json.dumps(shapes))}"></div><p id="graph-status" role="status"></p></section>')


def _paper_rows(rows: list[dict[str, Any]]) -> str:
    items = []
    for row in rows:
        date = f' <span class="date">{escape(str(row["published"])[:10])}</span>' if row.get("published") else ""
        link = ext_link(row.get("url"), "arXiv" if "arxiv.org" in str(row.get("url", "")) else "paper")
        evidence = "".join(marked(e) for e in row.get("evidence", ()))
        items.append(f'<li>{node_ref(row)}{date} {link}{evidence}</li>')
    return f'<ul class="papers">{"".join(items)}</ul>'


def entity(data: dict[str, Any], limit: int, offset: int) -> str:
    node_id = data["id"]
    ids = ", ".join(f"{k}: {v}" for k, v in sorted((data.get("ids") or {}).items()))
    facts = _facts([("Aliases", escape(", ".join(data.get("aliases", ())))),
                    ("Long forms", escape(", ".join(data.get("long_forms", ())))),
                    ("External ids", escape(ids)),
                    ("Repository", ext_link(data.get("url"), str(data.get("url", "")))),
                    ("Papers", str(data.get("paper_count", 0)))])
    parts = [f'<h1>{chip(data["type"])} {escape(str(data["name"]))}</h1>'
             f'<p class="kind">{escape(str(data["type"]))} · <code>{escape(node_id)}</code></p>', facts]
    papers = data.get("papers", {})
    for key in ("PROPOSES", "INTRODUCES"):
        if key in papers:
            parts.append(_relation(key, papers[key], node_id, limit, offset))
    code = data.get("code") or []
    if code:
        parts.append(f'<section><h2>Code (of the papers proposing it)</h2>{_list(code, _repo_link)}</section>')
    for group, title in (("datasets", "Evaluated on (datasets)"), ("tasks", "Applied to (tasks)")):
        if data.get(group):
            parts.append(f'<section><h2>{title}{_of(data, group)}</h2>{_list(data[group], _support)}</section>')
    if data.get("methods"):
        parts.append(f'<section><h2>Methods evaluated on / applied to it{_of(data, "methods")}</h2>'
                     f'{_list(data["methods"], _method_extra)}</section>')
    parts.append(_graph_box(node_id))
    for key in ("USES", "EVALUATES_ON", "ADDRESSES", "REPORTS", "HAS_CODE"):
        if key in papers:
            parts.append(_relation(key, papers[key], node_id, limit, offset))
    related = data.get("related") or {}
    if related:
        cols = "".join(f'<div><h3>{chip(t)} {escape(t)}s</h3>{_list(rows, _shared)}</div>'
                       for t, rows in sorted(related.items()) if t != "Paper")
        parts.append(f'<section><h2>Found in the same papers</h2><div class="columns">{cols}</div></section>')
    return layout(str(data["name"]), "".join(parts))


def _relation(key: str, block: dict[str, Any], node_id: str, limit: int, offset: int) -> str:
    total, rows = block["total"], block["rows"]
    shown = f"{offset + 1}\u2013{offset + len(rows)} of {total}" if total > len(rows) else str(total)
    pager = ""
    if offset + len(rows) < total:
        pager = (f'<p><a href="{escape(href(node_id))}?{urlencode({"offset": offset + limit, "limit": limit})}">'
                 f'next {limit}</a></p>')
    return (f'<section class="relation" data-relation="{key}"><h2>{RELATION_TITLES.get(key, key)} ({shown})</h2>'
            f'{_paper_rows(rows)}{pager}</section>')


def _of(data: dict[str, Any], group: str) -> str:
    total = data.get(f"{group}_total", len(data[group]))
    return f" ({len(data[group])} of {total}, most papers first)" if total > len(data[group]) else ""


def _support(row: dict[str, Any]) -> str:
    n = row.get("support", 0)
    return f' <span class="support">in {n} paper{"s" if n != 1 else ""}</span>'


def _shared(row: dict[str, Any]) -> str:
    n = row.get("shared", 0)
    return f' <span class="support">{n} shared paper{"s" if n != 1 else ""}</span>'


def _repo_link(row: dict[str, Any]) -> str:
    return " " + ext_link(row.get("url"), str(row.get("url", "")).replace("https://", ""))


def _method_extra(row: dict[str, Any]) -> str:
    code = " ".join(ext_link(r.get("url"), str(r.get("name"))) for r in row.get("code", ()))
    return _support(row) + (f' <span class="code">code: {code}</span>' if code else "")


def paper(data: dict[str, Any]) -> str:
    abstract = str(data.get("abstract") or "")
    spans = [s for s in data.get("spans", ()) if s["field"] == "abstract"]
    pieces, at = [], 0
    for span in spans:
        pieces.append(escape(abstract[at:span["start"]]))
        pieces.append(f'<a class="span t-{escape(str(span["type"]).lower())}" href="{escape(href(span["id"]))}">'
                      f'<mark>{escape(abstract[span["start"]:span["end"]])}</mark></a>')
        at = span["end"]
    pieces.append(escape(abstract[at:]))
    authors = data.get("authors")
    facts = _facts([("Read", ext_link(data.get("url"), str(data.get("url", "")))),
                    ("Authors", escape(", ".join(authors) if isinstance(authors, list) else str(authors or ""))),
                    ("Published", escape(str(data.get("published") or "")))])
    groups = []
    for key in RELATION_ORDER:
        rows = data.get("entities", {}).get(key)
        if rows:
            items = "".join(f'<li>{node_ref(r)}{"".join(marked(e) for e in r.get("evidence", ()))}</li>' for r in rows)
            groups.append(f'<section><h2>{FROM_PAPER.get(key, key)}</h2><ul class="nodes">{items}</ul></section>')
    if data.get("code"):
        groups.append(f'<section><h2>Code</h2>{_list(data["code"], _repo_link)}</section>')
    body = (f'<h1>{escape(str(data.get("title") or data["name"]))}</h1>'
            f'<p class="kind">Paper · <code>{escape(data["id"])}</code></p>{facts}'
            f'<section><h2>Abstract</h2><p class="abstract">{"".join(pieces)}</p></section>'
            f'{"".join(groups)}{_graph_box(data["id"])}')
    return layout(str(data.get("title") or data["name"]), body)


def query_page(q: dict[str, Any], params: dict[str, str], columns: list[str], rows: list[dict[str, Any]],
               error: str | None) -> str:
    inputs = "".join(
        f'<label>{escape(name)} <input name="{escape(name)}" value="{escape(str(params.get(name, p["default"])))}">'
        f'<small>{escape(p["description"])}</small></label>' for name, p in q["params"].items())
    form = (f'<form class="params" method="get">{inputs}<button type="submit">Run</button></form>'
            if inputs else "")
    if error:
        result = f'<p class="error" role="alert">{escape(error)}</p>'
    else:
        head = "".join(f"<th>{escape(c)}</th>" for c in columns)
        body = "".join("<tr>" + "".join(f"<td>{_cell(r.get(c))}</td>" for c in columns) + "</tr>" for r in rows)
        result = f'<p>{len(rows)} row(s)</p><table class="results"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    other = "cypher" if q["language"] == "sparql" else "sparql"
    return layout(q["title"] or q["name"], f"""<h1>{escape(q["title"] or q["name"])}</h1>
<p class="question">{escape(q["question"])} <span class="lang">{escape(q["language"])}</span>
· <a href="/query/{other}/{quote(q["name"])}">the {other} twin</a></p>{form}{result}
<details><summary>Query text</summary><pre>{escape(q["text"])}</pre></details>""")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, str) and ":" in value and " " not in value and not value.startswith(("http:", "https:")):
        return f'<a href="{escape(href(value))}">{escape(value)}</a>'
    return escape(text)


def sparql_form(example: str) -> str:
    return layout("SPARQL", f"""<h1>SPARQL endpoint</h1>
<p>SPARQL 1.1 Protocol, read-only: <code>GET /sparql?query=...</code> or <code>POST</code> (form or
<code>application/sparql-query</code>); results as SPARQL JSON, XML, CSV or TSV by <code>Accept</code>.</p>
<form method="get" action="/sparql"><textarea name="query" rows="12" cols="100">{escape(example)}</textarea>
<input type="hidden" name="format" value="json"><br><button type="submit">Run (JSON)</button></form>""")


def cypher_form(example: str) -> str:
    return layout("Cypher", f"""<h1>Cypher endpoint</h1>
<p>Read-only Cypher on the embedded Ladybug store: <code>POST /cypher</code> with
<code>{{"query": "MATCH ...", "parameters": {{...}}}}</code> answers <code>{{"columns": [...], "rows": [{{...}}]}}</code>.</p>
<textarea id="cypher-text" rows="8" cols="100">{escape(example)}</textarea><br>
<button id="cypher-run" type="button">Run</button><pre id="cypher-out"></pre>""")


def not_found(what: str) -> str:
    return layout("Not found", f'<h1>Not found</h1><p>{escape(what)}</p><p><a href="/">Home</a></p>')
