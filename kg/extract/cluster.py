"""Extraction on a Dask cluster (``--engine dask [--scheduler ADDRESS]``).

Papers go to the workers in partitions; each worker builds the pipeline once from a
:class:`~kg.extract.pipeline.PipelineSpec` (model name and components, not the pipeline
itself) and keeps it for every later partition. The finished Extractions come back to
this process, the single store writer, in input order, with at most ``2 x`` the cluster's
threads partitions in flight. Without ``--scheduler`` a ``LocalCluster`` of ``--workers``
processes on 127.0.0.1 is started for the run and stopped after it.

Every worker needs the same paperkg and spaCy model installed as this machine (the
README shows how to start a cluster). Needs the ``dask`` extra:
``pip install "paperkg[dask]"``.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from kg.errors import EngineError, PaperKGError
from kg.extract.parallel import in_order
from kg.extract.partition import Outcome, extract_partition
from kg.extract.pipeline import PipelineSpec, pipeline_for
from kg.records import Paper

CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler before giving up
PARTITION = 256  # papers per task: a few seconds of work, so scheduling costs little
START_HINT = ("start one with 'dask scheduler' and, on each machine, 'dask worker tcp://HOST:8786 --nthreads 1', "
              "or leave --scheduler out to run a local cluster")


def run_on_worker(spec: PipelineSpec, papers: list[Paper], batch_size: int) -> list[Outcome]:
    """The task a Dask worker runs: the pipeline is built on the worker's first task only."""
    return extract_partition(pipeline_for(spec), papers, batch_size)


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise EngineError("--engine dask needs the 'distributed' package",
                          hint='install it with: pip install "paperkg[dask]"') from exc
    return distributed


class DaskEngine:
    """Runs the extraction on the cluster at ``scheduler``, or on a local one of ``workers``
    processes when ``scheduler`` is None."""

    def __init__(self, spec: PipelineSpec, *, scheduler: str | None = None, workers: int = 2,
                 batch_size: int = 64, connect_timeout: float | None = None) -> None:
        self.spec = spec
        self.scheduler = scheduler
        self.workers = workers
        self.batch_size = batch_size
        self.connect_timeout = connect_timeout

    def _connect(self) -> tuple[Any, Any]:
        distributed = _distributed()
        # distributed logs every connection at INFO: follow this program's level instead
        logging.getLogger("distributed").setLevel(max(logging.WARNING, logging.getLogger().getEffectiveLevel()))
        if self.scheduler is None:
            cluster = distributed.LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                               host="127.0.0.1", dashboard_address=None,
                                               silence_logs=logging.ERROR)
            return distributed.Client(cluster), cluster
        try:
            timeout = self.connect_timeout or CONNECT_TIMEOUT
            return distributed.Client(self.scheduler, timeout=timeout, set_as_default=False), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise EngineError(f"cannot reach the Dask scheduler at {self.scheduler} "
                              f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'no answer'})",
                              hint=START_HINT) from exc

    def _result(self, future: Any) -> list[Outcome]:
        try:
            result: list[Outcome] = future.result()
        except PaperKGError:
            raise
        except Exception as exc:  # noqa: BLE001 — a failure on a worker, one line for the user
            raise EngineError(f"a Dask worker failed: {type(exc).__name__}: {exc}",
                              hint="every worker needs the same paperkg version and spaCy model as this machine"
                              ) from exc
        return result

    def run(self, parts: Iterator[list[Paper]]) -> Iterator[list[Outcome]]:
        client, cluster = self._connect()
        try:
            threads = sum(client.nthreads().values()) or self.workers
            futures = (client.submit(run_on_worker, self.spec, part, self.batch_size, pure=False)
                       for part in parts)
            yield from in_order(futures, max(2, 2 * threads), self._result)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


__all__ = ["CONNECT_TIMEOUT", "DaskEngine", "PARTITION", "run_on_worker"]
