"""Helpers shared by the test modules: paths, the CLI runner, small corpora, and servers
run in a thread. A plain module (test modules import it, never each other); the shared
fixtures built from these live in ``conftest.py``."""
from __future__ import annotations

import inspect
import os
import socket
import threading
import time
from importlib import resources
from pathlib import Path
from typing import Any

import click
import networkx as nx
import pytest
from click.testing import CliRunner

from kg.records import Evidence, Extraction, Link, Mention, Paper, Source

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(str(p) for p in (ROOT / "examples").glob("*.txt"))
"""The repository's example listings (absolute paths)."""
SEEDS = sorted(str(p) for p in (ROOT.parent / "shared" / "seeds").resolve().glob("*.txt"))
"""The user's seed listings, when the shared workspace is there (else empty)."""
SPARQL_DIR = ROOT / "queries" / "sparql"
RUNNER = CliRunner(**({"mix_stderr": False} if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters
                      else {}))
"""A click runner with stdout and stderr apart (click 8.1 mixes them unless told)."""
EXAMPLE_PARAMS = {"methods-for-task": {"task": "node classification"}, "papers-with-code-on-dataset": {"dataset": "imagenet"},
                  "method-papers-and-code": {"method": "gpt-4"}, "find-entity": {"name": "coco"},
                  "relation-evidence": {"name": "ImageNet"}, "methods-on-same-dataset": {"method": "ProtoMix"},
                  "datasets-used-together": {"dataset": "cora"}, "top-datasets": {"limit": "3"}}
"""Parameters that give every canned query rows on examples/ (besides its defaults)."""
CANNED_SPARQL = sorted(p.name[:-3] for p in resources.files("queries.sparql").iterdir() if p.name.endswith(".rq"))


def canned_sparql(name: str) -> str:
    """The text of the canned SPARQL query ``name``."""
    return resources.files("queries.sparql").joinpath(f"{name}.rq").read_text("utf-8")


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command of a click group, subcommands included, as word tuples."""
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, (*prefix, name)))
    return paths


# --- extractors ---------------------------------------------------------------------------------

Entity = dict[str, Any]


def named(entities: list[Entity], name: str) -> Entity | None:
    return next((e for e in entities if e["name"] == name), None)


def check_entities(title: str, abstract: str, entities: list[Entity]) -> None:
    """The contracts every entity list must meet, whatever the text."""
    from extractors.names import norm_key
    from extractors.tasks import normalize_task

    for e in entities:
        assert e["type"] in ("method", "dataset", "task", "metric"), e
        assert e["role"] in ("proposed", "used", "mentioned"), e
        assert 0.0 <= e["confidence"] <= 1.0, e
        assert e["evidence"], e
        forms = [k for k in (norm_key(x) for x in (e["name"], *e["aliases"])) if k]
        for ev in e["evidence"]:
            assert ev["field"] in ("title", "abstract"), ev
            text = title if ev["field"] == "title" else abstract
            assert 0 <= ev["start"] < ev["end"] <= len(text), (e["name"], ev)
            mention = text[ev["start"]:ev["end"]]
            # the span mentions this entity: its name or an alias (task names are normalized), possibly
            # inside a longer phrase (see test_task_evidence_is_the_task_phrase for the exact contract)
            seen = norm_key(normalize_task(mention) if e["type"] == "task" else mention)
            assert any(f in seen for f in forms), (e["name"], e["aliases"], mention)
            assert mention in ev["sentence"], (mention, ev["sentence"])


# --- a graph with every label and relation, and awkward values (the Cypher tests) ---------------

TRICKY_TITLE = 'It\'s "TRICKY": a\\b — ünïcödé 😀'


def _ev(sentence: str) -> tuple[Evidence, ...]:
    return (Evidence(sentence, 0, 3),)


def tricky_extractions() -> list[Extraction]:
    """Two papers covering every label and relationship type, with quotes, backslashes,
    a newline and non-BMP characters in the values."""
    p1 = Paper("arxiv:2401.00001", TRICKY_TITLE, "We propose TrickNet.\nIt uses BERT on GLUE; see \\ and 'q'.",
               (Source("a.jsonl", 1, "jsonl"),),
               {"authors": ["Ann O'Neil", 'Bob "B" Smith'], "published": "2024-01-02",
                "url": "https://arxiv.org/abs/2401.00001", "arxiv_id": "2401.00001"})
    p2 = Paper("title:00000000000000ab", "Second paper", "BERT on GLUE and SQuAD.", (Source("b.jsonl", 3, "jsonl"),))
    m = Mention
    return [
        Extraction(p1, (m("method", "TrickNet", ("Trick Net",), "proposed", 0.9, _ev('We propose "TrickNet".'), "x"),
                        m("method", "BERT", (), "used", 0.6, _ev("uses BERT"), "g"),
                        m("dataset", "GLUE", (), "used", 0.7, _ev("on GLUE"), "g"),
                        m("dataset", "TrickSet", (), "proposed", 0.8, _ev("We introduce TrickSet"), "x"),
                        m("task", "question answering", ("QA",), "used", 0.5, _ev("for QA"), "g"),
                        m("metric", "accuracy", (), "used", 0.5, _ev("accuracy"), "g")),
                   (Link("https://github.com/Org/Trick-Net", "code", evidence=_ev("code at \\github")),)),
        Extraction(p2, (m("method", "BERT", (), "used", 0.6, _ev("BERT"), "g"),
                        m("dataset", "GLUE", (), "used", 0.7, _ev("GLUE"), "g"),
                        m("dataset", "SQuAD", (), "used", 0.7, _ev("SQuAD"), "g"),
                        m("task", "question answering", (), "used", 0.5, _ev("qa"), "g"))),
    ]


def tricky_graph() -> nx.MultiDiGraph:
    from kg.graph.build import build_graph
    from kg.resolve.resolver import resolve

    records = tricky_extractions()
    return build_graph(records, resolve(records))


def row_hashes(graph: nx.MultiDiGraph) -> dict[tuple[str, ...], str]:
    """The content hash of every Cypher node and relationship row, by label/type and key."""
    from kg.export.cypher.schema import HASH, LABELS, REL_TYPES, node_rows, rel_rows

    out = {(label, r["id"]): r[HASH] for label in LABELS for r in node_rows(graph, label)}
    out.update({(rel, r["start"], r["end"]): r[HASH] for rel in REL_TYPES for r in rel_rows(graph, rel)})
    return out


# --- two papers for the web app (``paperkg serve``) ---------------------------------------------

MTLORA_SENTENCE = "We propose MTLoRA, which extends LoRA with task-specific low-rank modules."
ABSTRACT_A = f"{MTLORA_SENTENCE} MTLoRA is evaluated on NYUv2 for depth estimation."


def span(text: str, word: str, occurrence: int = 0) -> tuple[int, int]:
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(word, at + 1)
    return at, at + len(word)


def serve_mention(kind: str, name: str, role: str, text: str, word: str, occurrence: int = 0,
                  sentence: str | None = None, aliases: tuple[str, ...] = ()) -> Mention:
    start, end = span(text, word, occurrence)
    return Mention(type=kind, name=name, role=role, confidence=0.9, aliases=aliases,  # type: ignore[arg-type]
                   evidence=(Evidence(sentence or text, start, end),), extractor="test")


def serve_records() -> list[Extraction]:
    """MTLoRA (proposes MTLoRA, uses LoRA, NYUv2, depth estimation, has code) and a paper on LoRA."""
    mention = serve_mention
    a_first = ABSTRACT_A.split(". ")[0] + "."
    second = ABSTRACT_A[len(a_first) + 1:]
    # "LoRA" first occurs inside "MTLoRA": the stored offsets point at the standalone word
    lora_at = ABSTRACT_A.index(" LoRA ") + 1
    a = Extraction(
        Paper("arxiv:2403.11001", "MTLoRA: Multi-Task Low-Rank Adaptation", ABSTRACT_A,
              (Source("in.jsonl", 1, "jsonl"),), {"arxiv_id": "2403.11001", "published": "2024-03-18"}),
        (mention("method", "MTLoRA", "proposed", ABSTRACT_A, "MTLoRA", sentence=a_first),
         Mention(type="method", name="LoRA", role="used", confidence=0.9, aliases=("Low-Rank Adaptation",),
                 evidence=(Evidence(a_first, lora_at, lora_at + 4),), extractor="test"),
         mention("dataset", "NYUv2", "used", ABSTRACT_A, "NYUv2", sentence=second),
         mention("task", "depth estimation", "used", ABSTRACT_A, "depth estimation", sentence=second)),
        (Link("https://github.com/lindqvist-lab/MTLoRA", "code"),))
    abstract_b = "LoRA adapters are merged into the weights. We evaluate on GSM8K."
    b = Extraction(
        Paper("arxiv:2403.12003", "When Does LoRA Fail?", abstract_b, (Source("in.jsonl", 2, "jsonl"),),
              {"arxiv_id": "2403.12003", "published": "2024-03-19"}),
        (mention("method", "LoRA", "used", abstract_b, "LoRA", sentence="LoRA adapters are merged into the weights."),
         mention("dataset", "GSM8K", "used", abstract_b, "GSM8K", sentence="We evaluate on GSM8K.")))
    return [a, b]


class running:
    """Run an app with uvicorn on a free 127.0.0.1 port in a thread; stops on exit."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


# --- the test Neo4j (tools/neo4j-server) ---------------------------------------------------------

def neo4j_launcher() -> Path:
    """The launcher jar (built if needed); skips without java/mvn (fails on CI)."""
    from launcher import LauncherError, ToolMissing, build

    try:
        return build()
    except ToolMissing as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{exc} (CI=true: the Neo4j tests must run)")
        pytest.skip(str(exc))
    except LauncherError as exc:
        pytest.fail(str(exc))


def start(server: Any) -> Any:
    """Start a ``launcher.Neo4jServer`` (building the launcher first); fails with its reason."""
    from launcher import LauncherError

    neo4j_launcher()
    try:
        return server.start()
    except LauncherError as exc:
        pytest.fail(str(exc))


def stored_content(directory: Path) -> dict[str, Any]:
    """What two store directories are compared by ("A then B" equals "A + B"): the manifest
    without the database file's sha256 (builds update the file in place, so its pages depend
    on the history of builds) and the bytes of the database rewritten by
    ``kg.store.db.canonical_copy`` (which depend only on its rows)."""
    import json
    import tempfile

    from kg.store.db import DB_NAME, canonical_copy

    manifest = json.loads((directory / "manifest.json").read_text("utf-8"))
    manifest["files"].pop(DB_NAME, None)  # format 3 stores list no file hash since issue 14
    with tempfile.TemporaryDirectory() as tmp:
        canonical_copy(directory / DB_NAME, Path(tmp) / DB_NAME)
        data = (Path(tmp) / DB_NAME).read_bytes()
    return {"manifest": manifest, DB_NAME: data}


PASSAGE_TITLE = "A Study of Things"


def passage(abstract: str) -> "PaperText":
    """A PaperText of a made-up title and ``abstract`` (for the context extractors' pure cores)."""
    from extractors.context import PaperText

    text = f"{PASSAGE_TITLE}\n\n{abstract}"
    start = len(PASSAGE_TITLE) + 2
    return PaperText(text, len(PASSAGE_TITLE), [(0, len(PASSAGE_TITLE)), (start, len(text))])


def nothing_known(name: str) -> frozenset[str]:
    """A Known lookup for which no name is in a list."""
    return frozenset()
