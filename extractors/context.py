"""The per-paper view every extractor reads, and the candidate record every extractor writes.

The text of a paper is ``title + "\\n\\n" + abstract``; offsets below ``title_end`` are in
the title. Everything here is plain data, so results can cross process boundaries.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from extractors.acronyms import Definition
from extractors.gazetteer import Entry
from extractors.text import Word, words

SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Candidate:
    """One extractor's claim that an entity is mentioned at ``start:end``."""

    type: str
    name: str
    start: int
    end: int
    role: str = "mentioned"
    confidence: float = 0.5
    extractor: str = ""
    aliases: tuple[str, ...] = ()
    ids: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"type": self.type, "name": self.name, "start": self.start, "end": self.end,
                "role": self.role, "confidence": self.confidence, "extractor": self.extractor,
                "aliases": list(self.aliases), "ids": [list(x) for x in self.ids]}

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> "Candidate":
        return cls(str(d["type"]), str(d["name"]), int(d["start"]), int(d["end"]),  # type: ignore[call-overload]
                   str(d["role"]), float(d["confidence"]), str(d["extractor"]),  # type: ignore[arg-type]
                   tuple(d.get("aliases", ())), tuple(tuple(x) for x in d.get("ids", ())))  # type: ignore[arg-type, misc, attr-defined]


@dataclass(frozen=True)
class ListHit:
    entry: Entry
    start: int
    end: int
    text: str


@dataclass
class PaperText:
    text: str
    title_end: int
    sentences: list[tuple[int, int]]
    definitions: list[Definition] = field(default_factory=list)
    hits: list[ListHit] = field(default_factory=list)
    objects: dict[int, tuple[int, int]] = field(default_factory=dict)  # verb offset -> its object span
    _words: dict[int, list[Word]] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.text[:self.title_end]

    def in_title(self, offset: int) -> bool:
        return offset < self.title_end

    def sentence_of(self, offset: int) -> tuple[int, int]:
        for span in self.sentences:
            if span[0] <= offset < span[1]:
                return span
        return (0, len(self.text))

    def words_of(self, span: tuple[int, int]) -> list[Word]:
        if span[0] not in self._words:
            self._words[span[0]] = words(self.text, span[0], span[1])
        return self._words[span[0]]

    def abstract_sentences(self) -> list[tuple[int, int]]:
        return [s for s in self.sentences if s[0] >= self.title_end]
