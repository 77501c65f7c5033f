"""What the web application reads from a store, behind one small interface.

:class:`StoreReader` is everything the pages and the JSON API ask of a store: search,
one entity, one paper, a neighbourhood, the top entities, counts. :class:`GraphReader`
answers it from the store's networkx graph with indexes built once at start-up (name and
alias keys, paper titles, entities ranked per type), so no request scans the graph. A
store kept elsewhere (say SQLite) only needs another class with these methods and a line
in :func:`open_reader`.

Every evidence sentence comes with the span to highlight, placed by its stored offsets
(:func:`kg.evidence.mark`).
"""
from __future__ import annotations

import bisect
import heapq
import itertools
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

import networkx as nx

from kg.evidence import mark
from kg.normalize import normalize
from kg.viz.view import node_link

PAPER_RELATIONS = ("PROPOSES", "INTRODUCES", "USES", "EVALUATES_ON", "ADDRESSES", "REPORTS")
ENTITY_TYPES = ("Method", "Dataset", "Task", "Metric", "Repository")
EVIDENCE_PER_ROW = 3
RELATED_PAPERS = 500
"""Entities related through shared papers are counted over at most this many papers."""


class StoreReader(Protocol):
    """The read interface of ``paperkg serve`` (ids are graph node ids)."""

    def stats(self) -> dict[str, Any]: ...
    def top(self, node_type: str, n: int) -> list[dict[str, Any]]: ...
    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]: ...
    def entity(self, node_id: str, limit: int = 50, offset: int = 0) -> dict[str, Any] | None: ...
    def paper(self, node_id: str) -> dict[str, Any] | None: ...
    def neighbourhood(self, node_id: str, limit: int = 40) -> dict[str, Any] | None: ...


def _summary(node: str, data: dict[str, Any]) -> dict[str, Any]:
    out = {"id": node, "type": data.get("type"), "name": data.get("name") or node,
           "paper_count": int(data.get("paper_count", 0) or 0)}
    link = node_link(data)
    if link:
        out["url"] = link
    return out


class _KeyIndex:
    """Match keys of nodes for exact, prefix and substring lookups (see GraphReader)."""

    def __init__(self, entries: list[tuple[str, str, str | None]], order: Any) -> None:
        self.popular = sorted(entries, key=order)
        self.exact: dict[str, list[tuple[str, str, str | None]]] = {}
        for entry in self.popular:
            self.exact.setdefault(entry[0], []).append(entry)
        self.sorted = sorted(entries)  # the same tuple objects, so id() maps them back
        self.keys = [e[0] for e in self.sorted]
        self.position = {id(e): i for i, e in enumerate(self.popular)}
        self.text = "\n".join(e[0] for e in self.popular)
        self.starts = list(itertools.accumulate((len(e[0]) + 1 for e in self.popular[:-1]), initial=0))

    def find(self, q: str, limit: int, seen: set[str]) -> list[tuple[str, str, str | None]]:
        """Up to ``limit`` entries matching ``q``: exact, then prefix, then substring, each
        class in popularity order; one entry per node, skipping the nodes in ``seen``."""
        out: list[tuple[str, str, str | None]] = []
        taken = set(seen)

        def take(entry: tuple[str, str, str | None]) -> bool:
            if entry[1] not in taken:
                taken.add(entry[1])
                out.append(entry)
            return len(out) >= limit

        for entry in self.exact.get(q, ()):
            if take(entry):
                return out
        lo = bisect.bisect_left(self.keys, q)
        hi = bisect.bisect_left(self.keys, q + "\U0010ffff", lo)
        for entry in sorted(self.sorted[lo:hi], key=lambda e: self.position[id(e)]):
            if entry[0] != q and take(entry):
                return out
        at = self.text.find(q)
        while at >= 0:
            i = bisect.bisect_right(self.starts, at) - 1
            entry = self.popular[i]
            if not entry[0].startswith(q) and take(entry):
                return out
            at = self.text.find(q, self.starts[i + 1]) if i + 1 < len(self.starts) else -1
        return out


class GraphReader:
    """:class:`StoreReader` over a networkx graph (the store's ``graph.json``)."""

    def __init__(self, graph: nx.MultiDiGraph, counts: dict[str, Any] | None = None) -> None:
        self.graph = graph
        self._counts = counts or {}
        # (key, node, via) per name/alias/long form, and the papers' title keys, in a
        # _KeyIndex each: a dict for exact matches, a sorted list for prefix ranges, one
        # newline-joined text in popularity order scanned with str.find for substrings.
        names: list[tuple[str, str, str | None]] = []
        titles: list[tuple[str, str, str | None]] = []
        ranked: dict[str, list[str]] = {t: [] for t in ENTITY_TYPES}
        self._when: dict[str, tuple[str, str]] = {}
        for node, data in graph.nodes(data=True):
            ntype = data.get("type")
            if ntype == "Paper":
                titles.append((normalize(str(data.get("title") or data.get("name") or "")), node, None))
                self._when[node] = (str(data.get("published") or ""), node)
                continue
            keys = [(str(data.get("name") or ""), None)]
            keys += [(str(a), str(a)) for a in (*data.get("aliases", ()), *data.get("long_forms", ()))]
            if ntype == "Repository":
                keys.append((str(data.get("url") or ""), None))
            seen: set[str] = set()
            for text, via in keys:
                key = normalize(text)
                if key and key not in seen:
                    seen.add(key)
                    names.append((key, node, via))
            if ntype in ranked:
                ranked[ntype].append(node)
        self._rank = {n: (-int(d.get("paper_count", 0) or 0), n) for n, d in graph.nodes(data=True)
                      if d.get("type") != "Paper"}
        newest = {n: i for i, n in enumerate(sorted(self._when, key=self._when.__getitem__, reverse=True))}
        self._names = _KeyIndex(names, lambda e: self._rank[e[1]])
        self._titles = _KeyIndex(titles, lambda e: newest[e[1]])
        self._ranked = {t: sorted(nodes, key=self._rank.__getitem__) for t, nodes in ranked.items()}
        self._stats: dict[str, Any] | None = None

    # ---- whole-store facts ------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        if self._stats is None:  # counted once: the graph does not change while served
            from kg.build import stats

            self._stats = stats(self.graph)
            self._stats["papers"] = self._stats["nodes"].get("Paper", 0)
        return dict(self._stats)

    def top(self, node_type: str, n: int) -> list[dict[str, Any]]:
        return [_summary(node, self.graph.nodes[node]) for node in self._ranked.get(node_type, [])[:n]]

    # ---- search -----------------------------------------------------------------------
    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Entities by name, alias or long form, then papers by title: exact matches first,
        then prefixes, then substrings; among equals, most papers first (papers: newest)."""
        q = normalize(query)
        if not q or limit <= 0:
            return []
        g = self.graph
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for index in (self._names, self._titles):
            for _, node, via in index.find(q, limit - len(out), seen):
                row = _summary(node, g.nodes[node])
                if via:
                    row["via"] = via
                out.append(row)
                seen.add(node)
            if len(out) >= limit:
                break
        return out

    # ---- one node ---------------------------------------------------------------------
    def _evidence(self, paper: str, items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        data = self.graph.nodes[paper]
        return [mark(data, e) for e in list(items)[:EVIDENCE_PER_ROW]]

    def entity(self, node_id: str, limit: int = 50, offset: int = 0) -> dict[str, Any] | None:
        g = self.graph
        if node_id not in g or g.nodes[node_id].get("type") == "Paper":
            return None
        data = g.nodes[node_id]
        out = _summary(node_id, data)
        for key in ("aliases", "long_forms", "paths", "host"):
            if data.get(key):
                out[key] = data[key]
        if data.get("ids"):
            out["ids"] = dict(data["ids"])
        by_relation: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        targets: dict[str, list[dict[str, Any]]] = {"datasets": [], "tasks": [], "methods": []}
        for u, _, key, edge in g.in_edges(node_id, keys=True, data=True):
            if key in PAPER_RELATIONS or key == "HAS_CODE":
                by_relation.setdefault(key, []).append((u, edge))
            elif key in ("EVALUATED_ON", "APPLIED_TO"):
                targets["methods"].append({**_summary(u, g.nodes[u]), "relation": key,
                                           "support": edge.get("support", 0)})
        for _, v, key, edge in g.out_edges(node_id, keys=True, data=True):
            group = "datasets" if key == "EVALUATED_ON" else "tasks" if key == "APPLIED_TO" else None
            if group:
                targets[group].append({**_summary(v, g.nodes[v]), "support": edge.get("support", 0)})
        relations = {}
        when = self._when
        for key, rows in by_relation.items():
            newest = heapq.nlargest(offset + limit, rows, key=lambda r: when.get(r[0], ("", r[0])))
            relations[key] = {"total": len(rows), "rows": [
                {**_summary(p, g.nodes[p]), "published": g.nodes[p].get("published"), "role": edge.get("role"),
                 "confidence": edge.get("confidence"), "evidence": self._evidence(p, edge.get("evidence", ()))}
                for p, edge in newest[offset: offset + limit]]}
        out["papers"] = relations
        for group, rows in targets.items():
            out[f"{group}_total"] = len(rows)
            out[group] = heapq.nsmallest(limit, rows, key=lambda r: (-r.get("support", 0), -r["paper_count"], r["id"]))
        proposers = [p for k in ("PROPOSES", "INTRODUCES") for p, _ in by_relation.get(k, ())]
        out["code"] = self._code(proposers)
        for row in out["methods"]:
            row["code"] = self._code(p for p, _, k in g.in_edges(row["id"], keys=True) if k == "PROPOSES")
        out["related"] = self._related(node_id, [p for rows in by_relation.values() for p, _ in rows])
        return out

    def _code(self, papers: Iterable[str]) -> list[dict[str, Any]]:
        g = self.graph
        repos = sorted({v for p in papers for _, v, k in g.out_edges(p, keys=True) if k == "HAS_CODE"})
        return [_summary(r, g.nodes[r]) for r in repos]

    def _related(self, node_id: str, papers: list[str]) -> dict[str, list[dict[str, Any]]]:
        """Entities found in the same papers, by type, with the number of shared papers."""
        g = self.graph
        counts: Counter[str] = Counter()
        when = self._when
        for paper in heapq.nlargest(RELATED_PAPERS, set(papers), key=lambda p: when.get(p, ("", p))):
            counts.update({v for v in g.successors(paper) if v != node_id})
        out: dict[str, list[dict[str, Any]]] = {}
        for node, shared in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            ntype = g.nodes[node].get("type")
            rows = out.setdefault(str(ntype), [])
            if len(rows) < 10:
                rows.append({**_summary(node, g.nodes[node]), "shared": shared})
        return out

    def paper(self, node_id: str) -> dict[str, Any] | None:
        g = self.graph
        if node_id not in g or g.nodes[node_id].get("type") != "Paper":
            return None
        data = g.nodes[node_id]
        out = _summary(node_id, data)
        for key in ("title", "abstract", "arxiv_id", "authors", "published"):
            if data.get(key):
                out[key] = data[key]
        entities: dict[str, list[dict[str, Any]]] = {}
        spans: list[dict[str, Any]] = []
        code = []
        for _, v, key, edge in sorted(g.out_edges(node_id, keys=True, data=True), key=lambda e: (e[2], e[1])):
            target = _summary(v, g.nodes[v])
            if key == "HAS_CODE":
                code.append(target)
                continue
            entities.setdefault(key, []).append({**target, "role": edge.get("role"),
                                                  "evidence": self._evidence(node_id, edge.get("evidence", ()))})
            for ev in edge.get("evidence", ()):
                start, end = ev.get("start"), ev.get("end")
                text = str(data.get(ev.get("field") or "abstract") or "")
                if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
                    spans.append({"field": ev.get("field") or "abstract", "start": start, "end": end,
                                  "id": v, "type": target["type"]})
        out["entities"] = entities
        out["code"] = code
        out["spans"] = _disjoint(spans)
        return out

    def neighbourhood(self, node_id: str, limit: int = 40) -> dict[str, Any] | None:
        """``node_id`` and up to ``limit`` neighbours (entities with most papers first, then
        the newest papers), with every edge among them; ``more``: neighbours left out."""
        g = self.graph
        if node_id not in g:
            return None
        near = set(g.successors(node_id)) | set(g.predecessors(node_id))
        near.discard(node_id)
        rank, when = self._rank, self._when
        entities = heapq.nsmallest(limit, (n for n in near if n not in when), key=lambda n: rank.get(n, (0, n)))
        papers = heapq.nlargest(max(0, limit - len(entities)), (n for n in near if n in when), key=lambda n: when[n])
        chosen = [node_id, *entities, *papers]
        members = set(chosen)
        edges = []
        for u in chosen:
            succ = g.succ[u]
            for v in chosen:
                if v in succ:
                    edges.extend({"from": u, "to": v, "type": k} for k in succ[v])
        return {"center": node_id, "nodes": [_summary(n, g.nodes[n]) for n in chosen], "edges": edges,
                "more": len(near) - len(members) + 1}


def _disjoint(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Spans sorted by position with overlaps dropped (the longer span wins)."""
    spans.sort(key=lambda s: (s["field"], s["start"], -(s["end"] - s["start"])))
    out: list[dict[str, Any]] = []
    for span in spans:
        if out and out[-1]["field"] == span["field"] and span["start"] < out[-1]["end"]:
            continue
        out.append(span)
    return out


def open_reader(directory: str | Path) -> StoreReader:
    """The reader of the store in ``directory`` (a ``StoreError`` when it is no store)."""
    from kg.store import open_store

    store = open_store(directory)
    return GraphReader(store.graph, store.manifest.get("counts"))
