"""The unit of work of every extraction engine: one partition of papers through the pipeline.

Kept apart from :mod:`kg.extract.pipeline` (which chooses an engine) so that the engines
(:mod:`kg.extract.parallel`, :mod:`kg.extract.cluster`) can import it without a cycle.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from extractors.components import paper_text
from extractors.text import doc_of
from kg.records import Extraction, Link, Mention, Paper, Problem


def to_extraction(paper: Paper, entities: list[dict[str, Any]], links: list[dict[str, Any]]) -> Extraction:
    mentions = tuple(Mention.from_dict(e) for e in entities)
    merged: dict[str, Link] = {}
    for raw in links:
        link = Link.from_dict(raw)
        if link.url in merged:
            old = merged[link.url]
            merged[link.url] = Link(old.url, old.kind, old.raw, old.host, old.path or link.path,
                                    old.evidence + link.evidence)
        else:
            merged[link.url] = link
    return Extraction(paper=paper, entities=mentions, links=tuple(merged.values()))


# what extracting one paper gives: its Extraction (None when it is left out) and a Problem to report
Outcome = tuple[Extraction | None, Problem | None]


def _where(paper: Paper) -> tuple[str, int]:
    src = paper.sources[0] if paper.sources else None
    return (src.file, src.line) if src else (paper.id, 0)


def _outcome(paper: Paper, doc: Doc) -> Outcome:
    # the components never raise: a failure is recorded on the Doc (extractors.components.guarded)
    if doc._.paperkg_error or doc._.paperkg_entities is None:
        reason = doc._.paperkg_error or "no entities were produced"
        problem = Problem(*_where(paper), f"extraction failed ({reason}); the paper is kept without entities")
        return to_extraction(paper, [], doc._.paperkg_links or []), problem
    return to_extraction(paper, doc._.paperkg_entities, doc._.paperkg_links or []), None


def extract_partition(nlp: Language, papers: Sequence[Paper], batch_size: int = 64) -> list[Outcome]:
    """One Outcome per paper of ``papers``, in their order: the unit of work of every engine.
    A paper too long for the pipeline is left out and reported; a paper the pipeline fails
    on (the tokenizer, say) is kept without entities and reported, the others unaffected."""
    outcomes: list[Outcome | None] = [None] * len(papers)
    texts: list[tuple[str, int]] = []
    for i, paper in enumerate(papers):
        text = paper_text(paper.title, paper.abstract)
        if len(text) >= nlp.max_length:  # ingest's --max-chars normally stops these first
            outcomes[i] = (None, Problem(*_where(paper), f"text is {len(text):,} characters long, more than the "
                                         f"pipeline's limit of {nlp.max_length:,}; the paper is left out"))
        else:
            texts.append((text, i))
    try:
        docs = ((doc_of(nlp, text), i) for text, i in texts)
        for doc, i in nlp.pipe(docs, as_tuples=True, batch_size=batch_size):
            outcomes[i] = _outcome(papers[i], doc)
    except Exception:  # noqa: BLE001 — find the paper that broke the batch, keep the others
        for text, i in texts:
            try:
                outcomes[i] = _outcome(papers[i], nlp(text))
            except Exception as exc:  # noqa: BLE001 — reported for this paper
                outcomes[i] = (to_extraction(papers[i], [], []),
                               Problem(*_where(papers[i]), f"extraction failed ({type(exc).__name__}: {exc}); "
                                       "the paper is kept without entities"))
    return [o for o in outcomes if o is not None]
