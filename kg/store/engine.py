"""Resolution and graph rows kept up to date inside the store's database, batch by batch.

A build puts paper records into a working copy of the database (:meth:`Engine.put`), then
:meth:`Engine.refresh` brings everything derived from them up to date, reading and writing
only what the changed papers touch (docs/decisions.md, issue 14):

1. *occurrences*: every resolvable mention of a changed paper becomes an ``occ`` row with its
   *candidate keys* (``kg.resolve.resolver.candidate_keys``: ids, acronym pairs, each surface
   normalized with and without a plural ``s``) in ``okeys``, and its surfaces counted in
   ``attested`` (the corpus' plural attestations);
2. *components*: occurrences sharing a candidate key are in one component (``occ.comp``, named
   by its smallest ref). A component resolves alone (``kg.resolve.resolver.resolve_part``):
   the components of the changed papers' old and new mentions, plus every component with an
   ambiguous short form that shares a paper with them (its senses are chosen by co-mentions),
   are re-resolved, in batches of whole components of at most ``BATCH_OCCURRENCES`` mentions;
3. *graph rows*: each paper's contributions to its edges (``contrib``) are rewritten for the
   papers whose mentions changed entity; then exactly the edges and nodes those contributions
   and the re-resolved entities touch are recomputed from ``contrib`` (``paper_count``,
   ``support``, evidence), their name keys and merges replaced; counters and the graph key
   (a sum of row digests) are updated, never recomputed from every row.

A from-scratch build is the case where every paper changed: it streams the same way (records
in, components through a compact union-find over integer ids, graph rows grouped in SQL
order), so no step holds the corpus in Python.
"""
from __future__ import annotations

import json
import sqlite3
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from kg.graph.build import TOP_N, _EdgeData, _Edges, _paper_attrs, entity_name_keys, paper_edges
from kg.graph.model import EDGE_TYPES, ENTITY_TYPES, NODE_TYPES
from kg.records import Extraction
from kg.resolve.normalize import normalize
from kg.resolve.resolver import (Keyer, ResolvedEntity, candidate_keys, entity_for, occurrences, partition,
                                 resolve_part)
from kg.resolve.senses import Occurrence
from kg.store.db import batched, dumps, rank, row_hash

BATCH_OCCURRENCES = 20_000
"""Mentions resolved together at most (a bigger component is resolved alone)."""
PAPER_BATCH = 500
CACHE_SCHEMA = (
    # normalized paper texts, made on first use (a cache: not part of the store's content,
    # left out of db.canonical_copy; a paper's row goes when its content changes)
    "CREATE TABLE IF NOT EXISTS ntexts(paper TEXT PRIMARY KEY, text TEXT NOT NULL) WITHOUT ROWID",
)
_MOD = 1 << 256
# Joins from these temp tables into the store's are written ``CROSS JOIN``, which SQLite
# reads as "loop over the left table": it has no statistics on temp tables and would
# otherwise scan the whole of ``occ``, ``okeys`` or ``papers`` for a few rows (issue 14).
_TEMP = (
    "CREATE TEMP TABLE dirty(paper TEXT PRIMARY KEY) WITHOUT ROWID",  # content added or changed
    "CREATE TEMP TABLE renode(paper TEXT PRIMARY KEY) WITHOUT ROWID",  # only its paper node changed
    "CREATE TEMP TABLE touched(comp TEXT PRIMARY KEY) WITHOUT ROWID",  # components to re-resolve
    "CREATE TEMP TABLE newkeys(key TEXT PRIMARY KEY) WITHOUT ROWID",
    "CREATE TEMP TABLE todo(n INTEGER PRIMARY KEY, paper TEXT NOT NULL, idx INTEGER NOT NULL, "
    "old_node TEXT, comp TEXT)",
    "CREATE UNIQUE INDEX temp.todo_ref ON todo(paper, idx)",
    "CREATE INDEX temp.todo_comp ON todo(comp)",
    "CREATE TEMP TABLE anodes(node TEXT PRIMARY KEY) WITHOUT ROWID",  # nodes to recompute
    "CREATE TEMP TABLE aedges(source TEXT, target TEXT, key TEXT, PRIMARY KEY(source, target, key)) WITHOUT ROWID",
    "CREATE TEMP TABLE apapers(paper TEXT PRIMARY KEY) WITHOUT ROWID",  # contributions to rewrite
    "CREATE TEMP TABLE cpapers(paper TEXT PRIMARY KEY) WITHOUT ROWID",  # a mention's base entity changed
    "CREATE TEMP TABLE xcomps(comp TEXT PRIMARY KEY) WITHOUT ROWID",  # re-resolved for their senses
    "CREATE TEMP TABLE newatt(type TEXT, norm TEXT, PRIMARY KEY(type, norm)) WITHOUT ROWID",  # attested anew or no more
)


class _Attested:
    """The ``attested`` table as a container of (type, normalized surface), cached."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.cache: dict[tuple[str, str], bool] = {}

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, tuple):
            return False
        found = self.cache.get(item)
        if found is None:
            found = self.conn.execute("SELECT 1 FROM attested WHERE type = ? AND norm = ?", item).fetchone() is not None
            self.cache[item] = found
        return found


def _occ_data(occ: Occurrence) -> str:
    return dumps({"type": occ.type, "name": occ.name, "surfaces": list(occ.surfaces), "shorts": list(occ.shorts),
                  "longs": list(occ.longs), "ids": [list(x) for x in occ.ids], "proposed": occ.proposed})


def _occ_of(paper: str, idx: int, data: str) -> Occurrence:
    d = json.loads(data)
    return Occurrence(ref=(paper, idx), type=d["type"], name=d["name"], surfaces=tuple(d["surfaces"]),
                      shorts=tuple(d["shorts"]), longs=tuple(d["longs"]), ids=tuple(tuple(x) for x in d["ids"]),
                      proposed=d["proposed"])


class Engine:
    """Keeps the derived tables of an open working database in step with its ``papers``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        for statement in _TEMP + CACHE_SCHEMA:
            conn.execute(statement)
        row = conn.execute("SELECT value FROM meta WHERE key = 'digest'").fetchone()
        self.digest = int(json.loads(row[0]), 16) if row else 0
        self.full = False  # a from-scratch build (set by refresh)
        self.keyer = Keyer(_Attested(conn))
        self.joined = 0  # new mentions resolved by _join_existing

    # -- papers -----------------------------------------------------------------------------

    def paper(self, paper_id: str) -> tuple[str, str] | None:
        """(content hash, record JSON) of a stored paper, or None."""
        row = self.conn.execute("SELECT hash, record FROM papers WHERE id = ?", (paper_id,)).fetchone()
        return None if row is None else (row[0], row[1])

    def put(self, paper_id: str, digest: str, record: str) -> None:
        """Store a paper's record (replacing the stored one) and note what it changes."""
        old = self.paper(paper_id)
        if old is not None and old == (digest, record):
            return
        self.conn.execute("INSERT OR REPLACE INTO papers VALUES (?, ?, ?)", (paper_id, digest, record))
        table = "dirty" if old is None or old[0] != digest else "renode"
        if old is not None and table == "dirty":
            self.conn.execute("DELETE FROM ntexts WHERE paper = ?", (paper_id,))
        self.conn.execute(f"INSERT OR IGNORE INTO temp.{table} VALUES (?)", (paper_id,))

    def _records(self, table: str) -> Iterator[Extraction]:
        for (record,) in self.conn.execute(
                f"SELECT p.record FROM temp.{table} d CROSS JOIN papers p ON p.id = d.paper ORDER BY d.paper"):
            yield Extraction.from_dict(json.loads(record))

    # -- occurrences ------------------------------------------------------------------------

    def _attest(self, occ: Occurrence, step: int) -> Iterator[tuple[int, str, str]]:
        for surface in occ.surfaces:
            yield step, occ.type, normalize(surface)

    def _count(self, rows: Iterable[tuple[int, str, str]]) -> None:
        counts: Counter[tuple[str, str]] = Counter()
        for step, etype, norm in rows:
            counts[(etype, norm)] += step
        if not self.full:  # surfaces attested anew (or no more) change plural folding: see _join_existing
            for (etype, norm), n in counts.items():
                row = self.conn.execute("SELECT n FROM attested WHERE type = ? AND norm = ?", (etype, norm)).fetchone()
                if (row is None and n > 0) or (row is not None and row[0] + n <= 0):
                    self.conn.execute("INSERT OR IGNORE INTO temp.newatt VALUES (?, ?)", (etype, norm))
        self.conn.executemany("INSERT INTO attested VALUES (?, ?, ?) ON CONFLICT(type, norm) DO UPDATE "
                              "SET n = n + excluded.n", [(t, n, c) for (t, n), c in counts.items() if c])
        self.conn.execute("DELETE FROM attested WHERE n <= 0")

    def _replace_occurrences(self) -> None:
        """Drop the changed papers' old mentions (their components are re-resolved) and add
        their new ones (component unknown yet)."""
        c = self.conn
        c.execute("INSERT OR IGNORE INTO temp.touched SELECT DISTINCT comp FROM occ WHERE paper IN "
                  "(SELECT paper FROM temp.dirty) AND comp IS NOT NULL")
        old = (_occ_of(p, i, d) for p, i, d in c.execute(
            "SELECT paper, idx, data FROM occ WHERE paper IN (SELECT paper FROM temp.dirty)").fetchall())
        self._count(row for o in old for row in self._attest(o, -1))
        c.execute("INSERT OR IGNORE INTO temp.anodes SELECT node FROM occ WHERE paper IN (SELECT paper FROM temp.dirty) "
                  "AND node IS NOT NULL")
        c.execute("DELETE FROM okeys WHERE paper IN (SELECT paper FROM temp.dirty)")
        c.execute("DELETE FROM occ WHERE paper IN (SELECT paper FROM temp.dirty)")
        for batch in batched(self._records("dirty"), PAPER_BATCH):
            occs, _ = occurrences(batch)
            c.executemany("INSERT INTO occ(paper, idx, data) VALUES (?, ?, ?)",
                          [(o.ref[0], o.ref[1], _occ_data(o)) for o in occs])
            keys = [(k, o.ref[0], o.ref[1]) for o in occs for k in sorted(candidate_keys(o))]
            c.executemany("INSERT INTO okeys VALUES (?, ?, ?)", keys)
            c.executemany("INSERT OR IGNORE INTO temp.newkeys VALUES (?)", [(k,) for k, _, _ in keys])
            self._count(row for o in occs for row in self._attest(o, 1))

    def _join_existing(self) -> None:
        """Resolve here the new mentions that join one entity of one stored component without
        changing how that component resolves, at the cost of that entity's mentions, instead
        of re-resolving the whole component (docs/decisions.md, issue 14). A group of new
        mentions (closed under shared candidate keys, with the stored components it reaches)
        qualifies when it reaches exactly one stored component that no changed paper had
        mentions in, that holds no ambiguous key and no mention whose plural folding changes
        (no surface it could fold onto is attested anew); when its mentions carry only ids
        and acronym definitions their entity already holds, make none of its keys ambiguous
        (the resolver's own test), sort after the component's and its entity's smallest
        mention (names and base refs stay),
        share identity keys with the mentions of exactly one entity each, and that entity,
        recomputed with them by the resolver's own rules, keeps its node id. Then the
        resolution of the component with them is the stored one with that entity recomputed,
        which is what a build of every paper at once gives. Everything else takes the
        general path (``_select`` onwards)."""
        c = self.conn
        new = {(p, i): _occ_of(p, i, d) for p, i, d in c.execute(
            "SELECT paper, idx, data FROM occ WHERE comp IS NULL ORDER BY paper, idx").fetchall()}
        if not new:
            return
        parent: dict[Any, Any] = {}

        def find(x: Any) -> Any:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        keys_of: dict[tuple[str, int], list[str]] = defaultdict(list)
        for key, paper, idx in c.execute("SELECT k.key, k.paper, k.idx FROM occ o JOIN okeys k ON k.paper = o.paper "
                                         "AND k.idx = o.idx WHERE o.comp IS NULL ORDER BY 1, 2, 3").fetchall():
            keys_of[(paper, idx)].append(key)
        by_key: dict[str, tuple[str, int]] = {}
        for ref, keys in sorted(keys_of.items()):
            find(("o", ref))
            for key in keys:
                first = by_key.setdefault(key, ref)
                parent[find(("o", ref))] = find(("o", first))
        for key, first in sorted(by_key.items()):
            comp = self._stored_comp(key)
            if comp is not None:
                a, b = find(("o", first)), find(("c", comp))
                if a != b:
                    parent[a] = b
        unsafe = {comp for (comp,) in c.execute("SELECT comp FROM temp.touched")}
        for etype, norm in c.execute("SELECT type, norm FROM temp.newatt").fetchall():
            unsafe.add(self._stored_comp(f"name\x1f{norm}"))
        groups: dict[Any, list[Any]] = defaultdict(list)
        for item in list(parent):
            groups[find(item)].append(item)
        for items in groups.values():
            comps = [x[1] for x in items if x[0] == "c"]
            refs = sorted(x[1] for x in items if x[0] == "o")
            if len(comps) != 1 or comps[0] in unsafe:
                continue
            self._join_group(comps[0], [new[r] for r in refs])

    def _stored_comp(self, key: str) -> str | None:
        """The stored component holding candidate key ``key`` (one at most: a component is
        closed under shared candidate keys), or None."""
        row = self.conn.execute("SELECT o.comp FROM okeys k JOIN occ o ON o.paper = k.paper AND o.idx = k.idx "
                                "WHERE k.key = ? AND o.comp IS NOT NULL LIMIT 1", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _join_group(self, comp: str, occs: list[Occurrence]) -> None:
        """``_join_existing`` for one group of new mentions reaching stored component ``comp``."""
        c = self.conn
        root = comp.split("\x1f")
        if any(o.ref <= (root[0], int(root[1])) for o in occs):
            return
        if c.execute("SELECT EXISTS(SELECT 1 FROM occ WHERE comp = ? AND ambiguous = 1)", (comp,)).fetchone()[0]:
            return
        keyer = self.keyer
        holders: dict[tuple[str, str], set[str]] = {}  # typed identity key -> stored entities holding it
        uf = {o.ref: o.ref for o in occs}  # new mentions joined by their identity keys
        first: dict[tuple[str, str], tuple[str, int]] = {}
        for o in occs:
            for surface in o.surfaces:
                key = (o.type, keyer.key(o.type, surface))
                if key not in holders:
                    nodes = set()  # one at most: the component holds no ambiguous key
                    for data, node in c.execute(
                            "SELECT o.data, o.node FROM okeys k JOIN occ o ON o.paper = k.paper AND o.idx = k.idx "
                            "WHERE k.key = ? AND o.comp = ?", (f"name\x1f{key[1]}", comp)):
                        d = json.loads(data)
                        if d["type"] == key[0] and any(keyer.key(key[0], x) == key[1] for x in d["surfaces"]):
                            nodes.add(node)
                            break
                    holders[key] = nodes
                a, b = uf[first.setdefault(key, o.ref)], uf[o.ref]
                while uf[a] != a:
                    a = uf[a]
                while uf[b] != b:
                    b = uf[b]
                uf[max(a, b)] = min(a, b)
        clusters: dict[tuple[str, int], list[Occurrence]] = defaultdict(list)
        for o in occs:
            r = o.ref
            while uf[r] != r:
                r = uf[r]
            clusters[r].append(o)
        plans: dict[str, list[Occurrence]] = defaultdict(list)  # entity -> its new mentions (clusters of several types)
        for members in clusters.values():
            nodes = set().union(*(holders[(o.type, keyer.key(o.type, s))] for o in members for s in o.surfaces))
            if len(nodes) != 1:
                return  # a new entity in the component, or two stored ones joined
            node = nodes.pop()
            if node is None or "~" in node:
                return
            plans[node].extend(members)
        writes = []
        for node, members in sorted(plans.items()):
            members.sort(key=lambda o: o.ref)
            rows = c.execute("SELECT paper, idx, data, base_paper, base_idx FROM occ WHERE node = ? ORDER BY paper, idx",
                             (node,)).fetchall()
            base = (rows[0][3], rows[0][4])
            if any(o.ref <= base for o in members):
                return
            stored = [_occ_of(p, i, d) for p, i, d, _, _ in rows]
            # ids and acronym definitions the entity already holds: they link to no other entity
            ids = {x for m in stored for x in m.ids}
            defs = {(normalize(a), normalize(b)) for m in stored for a, b in m.definitions}
            if any(not set(o.ids) <= ids or any((normalize(a), normalize(b)) not in defs for a, b in o.definitions)
                   for o in members):
                return
            found = entity_for(sorted(stored + members, key=lambda o: o.ref), keyer)
            if found is None:
                return  # a key became ambiguous (two long forms, ids or coinages): senses are chosen
            ent, merges = found
            if ent.node_id != node:
                return  # a majority flip or a new name: the component is resolved again
            writes.append((node, base, members, ent, merges))
        for node, base, members, ent, merges in writes:
            c.executemany("UPDATE occ SET comp = ?, base_paper = ?, base_idx = ?, ambiguous = 0, node = ? "
                          "WHERE paper = ? AND idx = ?", [(comp, *base, node, *o.ref) for o in members])
            c.execute("UPDATE entities SET data = ? WHERE node = ?", (dumps(_entity_dict(ent)), node))
            c.execute("DELETE FROM merges WHERE kept = ?", (node,))
            c.executemany("INSERT OR IGNORE INTO merges VALUES (?, ?, ?, ?, ?)",
                          [(m.kept, m.strategy, m.merged, dumps(list(m.papers)), m.reason) for m in merges])
            c.execute("INSERT OR IGNORE INTO temp.anodes VALUES (?)", (node,))
            # their base ref is new: co-mention evidence changed in their papers (as _write_base notes)
            c.executemany("INSERT OR IGNORE INTO temp.cpapers VALUES (?)", [(o.ref[0],) for o in members])
            for o in members:
                c.execute("DELETE FROM temp.newkeys WHERE key IN (SELECT key FROM okeys WHERE paper = ? AND idx = ?)",
                          o.ref)
            self.joined += len(members)

    def _select(self) -> int:
        """Fill ``todo`` with the mentions to re-resolve; returns how many."""
        c = self.conn
        c.execute("INSERT OR IGNORE INTO temp.touched SELECT DISTINCT o.comp FROM temp.newkeys n "
                  "CROSS JOIN okeys k ON k.key = n.key CROSS JOIN occ o ON o.paper = k.paper AND o.idx = k.idx "
                  "WHERE o.comp IS NOT NULL")
        c.execute("INSERT INTO temp.todo(paper, idx, old_node) SELECT paper, idx, node FROM occ WHERE comp IS NULL "
                  "OR comp IN (SELECT comp FROM temp.touched) ORDER BY paper, idx")
        return int(c.execute("SELECT count(*) FROM temp.todo").fetchone()[0])

    def _components(self, size: int) -> None:
        """Name each mention of ``todo`` by its component (smallest ref sharing candidate keys)."""
        c = self.conn
        parent = array("l", range(size + 1))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        last_key, first = None, 0
        # a few mentions: their keys by the (paper, idx) index, sorted; most of them: one pass
        # over every key in order (the components do not depend on the order within a key)
        few = size * 4 < int(c.execute("SELECT count(*) FROM occ").fetchone()[0])
        for key, n in c.execute("SELECT k.key, t.n FROM temp.todo t CROSS JOIN okeys k ON k.paper = t.paper "
                                "AND k.idx = t.idx ORDER BY k.key" if few else
                                "SELECT k.key, t.n FROM okeys k JOIN temp.todo t ON t.paper = k.paper "
                                "AND t.idx = k.idx ORDER BY k.key"):
            if key != last_key:
                last_key, first = key, n
                continue
            a, b = find(first), find(n)
            if a != b:
                parent[max(a, b)] = min(a, b)  # the root stays the smallest member
        def labels() -> Iterator[tuple[int, str]]:
            refs: dict[int, str] = {}  # component roots only
            for n, paper, idx in c.execute("SELECT n, paper, idx FROM temp.todo ORDER BY n"):
                root = find(n)
                if root == n:
                    refs[n] = f"{paper}\x1f{idx}"
                yield n, refs[root]

        c.execute("CREATE TEMP TABLE IF NOT EXISTS labels(n INTEGER PRIMARY KEY, comp TEXT NOT NULL)")
        c.executemany("INSERT INTO temp.labels VALUES (?, ?)", labels())
        c.execute("UPDATE temp.todo SET comp = (SELECT l.comp FROM temp.labels l WHERE l.n = todo.n)")
        c.execute("UPDATE occ SET comp = (SELECT t.comp FROM temp.todo t WHERE t.paper = occ.paper AND t.idx = occ.idx) "
                  "WHERE comp IS NULL OR comp IN (SELECT comp FROM temp.touched)")

    def _batches(self, table: str = "") -> Iterator[list[str]]:
        """The components of ``todo`` (those listed in ``table`` if given) in batches."""
        comps: list[str] = []
        size = 0
        where = f"WHERE comp IN (SELECT comp FROM temp.{table}) " if table else ""
        for comp, count in self.conn.execute(f"SELECT comp, count(*) FROM temp.todo {where}GROUP BY comp "
                                             "ORDER BY comp").fetchall():
            if comps and size + count > BATCH_OCCURRENCES:
                yield comps
                comps, size = [], 0
            comps.append(comp)
            size += count
        if comps:
            yield comps

    def _load(self, comps: list[str]) -> tuple[list[Occurrence], list[tuple[str | None, int | None]]]:
        """The mentions of components ``comps`` by ref, and their stored base refs."""
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS bcomps(comp TEXT PRIMARY KEY) WITHOUT ROWID")
        self.conn.execute("DELETE FROM temp.bcomps")
        self.conn.executemany("INSERT INTO temp.bcomps VALUES (?)", [(x,) for x in comps])
        rows = self.conn.execute("SELECT o.paper, o.idx, o.data, o.base_paper, o.base_idx FROM temp.bcomps b "
                                 "CROSS JOIN occ o ON o.comp = b.comp ORDER BY o.paper, o.idx").fetchall()
        return [_occ_of(p, i, d) for p, i, d, _, _ in rows], [(bp, bi) for _, _, _, bp, bi in rows]

    def _text(self, paper: str) -> str | None:
        row = self.conn.execute("SELECT record FROM papers WHERE id = ?", (paper,)).fetchone()
        if row is None:
            return None
        data = json.loads(row[0])["paper"]
        return f"{data['title']} {data.get('abstract', '')}"

    def _normalized(self, paper: str) -> str:
        """``normalize`` of a paper's title and abstract, from the ``ntexts`` cache (filled on
        first use: the sense chooser reads the texts of every paper holding an ambiguous
        short form, each time that form's component is resolved again)."""
        row = self.conn.execute("SELECT text FROM ntexts WHERE paper = ?", (paper,)).fetchone()
        if row is not None:
            return str(row[0])
        text = normalize(self._text(paper) or "")
        self.conn.execute("INSERT INTO ntexts VALUES (?, ?)", (paper, text))
        return text

    def _external(self, occs: list[Occurrence]) -> dict[str, list[tuple[tuple[str, int], str]]]:
        """Per paper of ``occs``: (base ref, name) of its mentions in other components."""
        out: dict[str, list[tuple[tuple[str, int], str]]] = defaultdict(list)
        for paper in sorted({o.ref[0] for o in occs}):
            for bp, bi, data in self.conn.execute(
                    "SELECT o.base_paper, o.base_idx, b.data FROM occ o JOIN occ b ON b.paper = o.base_paper "
                    "AND b.idx = o.base_idx WHERE o.paper = ? AND o.comp NOT IN (SELECT comp FROM temp.bcomps)",
                    (paper,)):
                out[paper].append(((bp, bi), json.loads(data)["name"]))
        return out

    def _resolve(self) -> None:
        c = self.conn
        keyer = self.keyer
        dirty = {p for (p,) in c.execute("SELECT paper FROM temp.dirty WHERE paper IN (SELECT base_paper FROM occ "
                                         "WHERE comp IN (SELECT comp FROM temp.todo))").fetchall()}
        batches = list(self._batches())
        if len(batches) > 1:  # every batch's base partition first: co-mention evidence across batches
            for comps in batches:
                occs, old = self._load(comps)
                base, ambiguous = partition(occs, keyer)[3:]
                self._write_base(occs, base, ambiguous, old, dirty)
        self._retire("touched")
        for comps in batches:
            self._resolve_batch(comps, keyer, dirty)
        # components with an ambiguous short form in a paper whose co-mentions changed: their
        # senses are chosen again (their own base partition cannot have changed: no second round)
        c.execute("INSERT INTO temp.xcomps SELECT DISTINCT o.comp FROM temp.cpapers p CROSS JOIN occ o "
                  "ON o.paper = p.paper WHERE o.ambiguous = 1 AND o.comp NOT IN (SELECT comp FROM temp.todo)")
        c.execute("INSERT INTO temp.todo(paper, idx, old_node, comp) SELECT paper, idx, node, comp FROM occ "
                  "WHERE comp IN (SELECT comp FROM temp.xcomps)")
        self._retire("xcomps")
        for comps in self._batches("xcomps"):
            self._resolve_batch(comps, keyer, dirty)

    def _retire(self, table: str) -> None:
        """Drop the entities and merges of the components listed in ``table`` (old names)."""
        c = self.conn
        c.execute(f"INSERT OR IGNORE INTO temp.anodes SELECT node FROM entities WHERE comp IN "
                  f"(SELECT comp FROM temp.{table})")
        c.execute(f"DELETE FROM merges WHERE kept IN (SELECT node FROM entities WHERE comp IN "
                  f"(SELECT comp FROM temp.{table}))")
        c.execute(f"DELETE FROM entities WHERE comp IN (SELECT comp FROM temp.{table})")

    def _resolve_batch(self, comps: list[str], keyer: Keyer, dirty: set[str]) -> None:
        c = self.conn
        occs, old = self._load(comps)
        part = resolve_part(occs, keyer, self._text, external=self._external(occs), normalized=self._normalized)
        self._write_base(occs, part.base, part.ambiguous, old, dirty)
        res = part.resolution
        comp_of = dict(c.execute("SELECT o.paper || char(31) || o.idx, o.comp FROM temp.bcomps b "
                                 "CROSS JOIN occ o ON o.comp = b.comp").fetchall())
        members: dict[str, str] = {}
        for ref, node in res.mentions.items():
            members.setdefault(node, comp_of[f"{ref[0]}\x1f{ref[1]}"])
        c.executemany("UPDATE occ SET node = ? WHERE paper = ? AND idx = ?",
                      [(node, ref[0], ref[1]) for ref, node in res.mentions.items()])
        c.executemany("INSERT INTO entities VALUES (?, ?, ?)",
                      [(node, members[node], dumps(_entity_dict(ent))) for node, ent in res.entities.items()])
        c.executemany("INSERT OR IGNORE INTO temp.anodes VALUES (?)", [(n,) for n in res.entities])
        c.executemany("INSERT OR IGNORE INTO merges VALUES (?, ?, ?, ?, ?)",
                      [(m.kept, m.strategy, m.merged, dumps(list(m.papers)), m.reason) for m in res.merges])

    def _write_base(self, occs: list[Occurrence], base: Iterable[tuple[str, int]], ambiguous: Iterable[bool],
                    old: list[tuple[str | None, int | None]], dirty: set[str]) -> None:
        """Store each mention's base ref and ambiguity; note the papers where a base ref
        changed (or its root was in a changed paper): their co-mention evidence changed."""
        rows, changed = [], set()
        for o, b, a, (bp, bi) in zip(occs, base, ambiguous, old):
            rows.append((b[0], b[1], int(a), o.ref[0], o.ref[1]))
            if b != (bp, bi) or bp in dirty:
                changed.add(o.ref[0])
        self.conn.executemany("UPDATE occ SET base_paper = ?, base_idx = ?, ambiguous = ? WHERE paper = ? AND idx = ?",
                              rows)
        self.conn.executemany("INSERT OR IGNORE INTO temp.cpapers VALUES (?)", [(p,) for p in sorted(changed)])

    # -- graph rows -------------------------------------------------------------------------

    def _contributions(self, full: bool) -> None:
        """Rewrite the edge contributions of every paper whose mentions changed entity (and
        the paper nodes of the changed papers)."""
        c = self.conn
        c.execute("INSERT OR IGNORE INTO temp.apapers SELECT paper FROM temp.dirty")
        c.execute("INSERT OR IGNORE INTO temp.apapers SELECT DISTINCT o.paper FROM temp.todo t CROSS JOIN occ o "
                  "ON o.paper = t.paper AND o.idx = t.idx WHERE o.node IS NOT t.old_node")
        c.execute("INSERT OR IGNORE INTO temp.aedges SELECT source, target, key FROM contrib "
                  "WHERE paper IN (SELECT paper FROM temp.apapers)")
        c.execute("INSERT OR IGNORE INTO temp.anodes SELECT target FROM contrib WHERE paper IN "
                  "(SELECT paper FROM temp.apapers)")
        c.execute("DELETE FROM contrib WHERE paper IN (SELECT paper FROM temp.apapers)")
        records = ((Extraction.from_dict(json.loads(record)), dirty) for record, dirty in c.execute(
            "SELECT p.record, d.paper IS NOT NULL FROM temp.apapers a JOIN papers p ON p.id = a.paper "
            "LEFT JOIN temp.dirty d ON d.paper = a.paper ORDER BY a.paper"))
        for batch in batched(records, PAPER_BATCH):
            rows = []
            for ext, dirty in batch:
                nodes = dict(c.execute("SELECT idx, node FROM occ WHERE paper = ?", (ext.paper.id,)).fetchall())
                rows.extend(_paper_contributions(ext, nodes))
                if dirty:  # its paper node too, from the same parse
                    self._paper_node(ext, full)
            c.executemany("INSERT INTO contrib VALUES (?, ?, ?, ?, ?)", rows)
            c.executemany("INSERT OR IGNORE INTO temp.aedges VALUES (?, ?, ?)", [r[:3] for r in rows])
            c.executemany("INSERT OR IGNORE INTO temp.anodes VALUES (?)", [(r[1],) for r in rows])

    def _add_row(self, table: str, key: tuple[Any, ...], row: tuple[Any, ...], digest: str) -> None:
        self.digest = (self.digest + int(digest, 16)) % _MOD
        self.conn.execute(f"INSERT INTO {table} VALUES ({', '.join('?' * (len(key) + len(row) + 1))})",
                          (*key, *row, digest))

    def _drop_rows(self, table: str, where: str, args: tuple[Any, ...]) -> None:
        for (digest,) in self.conn.execute(f"SELECT hash FROM {table} WHERE {where}", args).fetchall():
            self.digest = (self.digest - int(digest, 16)) % _MOD
        self.conn.execute(f"DELETE FROM {table} WHERE {where}", args)

    def _edges(self, full: bool) -> None:
        c = self.conn
        rows: Iterable[tuple[str, str, str, str, str]]
        if full:
            rows = c.execute("SELECT source, target, key, paper, data FROM contrib ORDER BY source, target, key, paper")
        else:
            def per_edge() -> Iterator[tuple[str, str, str, str, str]]:
                for u, v, k in c.execute("SELECT source, target, key FROM temp.aedges ORDER BY 1, 2, 3").fetchall():
                    self._drop_rows("edges", "rank = ? AND source = ? AND target = ? AND key = ?", (rank(u), u, v, k))
                    yield from c.execute("SELECT source, target, key, paper, data FROM contrib WHERE source = ? "
                                         "AND target = ? AND key = ? ORDER BY paper", (u, v, k)).fetchall()
            rows = per_edge()
        for batch in batched(_grouped_edges(rows), 1000):
            for u, v, k, text in batch:
                self._add_row("edges", (rank(u), u, v, k), (text,), row_hash(u, v, k, text))

    def _nodes(self, full: bool) -> None:
        c = self.conn
        if full:
            c.execute("INSERT OR IGNORE INTO temp.anodes SELECT DISTINCT target FROM contrib")
        for batch in batched(c.execute("SELECT node FROM temp.anodes ORDER BY node").fetchall(), 1000):
            for (node,) in batch:
                if not full:
                    self._drop_rows("nodes", "id = ?", (node,))
                    c.execute("DELETE FROM names WHERE node = ?", (node,))
                data = self._node_data(node)
                if data is not None:
                    self._put_node(node, data)
        for ext in self._records("renode"):  # papers read again from another input: their sources
            self._paper_node(ext, full)

    def _paper_node(self, ext: Extraction, full: bool) -> None:
        node = f"paper:{ext.paper.id}"
        if not full:
            self._drop_rows("nodes", "id = ?", (node,))
        self._put_node(node, _paper_attrs(ext))

    def _put_node(self, node: str, data: dict[str, Any]) -> None:
        text = dumps({k: v for k, v in data.items() if k != "id"})
        ntype = str(data.get("type", ""))
        self._add_row("nodes", (rank(node), node), (ntype, str(data.get("name", "")),
                                                            int(data.get("paper_count", 0)), text),
                      row_hash(node, text))
        self.conn.executemany("INSERT OR IGNORE INTO names VALUES (?, ?)",
                              [(key, node) for key in sorted(entity_name_keys(node, data))])

    def _node_data(self, node: str) -> dict[str, Any] | None:
        c = self.conn
        papers = c.execute("SELECT count(DISTINCT paper) FROM contrib WHERE target = ?", (node,)).fetchone()[0]
        if not papers:
            return None
        if node.startswith("repo:"):
            urls: Counter[str] = Counter()
            paths: set[str] = set()
            host = ""
            for (text,) in c.execute("SELECT data FROM contrib WHERE target = ? AND key = 'HAS_CODE' ORDER BY paper",
                                     (node,)):
                d = json.loads(text)
                urls.update(d["urls"])
                paths.update(d["paths"])
                host = host or d["host"]
            url = min(urls, key=lambda u: (-urls[u], u))
            return {"id": node, "type": "Repository", "name": url.split("/", 3)[3], "aliases": [], "url": url,
                    "host": host, "paper_count": papers, "paths": sorted(paths)}
        row = c.execute("SELECT data FROM entities WHERE node = ?", (node,)).fetchone()
        if row is None:
            return None
        ent = json.loads(row[0])
        return {"id": node, "type": ENTITY_TYPES[ent["type"]], "name": ent["name"], "aliases": ent["aliases"],
                "paper_count": papers, "ids": dict(ent["ids"]), "long_forms": ent["long_forms"]}

    # -- the whole step -------------------------------------------------------------------------

    def changed(self) -> bool:
        c = self.conn
        return bool(c.execute("SELECT EXISTS(SELECT 1 FROM temp.dirty) OR EXISTS(SELECT 1 FROM temp.renode)").fetchone()[0])

    def refresh(self) -> None:
        """Bring occurrences, components, entities, merges, nodes, edges and counters in step
        with the papers put since the engine was made."""
        full = self.full = not self.conn.execute("SELECT EXISTS(SELECT 1 FROM nodes)").fetchone()[0]
        self.conn.execute("DELETE FROM temp.renode WHERE paper IN (SELECT paper FROM temp.dirty)")
        self._replace_occurrences()
        if not full:
            self._join_existing()
        size = self._select()
        self._components(size)
        self._resolve()
        self._contributions(full)
        self._edges(full)
        self._nodes(full)
        self._counters()

    def _counters(self) -> None:
        c = self.conn
        merges = int(c.execute("SELECT count(*) FROM merges").fetchone()[0])
        graph = {"merges": merges}
        nodes = dict(c.execute("SELECT type, count(*) FROM nodes GROUP BY type").fetchall())
        edges = dict(c.execute("SELECT key, count(*) FROM edges GROUP BY key").fetchall())
        top = {ntype: [[name, count] for name, count in c.execute(
            "SELECT name, count FROM nodes WHERE type = ? ORDER BY count DESC, name, id LIMIT ?", (ntype, TOP_N))]
            for ntype in ("Method", "Dataset", "Task")}
        stats = {"nodes": {t: nodes.get(t, 0) for t in NODE_TYPES}, "edges": {t: edges.get(t, 0) for t in EDGE_TYPES},
                 "top": top, "merges": merges}
        self.meta("graph", graph)
        self.meta("stats", stats)
        self.meta("digest", f"{self.digest:064x}")
        self.meta("graph_key", row_hash(*(dumps([k, v]) for k, v in sorted(graph.items())), f"{self.digest:064x}"))

    def meta(self, key: str, value: Any) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, dumps(value)))

    def counts(self) -> dict[str, int]:
        c = self.conn
        return {name: int(c.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                for name, table in (("papers", "papers"), ("nodes", "nodes"), ("edges", "edges"),
                                    ("entities", "entities"), ("merges", "merges"))}


def _entity_dict(ent: ResolvedEntity) -> dict[str, Any]:
    return {"type": ent.type, "name": ent.name, "aliases": list(ent.aliases), "long_forms": list(ent.long_forms),
            "ids": [list(x) for x in ent.ids]}


def _paper_contributions(ext: Extraction, nodes: dict[int, str]) -> list[tuple[str, str, str, str, str]]:
    """One paper's contributions to its edges, as ``kg.graph.build.build_graph`` adds them:
    (source, target, relation, paper, data JSON)."""
    edges, repos = _Edges(), dict[str, dict[str, Any]]()
    paper_edges(ext, nodes.get, edges, repos)
    data = edges.data
    pid = ext.paper.id
    rows = []
    for (u, v, k), edge in sorted(data.items()):
        out: dict[str, Any] = {"role": edge.role, "confidence": edge.confidence, "extractors": sorted(edge.extractors),
                               "evidence": sorted(edge.evidence)}
        if v in repos:
            info = repos[v]
            out.update(urls=dict(info["urls"]), paths=sorted(info["paths"]), host=info["host"])
        rows.append((u, v, k, pid, dumps(out)))
    return rows


def _grouped_edges(rows: Iterable[tuple[str, str, str, str, str]]) -> Iterator[tuple[str, str, str, str]]:
    """(source, target, relation, attributes JSON) of each edge from its contributions,
    given grouped by edge."""
    current: tuple[str, str, str] | None = None
    edge = _EdgeData()
    for u, v, k, paper, text in rows:
        if (u, v, k) != current:
            if current is not None:
                yield (*current, dumps(edge.attrs(current[2])))
            current, edge = (u, v, k), _EdgeData()
        d = json.loads(text)
        if d["role"] is not None and (edge.role is None or _rank(d["role"]) < _rank(edge.role)):
            edge.role = d["role"]
        edge.confidence = max(edge.confidence, d["confidence"])
        edge.extractors.update(d["extractors"])
        edge.papers.add(paper)
        edge.evidence.update(tuple(e) for e in d["evidence"])
    if current is not None:
        yield (*current, dumps(edge.attrs(current[2])))


def _rank(role: str) -> int:
    return ("proposed", "used", "mentioned").index(role)
