"""What the web application reads from a store, behind one small interface.

:class:`StoreReader` is everything the pages and the JSON API ask of a store: search,
one entity, one paper, a neighbourhood, the top entities, counts. :class:`GraphReader`
answers it from the store's networkx graph with indexes built once at start-up (name and
alias keys, paper titles, entities ranked per type), so no request scans the graph. A
store kept elsewhere (say SQLite) only needs another class with these methods and a line
in :func:`open_reader`.

Every evidence sentence comes with the span to highlight, placed by its stored offsets
(:func:`kg.graph.evidence.mark`).
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

from kg.graph.evidence import mark
from kg.resolve.normalize import normalize
from kg.export.viz.view import node_link

PAPER_RELATIONS = ("PROPOSES", "INTRODUCES", "USES", "EVALUATES_ON", "ADDRESSES", "REPORTS")
ENTITY_TYPES = ("Method", "Dataset", "Task", "Metric", "Repository")
EVIDENCE_PER_ROW = 3
RELATED_PAPERS = 300
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
            keys: list[tuple[str, str | None]] = [(str(data.get("name") or ""), None)]
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
        self._newest = {n: i for i, n in enumerate(sorted(self._when, key=self._when.__getitem__, reverse=True))}
        """Papers by date, newest first (0): how paper lists are ordered."""
        self._names = _KeyIndex(names, lambda e: self._rank[e[1]])
        self._titles = _KeyIndex(titles, lambda e: self._newest[e[1]])
        self._ranked = {t: sorted(nodes, key=self._rank.__getitem__) for t, nodes in ranked.items()}
        self._stats: dict[str, Any] | None = None
        # per entity: the papers of each relation (newest first) and the datasets, tasks and
        # methods it is linked with (most supporting papers first), so that a page of a hub
        # with thousands of papers only slices lists
        self._papers_of: dict[str, dict[str, list[str]]] = {}
        self._targets_of: dict[str, dict[str, list[tuple[str, str, int]]]] = {}
        for u, v, key, edge in graph.edges(keys=True, data=True):
            if key in PAPER_RELATIONS or key == "HAS_CODE":
                self._papers_of.setdefault(v, {}).setdefault(key, []).append(u)
            elif key in ("EVALUATED_ON", "APPLIED_TO"):
                support = int(edge.get("support", 0) or 0)
                self._targets_of.setdefault(u, {}).setdefault(
                    "datasets" if key == "EVALUATED_ON" else "tasks", []).append((v, key, support))
                self._targets_of.setdefault(v, {}).setdefault("methods", []).append((u, key, support))
        for relations in self._papers_of.values():
            for rows in relations.values():
                rows.sort(key=self._newest.__getitem__)
        for groups in self._targets_of.values():
            for found in groups.values():
                found.sort(key=lambda r: (-r[2], self._rank.get(r[0], (0, r[0]))))

    # ---- whole-store facts ------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        if self._stats is None:  # counted once: the graph does not change while served
            from kg.graph.build import stats

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
        relations: dict[str, dict[str, Any]] = {}
        for key, rows in self._papers_of.get(node_id, {}).items():
            relations[key] = {"total": len(rows), "rows": []}
            for p in rows[offset: offset + limit]:
                edge = g.succ[p][node_id][key]
                relations[key]["rows"].append(
                    {**_summary(p, g.nodes[p]), "published": g.nodes[p].get("published"), "role": edge.get("role"),
                     "confidence": edge.get("confidence"), "evidence": self._evidence(p, edge.get("evidence", ()))})
        out["papers"] = relations
        for group in ("datasets", "tasks", "methods"):
            found = self._targets_of.get(node_id, {}).get(group, [])
            out[f"{group}_total"] = len(found)
            out[group] = [{**_summary(n, g.nodes[n]), "support": support,
                           **({"relation": key} if group == "methods" else {})} for n, key, support in found[:limit]]
        by_relation = self._papers_of.get(node_id, {})
        proposers = [p for k in ("PROPOSES", "INTRODUCES") for p in by_relation.get(k, ())]
        out["code"] = self._code(proposers)
        for row in out["methods"]:
            row["code"] = self._code(p for p, keyed in g.pred[row["id"]].items() if "PROPOSES" in keyed)
        out["related"] = self._related(node_id, [p for rows in by_relation.values() for p in rows[:RELATED_PAPERS]])
        return out

    def _code(self, papers: Iterable[str]) -> list[dict[str, Any]]:
        g = self.graph
        repos = sorted({v for p in papers for v, keyed in g.succ[p].items() if "HAS_CODE" in keyed})
        return [_summary(r, g.nodes[r]) for r in repos]

    def _related(self, node_id: str, papers: list[str]) -> dict[str, list[dict[str, Any]]]:
        """Entities found in the same papers, by type, with the number of shared papers."""
        g = self.graph
        counts: Counter[str] = Counter()
        newest = self._newest
        for paper in heapq.nsmallest(RELATED_PAPERS, set(papers), key=lambda p: newest.get(p, 0)):
            counts.update(v for v in g.succ[paper] if v != node_id)
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
        near = set(nx.all_neighbors(g, node_id))
        near.discard(node_id)
        rank, when = self._rank, self._when
        entities = heapq.nsmallest(limit, (n for n in near if n not in when), key=lambda n: rank.get(n, (0, n)))
        papers = heapq.nsmallest(max(0, limit - len(entities)), (n for n in near if n in when),
                                 key=self._newest.__getitem__)
        chosen = [node_id, *entities, *papers]
        members = set(chosen)
        edges: list[dict[str, str]] = []
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
    from kg.store.core import open_store

    store = open_store(directory)
    return GraphReader(store.graph, store.manifest.get("counts"))
