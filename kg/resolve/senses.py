"""Ambiguous acronyms: attach a bare mention to one sense, by context, and say why.

Used by ``kg.resolve.resolver``. When a short form is defined with several long forms across the
corpus (SAM = Sharpness-Aware Minimization / Segment Anything Model), one name carries
different curated ids, or two papers each coin the same name (two unrelated methods called
SAGE; a paper that proposes a name defines it, even without a long form), each sense is its
own entity. A mention of the short form in a paper that does not define it is attached to the
first sense the evidence singles out, in this order:

1. a definition of one sense elsewhere in the same paper;
2. the paper text (title + abstract) contains one sense's long form (normalized);
3. the most co-mentioned entities shared with the papers of one sense (entities as the
   identity keys link them, before any ambiguous short form is attached to a sense: so the
   evidence does not depend on the order senses are chosen in, and a part of the corpus
   resolves alike alone or with the rest);
4. the most frequent sense (papers), ties broken by the long form's slug.

Candidates narrow at each step, so a later step only chooses among the earlier ties.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import networkx as nx

from kg.resolve.normalize import normalize, slug


@dataclass(frozen=True)
class Occurrence:
    """One entity mention in one paper, as the resolver sees it."""

    ref: tuple[str, int]
    type: str
    name: str
    surfaces: tuple[str, ...]
    shorts: tuple[str, ...] = ()
    longs: tuple[str, ...] = ()
    ids: tuple[tuple[str, str], ...] = ()
    proposed: bool = False

    @property
    def coins(self) -> bool:
        """The paper coins this name (proposes it) and no curated id says it is a known thing:
        the paper is itself a definition of the name, even without a long form."""
        return self.proposed and not self.ids

    @property
    def definitions(self) -> tuple[tuple[str, str], ...]:
        """(short form, long form) pairs this mention states."""
        return tuple((s, lf) for s in self.shorts for lf in self.longs)


class UnionFind:
    """Disjoint sets over ``range(n)`` (``networkx.utils.UnionFind``) named by their smallest
    member, so the partition and the names of its sets do not depend on the order of unions."""

    def __init__(self, n: int) -> None:
        self._sets = nx.utils.UnionFind(range(n))
        self._least = {i: i for i in range(n)}  # networkx's root -> the set's smallest member
        self._members: dict[int, list[int]] = {i: [i] for i in range(n)}  # by smallest member

    def find(self, i: int) -> int:
        return self._least[self._sets[i]]

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            ra, rb = min(ra, rb), max(ra, rb)
            self._sets.union(ra, rb)
            self._least[self._sets[ra]] = ra
            self._members[ra].extend(self._members.pop(rb))
        return ra

    def members(self, i: int) -> list[int]:
        return sorted(self._members[self.find(i)])

    def groups(self) -> list[list[int]]:
        return [sorted(self._members[root]) for root in sorted(self._members)]

    @staticmethod
    def over_sets(sets: Sequence[set[str]]) -> int:
        """How many groups ``sets`` form when sets sharing an element are joined."""
        index: dict[str, int] = {}
        for s in sets:
            for item in sorted(s):
                index.setdefault(item, len(index))
        uf = UnionFind(len(index))
        for s in sets:
            items = sorted(s)
            for item in items[1:]:
                uf.union(index[items[0]], index[item])
        return len({uf.find(index[min(s)]) for s in sets if s})


class KeyFunction(Protocol):
    def key(self, etype: str, surface: str) -> str: ...


@dataclass
class _Sense:
    root: int
    display: str
    long_norms: frozenset[str]
    papers: frozenset[str]
    co: frozenset[tuple[str, int]]

    @property
    def slug(self) -> str:
        return slug(self.display)


class SenseChooser:
    """Attaches the bare mentions of ambiguous short forms to senses (see module doc)."""

    def __init__(self, occs: Sequence[Occurrence], uf: UnionFind, keyer: KeyFunction,
                 text: Callable[[str], str | None], *, base: Sequence[tuple[str, int]],
                 external: Mapping[str, Sequence[tuple[tuple[str, int], str]]],
                 normalized: Callable[[str], str] | None = None) -> None:
        """``base[i]``: the ref naming occurrence i's component before senses are attached;
        ``external``: per paper, (base ref, name) of its occurrences not in ``occs``;
        ``normalized``: ``normalize(text(paper))`` from the caller's cache, if it keeps one."""
        self.occs, self.uf, self.keyer, self.text = occs, uf, keyer, text
        self.normalized = normalized
        self.base, self.external = base, external
        self.by_paper: dict[str, list[int]] = defaultdict(list)
        for i, occ in enumerate(occs):
            self.by_paper[occ.ref[0]].append(i)
        self.names: dict[tuple[str, int], str] = {occ.ref: occ.name for occ in occs}
        for rows in external.values():
            self.names.update(rows)
        self._norm_texts: dict[str, str] = {}

    def _labels(self, paper: str) -> set[tuple[str, int]]:
        """The (base) entities mentioned in ``paper``."""
        return {self.base[m] for m in self.by_paper[paper]} | {ref for ref, _ in self.external.get(paper, ())}

    def attach_bare(self, etype: str, short_key: str, holders: list[int]) -> list[tuple[int, str]]:
        """Join the mentions holding short form ``short_key`` (type ``etype``) to senses;
        returns (occurrence index, reason) for each context decision."""
        definers = [i for i in holders if self.occs[i].ids or self.occs[i].coins or (self.occs[i].longs and short_key
                    in {self.keyer.key(etype, s) for s in self.occs[i].shorts})]
        roots = sorted({self.uf.find(i) for i in definers})
        if len(roots) <= 1:  # the long forms turned out to be one thing (e.g. a shared id)
            for j in holders[1:]:
                self.uf.union(holders[0], j)
            return []
        senses = self._senses(etype, short_key, roots, definers, holders)
        listing = ", ".join(f"'{s.display}'" for s in senses)
        decisions = []
        for h in holders:
            if self.uf.find(h) in {self.uf.find(s.root) for s in senses}:
                continue
            sense, how = self._choose(h, senses, holders)
            self.uf.union(sense.root, h)
            decisions.append((h, f"ambiguous acronym '{self.occs[h].name}' ({len(senses)} senses: "
                                 f"{listing}); chose '{sense.display}' by {how}"))
        return decisions

    def _senses(self, etype: str, short_key: str, roots: list[int], definers: list[int],
                holders: list[int]) -> list[_Sense]:
        excluded = {self.base[h] for h in holders}
        senses = []
        for root in roots:
            longs: Counter[str] = Counter()
            ids: Counter[str] = Counter()
            for i in definers:
                if self.uf.find(i) == root:
                    longs.update(self.occs[i].longs)
                    ids.update(f"{ns}:{value}" for ns, value in self.occs[i].ids)
            papers = frozenset(self.occs[m].ref[0] for m in self.uf.members(root))
            co = frozenset(label for p in papers for label in self._labels(p)) - excluded
            names = longs or ids or Counter(f"{self.occs[root].name} ({self.occs[root].ref[0]})" for _ in (0,))
            senses.append(_Sense(root=root, display=min(names, key=lambda s: (-names[s], s)),
                                 long_norms=frozenset(normalize(lf) for lf in longs),
                                 papers=papers, co=co))
        return sorted(senses, key=lambda s: (s.slug, s.root))

    def _text(self, paper: str) -> str:
        if paper not in self._norm_texts:
            self._norm_texts[paper] = (self.normalized(paper) if self.normalized is not None
                                       else normalize(self.text(paper) or ""))
        return self._norm_texts[paper]

    def _choose(self, h: int, senses: list[_Sense], holders: list[int]) -> tuple[_Sense, str]:
        paper = self.occs[h].ref[0]
        cands = [s for s in senses if paper in s.papers]
        if len(cands) == 1:
            return cands[0], f"its definition elsewhere in the same paper {paper}"
        cands = cands or senses
        text = self._text(paper)
        found = {s.root: sorted(lf for lf in s.long_norms if lf in text) for s in cands}
        hits = [s for s in cands if found[s.root]]
        if len(hits) == 1:
            return hits[0], f"long form '{hits[0].display}' in the paper text"
        cands = hits or cands
        excluded = {self.base[j] for j in holders}
        mine = self._labels(paper) - excluded
        scores = {s.root: mine & s.co for s in cands}
        best = max(len(v) for v in scores.values())
        top = [s for s in cands if best and len(scores[s.root]) == best]
        if len(top) == 1:
            shared = sorted(self.names[r] for r in scores[top[0].root])[:3]
            return top[0], (f"{best} co-mentioned entit{'y' if best == 1 else 'ies'} shared "
                             f"with papers of that sense ({', '.join(shared)})")
        cands = top or cands
        pick = min(cands, key=lambda s: (-len(s.papers), s.slug, s.root))
        tied = sum(len(s.papers) == len(pick.papers) for s in cands) > 1
        return pick, (f"most frequent sense ({len(pick.papers)} paper(s)"
                      f"{'; tie broken alphabetically' if tied else ''})")
