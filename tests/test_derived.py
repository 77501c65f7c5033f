"""The derived counts the embedded SPARQL store keeps for the canned queries (ranks and the top
co-occurring pairs, ``kg/export/derived.py``), and the stored paper counts the canned Cypher
top-N queries read: the queries return the same rows as the queries that count everything at
query time (the texts of the canned queries before issue 14, below), and the pair search that avoids enumerating every pair finds the same top
pairs as enumerating them."""
from __future__ import annotations

import random
from collections import Counter
from importlib import resources
from itertools import combinations
from pathlib import Path
from typing import Any

import ladybug
import networkx as nx
import pyoxigraph as ox
import pytest
from support import canned_sparql as canned

import kg.store.core
from kg.export.derived import PAIR_LIMIT, dataset_pairs, method_pairs, ranks
from kg.query.cypher_cache import create_database
from kg.query.files import CYPHER, body
from kg.query.sparql import query_store
from kg.query.sparql_cache import load
from kg.resolve.normalize import normalize

PREFIXES = """PREFIX pkg: <https://w3id.org/paperkg/ontology#>
PREFIX schema: <http://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
COUNTED = {
    "top-methods": ("method", "# param limit: 10\n", """
SELECT ?method_id ?method_name (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
  ?method a pkg:Method ; dcterms:identifier ?method_id ; schema:name ?method_name .
  ?paper pkg:proposes|pkg:uses ?method .
} GROUP BY ?method_id ?method_name ORDER BY DESC(?papers) ?method_id"""),
    "top-datasets": ("dataset", "# param limit: 10\n", """
SELECT ?dataset_id ?dataset_name (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
  ?dataset a pkg:Dataset ; dcterms:identifier ?dataset_id ; schema:name ?dataset_name .
  ?paper pkg:evaluatesOn|pkg:introduces ?dataset .
} GROUP BY ?dataset_id ?dataset_name ORDER BY DESC(?papers) ?dataset_id"""),
    "tasks-by-papers": ("task", "# param limit: 10\n", """
SELECT ?task_id ?task_name (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
  ?task a pkg:Task ; dcterms:identifier ?task_id ; schema:name ?task_name .
  ?paper pkg:addresses ?task .
} GROUP BY ?task_id ?task_name ORDER BY DESC(?papers) ?task_id"""),
    "datasets-used-together": ("dataset", "# param dataset (key): \"\"\n# param limit: 20\n", """
SELECT ?dataset ?dataset_id ?dataset_name ?other_id ?other_name (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
  { ?d pkg:nameKey ?dataset } UNION { FILTER(?dataset = "") ?d a pkg:Dataset }
  ?paper pkg:evaluatesOn|pkg:introduces ?d, ?o .
  FILTER(?d != ?o)
  ?d dcterms:identifier ?dataset_id ; schema:name ?dataset_name .
  ?o dcterms:identifier ?other_id ; schema:name ?other_name .
  FILTER(?dataset != "" || STR(?dataset_id) < STR(?other_id))
} GROUP BY ?dataset ?dataset_id ?dataset_name ?other_id ?other_name
ORDER BY DESC(?papers) ?dataset_id ?other_id"""),
    "methods-on-same-dataset": ("method", "# param method (key): \"\"\n# param limit: 50\n", """
SELECT ?method ?method_id ?method_name ?other_id ?other_name (COUNT(DISTINCT ?dataset) AS ?shared_datasets) WHERE {
  { ?m pkg:nameKey ?method } UNION { FILTER(?method = "") ?m a pkg:Method }
  ?m pkg:evaluatedOn ?dataset ; dcterms:identifier ?method_id ; schema:name ?method_name .
  ?o pkg:evaluatedOn ?dataset ; dcterms:identifier ?other_id ; schema:name ?other_name .
  FILTER(?m != ?o && (?method != "" || STR(?method_id) < STR(?other_id)))
} GROUP BY ?method ?method_id ?method_name ?other_id ?other_name
ORDER BY DESC(?shared_datasets) ?method_id ?other_id"""),
}
"""Per query: the parameter naming one entity (if any), and the query counting at query time."""


def _embedded(graph: nx.MultiDiGraph) -> ox.Store:
    store = ox.Store()
    load(store, graph, evidence="none")
    return store


def _compare(store: ox.Store, name: str, params: dict[str, str]) -> list[dict[str, Any]]:
    _, header, text = COUNTED[name]
    expected = query_store(store, header + PREFIXES + text, params)[1]
    found = query_store(store, canned(name), params)[1]
    assert found == expected, (name, params)
    return found


def _same_rows_as_counting(graph: nx.MultiDiGraph) -> None:
    store = _embedded(graph)
    for name, (entity, _, _) in COUNTED.items():
        for limit in ("1", "3", "20", str(PAIR_LIMIT)):
            rows = _compare(store, name, {"limit": limit})
            assert rows, name  # non-empty, so the comparison means something
        if "param" in COUNTED[name][1] and "key" in COUNTED[name][1]:
            names = {row[f"{entity}_name"] for row in rows} | {row["other_name"] for row in rows}
            for value in sorted(names)[:8]:  # the partners of one entity: counted at query time
                assert _compare(store, name, {entity: value, "limit": "1000"}), (name, value)


COUNTED_CYPHER = {
    "top-methods": "MATCH (p:Paper)-[:PROPOSES|USES]->(m:Method) WITH m, count(DISTINCT p) AS papers "
                   "RETURN m.id, m.name, papers ORDER BY papers DESC, m.id LIMIT $limit",
    "top-datasets": "MATCH (p:Paper)-[:EVALUATES_ON|INTRODUCES]->(d:Dataset) WITH d, count(DISTINCT p) AS papers "
                    "RETURN d.id, d.name, papers ORDER BY papers DESC, d.id LIMIT $limit",
    "tasks-by-papers": "MATCH (p:Paper)-[:ADDRESSES]->(t:Task) WITH t, count(DISTINCT p) AS papers "
                       "RETURN t.id, t.name, papers ORDER BY papers DESC, t.id LIMIT $limit",
    "datasets-used-together": "MATCH (d:Dataset)<-[:EVALUATES_ON|INTRODUCES]-(p:Paper)-[:EVALUATES_ON|INTRODUCES]->"
                              "(o:Dataset) WHERE d.id <> o.id AND (($dataset = '' AND d.id < o.id) OR $dataset IN "
                              "d.name_keys) WITH d, o, count(DISTINCT p) AS papers RETURN d.id, d.name, o.id, o.name, "
                              "papers ORDER BY papers DESC, d.id, o.id LIMIT $limit",
    "methods-on-same-dataset": "MATCH (m:Method)-[:EVALUATED_ON]->(d:Dataset)<-[:EVALUATED_ON]-(o:Method) WHERE m.id <> "
                               "o.id AND (($method = '' AND m.id < o.id) OR $method IN m.name_keys) WITH m, o, "
                               "count(DISTINCT d) AS n RETURN m.id, m.name, o.id, o.name, n "
                               "ORDER BY n DESC, m.id, o.id LIMIT $limit",
}
"""The canned Cypher queries rewritten for scale (the top-N read ``paper_count``; the pair
queries start from the named entity), as they were before."""
PAIR_KEYS = {"datasets-used-together": "dataset", "methods-on-same-dataset": "method"}


def _cypher_same_rows_as_counting(graph: nx.MultiDiGraph) -> None:
    db = create_database(":memory:", graph, keep_open=True, evidence="none")
    try:
        conn = ladybug.Connection(db)
        for name, counted in COUNTED_CYPHER.items():
            text = resources.files("queries.cypher").joinpath(f"{name}.cypher").read_text("utf-8")
            key = PAIR_KEYS.get(name)
            for limit in (1, 3, 10, 1000):
                every = _all(conn.execute(counted, {"limit": limit, **({key: ""} if key else {})}))
                for given in ({key: ""}, {key: normalize(every[0][1])}) if key else ({},):
                    params = {"limit": limit, **given}
                    rows = [_all(conn.execute(q, params)) for q in (counted, body(text, CYPHER).strip())]
                    assert rows[0] and rows[0] == rows[1], (name, params)
        conn.close()
    finally:
        db.close()


def _all(result: Any) -> list[tuple[Any, ...]]:
    rows = []
    while result.has_next():
        rows.append(tuple(result.get_next()))
    return rows


def test_canned_queries_return_what_counting_everything_returns(examples: Path) -> None:
    graph = kg.store.core.open_store(examples).graph
    _same_rows_as_counting(graph)
    _cypher_same_rows_as_counting(graph)


def test_the_same_on_the_seeds(seeds: Path) -> None:
    graph = kg.store.core.open_store(seeds).graph
    _same_rows_as_counting(graph)
    _cypher_same_rows_as_counting(graph)


def test_the_same_on_a_stored_graph(examples: Path) -> None:
    """The embedded store made from the store's database (streamed) holds the same derived
    counts as one made from the loaded graph."""
    with kg.store.core.open_store(examples) as stored:
        streamed, loaded = ox.Store(), _embedded(stored.graph)
        with kg.store.core.open_store(examples) as again:
            load(streamed, again, evidence="none")
    query = PREFIXES + "SELECT ?s ?p ?o WHERE { ?s ?p ?o . FILTER(?p IN (pkg:rank, pkg:pairFirst, " \
                       "pkg:pairSecond, pkg:datasetCount) || EXISTS { ?s pkg:pairFirst ?x }) }"
    rows = {tuple(map(str, row)) for row in streamed.query(query)}
    assert rows and rows == {tuple(map(str, row)) for row in loaded.query(query)}


def _bipartite(seed: int, left: str, right: str, relation: str) -> nx.MultiDiGraph:
    """A random graph of ``left -relation-> right`` edges with skewed degrees (a few popular
    targets, many ties)."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    targets = [f"{right}:{i}" for i in range(rng.randint(3, 25))]
    weights = [1 / (i + 1) for i in range(len(targets))]
    for i in range(rng.randint(5, 80)):
        for target in set(rng.choices(targets, weights, k=rng.randint(1, 6))):
            graph.add_edge(f"{left}:{i:02d}", target, key=relation)
    return graph


def _all_pairs(graph: nx.MultiDiGraph, relation: str, by_source: bool, limit: int) -> list[tuple[str, str, int]]:
    groups: dict[str, set[str]] = {}
    for u, v, _ in graph.edges(keys=True):
        groups.setdefault(u if by_source else v, set()).add(v if by_source else u)
    counts = Counter(pair for members in groups.values() for pair in combinations(sorted(members), 2))
    return sorted(((a, b, n) for (a, b), n in counts.items()), key=lambda t: (-t[2], t[0], t[1]))[:limit]


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("limit", [1, 3, 10, 100])
def test_method_pairs_are_the_top_of_every_pair(seed: int, limit: int) -> None:
    graph = _bipartite(seed, "method", "dataset", "EVALUATED_ON")
    found = [(p.first, p.second, p.count) for p in method_pairs(graph, limit)]
    assert found == _all_pairs(graph, "EVALUATED_ON", by_source=False, limit=limit)


@pytest.mark.parametrize("seed", range(20))
def test_dataset_pairs_are_the_top_of_every_pair(seed: int) -> None:
    graph = _bipartite(seed, "paper", "dataset", "EVALUATES_ON")
    for u, v, _ in list(graph.edges(keys=True))[::3]:  # some introduced, some both
        graph.add_edge(u, v, key="INTRODUCES")
    found = [(p.first, p.second, p.count) for p in dataset_pairs(graph, 10)]
    assert found == _all_pairs(graph, "EVALUATES_ON", by_source=True, limit=10)


def test_ranks_follow_paper_counts_then_ids() -> None:
    graph = nx.MultiDiGraph()
    for node, count in (("method:b", 2), ("method:a", 2), ("method:c", 5), ("dataset:x", 1), ("paper:p", 0)):
        graph.add_node(node, type=node.split(":")[0].capitalize(), paper_count=count)
    assert sorted(ranks(graph)) == [("dataset:x", 1), ("method:a", 2), ("method:b", 3), ("method:c", 1)]
