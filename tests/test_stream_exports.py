"""Exports and query caches streamed from the store's database (kg.store.view) equal what the
networkx path writes, byte for byte, on a store of a few thousand papers; and they never load
the whole graph (issue 14)."""
from __future__ import annotations

import filecmp
import random
from pathlib import Path

import pytest

from kg.export import export
from kg.export.cypher.schema import LABELS, NODE_PROPS, REL_TYPES, node_rows, rel_props, rel_rows
from kg.records import Evidence, Extraction, Link, Mention, Paper, Source
from kg.store.core import build, open_store
from kg.store.view import StoredGraph, stream_of
from support import tricky_extractions

PAPERS = 2500
KINDS = ("method", "dataset", "task", "metric")
ROLES = ("proposed", "used", "mentioned")


def _paper(i: int, rng: random.Random) -> Extraction:
    """A deterministic fake paper: a few of a shared vocabulary of entities (some with awkward
    characters and aliases), evidence in the abstract and title, sometimes a code link."""
    abstract = f"Abstract {i}: we study \"things\" — ünïcödé, a\\b; see 'q'.\nSecond line."
    mentions = []
    for k in range(rng.randint(1, 6)):
        kind = KINDS[rng.randrange(len(KINDS))]
        number = rng.randrange(300)
        name = f"{kind.title()}Net-{number}" if number % 5 else f"{kind} \"{number}\" ü"
        aliases = (f"MN{number}",) if number % 7 == 0 else ()
        start = rng.randrange(20)
        evidence = tuple(Evidence(f"Sentence {j} of {i} with {name}.", start, start + 5,
                                  "title" if j == 2 else "abstract") for j in range(rng.randint(1, 3)))
        mentions.append(Mention(kind, name, aliases, ROLES[k % 3] if kind in ("method", "dataset") else "used",
                                round(rng.random(), 3), evidence, rng.choice(("fake", "rules"))))
    links = ((Link(f"https://github.com/org{i % 40}/repo-{i % 40}", "code", evidence=(Evidence("code at", 0, 4),)),)
             if i % 3 == 0 else ())
    meta = {"authors": [f"Author {i % 17}", "Ann O'Neil"], "published": f"20{10 + i % 14}-01-0{1 + i % 9}"}
    return Extraction(Paper(f"arxiv:{i:05d}", f"Paper {i}", abstract, (Source("big.jsonl", i + 1, "jsonl"),), meta),
                      tuple(mentions), links)


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(14)
    directory = tmp_path_factory.mktemp("stream") / "graph"
    build([*tricky_extractions(), *(_paper(i, rng) for i in range(PAPERS))], directory)
    return directory


def _both(store_dir: Path, tmp_path: Path, fmt: str, **options: object) -> tuple[Path, Path]:
    """Export ``fmt`` streamed from the store and from its networkx graph (the old path)."""
    streamed, loaded = tmp_path / f"streamed.{fmt}", tmp_path / f"loaded.{fmt}"
    with open_store(store_dir) as store:
        export(store, fmt, streamed, **options)
        assert store._graph is None, "the streamed export loaded the whole graph"
        export(store.graph, fmt, loaded, **options)
    return streamed, loaded


@pytest.mark.parametrize("fmt,evidence", [("nt", "none"), ("nt", "summary"), ("nt", "full"),
                                          ("nq", "summary"), ("ttl", "full")])
def test_rdf_streamed_from_the_database_equals_the_graph_path(big_store: Path, tmp_path: Path,
                                                              fmt: str, evidence: str) -> None:
    streamed, loaded = _both(big_store, tmp_path, fmt, evidence=evidence)
    assert streamed.stat().st_size > PAPERS * 100
    assert streamed.read_bytes() == loaded.read_bytes()


@pytest.mark.parametrize("evidence", ["summary", "full"])
def test_neo4j_csv_streamed_equals_the_graph_path(big_store: Path, tmp_path: Path, evidence: str) -> None:
    streamed, loaded = _both(big_store, tmp_path, "neo4j-csv", evidence=evidence)
    names = sorted(p.name for p in loaded.iterdir())
    assert names == sorted(p.name for p in streamed.iterdir()) and len(names) == len(LABELS) + len(REL_TYPES) + 2
    match, mismatch, errors = filecmp.cmpfiles(streamed, loaded, names, shallow=False)
    assert (mismatch, errors) == ([], [])
    assert (streamed / "nodes-Paper.csv").read_text("utf-8").count("arxiv:") >= PAPERS


def test_cypher_script_streamed_equals_the_graph_path(big_store: Path, tmp_path: Path) -> None:
    streamed, loaded = _both(big_store, tmp_path, "cypher", evidence="full")
    assert streamed.read_bytes() == loaded.read_bytes()


def test_stored_graph_iterates_like_the_loaded_graph(big_store: Path) -> None:
    with open_store(big_store) as store:
        view = stream_of(store)
        assert isinstance(view, StoredGraph)
        graph = store.graph
        assert list(view.nodes(data=True)) == list(graph.nodes(data=True))
        assert list(view.edges(keys=True, data=True)) == list(graph.edges(keys=True, data=True))
        for node in list(graph)[::97]:
            assert list(view.out_edges(node, keys=True)) == list(graph.out_edges(node, keys=True))
            assert list(view.in_edges(node, keys=True)) == list(graph.in_edges(node, keys=True))
            assert view.nodes[node] == graph.nodes[node]
        assert len(view) == graph.number_of_nodes() and view.number_of_edges() == graph.number_of_edges()
        assert view.graph == graph.graph
        # a store whose graph was replaced in memory streams that graph
        store.graph = graph.subgraph(list(graph)[:10]).copy()
        assert stream_of(store) is store.graph


def test_exports_and_caches_never_load_the_graph(big_store: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the in-memory limit the graph is refused, and the streamed writers still work."""
    import shutil

    from kg.api import run_query

    directory = tmp_path / "graph"
    shutil.copytree(big_store, directory, ignore=shutil.ignore_patterns("cache"))
    monkeypatch.setenv("PAPERKG_MAX_GRAPH", "10")
    with open_store(directory) as store:
        with pytest.raises(Exception, match="more than the 10"):
            store.graph  # noqa: B018
        assert export(store, "nt", tmp_path / "g.nt") > PAPERS
        export(store, "neo4j-csv", tmp_path / "csv")
    queries = Path(__file__).resolve().parents[1] / "queries"
    for query in (queries / "sparql/top-methods.rq", queries / "cypher/top-methods.cypher"):
        assert run_query(directory, str(query)).rows, query


def test_sparql_cache_holds_the_triples_of_the_graph(big_store: Path) -> None:
    import pyoxigraph as ox

    from kg.query.sparql_cache import load

    streamed, loaded = ox.Store(), ox.Store()
    with open_store(big_store) as store:
        count = load(streamed, store)
        assert store._graph is None
        assert load(loaded, store.graph) == count > PAPERS * 10
    assert len(streamed) == len(loaded)
    assert set(streamed) == set(loaded)


def test_cypher_cache_holds_the_rows_of_the_graph(big_store: Path) -> None:
    """Each table of the embedded Cypher store (COPY from streamed Parquet files, one commit
    per table) holds exactly the schema's rows of the graph, in order, with their values."""
    import ladybug

    from kg.query.cypher_cache import create_database

    with open_store(big_store) as store:
        db = create_database(":memory:", store, keep_open=True)
        assert store._graph is None
        graph = store.graph
    conn = ladybug.Connection(db)
    try:
        for label in LABELS:
            names = [p.name for p in NODE_PROPS[label]]
            result = conn.execute(f"MATCH (n:{label}) RETURN {', '.join('n.' + n for n in names)} ORDER BY n.id")
            got = []
            while result.has_next():
                got.append(dict(zip(names, result.get_next())))
            want = sorted(node_rows(graph, label, with_hash=False), key=lambda r: r["id"])
            assert got == want, label
        total = 0
        for rel in REL_TYPES:
            names = [p.name for p in rel_props("full")]
            result = conn.execute(f"MATCH (a)-[r:{rel}]->(b) RETURN a.id, b.id, "
                                  f"{', '.join('r.' + n for n in names)}")
            got = []
            while result.has_next():
                start, end, *values = result.get_next()
                got.append({"start": start, "end": end, **dict(zip(names, values))})
            want = list(rel_rows(graph, rel, with_hash=False))
            key = lambda r: (r["start"], r["end"])  # noqa: E731
            assert sorted(got, key=key) == sorted(want, key=key), rel
            total += len(want)
        assert total > PAPERS
    finally:
        conn.close()
        db.close()


def test_neo4j_csv_streamed_rewrites_with_another_delimiter_when_the_first_occurs(tmp_path: Path) -> None:
    """The streamed CSV export writes once with ``;``; an alias holding ``;`` and ``|`` makes it
    write again with the first free delimiter, and the files equal the graph path's."""
    odd = Extraction(Paper("arxiv:0001", "Odd", "We use Odd;Net.", (Source("o.jsonl", 1, "jsonl"),)),
                     (Mention("method", "OddNet", ("Odd;Net", "Odd|Net"), "used", 0.7,
                              (Evidence("We use Odd;Net.", 7, 14),), "fake"),))
    directory = tmp_path / "graph"
    build([*tricky_extractions(), odd], directory)
    streamed, loaded = _both(directory, tmp_path, "neo4j-csv", evidence="full")
    assert "--array-delimiter='\u00a6'" in (streamed / "README.md").read_text("utf-8")
    names = sorted(p.name for p in loaded.iterdir())
    assert filecmp.cmpfiles(streamed, loaded, names, shallow=False)[1:] == ([], [])
