"""A component that processes Docs in batches (``nlp.pipe`` calls :meth:`pipe`)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Doc


class BatchedComponent:
    """Subclasses implement :meth:`_process` over one batch of Docs."""

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._process(batch)
                batch = []
        if batch:
            yield from self._process(batch)

    def _process(self, docs: list[Doc]) -> list[Doc]:
        raise NotImplementedError
