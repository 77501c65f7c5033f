"""The Python API: one typed function per ``paperkg`` command; the CLI is a thin shell over it.

=====================  ==========================================================
command                function (result)
=====================  ==========================================================
``extract``            :func:`extract_to_file` (:class:`RunReport`); streaming: :func:`extract_papers`
``build``              :func:`build_store` (:class:`BuildResult`)
``stats``              :func:`store_stats` (:class:`StoreStats`)
``show``               :func:`show_entity` (:class:`ShowResult`)
``doctor``             :func:`check_store` (``DoctorReport``)
``export``             :func:`export_graph` (:class:`ExportResult`)
``query``              :func:`run_query` (``QueryResult``; :func:`render_rows` prints it)
``eval``               :func:`evaluate` (``EvalReport``)
``validate``           :func:`validate_store` (``ValidationReport``)
``push sparql``        :func:`push_sparql` (``SparqlPushReport``)
``push neo4j``         :func:`push_neo4j` (``Neo4jPushReport``)
``viz``                :func:`visualize` (:class:`VizResult`)
``fetch hf-daily``     :func:`fetch_hf_daily` (``FetchReport``)
``fetch arxiv``        :func:`fetch_arxiv` (``FetchReport``)
``serve``              :func:`web_app` (an ASGI application)
=====================  ==========================================================

Every failure a user can cause is a :class:`~kg.errors.PaperKGError` with a one-line message.
The stages behind these functions are imported when first called: importing this module
loads no spaCy, rdflib, pyoxigraph or networkx, so ``stats`` does not pay for extraction.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import EngineError, ExportError, NoPapersError, UsageError
from kg.records import Extraction, Paper, Problem
from kg.output import atomic_open
from kg.sources import FetchOptions, FetchReport

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from kg.export.cypher.push import PushReport as Neo4jPushReport
    from kg.export.rdf.push import PushReport as SparqlPushReport
    from kg.export.rdf.validate import ValidationReport
    from kg.extract.evaluate import Report as EvalReport
    from kg.query.runner import QueryResult
    from kg.store.core import BuildReport
    from kg.store.doctor import DoctorReport

RDF_FORMATS = ("ttl", "nt", "nq", "trig", "jsonld", "xml")
NEO4J_FORMATS = ("neo4j-csv", "cypher")

def components_without(exclude: Sequence[str]) -> tuple[str, ...]:
    """The default pipeline components minus ``exclude`` (``paperkg_entities`` always runs)."""
    from extractors.components import COMPONENTS

    return tuple(c for c in COMPONENTS if c not in set(exclude) or c == "paperkg_entities")


@dataclass
class RunReport:
    """What a run did: counts and every problem met (file, line, reason)."""

    papers: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def extract_papers(inputs: Sequence[str], *, fmt: str | None = None, model: str | None = None,
                   workers: int = 1, batch_size: int = 64, report: RunReport | None = None,
                   progress: Callable[[int], None] | None = None, stdin: Any = None,
                   exclude: Sequence[str] = (), max_chars: int | None = None,
                   min_confidence: float = 0.0, engine: str = "local",
                   scheduler: str | None = None, corpus_names: bool = True) -> Iterator[Extraction]:
    """Read ``inputs`` and stream one Extraction per unique paper (entities below
    ``min_confidence`` left out). ``engine`` is ``"local"`` (``workers`` processes) or
    ``"dask"`` (the cluster at ``scheduler``, or a local one of ``workers`` processes).
    ``corpus_names``: also find, in every paper, the names other papers of the run give
    strong evidence for (:mod:`kg.extract.corpus`; the output starts after the last paper
    is extracted). Fails (after reporting the bad records) when the inputs hold no paper at all."""
    from kg.ingest import read_papers

    rep = report if report is not None else RunReport()
    papers: Iterable[Paper] = read_papers(inputs, fmt=fmt, on_problem=rep.problems.append, stdin=stdin,
                                          max_chars=max_chars)
    extractions = _extract(papers, engine, scheduler, model, exclude, max_chars, workers, batch_size,
                           rep.problems.append)
    if corpus_names:  # the table is made of what the run keeps (as a store built from it does)
        from kg.extract.corpus import with_learned_names

        extractions = with_learned_names((confident(e, min_confidence) for e in extractions), min_confidence)
    for extraction in extractions:
        rep.papers += 1
        if progress:
            progress(1)
        yield confident(extraction, min_confidence)
    if not rep.papers:
        raise no_papers(inputs, rep)


def _nlp(model: str, exclude: Sequence[str], max_chars: int | None) -> Any:
    """The pipeline, able to take any text the ingest length limit lets through."""
    from kg.extract.pipeline import build_nlp

    nlp = build_nlp(model, components_without(exclude))
    nlp.max_length = max(nlp.max_length, _max_length(max_chars))
    return nlp


def _max_length(max_chars: int | None) -> int:
    from kg.ingest import MAX_CHARS

    return (MAX_CHARS if max_chars is None else max_chars) + 16


def _extract(papers: Iterable[Paper], engine: str, scheduler: str | None, model: str | None, exclude: Sequence[str],
             max_chars: int | None, workers: int, batch_size: int,
             on_problem: Callable[[Problem], None]) -> Iterator[Extraction]:
    """``extract`` on the engine the options name (the pipeline is built where it runs)."""
    from kg.extract.pipeline import DEFAULT_MODEL, PipelineSpec, extract

    model = model or DEFAULT_MODEL
    if engine == "local":
        if scheduler:
            raise EngineError("--scheduler needs --engine dask", hint="add --engine dask, or leave --scheduler out")
        return extract(papers, _nlp(model, exclude, max_chars), batch_size=batch_size, workers=workers,
                       on_problem=on_problem)
    if engine != "dask":
        raise EngineError(f"unknown extraction engine '{engine}'", hint="use local or dask")
    from kg.extract.cluster import PARTITION, DaskEngine

    spec = PipelineSpec(model, components_without(exclude), _max_length(max_chars))
    cluster = DaskEngine(spec, scheduler=scheduler, workers=workers, batch_size=batch_size)
    return extract(papers, engine=cluster, partition_size=max(PARTITION, batch_size), on_problem=on_problem)


def confident(extraction: Extraction, min_confidence: float) -> Extraction:
    """``extraction`` without the entities whose confidence is below ``min_confidence``."""
    if min_confidence <= 0:
        return extraction
    kept = tuple(e for e in extraction.entities if e.confidence >= min_confidence)
    return Extraction(paper=extraction.paper, entities=kept, links=extraction.links)


def extract_to_file(inputs: Sequence[str], output: str | None = None, *, fmt: str | None = None,
                    model: str | None = None, workers: int = 1, batch_size: int = 64,
                    report: RunReport | None = None, progress: Callable[[int], None] | None = None,
                    stdin: Any = None, exclude: Sequence[str] = (), max_chars: int | None = None,
                    min_confidence: float = 0.0, engine: str = "local", scheduler: str | None = None,
                    corpus_names: bool = True) -> RunReport:
    """``paperkg extract``: JSON Lines, one object per unique paper, written atomically to
    ``output`` (``None`` or ``"-"``: stdout). Bad records land in the report's ``problems``
    (pass ``report`` to see them also when the run then fails)."""
    report = report if report is not None else RunReport()
    with atomic_open(output) as out:
        for extraction in extract_papers(inputs, fmt=fmt, model=model, workers=workers, batch_size=batch_size,
                                         report=report, progress=progress, stdin=stdin, exclude=exclude,
                                         max_chars=max_chars, min_confidence=min_confidence, engine=engine,
                                         scheduler=scheduler, corpus_names=corpus_names):
            out.write(json.dumps(extraction.to_dict(), ensure_ascii=False, allow_nan=False) + "\n")
    return report


def write_problems(problems: Iterable[Problem], path: str | Path) -> None:
    with atomic_open(str(path)) as out:
        for problem in problems:
            out.write(json.dumps(problem.to_dict(), ensure_ascii=False) + "\n")


@dataclass(frozen=True)
class BuildResult:
    """What ``build`` did: the store's report (papers by outcome, graph size), how many
    papers were extracted now and how many reused their stored entities, and every
    problem met."""

    store: BuildReport
    extracted: int
    reused: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def to_dict(self) -> dict[str, Any]:
        """The store's report plus ``extracted`` and ``reused`` (what ``build --json`` prints)."""
        return {**self.store.to_dict(), "extracted": self.extracted, "reused": self.reused}


def build_store(inputs: Sequence[str], directory: str | Path, *, rebuild: bool = False,
                fmt: str | None = None, model: str | None = None, workers: int = 1, batch_size: int = 64,
                report: RunReport | None = None, progress: Callable[[int], None] | None = None,
                stdin: Any = None, exclude: Sequence[str] = (), wait: float = 0.0,
                max_chars: int | None = None, min_confidence: float = 0.0,
                fetch: Sequence[str] = (), fetch_options: FetchOptions | None = None,
                fetch_max: int = 100, engine: str = "local", scheduler: str | None = None,
                corpus_names: bool | None = None) -> BuildResult:
    """``paperkg build``: extract the papers not yet in the store (a stored paper whose title
    and abstract are unchanged reuses its stored entities) and rebuild the store atomically.
    The store's lock is held from reading it to swapping in the new one; another writer is
    waited for up to ``wait`` seconds. Inputs with no paper at all fail (the store is left
    as it was). ``fetch`` specs (see :func:`fetch_listing`) are downloaded first, with
    ``fetch_options``, and their files built after ``inputs``. ``corpus_names`` (None: as the
    store was built, on for a new one): as ``extract --corpus-names``, over every stored paper."""
    from kg.extract.pipeline import DEFAULT_MODEL
    from kg.store.lock import write_lock

    if not inputs and not fetch:
        raise UsageError("nothing to build", hint="give INPUT files or --fetch SOURCE:ARG")
    inputs = list(inputs)
    if fetch:
        from kg.ingest.fetch import run_spec

        for spec in fetch:
            inputs += run_spec(spec, fetch_options or FetchOptions(), fetch_max).files
    rep = report if report is not None else RunReport()
    with write_lock(directory, wait=wait):
        return _build_store(inputs, Path(directory), rebuild=rebuild, fmt=fmt, model=model or DEFAULT_MODEL,
                            workers=workers, batch_size=batch_size, report=rep, progress=progress, stdin=stdin,
                            exclude=exclude, max_chars=max_chars, min_confidence=min_confidence, engine=engine,
                            scheduler=scheduler, corpus_names=corpus_names)


def _build_store(inputs: Sequence[str], directory: Path, *, rebuild: bool, fmt: str | None, model: str,
                 workers: int, batch_size: int, report: RunReport,
                 progress: Callable[[int], None] | None, stdin: Any, exclude: Sequence[str],
                 max_chars: int | None, min_confidence: float, engine: str = "local",
                 scheduler: str | None = None, corpus_names: bool | None = None) -> BuildResult:
    from kg.ingest import read_papers
    from kg.store import core as store

    rep = report
    stored = (lambda paper_id: None) if rebuild else _stored_lookup(directory)
    known = {} if rebuild else store.stored_inputs(directory)
    by_content = {sha: name for name, sha in sorted(known.items(), reverse=True)}  # first name wins
    seen_inputs: dict[str, str] = {}
    reused: list[Extraction] = []
    read = [0]

    def needs_nlp() -> Iterator[Paper]:
        for paper in read_papers(inputs, fmt=fmt, on_problem=rep.problems.append, stdin=stdin,
                                 max_chars=max_chars, source_names=by_content, on_input=seen_inputs.__setitem__):
            read[0] += 1
            old = stored(paper.id)
            if old is not None and (old.paper.title, old.paper.abstract) == (paper.title, paper.abstract):
                reused.append(Extraction(paper=paper, entities=old.entities, links=old.links))
                if progress:
                    progress(1)
                continue
            yield paper

    def all_extractions() -> Iterator[Extraction]:
        for extraction in _extract(needs_nlp(), engine, scheduler, model, exclude, max_chars, workers, batch_size,
                                   rep.problems.append):
            rep.papers += 1
            if progress:
                progress(1)
            yield confident(extraction, min_confidence)
        for extraction in reused:
            yield confident(extraction, min_confidence)
        if not read[0]:
            raise no_papers(inputs, rep)

    result = store.build(all_extractions(), directory, rebuild=rebuild, inputs=seen_inputs, corpus_names=corpus_names,
                         min_confidence=min_confidence)
    return BuildResult(store=result, extracted=rep.papers, reused=len(reused), problems=rep.problems)


def no_papers(inputs: Sequence[str], report: RunReport) -> NoPapersError:
    """The error for inputs that hold no paper at all."""
    problems = f"; {len(report.errors)} bad record(s) are listed above" if report.errors else ""
    where = ", ".join(inputs) if len(inputs) <= 3 else f"{len(inputs)} inputs"
    return NoPapersError(f"no papers found in {where}{problems}",
                         hint="check that the inputs hold titles and abstracts, or force the format with --input-format")


def _stored_lookup(directory: Path) -> Callable[[str], Extraction | None]:
    """Paper id -> its stored record, looked up in the store's index one at a time (the
    stored papers are never all in memory here)."""
    from kg.store import core as store

    if not (directory / "manifest.json").exists():
        return lambda paper_id: None
    return store.open_store(directory).extraction


# --------------------------------------------------------------------------- read the store

@dataclass(frozen=True)
class StoreStats:
    """``paperkg stats``: papers, node and edge counts per type, the top entities per type
    as ``[name, paper count]`` pairs, and the number of audited merges."""

    papers: int
    nodes: dict[str, int]
    edges: dict[str, int]
    top: dict[str, list[list[Any]]]
    merges: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def store_stats(directory: str | Path, *, top: int = 10) -> StoreStats:
    """``paperkg stats``: counts of the graph store in ``directory``; ``top`` entities per type."""
    from kg.store.core import open_store

    data = open_store(directory).stats()
    return StoreStats(papers=int(data.get("papers", 0)), nodes=dict(data["nodes"]), edges=dict(data["edges"]),
                      top={k: list(v[:top]) for k, v in data.get("top", {}).items()},
                      merges=int(data.get("merges", 0)))


@dataclass(frozen=True)
class ShowResult:
    """``paperkg show``: every entity ``name`` can mean, each described as a plain dict
    (type, name, aliases, long forms, ids, papers by relation with evidence, datasets,
    tasks, methods, code)."""

    name: str
    entities: list[dict[str, Any]]


def show_entity(directory: str | Path, name: str) -> ShowResult:
    """``paperkg show``: what the graph in ``directory`` knows about ``name`` (matched on
    names and aliases). Fails when no entity has that name."""
    from kg.graph.build import describe, find_entities
    from kg.store.core import open_store

    graph = open_store(directory).neighbourhood(name)  # found through the store's name index
    found = find_entities(graph, name)
    if not found:
        raise ExportError(f"no entity named '{name}' in {directory}",
                          hint="check the spelling, or list names with 'paperkg stats DIR'")
    return ShowResult(name=name, entities=[describe(graph, node) for node in found])


def check_store(directory: str | Path) -> DoctorReport:
    """``paperkg doctor``: verify the store (lock, leftovers of dead builds, manifest,
    file and paper hashes); the report's ``ok`` says whether all checks passed."""
    from kg.store.doctor import check_store as run_checks

    return run_checks(directory)


# --------------------------------------------------------------------------- export, query, push, draw

@dataclass(frozen=True)
class ExportResult:
    """``paperkg export``: the format written and where."""

    format: str
    output: str


def export_graph(directory: str | Path, fmt: str, output: str | Path, *, base_iri: str | None = None,
                 graph_iri: str | None = None, evidence: str | None = None) -> ExportResult:
    """``paperkg export``: write the graph in ``directory`` as ``fmt`` (``kg.export.formats()``
    lists them) to ``output``. ``base_iri`` and ``graph_iri`` apply to the RDF formats only,
    ``evidence`` (none, summary, full; default summary) to RDF and Neo4j (neo4j-csv, cypher)."""
    from kg.export import export as run_export
    from kg.store.core import open_store

    options = {k: v for k, v in (("base_iri", base_iri), ("graph_iri", graph_iri), ("evidence", evidence)) if v}
    if (base_iri or graph_iri) and fmt not in RDF_FORMATS:
        raise UsageError(f"--base-iri and --graph apply to RDF formats, not '{fmt}'",
                         hint="use --format ttl, nt, nq, trig, jsonld or xml")
    if evidence and fmt not in RDF_FORMATS + NEO4J_FORMATS:
        raise UsageError(f"--evidence applies to RDF formats and neo4j-csv/cypher, not '{fmt}'",
                         hint="use --format ttl, nt, nq, trig, jsonld, xml, neo4j-csv or cypher")
    run_export(open_store(directory), fmt, output, **options)
    return ExportResult(format=fmt, output=str(output))


@dataclass(frozen=True)
class Neo4jTarget:
    """A Neo4j server to run Cypher on instead of the embedded store."""

    uri: str
    user: str | None = "neo4j"
    password: str | None = None
    database: str | None = None


def run_query(directory: str | Path, query: str, *, params: Mapping[str, str] | None = None,
              neo4j: Neo4jTarget | None = None) -> QueryResult:
    """``paperkg query``: run a ``.rq``/``.cypher`` file or a canned query name (e.g.
    ``top-datasets``) on the graph in ``directory``, with ``params`` bound, never formatted in."""
    from kg.query.runner import run

    return run(directory, query, dict(params or {}), neo4j=asdict(neo4j) if neo4j else None)


def render_rows(result: QueryResult, fmt: str = "table") -> str:
    """A query result as text: ``table`` (for a terminal), ``csv`` or ``json``."""
    from kg.query.runner import render

    return render(result, fmt)


def evaluate(gold: str | Path, *, kind: str = "auto", predictions: str | Path | None = None,
             model: str | None = None, detail: bool = False) -> EvalReport:
    """``paperkg eval``: precision, recall and F1 per field of ``predictions`` (a
    ``paperkg extract`` output; default: extract ``gold``'s papers now) against ``gold``
    (``kind`` seedgold, scirex, or auto: told from the first record)."""
    import tempfile

    from kg.extract.evaluate import evaluate as score

    if kind == "auto":
        kind = _gold_kind(str(gold))
    with tempfile.TemporaryDirectory() as tmp:
        if predictions is None:
            predictions = f"{tmp}/pred.jsonl"
            extract_to_file([str(gold)], predictions, fmt="jsonl", model=model)
        return score(kind, predictions, gold, detail=detail)


def _gold_kind(path: str) -> str:
    from kg.ingest import check_input, iter_lines

    for line in iter_lines(check_input(path)):
        if line.strip():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                break
            if isinstance(record, dict):
                return "scirex" if "mentions" in record else "seedgold"
    raise UsageError("cannot tell the gold format", where=path, hint="pass --kind seedgold or --kind scirex")


def validate_store(directory: str | Path, *, base_iri: str | None = None, evidence: str = "full"
                   ) -> ValidationReport:
    """``paperkg validate``: check the graph in ``directory``, as RDF exported with
    ``evidence``, against the SHACL shapes (ontology/shapes.ttl)."""
    from kg.export.rdf.validate import validate_store as run_validation

    return run_validation(directory, base_iri, evidence)


def push_sparql(directory: str | Path, *, endpoint: str, graph_iri: str | None = None,
                base_iri: str | None = None, user: str | None = None, password: str | None = None,
                batch_size: int = 50_000, timeout: float = 300.0,
                progress: Callable[[int], None] | None = None, evidence: str = "summary") -> SparqlPushReport:
    """``paperkg push sparql``: replace the named graph ``graph_iri`` at the Graph Store
    Protocol ``endpoint`` with the graph in ``directory`` at the ``evidence`` level
    (``progress``: triples sent)."""
    from kg.export.rdf.push import push_sparql as push
    from kg.store.core import open_store

    return push(open_store(directory), endpoint, graph_iri=graph_iri, base_iri=base_iri, user=user,
                password=password, batch_size=batch_size, timeout=timeout, progress=progress,
                evidence=evidence)


def push_neo4j(directory: str | Path, *, uri: str, user: str | None = "neo4j", password: str | None = None,
               database: str | None = None, batch_size: int | None = None,
               progress: Callable[[int], None] | None = None, evidence: str = "summary") -> Neo4jPushReport:
    """``paperkg push neo4j``: push the graph in ``directory`` to Neo4j 5+ at ``uri`` in
    idempotent batches of ``batch_size`` rows (``progress``: rows written), relationships at
    the ``evidence`` level (none, summary, full)."""
    from kg.export.cypher.push import DEFAULT_BATCH_SIZE, push

    return push(directory, uri=uri, user=user, password=password, database=database,
                batch_size=batch_size or DEFAULT_BATCH_SIZE, progress=progress, evidence=evidence)


@dataclass(frozen=True)
class VizResult:
    """``paperkg viz``: the file written and how many nodes and edges it draws."""

    output: str
    nodes: int
    edges: int


def visualize(directory: str | Path, output: str | Path, *, fmt: str | None = None, focus: str | None = None,
              hops: int = 2, top: int | None = None, min_papers: int = 0, types: Sequence[str] = (),
              layout: str = "force", title: str | None = None) -> VizResult:
    """``paperkg viz``: draw the graph in ``directory`` to ``output`` (html, png or svg; by
    default from the extension). ``focus``/``hops`` draw a neighbourhood, ``top`` the most
    connected entities, ``types`` (any case) the node types shown (default: all)."""
    from kg.export.viz import visualize as draw
    from kg.export.viz.view import ViewOptions
    from kg.graph.model import NODE_TYPES as ALL_NODE_TYPES
    from kg.store.core import open_store

    canonical = {t.lower(): t for t in ALL_NODE_TYPES}
    unknown = [t for t in types if t.lower() not in canonical]
    if unknown:
        raise ExportError(f"unknown node type '{unknown[0]}'", hint=f"use one of: {', '.join(ALL_NODE_TYPES)}")
    chosen = tuple(canonical[t.lower()] for t in types) if types else ALL_NODE_TYPES
    options = ViewOptions(focus=focus, hops=hops, top=top, min_papers=min_papers, types=chosen)
    drawn = draw(open_store(directory), output, options=options, fmt=fmt, layout=layout, title=title)
    return VizResult(output=str(output), nodes=drawn["nodes"], edges=drawn["edges"])


# --------------------------------------------------------------------------- fetch, serve

def fetch_hf_daily(day: str, to: str | None = None, *, options: FetchOptions | None = None) -> FetchReport:
    """``paperkg fetch hf-daily``: the Hugging Face daily papers listings from ``day`` to
    ``to`` (inclusive; dates as YYYY-MM-DD), one cached JSON file per day."""
    from kg.ingest.fetch import fetch_hf_daily as fetch, parse_date

    return fetch(parse_date(day), parse_date(to) if to else None, options or FetchOptions())


def fetch_arxiv(query: str, *, max_results: int = 100, page_size: int | None = None,
                options: FetchOptions | None = None) -> FetchReport:
    """``paperkg fetch arxiv``: arXiv API search results for ``query`` (Atom), one cached
    file per page of ``page_size``, newest first, ``max_results`` papers at most."""
    from kg.ingest.fetch import ARXIV_PAGE, fetch_arxiv as fetch

    return fetch(query, max_results, options or FetchOptions(), page_size=page_size or ARXIV_PAGE)


def fetch_listing(spec: str, *, cache: str | Path = "paperkg-cache", base_url: str | None = None,
                  interval: float | None = None, max_results: int = 100,
                  progress: Callable[[str], None] | None = None) -> FetchReport:
    """Download what ``spec`` names (``hf-daily:DATE``, ``hf-daily:FROM..TO``,
    ``arxiv:QUERY``) into ``cache``; the report's ``files`` can be passed to :func:`build_store`
    (which also takes the specs themselves as ``fetch``)."""
    from kg.ingest.fetch import run_spec

    options = FetchOptions(cache=Path(cache), base_url=base_url, interval=interval, progress=progress)
    return run_spec(spec, options, max_results)


def web_app(directory: str | Path, *, sparql_timeout: float = 10.0) -> Starlette:
    """``paperkg serve``: the ASGI application over the store in ``directory`` (run it with
    uvicorn or any ASGI server); ``sparql_timeout`` bounds /sparql and /cypher queries."""
    from kg.serve.app import create_app

    return create_app(directory, sparql_timeout=sparql_timeout, cypher_timeout=sparql_timeout)
