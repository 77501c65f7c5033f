"""Extraction in N local worker processes (``--workers N``).

Each worker holds its own copy of the pipeline and runs :func:`extract_partition` on one
partition of papers at a time; it sends back the finished Extractions (small frozen
records), not spaCy Docs. ``nlp.pipe(n_process=N)``, used before, sent every Doc back
serialized (``Doc.to_bytes`` with its user data) and rebuilt it in the parent, so the
parent spent about as much CPU rebuilding Docs as a worker spent making them, and N=2
on two cores gave 1.13x (see ``benchmarks/bench_parallel.py``).

Where the ``fork`` start method exists (Linux), a worker inherits the parent's pipeline:
no model load and no pickling per worker. Elsewhere the pipeline is pickled once per
worker. At most ``2 * workers`` partitions are in flight, and results are yielded in
input order, so memory stays bounded and the output is the same as with one process.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from spacy.language import Language

from kg.errors import EngineError
from kg.extract.partition import Outcome, extract_partition
from kg.records import Paper

_WORKER_NLP: Language | None = None
PARENT_POLL = 1.0  # seconds between a worker's checks that its parent still runs


def _adopt(nlp: Language, parent: int) -> None:
    """Worker initializer: keep the pipeline (inherited under fork, unpickled otherwise) and
    exit when the parent is gone (a killed build must not leave workers waiting forever)."""
    global _WORKER_NLP
    _WORKER_NLP = nlp
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the pool
    threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="paperkg-parent-watch").start()


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    os._exit(1)


def _run(papers: list[Paper], batch_size: int) -> list[Outcome]:
    assert _WORKER_NLP is not None, "worker started without a pipeline"
    return extract_partition(_WORKER_NLP, papers, batch_size)


def start_method() -> str:
    """``fork`` where the platform has it (the pipeline is inherited), else ``spawn``."""
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def in_order(futures: Iterator[Any], window: int,
             get: Callable[[Any], list[Outcome]] = Future.result) -> Iterator[list[Outcome]]:
    """The results of ``futures`` (``get`` of each) in submission order, submitting at most
    ``window`` ahead. Shared by the engines (a Dask future has the same ``result()``)."""
    pending: deque[Any] = deque()
    for future in futures:
        pending.append(future)
        if len(pending) >= window:
            yield get(pending.popleft())
    while pending:
        yield get(pending.popleft())


class ProcessPool:
    """``workers`` local processes, each with its own copy of ``nlp``."""

    def __init__(self, nlp: Language, workers: int, batch_size: int = 64) -> None:
        self.nlp = nlp
        self.workers = workers
        self.batch_size = batch_size

    def run(self, parts: Iterator[list[Paper]]) -> Iterator[list[Outcome]]:
        context = multiprocessing.get_context(start_method())
        # objects that exist now are the pipeline's: keep the cyclic GC from writing to them in
        # the workers, which would copy each forked page it touches
        gc.freeze()
        pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_adopt,
                                   initargs=(self.nlp, os.getpid()))
        try:
            futures = (pool.submit(_run, part, self.batch_size) for part in parts)
            yield from in_order(futures, 2 * self.workers)
        except BrokenProcessPool as exc:
            raise EngineError("an extraction worker process died (killed, or out of memory?)",
                              hint="run again with fewer --workers or a smaller --batch-size") from exc
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            gc.unfreeze()


__all__ = ["ProcessPool", "in_order", "start_method"]
