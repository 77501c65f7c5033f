"""Typed records passed between the stages: ingest -> extract -> resolve -> build.

All records are plain frozen dataclasses with ``to_dict``/``from_dict`` so they cross
process boundaries (``nlp.pipe(n_process=...)``) and files (JSON Lines) unchanged.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

EntityType = Literal["method", "dataset", "task", "metric"]
Role = Literal["proposed", "used", "mentioned"]
LinkKind = Literal["code", "model", "dataset", "space", "project", "other"]
TextField = Literal["title", "abstract"]

ENTITY_TYPES: tuple[str, ...] = ("method", "dataset", "task", "metric")
ROLES: tuple[str, ...] = ("proposed", "used", "mentioned")
LINK_KINDS: tuple[str, ...] = ("code", "model", "dataset", "space", "project", "other")


@dataclass(frozen=True)
class Source:
    """Where one copy of a paper was read: a file (``-`` for stdin), a 1-based line, a format."""

    file: str
    line: int
    format: str

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "format": self.format}  # asdict, without its deep copy


@dataclass(frozen=True)
class Paper:
    """One paper as read from an input record (before deduplication: one ``Source``)."""

    id: str
    title: str
    abstract: str
    sources: tuple[Source, ...]
    metadata: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def text(self) -> str:
        return self.abstract

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "title": self.title, "abstract": self.abstract,
                               "sources": [s.to_dict() for s in self.sources]}
        for key, value in self.metadata.items():
            out.setdefault(key, value)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Paper":
        reserved = {"id", "title", "abstract", "sources"}
        return cls(
            id=data["id"], title=data["title"], abstract=data.get("abstract", ""),
            sources=tuple(Source(**s) for s in data.get("sources", [])),
            metadata={k: v for k, v in data.items() if k not in reserved},
        )


@dataclass(frozen=True)
class Evidence:
    """A supporting span: ``start``/``end`` are character offsets into the paper's
    ``field`` (``abstract`` by default, ``title`` for title evidence); ``sentence`` is the
    sentence (or the whole title) that contains the span."""

    sentence: str
    start: int
    end: int
    field: TextField = "abstract"

    def to_dict(self) -> dict[str, Any]:
        return {"sentence": self.sentence, "start": self.start, "end": self.end, "field": self.field}


@dataclass(frozen=True)
class Mention:
    """An entity as found in one paper (the extractor's output, before cross-paper resolution)."""

    type: EntityType
    name: str
    aliases: tuple[str, ...] = ()
    role: Role = "mentioned"
    confidence: float = 0.5
    evidence: tuple[Evidence, ...] = ()
    extractor: str = ""
    ids: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": self.type, "name": self.name, "aliases": list(self.aliases),
            "role": self.role, "confidence": round(self.confidence, 3),
            "evidence": [e.to_dict() for e in self.evidence], "extractor": self.extractor,
        }
        if self.ids:
            out["ids"] = dict(self.ids)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Mention":
        return cls(
            type=data["type"], name=data["name"], aliases=tuple(data.get("aliases", ())),
            role=data.get("role", "mentioned"), confidence=float(data.get("confidence", 0.5)),
            evidence=tuple(Evidence(**e) for e in data.get("evidence", ())),
            extractor=data.get("extractor", ""), ids=tuple(sorted((data.get("ids") or {}).items())),
        )


@dataclass(frozen=True)
class Link:
    """A URL found in a title or abstract, normalized and classified."""

    url: str
    kind: LinkKind
    raw: str = ""
    host: str = ""
    path: str = ""
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"url": self.url, "kind": self.kind, "raw": self.raw, "host": self.host}
        if self.path:
            out["path"] = self.path
        out["evidence"] = [e.to_dict() for e in self.evidence]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Link":
        return cls(url=data["url"], kind=data["kind"], raw=data.get("raw", ""), host=data.get("host", ""),
                   path=data.get("path", ""), evidence=tuple(Evidence(**e) for e in data.get("evidence", ())))


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one unique paper: the ``paperkg extract`` output record."""

    paper: Paper
    entities: tuple[Mention, ...] = ()
    links: tuple[Link, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"paper": self.paper.to_dict(), "entities": [m.to_dict() for m in self.entities],
                "links": [link.to_dict() for link in self.links]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Extraction":
        return cls(paper=Paper.from_dict(data["paper"]),
                   entities=tuple(Mention.from_dict(m) for m in data.get("entities", ())),
                   links=tuple(Link.from_dict(x) for x in data.get("links", ())))


@dataclass(frozen=True)
class Problem:
    """A bad input record, reported instead of silently dropped."""

    file: str
    line: int
    reason: str
    severity: Literal["error", "warning"] = "error"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def format(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"
