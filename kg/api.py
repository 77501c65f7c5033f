"""The Python API behind the CLI: each command is one function here."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.ingest import read_papers
from kg.model import Extraction, Paper, Problem
from kg.output import atomic_open
from kg.pipeline import DEFAULT_MODEL, build_nlp, extract


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
                   exclude: Sequence[str] = (), min_confidence: float = 0.0) -> Iterator[Extraction]:
    """Read ``inputs`` and stream one Extraction per unique paper (entities below
    ``min_confidence`` left out)."""
    rep = report if report is not None else RunReport()
    papers: Iterable[Paper] = read_papers(inputs, fmt=fmt, on_problem=rep.problems.append, stdin=stdin)
    nlp = build_nlp(model, components_without(exclude))
    for extraction in extract(papers, nlp, batch_size=batch_size, workers=workers,
                              on_problem=rep.problems.append):
        rep.papers += 1
        if progress:
            progress(1)
        yield confident(extraction, min_confidence)


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
            out.write(json.dumps(extraction.to_dict(), ensure_ascii=False) + "\n")
    return report


def write_problems(problems: Iterable[Problem], path: str | Path) -> None:
    with atomic_open(str(path)) as out:
        for problem in problems:
            out.write(json.dumps(problem.to_dict(), ensure_ascii=False) + "\n")


def build_store(inputs: Sequence[str], directory: str | Path, *, rebuild: bool = False,
                fmt: str | None = None, model: str = DEFAULT_MODEL, workers: int = 1, batch_size: int = 64,
                report: RunReport | None = None, progress: Callable[[int], None] | None = None,
                stdin: Any = None, exclude: Sequence[str] = (), min_confidence: float = 0.0) -> RunReport:
    """``paperkg build``: extract the papers not yet in the store (a stored paper whose title
    and abstract are unchanged reuses its stored entities) and rebuild the store atomically."""
    from kg import store

    rep = report if report is not None else RunReport()
    stored = {} if rebuild else _stored_texts(Path(directory))
    reused: list[Extraction] = []

    def needs_nlp() -> Iterator[Paper]:
        for paper in read_papers(inputs, fmt=fmt, on_problem=rep.problems.append, stdin=stdin):
            old = stored.get(paper.id)
            if old is not None and (old.paper.title, old.paper.abstract) == (paper.title, paper.abstract):
                reused.append(Extraction(paper=paper, entities=old.entities, links=old.links))
                if progress:
                    progress(1)
                continue
            yield paper

    def all_extractions() -> Iterator[Extraction]:
        nlp = build_nlp(model, components_without(exclude))
        for extraction in extract(needs_nlp(), nlp, batch_size=batch_size, workers=workers,
                                  on_problem=rep.problems.append):
            rep.papers += 1
            if progress:
                progress(1)
            yield confident(extraction, min_confidence)
        for extraction in reused:
            yield confident(extraction, min_confidence)

    result = store.build(all_extractions(), directory, rebuild=rebuild)
    rep.extra.update(result.to_dict())
    rep.extra["extracted"] = rep.papers
    rep.extra["reused"] = len(reused)
    return rep


def _stored_texts(directory: Path) -> dict[str, Extraction]:
    from kg import store

    if not (directory / "manifest.json").exists():
        return {}
    return {e.paper.id: e for e in store.open_store(directory).extractions()}
