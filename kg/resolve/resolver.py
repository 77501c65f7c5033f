"""Entity resolution across papers: one canonical entity per real thing.

A knowledge base plus strategies, after scispaCy's ``linking_utils`` (canonical key ->
entity, alias -> keys). Every mention occurrence gives *identity keys*, one set per
strategy; occurrences that share a key are the same entity (union-find):

- ``id``: an external id (``pwc:lora``) from the curated lists: strong identity, even
  across entity types;
- ``acronym``: a definition (short form, long form) a paper or a curated list gives; the
  long form is a surface of the mention, so ``LoRA (Low-Rank Adaptation)`` joins mentions
  named ``low-rank adaptation``; the pair itself also links across entity types;
- ``normalized``: the normalized surface (``kg.resolve.normalize``; exact matches are the special
  case), with a plural folded onto a singular seen in the corpus.

An acronym defined with different long forms (SAM = Sharpness-Aware Minimization vs
Segment Anything Model), or a name two papers each coin (propose) without a shared long form
or id, is *ambiguous*: its bare key links nothing; each sense becomes its
own entity (``method:sam~segment-anything-model``) and a bare mention is attached by
context (``kg.resolve.senses``). A group whose mentions carry several types takes the majority type.

Every decision other than identical surface forms is recorded as a :class:`Merge`.
The result is a function of the *set* of papers: inputs are sorted first and every choice
is broken by sorting, never by dict or set order.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Container, Hashable, Iterable, Mapping, Sequence
from difflib import SequenceMatcher
from dataclasses import dataclass, field
from typing import Any

from kg.errors import DuplicatePaperError
from kg.records import ENTITY_TYPES, Extraction
from kg.resolve.normalize import is_long_form, is_short_form, normalize, singular_candidate, slug
from kg.resolve.senses import Occurrence, SenseChooser, UnionFind

MentionRef = tuple[str, int]


@dataclass(frozen=True)
class ResolvedEntity:
    """A canonical entity: ``key`` is unique within ``type``; the graph node id is ``node_id``."""

    key: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    long_forms: tuple[str, ...] = ()
    ids: tuple[tuple[str, str], ...] = ()
    papers: tuple[str, ...] = ()

    @property
    def node_id(self) -> str:
        return f"{self.type}:{self.key}"


@dataclass(frozen=True)
class Merge:
    """One audited resolution decision: surface form ``merged`` was resolved to entity
    ``kept`` (a node id such as ``method:lora``) by ``strategy`` because of ``reason``."""

    kept: str
    merged: str
    reason: str
    strategy: str
    papers: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"kept": self.kept, "merged": self.merged, "strategy": self.strategy,
                "reason": self.reason, "papers": list(self.papers)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Merge":
        return cls(kept=data["kept"], merged=data["merged"], reason=data["reason"],
                   strategy=data["strategy"], papers=tuple(data.get("papers", ())))


@dataclass(frozen=True)
class Resolution:
    """The knowledge base: node id -> entity, normalized alias -> node ids, mention -> node id."""

    entities: Mapping[str, ResolvedEntity]
    mentions: Mapping[MentionRef, str]
    merges: tuple[Merge, ...] = ()
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    unresolved: tuple[MentionRef, ...] = ()

    def lookup(self, name: str) -> list[ResolvedEntity]:
        """Entities whose name or alias normalizes like ``name``."""
        return [self.entities[n] for n in self.aliases.get(normalize(name), ())]


class Keyer:
    """Normalized keys with corpus-attested plural folding (see ``kg.resolve.normalize``):
    ``attested`` holds (type, normalized surface) of every surface in the corpus (a set, or
    any container, e.g. one that asks the store)."""

    def __init__(self, attested: Container[tuple[str, str]]) -> None:
        self.attested = attested
        self._cache: dict[tuple[str, str], str] = {}

    def key(self, etype: str, surface: str) -> str:
        cached = self._cache.get((etype, surface))
        if cached is None:
            stem = singular_candidate(surface)
            cached = normalize(surface)
            if stem is not None and (etype, normalize(stem)) in self.attested:
                cached = normalize(stem)
            self._cache[(etype, surface)] = cached
        return cached


def _id_keys(occ: Occurrence, keyer: Keyer) -> Iterable[Hashable]:
    return [("id", ns, value) for ns, value in occ.ids]


def _acronym_keys(occ: Occurrence, keyer: Keyer) -> Iterable[Hashable]:
    return [("def", normalize(short), normalize(long)) for short, long in occ.definitions]


def _normalized_keys(occ: Occurrence, keyer: Keyer) -> Iterable[Hashable]:
    return [(occ.type, "name", keyer.key(occ.type, s)) for s in occ.surfaces]


STRATEGIES = (("id", _id_keys), ("acronym", _acronym_keys), ("normalized", _normalized_keys))


def resolve(extractions: Iterable[Extraction]) -> Resolution:
    """Resolve every entity mention of ``extractions`` (one record per unique paper id) to a
    canonical entity. Raises ``DuplicatePaperError`` if a paper id occurs twice (merge duplicates
    first, as ``kg.store.core`` does)."""
    papers = sorted(extractions, key=lambda e: e.paper.id)
    for a, b in zip(papers, papers[1:]):
        if a.paper.id == b.paper.id:
            raise DuplicatePaperError(f"paper id {a.paper.id!r} occurs twice",
                                      hint="merge duplicate papers first, as kg.store does")
    occs, unresolved = occurrences(papers)
    keyer = Keyer({(o.type, normalize(s)) for o in occs for s in o.surfaces})
    texts = {e.paper.id: f"{e.paper.title} {e.paper.abstract}" for e in papers}
    return resolve_part(occs, keyer, texts.get, unresolved=unresolved).resolution


@dataclass(frozen=True)
class Part:
    """The resolution of a set of occurrences closed under shared candidate keys (see
    :func:`candidate_keys`), with what the store keeps of it: each occurrence's *base*
    component (its smallest member's ref; the partition by identity keys before ambiguous
    short forms are attached to senses) and whether it holds an ambiguous key."""

    resolution: Resolution
    base: tuple[MentionRef, ...]
    ambiguous: tuple[bool, ...]


def resolve_part(occs: list[Occurrence], keyer: Keyer, text: Callable[[str], str | None], *,
                 unresolved: tuple[MentionRef, ...] = (),
                 external: Mapping[str, Sequence[tuple[MentionRef, str]]] | None = None,
                 normalized: Callable[[str], str] | None = None) -> Part:
    """Resolve ``occs`` (sorted by ref; every occurrence sharing a candidate key with one of
    them included) with the corpus' plural attestations in ``keyer``; ``text(paper)`` is a
    paper's title and abstract (``normalized(paper)``, if given, is ``normalize`` of it,
    from a cache the caller keeps); ``external`` gives, per paper, the (base ref, name) of the
    occurrences of that paper that are not in ``occs`` (co-mention evidence for senses)."""
    uf, blocked, holders, base, ambiguous = partition(occs, keyer)
    chooser = SenseChooser(occs, uf, keyer, text, base=base, external=external or {}, normalized=normalized)
    decisions = []
    for key in sorted(blocked, key=repr):
        decisions.extend(chooser.attach_bare(key[0], key[2], sorted(set(holders[key]))))
    return Part(_assemble(occs, uf, keyer, decisions, unresolved), base, ambiguous)


def partition(occs: list[Occurrence], keyer: Keyer) -> tuple[
        UnionFind, set[tuple[str, str, str]], dict[Hashable, list[int]], tuple[MentionRef, ...], tuple[bool, ...]]:
    """The occurrences joined by their identity keys, ambiguous keys left out: the union-find,
    the ambiguous (blocked) keys, each key's holders, each occurrence's base ref (its set's
    smallest member) and whether it holds an ambiguous key."""
    uf = UnionFind(len(occs))
    blocked = _ambiguous_candidates(occs, keyer)
    holders: dict[Hashable, list[int]] = defaultdict(list)
    for i, occ in enumerate(occs):
        for _name, strategy in STRATEGIES:
            for key in strategy(occ, keyer):
                holders[key].append(i)
    for key in holders:  # union order does not matter: a set's root is its smallest member
        if key not in blocked:
            for j in holders[key][1:]:
                uf.union(holders[key][0], j)
    base = tuple(occs[uf.find(i)].ref for i in range(len(occs)))
    ambiguous = [False] * len(occs)
    for key in blocked:
        for i in holders[key]:
            ambiguous[i] = True
    return uf, blocked, holders, base, tuple(ambiguous)


def candidate_keys(occ: Occurrence) -> set[str]:
    """Every identity key ``occ`` may hold, whatever the rest of the corpus says: its ids,
    its acronym definitions and, for each surface, its normalized form and the form without
    a plural ``s`` (untyped). Occurrences that share none of these never affect each other's
    resolution, so a set closed under shared candidate keys resolves on its own."""
    keys = {f"id\x1f{ns}\x1f{value}" for ns, value in occ.ids}
    keys.update(f"def\x1f{normalize(short)}\x1f{normalize(long)}" for short, long in occ.definitions)
    for surface in occ.surfaces:
        keys.add(f"name\x1f{normalize(surface)}")
        stem = singular_candidate(surface)
        if stem is not None:
            keys.add(f"name\x1f{normalize(stem)}")
    return keys


def occurrences(papers: Iterable[Extraction]) -> tuple[list[Occurrence], tuple[MentionRef, ...]]:
    occs: list[Occurrence] = []
    unresolved: list[MentionRef] = []
    for ext in papers:
        for index, mention in enumerate(ext.entities):
            surfaces = tuple(dict.fromkeys(s.strip() for s in (mention.name, *mention.aliases)
                                           if normalize(s)))
            if not normalize(mention.name) or mention.type not in ENTITY_TYPES:
                unresolved.append((ext.paper.id, index))
                continue
            shorts = tuple(s for s in surfaces if is_short_form(s))
            short_keys = {normalize(s) for s in shorts}
            longs = tuple(s for s in surfaces if shorts and is_long_form(s)
                          and normalize(s) not in short_keys
                          and not set(s.split()) & set(shorts))  # "DEMAND corpora" spells nothing out
            occs.append(Occurrence(ref=(ext.paper.id, index), type=mention.type, name=surfaces[0],
                                   surfaces=surfaces, shorts=shorts, longs=longs,
                                   ids=tuple(sorted(mention.ids)), proposed=mention.role == "proposed"))
    return occs, tuple(unresolved)


def _ambiguous_candidates(occs: list[Occurrence], keyer: Keyer) -> set[tuple[str, str, str]]:
    """Name keys that may name several things: short forms defined with long forms that
    share nothing, and names carrying different ids of one namespace. They may still turn
    out to be one thing (e.g. long forms linked by a shared id): ``SenseChooser`` checks."""
    defined: dict[tuple[str, str], list[set[str]]] = defaultdict(list)
    coined: dict[tuple[str, str], set[str]] = defaultdict(set)
    for occ in occs:
        if occ.longs:
            longs = {keyer.key(occ.type, lf) for lf in occ.longs}
            for short in occ.shorts:
                defined[(occ.type, keyer.key(occ.type, short))].append(longs)
        if occ.coins:
            key = (occ.type, keyer.key(occ.type, occ.name))
            coined[key].add(occ.ref[0])
            if not occ.longs:  # a coinage without a long form: the paper itself is its meaning
                defined[key].append({f"coined in {occ.ref[0]}"})
    for key, papers in coined.items():
        if len(papers) < 2:  # one paper coining a name others define differently is not two coinages
            defined[key] = [s for s in defined[key] if not any(x.startswith("coined in ") for x in s)]
    blocked: set[tuple[str, str, str]] = set()
    for (etype, short), sets in defined.items():
        sets = _fold_variants(sets)
        groups = UnionFind.over_sets(sets)
        if groups > 1:
            blocked.add((etype, "name", short))
    curated: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for occ in occs:
        for surface in occ.surfaces if occ.ids else ():
            curated[(occ.type, keyer.key(occ.type, surface))].update(occ.ids)
    for (etype, name_key), ids in curated.items():
        if len({ns for ns, _ in ids}) < len(ids):  # one name, two ids in one namespace
            blocked.add((etype, "name", name_key))
    return blocked


def same_long_form(a: str, b: str) -> bool:
    """Two normalized long forms of one short form name the same thing when one extends the
    other ("pointernet" / "pointernetworks") or they differ by a few characters
    (difflib ratio >= 0.85); "sharpnessawareminimization" / "segmentanythingmodel" do not."""
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= 5 and longer.startswith(shorter):
        return True
    matcher = SequenceMatcher(None, a, b)  # the quick ratios are upper bounds of ratio()
    return matcher.real_quick_ratio() >= 0.85 and matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85


def _fold_variants(sets: list[set[str]]) -> list[set[str]]:
    """Replace each long-form key by the first key it is a variant of (deterministic order)."""
    reps: list[str] = []
    mapping: dict[str, str] = {}
    for key in sorted({k for s in sets for k in s}):
        rep = next((r for r in reps if same_long_form(r, key)), None)
        if rep is None:
            reps.append(key)
            rep = key
        mapping[key] = rep
    return [{mapping[k] for k in s} for s in sets]


def _majority_type(members: list[Occurrence]) -> str:
    papers: dict[str, set[str]] = defaultdict(set)
    for occ in members:
        papers[occ.type].add(occ.ref[0])
    return min(papers, key=lambda t: (-len(papers[t]), ENTITY_TYPES.index(t)))


def _representative(counts: Counter[str]) -> str:
    return min(counts, key=lambda s: (-counts[s], s))


def _entity_for(members: list[Occurrence], keyer: Keyer) -> ResolvedEntity:
    etype = _majority_type(members)
    names = Counter(o.name for o in members)
    alias_counts = Counter(s for o in members for s in o.surfaces[1:])
    curated = {o.name for o in members if o.ids}
    surfaces = sorted({s for o in members for s in o.surfaces})
    if etype == "task":  # tasks are named by their normalized lowercase phrase, not an acronym
        name = min(names, key=lambda s: (s != s.lower(), -names[s], s))
    else:
        name = min(surfaces, key=lambda s: (s not in curated, not is_short_form(s), -names[s],
                                            -alias_counts[s], s))
    by_key: dict[str, Counter[str]] = defaultdict(Counter)
    for occ in members:
        for lf in occ.longs:
            by_key[keyer.key(etype, lf)][lf] += 1
    long_forms = sorted(by_key, key=lambda k: (-sum(by_key[k].values()), _representative(by_key[k])))
    ids: dict[str, Counter[str]] = defaultdict(Counter)
    for occ in members:
        for ns, value in occ.ids:
            ids[ns][value] += 1
    return ResolvedEntity(
        key=keyer.key(etype, name), type=etype, name=name,
        aliases=tuple(s for s in surfaces if s != name),
        long_forms=tuple(_representative(by_key[k]) for k in long_forms),
        ids=tuple((ns, _representative(ids[ns])) for ns in sorted(ids)),
        papers=tuple(sorted({o.ref[0] for o in members})),
    )


def entity_for(members: list[Occurrence], keyer: Keyer) -> tuple[ResolvedEntity, list[Merge]] | None:
    """The entity ``members`` (sorted by ref: every occurrence of one set joined by identity
    keys) resolve to before any disambiguator, with its merges: what :func:`resolve_part`
    makes of that set when its key collides with no other entity's; None if one of their
    keys is ambiguous (then their senses are chosen by :func:`resolve_part`)."""
    if _ambiguous_candidates(members, keyer):
        return None
    ent = _entity_for(members, keyer)
    return ent, _explain(ent, members, keyer) + _type_merges(ent, members)


def _disambiguate(entities: list[ResolvedEntity]) -> list[ResolvedEntity]:
    """Give every entity whose (type, key) collides a ``~`` disambiguator from its first
    long form (most frequent), else its id, else its first alias, else its first paper."""
    seen = Counter((e.type, e.key) for e in entities)
    taken: set[tuple[str, str]] = {(e.type, e.key) for e in entities if seen[(e.type, e.key)] == 1}
    out = []
    for ent in entities:
        if seen[(ent.type, ent.key)] > 1:
            hint = (ent.long_forms or tuple(v for _, v in ent.ids) or ent.aliases or ent.papers)[0]
            key, n = f"{ent.key}~{slug(hint)}", 1
            while (ent.type, key) in taken:
                n += 1
                key = f"{ent.key}~{slug(hint)}-{n}"
            taken.add((ent.type, key))
            ent = ResolvedEntity(key=key, type=ent.type, name=ent.name, aliases=ent.aliases,
                                 long_forms=ent.long_forms, ids=ent.ids, papers=ent.papers)
        out.append(ent)
    return out


def _explain(ent: ResolvedEntity, members: list[Occurrence], keyer: Keyer) -> list[Merge]:
    """One Merge per surface form other than the canonical name, saying why it belongs."""
    merges = []
    canonical_norm, canonical_key = normalize(ent.name), keyer.key(ent.type, ent.name)
    definitions = sorted((o.ref[0], short, long) for o in members for short, long in o.definitions)
    for surface in ent.aliases:
        papers = tuple(sorted({o.ref[0] for o in members if surface in o.surfaces}))
        norm, key = normalize(surface), keyer.key(ent.type, surface)
        if norm == canonical_norm:
            strategy, reason = "normalized", f"normalized form '{norm}' equals '{ent.name}'"
        elif key == canonical_key:
            strategy, reason = "plural", f"plural and singular: '{surface}' ~ '{ent.name}' ('{key}')"
        else:
            strategy, reason = _explain_link(surface, key, ent, members, definitions, keyer)
        merges.append(Merge(ent.node_id, surface, reason, strategy, papers))
    return merges


def _explain_link(surface: str, key: str, ent: ResolvedEntity, members: list[Occurrence],
                  definitions: list[tuple[str, str, str]], keyer: Keyer) -> tuple[str, str]:
    for paper, short, long in definitions:
        if key in (keyer.key(ent.type, short), keyer.key(ent.type, long)):
            note = "" if surface in (short, long) else f"; normalized form '{normalize(surface)}'"
            return "acronym", f"acronym '{short}' defined as '{long}' in paper {paper}{note}"
    holders = [o for o in members if surface in o.surfaces]
    for occ in holders:
        if occ.ids:
            ns, value = occ.ids[0]
            return "id", f"shared id {ns}:{value} (paper {occ.ref[0]})"
    occ = holders[0]
    return "alias", f"listed as an alias of '{occ.name}' in paper {occ.ref[0]}"


def _type_merges(ent: ResolvedEntity, members: list[Occurrence]) -> list[Merge]:
    papers: dict[str, set[str]] = defaultdict(set)
    for occ in members:
        papers[occ.type].add(occ.ref[0])
    merges = []
    for etype in sorted(set(papers) - {ent.type}):
        for surface in sorted({o.name for o in members if o.type == etype}):
            merges.append(Merge(ent.node_id, surface, (
                f"typed {etype} in {len(papers[etype])} paper(s) but {ent.type} in "
                f"{len(papers[ent.type])}: merged by majority type"), "type",
                tuple(sorted(papers[etype]))))
    return merges


def _assemble(occs: list[Occurrence], uf: UnionFind, keyer: Keyer, decisions: list[tuple[int, str]],
              unresolved: tuple[MentionRef, ...]) -> Resolution:
    groups = [[occs[i] for i in group] for group in uf.groups()]
    entities = _disambiguate([_entity_for(members, keyer) for members in groups])
    mentions: dict[MentionRef, str] = {}
    merges: list[Merge] = []
    for ent, members in zip(entities, groups):
        for occ in members:
            mentions[occ.ref] = ent.node_id
        merges.extend(_explain(ent, members, keyer))
        merges.extend(_type_merges(ent, members))
    for i, reason in decisions:
        merges.append(Merge(mentions[occs[i].ref], occs[i].name, reason, "context", (occs[i].ref[0],)))
    aliases: dict[str, set[str]] = defaultdict(set)
    for ent in entities:
        for surface in (ent.name, *ent.aliases, *ent.long_forms):
            aliases[normalize(surface)].add(ent.node_id)
    return Resolution(
        entities={e.node_id: e for e in sorted(entities, key=lambda e: e.node_id)},
        mentions=dict(sorted(mentions.items())),
        merges=tuple(sorted(merges, key=lambda m: (m.kept, m.strategy, m.merged, m.papers, m.reason))),
        aliases={k: tuple(sorted(v)) for k, v in sorted(aliases.items())},
        unresolved=unresolved,
    )
