"""``paperkg push neo4j``: write the graph to Neo4j in idempotent batches.

Order: the constraints and indexes of ``queries/cypher/push/schema.cypher`` first, then the
nodes of every label, then the relationships of every type, each as
``UNWIND $rows AS row MERGE …`` over a streaming chunker (:func:`kg.iterutil.chunked`);
a background thread builds the next two batches while the server writes the current one.
Every batch is one managed transaction (``session.execute_write``), so the driver retries
it on transient errors (deadlocks, leader changes, lost connections); the transaction
function has no side effects and only returns what the server reports, so a retried batch
is counted once. Other errors are raised as :class:`~kg.errors.ExportError` saying what to do.

A row is written only when its ``kg_hash`` differs from the stored one: pushing the same
graph twice changes nothing, and pushing after an incremental build writes only the new
and changed nodes and relationships. Nodes and relationships that disappeared from the
graph are not deleted (see docs/neo4j.md).
"""
from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from kg.export.cypher import DEFAULT_BATCH_SIZE
from kg.export.evidence import DEFAULT_EVIDENCE, check_evidence
from kg.export.cypher.schema import LABELS, REL_TYPES, edges_by_type, node_rows, rel_rows
from kg.store.view import GraphSource, stream_of
from kg.iterutil import chunked
from kg.export.cypher.statements import node_statement, rel_statement, schema_statements
from kg.errors import ExportError

COUNTERS = ("nodes_created", "relationships_created", "properties_set", "labels_added",
            "constraints_added", "indexes_added")
"""The summary counters summed into a :class:`PushReport`."""
Progress = Callable[[int], None]
T = TypeVar("T")


@dataclass
class PushReport:
    """What a push did: rows sent and rows written (created or changed) per label and
    relationship type, and the sum of the server's summary counters."""

    uri: str = ""
    database: str | None = None
    sent: dict[str, int] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    batches: int = 0
    seconds: float = 0.0

    def add(self, name: str, sent: int, written: int, counters: dict[str, int]) -> None:
        self.sent[name] = self.sent.get(name, 0) + sent
        self.written[name] = self.written.get(name, 0) + written
        for key, value in counters.items():
            self.counters[key] = self.counters.get(key, 0) + value

    def totals(self) -> dict[str, int]:
        nodes = sum(self.sent.get(label, 0) for label in LABELS)
        rels = sum(self.sent.get(rel, 0) for rel in REL_TYPES)
        nodes_written = sum(self.written.get(label, 0) for label in LABELS)
        rels_written = sum(self.written.get(rel, 0) for rel in REL_TYPES)
        created_n, created_r = self.counters["nodes_created"], self.counters["relationships_created"]
        return {"nodes": nodes, "nodes_created": created_n, "nodes_updated": nodes_written - created_n,
                "nodes_unchanged": nodes - nodes_written, "relationships": rels,
                "relationships_created": created_r, "relationships_updated": rels_written - created_r,
                "relationships_unchanged": rels - rels_written}

    def summary(self) -> str:
        t = self.totals()
        where = f"{self.uri}" + (f" (database {self.database})" if self.database else "")
        return (f"{where}: {t['nodes']} nodes ({t['nodes_created']} created, {t['nodes_updated']} updated, "
                f"{t['nodes_unchanged']} unchanged), {t['relationships']} relationships "
                f"({t['relationships_created']} created, {t['relationships_updated']} updated, "
                f"{t['relationships_unchanged']} unchanged); {self.counters['properties_set']} properties set, "
                f"{self.counters['constraints_added']} constraints and {self.counters['indexes_added']} "
                f"indexes added, {self.batches} batches in {self.seconds:.1f} s.")

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "totals": self.totals()}


def _counters(summary: Any) -> dict[str, int]:
    counters = summary.counters
    return {name: int(getattr(counters, name, 0) or 0) for name in COUNTERS}


def write_batch(tx: Any, statement: str, rows: list[dict[str, Any]]) -> tuple[int, dict[str, int]]:
    """The transaction function of one batch: ``(rows written, summary counters)``.
    It only reads the result, so the driver may run it again after a transient error."""
    result = tx.run(statement, rows=rows)
    record = result.single()
    return (int(record["written"]) if record is not None else 0), _counters(result.consume())


def run_schema(tx: Any, statement: str) -> dict[str, int]:
    """The transaction function of one constraint or index statement."""
    return _counters(tx.run(statement).consume())


def batches(graph: GraphSource, batch_size: int,
            evidence: str = "full") -> Iterator[tuple[str, str, list[dict[str, Any]]]]:
    """``(label or type, statement, rows)`` for every batch, nodes first (relationships
    need both ends), in the fixed order of ``LABELS`` and ``REL_TYPES``; relationship rows
    hold the properties of the ``evidence`` level (the statements set the others to null,
    which removes what an earlier push at another level wrote)."""
    for label in LABELS:
        statement = node_statement(label)
        for rows in chunked(node_rows(graph, label), batch_size):
            yield label, statement, rows
    grouped = edges_by_type(graph)
    for rel in REL_TYPES:
        statement = rel_statement(rel)
        for rows in chunked(rel_rows(graph, rel, edges=grouped[rel], evidence=evidence), batch_size):
            yield rel, statement, rows


_DONE = object()


def prefetched(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """``items``, produced by a background thread up to ``depth`` items ahead (bounded
    memory): the next batch's rows are built and hashed in Python while the server runs the
    current one (the driver releases the GIL while it waits). An exception in the producer
    is raised here, where the item would have come."""
    slots: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        slots.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put(_DONE)
        except BaseException as exc:  # handed to the consumer, which raises it
            slots.put(exc)

    worker = threading.Thread(target=produce, name="paperkg-push-rows", daemon=True)
    worker.start()
    try:
        while True:
            item = slots.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            try:
                slots.get(timeout=0.1)
            except queue.Empty:
                pass
        worker.join()


def push_graph(graph: GraphSource, driver: Any, *, database: str | None = None,
               batch_size: int = DEFAULT_BATCH_SIZE, progress: Progress | None = None,
               uri: str = "", evidence: str = DEFAULT_EVIDENCE) -> PushReport:
    """Push ``graph`` through an open ``neo4j`` driver (or anything with its
    ``session(database=).execute_write`` interface). ``progress`` is called with the number
    of rows after each batch. Errors are raised as ``ExportError``."""
    if batch_size < 1:
        raise ExportError(f"batch size must be at least 1, got {batch_size}", hint="pass --batch-size 1000")
    check_evidence(evidence)
    report = PushReport(uri=uri, database=database)
    start = time.perf_counter()
    try:
        with _translated(uri, database), driver.session(database=database) as session:
            for statement in schema_statements():
                report.add("schema", 0, 0, session.execute_write(run_schema, statement))
            for name, statement, rows in prefetched(batches(graph, batch_size, evidence)):
                written, counters = session.execute_write(write_batch, statement, rows)
                report.add(name, len(rows), written, counters)
                report.batches += 1
                if progress:
                    progress(len(rows))
    except ExportError as exc:
        if not report.batches:
            raise
        report.seconds = round(time.perf_counter() - start, 3)
        raise ExportError(f"{exc.message}; the push stopped after {report.batches} committed batches, "
                          f"which wrote {report.summary()}", where=exc.where,
                          hint="run the same push again: committed batches are skipped and the rest is written"
                          ) from exc
    report.seconds = round(time.perf_counter() - start, 3)
    return report


def connect(uri: str, user: str | None, password: str | None) -> Any:
    """An open ``neo4j`` driver whose connectivity is verified; ``password=None`` connects
    without authentication."""
    import neo4j

    auth = (user or "neo4j", password) if password is not None else None
    with _translated(uri, None):
        try:
            driver = neo4j.GraphDatabase.driver(uri, auth=auth)
        except ValueError as exc:
            raise ExportError(f"bad Neo4j URI {uri!r}: {exc}",
                              hint="use neo4j://HOST:7687, bolt://HOST:7687 or their +s/+ssc forms") from None
        try:
            driver.verify_connectivity()
        except BaseException:
            driver.close()
            raise
    return driver


def push(directory: str | Path, *, uri: str, user: str | None = "neo4j", password: str | None = None,
         database: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
         progress: Progress | None = None, evidence: str = DEFAULT_EVIDENCE) -> PushReport:
    """Push the graph store in ``directory`` to the Neo4j server at ``uri``, relationships at
    the ``evidence`` level."""
    from kg.store.core import open_store

    check_evidence(evidence)
    graph = stream_of(open_store(directory))  # read from the database in batches, not loaded whole
    driver = connect(uri, user, password)
    try:
        return push_graph(graph, driver, database=database, batch_size=batch_size,
                          progress=progress, uri=uri, evidence=evidence)
    finally:
        driver.close()


def total_rows(graph: GraphSource) -> int:
    """How many rows a push sends (for a progress bar)."""
    return int(graph.number_of_nodes() + graph.number_of_edges())


@contextmanager
def _translated(uri: str, database: str | None) -> Iterator[None]:
    """Turn the driver's exceptions into ``ExportError`` with what to do."""
    try:
        yield
    except ExportError:
        raise
    except Exception as exc:
        error = translate_error(exc, uri, database)
        if error is None:
            raise
        raise error from exc


def translate_error(exc: BaseException, uri: str, database: str | None = None) -> ExportError | None:
    """The ``ExportError`` for a ``neo4j`` driver exception, ``None`` for anything else."""
    from neo4j import exceptions as ne

    where = uri or None
    if isinstance(exc, ne.AuthError):
        return ExportError("Neo4j refused the user name or password", where=where,
                           hint="check --user/--password (or NEO4J_USERNAME/NEO4J_PASSWORD)")
    if isinstance(exc, ne.ServiceUnavailable):
        return ExportError(f"cannot reach Neo4j: {_first_line(exc)}", where=where,
                           hint="check that the server is running and that --uri (NEO4J_URI) is right")
    if isinstance(exc, ne.ConfigurationError):
        return ExportError(f"the Neo4j driver rejected the configuration: {exc}", where=where,
                           hint="check --uri: neo4j://HOST:7687 or bolt://HOST:7687 (+s for TLS)")
    if isinstance(exc, ne.Neo4jError):
        code = exc.code or "Neo4jError"
        if code.endswith("DatabaseNotFound"):
            hint = f"create database {database!r} first, or omit --database to use the default one"
        elif isinstance(exc, ne.TransientError):
            hint = "the driver gave up retrying; try again, or pass a smaller --batch-size"
        elif code.endswith("ConstraintValidationFailed") or "ConstraintCreation" in code:
            hint = "the database holds nodes that break paperkg's uniqueness constraints; push into an empty database"
        else:
            hint = "see the Neo4j server log; this paperkg supports Neo4j 5 and later"
        return ExportError(f"Neo4j error {code}: {exc.message}", where=where, hint=hint)
    if isinstance(exc, ne.DriverError):
        return ExportError(f"Neo4j driver error: {exc}", where=where, hint="check --uri and the network")
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].rstrip(":") if text else type(exc).__name__
