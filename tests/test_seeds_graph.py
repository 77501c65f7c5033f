"""The graph of the user's real input (``../shared/seeds``): one node per real thing, and
incremental builds equal batch builds. Skipped when the seeds are not beside the project."""
from __future__ import annotations

import json
import shutil
import re
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli.main import main
from kg.store.core import open_store
from support import stored_content

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed listings not found at {SEEDS}")
ENTITY_TYPES = ("Method", "Dataset", "Task", "Metric")


def key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def seed_files() -> list[str]:
    return sorted(str(p) for p in SEEDS.glob("*.txt"))


@pytest.fixture(scope="module")
def seeds_store(seeds: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session's seeds store (a test here builds into it again)."""
    copy = tmp_path_factory.mktemp("seeds-copy") / "graph"
    shutil.copytree(seeds, copy)
    return copy


def test_no_two_nodes_for_one_name(seeds_store: Path) -> None:
    graph = open_store(seeds_store).graph
    by_name: dict[tuple[str, str], list[str]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        if data["type"] in ENTITY_TYPES:
            by_name[(data["type"], key(data["name"]))].append(node)
    # senses of one ambiguous name (two papers each coining "SAGE") are distinct nodes, each with a
    # "~" disambiguator in its id; any other name with two nodes is a resolution bug
    senses = {k: v for k, v in by_name.items() if len(v) > 1 and all("~" in n for n in v)}
    duplicates = {k: v for k, v in by_name.items() if len(v) > 1 and k not in senses}
    assert not duplicates
    assert ("Method", key("SAGE")) in senses  # issue 10: a spelling-correction library and a manipulation framework
    crossed = [(node, alias, other) for node, data in graph.nodes(data=True) if data["type"] in ENTITY_TYPES
               for alias in data.get("aliases", []) for other in by_name.get((data["type"], key(alias)), [])
               if other != node]
    assert not crossed


def test_versions_stay_distinct(seeds_store: Path) -> None:
    graph = open_store(seeds_store).graph
    names = {data["name"] for _, data in graph.nodes(data=True) if data["type"] == "Method"}
    assert {"GPT-4", "GPT-3.5"} <= names
    for node, data in graph.nodes(data=True):
        if data["name"] == "GPT-4":
            assert not {"GPT-3.5", "GPT-4o"} & set(data.get("aliases", []))


def test_split_build_equals_batch_build(seeds_store: Path, seed_files: list[str], tmp_path: Path) -> None:
    split = tmp_path / "split"
    run("-q", "build", *seed_files[:2], "-o", str(split))
    run("-q", "build", *seed_files[2:], "-o", str(split))
    assert json.loads(run("stats", str(split), "--json")) == json.loads(run("stats", str(seeds_store), "--json"))
    assert stored_content(split)["graph.sqlite"] == stored_content(seeds_store)["graph.sqlite"]


def test_rebuilding_the_same_input_changes_nothing(seeds_store: Path, seed_files: list[str]) -> None:
    before = {p.name: p.read_bytes() for p in seeds_store.iterdir() if p.is_file()}
    report = json.loads(run("-q", "build", *seed_files, "-o", str(seeds_store), "--json"))
    assert report["added"] == 0 and report["updated"] == 0 and report["extracted"] == 0
    after = {p.name: p.read_bytes() for p in seeds_store.iterdir() if p.is_file()}
    assert after == before


def test_show_answers_for_an_entity(seeds_store: Path) -> None:
    described = json.loads(run("show", str(seeds_store), "GPT-4", "--json"))
    assert described and described[0]["name"] == "GPT-4"
    assert sum(len(v) for v in described[0]["papers"].values()) >= 5
