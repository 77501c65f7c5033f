"""The local extraction engines (``--workers N``): same output as one process, in input
order, bounded work in flight, and every bad paper reported (issue 14)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import EngineError
from kg.extract.parallel import ProcessPool, in_order
from kg.extract.pipeline import BLANK, InProcess, build_nlp, extract, extract_partition, partitions
from kg.records import Paper, Problem, Source

ABSTRACTS = [
    "We fine-tune BERT on SQuAD and report F1. Code: https://github.com/example/bert-squad.",
    "We propose ZorpNet, a convolutional network, and evaluate it on ImageNet and CIFAR-10.",
    "Transformers for machine translation on WMT14 English-German.",
    "A study of graph neural networks (GNNs) for node classification on Cora.",
]


def corpus(n: int) -> list[Paper]:
    return [Paper(f"p{i}", f"Paper number {i} on learning", ABSTRACTS[i % len(ABSTRACTS)],
                  (Source("mem.jsonl", i + 1, "jsonl"),)) for i in range(n)]


@Language.component("test_explode_on_boom")
def explode_on_boom(doc: Doc) -> Doc:
    """Not guarded like paperkg's components: a crash that breaks ``nlp.pipe``'s batch."""
    if "BOOM" in doc.text:
        raise RuntimeError("boom")
    return doc


@Language.component("test_die_on_kill")
def die_on_kill(doc: Doc) -> Doc:
    if "KILLWORKER" in doc.text:
        os._exit(3)  # a worker killed mid-partition (out of memory, say)
    return doc


@pytest.fixture(scope="module")
def blank() -> Language:
    return build_nlp(BLANK)


def run(papers: list[Paper], nlp: Language, **options) -> tuple[list[dict], list[Problem]]:
    problems: list[Problem] = []
    out = [x.to_dict() for x in extract(papers, nlp, on_problem=problems.append, **options)]
    return out, problems


def test_process_pool_equals_one_process_over_many_partitions(blank: Language) -> None:
    papers = corpus(40)
    papers[7] = Paper("long", "Long", "x " * 200, (Source("mem.jsonl", 8, "jsonl"),))
    blank.max_length = 300
    try:
        one, one_problems = run(papers, blank, batch_size=3)
        two, two_problems = run(papers, blank, batch_size=3, workers=2)
    finally:
        blank.max_length = 1_000_000
    assert [x["paper"]["id"] for x in two] == [p.id for p in papers if p.id != "long"]
    assert two == one
    assert any(x["entities"] for x in one)
    assert [p.to_dict() for p in two_problems] == [p.to_dict() for p in one_problems]
    assert [(p.file, p.line) for p in one_problems] == [("mem.jsonl", 8)]
    assert "left out" in one_problems[0].reason


def test_a_paper_that_breaks_the_batch_is_reported_and_the_others_kept(blank: Language) -> None:
    nlp = build_nlp(BLANK)
    nlp.add_pipe("test_explode_on_boom", first=True)
    papers = corpus(5)
    papers[2] = Paper("bad", "BOOM goes the title", ABSTRACTS[0], (Source("in.jsonl", 3, "jsonl"),))
    outcomes = extract_partition(nlp, papers)
    assert [x.paper.id for x, _ in outcomes] == ["p0", "p1", "bad", "p3", "p4"]
    [(bad, problem)] = [o for o in outcomes if o[1] is not None]
    assert bad.paper.id == "bad" and bad.entities == ()
    assert (problem.file, problem.line) == ("in.jsonl", 3)
    assert "RuntimeError: boom" in problem.reason
    good = dict((x.paper.id, x) for x, _ in extract_partition(blank, corpus(5)))
    assert all(x.entities == good[x.paper.id].entities for x, _ in outcomes if x.paper.id != "bad")


def test_a_dead_worker_is_one_coded_error() -> None:
    nlp = build_nlp(BLANK)
    nlp.add_pipe("test_die_on_kill", first=True)
    papers = corpus(6) + [Paper("k", "KILLWORKER", "now", (Source("in.jsonl", 7, "jsonl"),))]
    with pytest.raises(EngineError) as info:
        list(extract(papers, nlp, workers=2, batch_size=2))
    assert info.value.code == "E401"
    assert "worker process died" in str(info.value)


def test_in_order_keeps_order_and_a_bounded_window() -> None:
    submitted: list[int] = []

    class Done:
        def __init__(self, value: int) -> None:
            self.value = value

        def result(self) -> list:
            return [self.value]

    def futures() -> Iterator[Done]:
        for i in range(10):
            submitted.append(i)
            yield Done(i)

    seen = []
    for result in in_order(futures(), 3, Done.result):
        seen.append(result[0])
        assert len(submitted) - len(seen) <= 3  # never more than the window ahead of the reader
    assert seen == list(range(10))


def test_partitions_are_lazy_and_complete() -> None:
    def endless() -> Iterator[Paper]:
        i = 0
        while True:
            yield Paper(f"p{i}", "t", "a", ())
            i += 1

    parts = partitions(endless(), 4)
    assert [p.id for p in next(parts)] == ["p0", "p1", "p2", "p3"]
    assert [len(p) for p in partitions(corpus(10), 4)] == [4, 4, 2]


def test_engines_share_one_interface(blank: Language) -> None:
    papers = corpus(5)
    local = [x.to_dict() for x in extract(papers, engine=InProcess(blank, 2))]
    pooled = [x.to_dict() for x in extract(papers, engine=ProcessPool(blank, 2, 2), partition_size=2)]
    assert local == pooled and len(local) == 5


KILLED_BUILD = r"""
import itertools, sys, time
from kg.extract.pipeline import BLANK, build_nlp, extract
from kg.records import Paper

def endless():
    for i in itertools.count():
        yield Paper(f"p{i}", f"Paper {i}", "We use BERT on SQuAD.", ())

for i, _ in enumerate(extract(endless(), build_nlp(BLANK), workers=2, batch_size=4)):
    if i == 20:
        print("running", flush=True)
"""


def _children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(c) for c in path.read_text().split()} if path.exists() else set()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to find the worker processes")
def test_workers_exit_when_the_build_is_killed() -> None:
    proc = subprocess.Popen([sys.executable, "-c", KILLED_BUILD], stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "running"
        workers = _children(proc.pid)
        assert len(workers) >= 2
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(w) for w in workers)
