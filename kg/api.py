"""The Python API behind the CLI: each command is one function here."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import EngineError, NoPapersError
from kg.ingest import read_papers
from kg.records import Extraction, Paper, Problem
from kg.output import atomic_open
from kg.extract.pipeline import DEFAULT_MODEL, PipelineSpec, build_nlp, extract


def components_without(exclude: Sequence[str]) -> tuple[str, ...]:
    """The default pipeline components minus ``exclude`` (``paperkg_entities`` always runs)."""
    from extractors.components import COMPONENTS

    return tuple(c for c in COMPONENTS if c not in set(exclude) or c == "paperkg_entities")


@dataclass
class RunReport:
    """What a run did: counts and every problem met (file, line, reason)."""

    papers: int = 0
    problems: list[Problem] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def extract_papers(inputs: Sequence[str], *, fmt: str | None = None, model: str = DEFAULT_MODEL,
                   workers: int = 1, batch_size: int = 64, report: RunReport | None = None,
                   progress: Callable[[int], None] | None = None, stdin: Any = None,
                   exclude: Sequence[str] = (), max_chars: int | None = None,
                   min_confidence: float = 0.0, engine: str = "local",
                   scheduler: str | None = None) -> Iterator[Extraction]:
    """Read ``inputs`` and stream one Extraction per unique paper (entities below
    ``min_confidence`` left out). ``engine`` is ``"local"`` (``workers`` processes) or
    ``"dask"`` (the cluster at ``scheduler``, or a local one of ``workers`` processes).
    Fails (after reporting the bad records) when the inputs hold no paper at all."""
    rep = report if report is not None else RunReport()
    papers: Iterable[Paper] = read_papers(inputs, fmt=fmt, on_problem=rep.problems.append, stdin=stdin,
                                          max_chars=max_chars)
    for extraction in _extract(papers, engine, scheduler, model, exclude, max_chars, workers, batch_size,
                               rep.problems.append):
        rep.papers += 1
        if progress:
            progress(1)
        yield confident(extraction, min_confidence)
    if not rep.papers:
        raise no_papers(inputs, rep)


def _nlp(model: str, exclude: Sequence[str], max_chars: int | None) -> Any:
    """The pipeline, able to take any text the ingest length limit lets through."""
    nlp = build_nlp(model, components_without(exclude))
    nlp.max_length = max(nlp.max_length, _max_length(max_chars))
    return nlp


def _max_length(max_chars: int | None) -> int:
    from kg.ingest import MAX_CHARS

    return (MAX_CHARS if max_chars is None else max_chars) + 16


def _extract(papers: Iterable[Paper], engine: str, scheduler: str | None, model: str, exclude: Sequence[str],
             max_chars: int | None, workers: int, batch_size: int,
             on_problem: Callable[[Problem], None]) -> Iterator[Extraction]:
    """``extract`` on the engine the options name (the pipeline is built where it runs)."""
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


def extract_to_file(inputs: Sequence[str], output: str | None, **options: Any) -> RunReport:
    """``paperkg extract``: JSON Lines, one object per unique paper, written atomically."""
    report: RunReport = options.pop("report", None) or RunReport()
    with atomic_open(output) as out:
        for extraction in extract_papers(inputs, report=report, **options):
            out.write(json.dumps(extraction.to_dict(), ensure_ascii=False, allow_nan=False) + "\n")
    return report


def write_problems(problems: Iterable[Problem], path: str | Path) -> None:
    with atomic_open(str(path)) as out:
        for problem in problems:
            out.write(json.dumps(problem.to_dict(), ensure_ascii=False) + "\n")


def build_store(inputs: Sequence[str], directory: str | Path, *, rebuild: bool = False,
                fmt: str | None = None, model: str = DEFAULT_MODEL, workers: int = 1, batch_size: int = 64,
                report: RunReport | None = None, progress: Callable[[int], None] | None = None,
                stdin: Any = None, exclude: Sequence[str] = (), wait: float = 0.0,
                max_chars: int | None = None, min_confidence: float = 0.0, engine: str = "local",
                scheduler: str | None = None) -> RunReport:
    """``paperkg build``: extract the papers not yet in the store (a stored paper whose title
    and abstract are unchanged reuses its stored entities) and rebuild the store atomically.
    The store's lock is held from reading it to swapping in the new one; another writer is
    waited for up to ``wait`` seconds. Inputs with no paper at all fail (the store is left
    as it was)."""
    from kg.store.lock import write_lock

    with write_lock(directory, wait=wait):
        return _build_store(inputs, Path(directory), rebuild=rebuild, fmt=fmt, model=model, workers=workers,
                            batch_size=batch_size, report=report, progress=progress, stdin=stdin,
                            exclude=exclude, max_chars=max_chars, min_confidence=min_confidence, engine=engine,
                            scheduler=scheduler)


def _build_store(inputs: Sequence[str], directory: Path, *, rebuild: bool, fmt: str | None, model: str,
                 workers: int, batch_size: int, report: RunReport | None,
                 progress: Callable[[int], None] | None, stdin: Any, exclude: Sequence[str],
                 max_chars: int | None, min_confidence: float, engine: str = "local",
                 scheduler: str | None = None) -> RunReport:
    from kg.store import core as store

    rep = report if report is not None else RunReport()
    stored = {} if rebuild else _stored_texts(directory)
    known = {} if rebuild else store.stored_inputs(directory)
    by_content = {sha: name for name, sha in sorted(known.items(), reverse=True)}  # first name wins
    seen_inputs: dict[str, str] = {}
    reused: list[Extraction] = []
    read = [0]

    def needs_nlp() -> Iterator[Paper]:
        for paper in read_papers(inputs, fmt=fmt, on_problem=rep.problems.append, stdin=stdin,
                                 max_chars=max_chars, source_names=by_content, on_input=seen_inputs.__setitem__):
            read[0] += 1
            old = stored.get(paper.id)
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

    result = store.build(all_extractions(), directory, rebuild=rebuild, inputs=seen_inputs)
    rep.extra.update(result.to_dict())
    rep.extra["extracted"] = rep.papers
    rep.extra["reused"] = len(reused)
    return rep


def no_papers(inputs: Sequence[str], report: RunReport) -> NoPapersError:
    """The error for inputs that hold no paper at all."""
    problems = f"; {len(report.errors)} bad record(s) are listed above" if report.errors else ""
    where = ", ".join(inputs) if len(inputs) <= 3 else f"{len(inputs)} inputs"
    return NoPapersError(f"no papers found in {where}{problems}",
                         hint="check that the inputs hold titles and abstracts, or force the format with --input-format")


def _stored_texts(directory: Path) -> dict[str, Extraction]:
    from kg.store import core as store

    if not (directory / "manifest.json").exists():
        return {}
    return {e.paper.id: e for e in store.open_store(directory).extractions()}


def fetch_listing(spec: str, *, cache: str | Path = "paperkg-cache", base_url: str | None = None,
                  interval: float | None = None, max_results: int = 100,
                  progress: Callable[[str], None] | None = None) -> Any:
    """``paperkg fetch`` / ``build --fetch``: download what ``spec`` names (``hf-daily:DATE``,
    ``hf-daily:FROM..TO``, ``arxiv:QUERY``) into ``cache``; returns a ``kg.ingest.fetch.FetchReport``
    whose ``files`` can be passed to :func:`build_store`."""
    from kg.ingest.fetch import FetchOptions, run_spec

    options = FetchOptions(cache=Path(cache), base_url=base_url, interval=interval, progress=progress)
    return run_spec(spec, options, max_results)


def web_app(directory: str | Path, *, sparql_timeout: float = 10.0) -> Any:
    """``paperkg serve``: the ASGI application over the store in ``directory`` (run it with
    uvicorn or any ASGI server)."""
    from kg.serve.app import create_app

    return create_app(directory, sparql_timeout=sparql_timeout, cypher_timeout=sparql_timeout)
