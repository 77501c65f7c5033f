"""The public Python API (``kg.api``, re-exported by ``kg``): the README's example runs,
the API and the CLI give the same answers, every command is a shell over one API function,
and ``import kg`` stays cheap."""
from __future__ import annotations

import ast
import contextlib
import dataclasses
import inspect
import io
import json
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import kg
from kg import api
from kg.cli.main import main
from kg.errors import ExportError, PaperKGError

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")
PRINT_HELPERS = {"render_rows"}
"""API functions a command may call besides its one API function, to print the result."""


def readme_example() -> str:
    """The ```python block of the README's "Python API" section."""
    section = README.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the Python API section has no ```python example"
    return match.group(1)


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """Run the README example in a fresh directory holding a copy of examples/:
    ``(that directory, what the example printed)``."""
    work = tmp_path_factory.mktemp("readme-api")
    shutil.copytree(ROOT / "examples", work / "examples")
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out):
        mp.chdir(work)
        exec(compile(readme_example(), "README.md (Python API)", "exec"), {"__name__": "readme_example"})
    yield work, out.getvalue()


def cli(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args))


def test_readme_example_builds_exports_and_queries(example_run: tuple[Path, str]) -> None:
    work, printed = example_run
    store = work / "out" / "graph"
    graph = json.loads((work / "out" / "graph.json").read_text("utf-8"))
    first = printed.splitlines()[0]
    assert first == (f"{api.store_stats(store).papers} papers, {len(graph['nodes'])} nodes, "
                     f"{len(graph.get('links', graph.get('edges', [])))} edges")
    import rdflib

    assert len(rdflib.Graph().parse(work / "out" / "graph.ttl", format="turtle")) > len(graph["nodes"])
    csv_lines = printed.split("dataset_id,dataset_name,papers\n", 1)[1].splitlines()
    assert 0 < len(csv_lines) <= 5
    counts = [int(line.rsplit(",", 1)[1]) for line in csv_lines]
    assert counts == sorted(counts, reverse=True)


def test_api_and_cli_agree(example_run: tuple[Path, str]) -> None:
    store = str(example_run[0] / "out" / "graph")
    result = cli("stats", store, "--json", "--top", "3")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == api.store_stats(store, top=3).to_dict()
    result = cli("query", store, "top-methods", "--param", "limit=4", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == api.run_query(store, "top-methods", params={"limit": "4"}).rows
    name = api.store_stats(store, top=1).top["Dataset"][0][0]
    result = cli("show", store, name, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(json.dumps(api.show_entity(store, name).entities, default=str))
    assert api.check_store(store).ok


def test_build_result_is_what_build_json_prints(example_run: tuple[Path, str], tmp_path: Path) -> None:
    inputs = sorted(str(p) for p in (example_run[0] / "examples").glob("*.txt"))
    built = api.build_store(inputs[:1], tmp_path / "a", model="blank")
    assert built.store.added == built.store.papers == built.extracted > 0 and built.reused == 0
    result = cli("-q", "build", inputs[0], "-o", str(tmp_path / "a"), "--model", "blank", "--json")
    assert result.exit_code == 0, result.output
    again = json.loads(result.stdout)
    assert set(again) == set(built.to_dict())
    assert (again["unchanged"], again["reused"], again["extracted"]) == (built.store.papers, built.store.papers, 0)


def test_api_errors_are_the_cli_errors(example_run: tuple[Path, str], tmp_path: Path) -> None:
    store = str(example_run[0] / "out" / "graph")
    with pytest.raises(ExportError) as caught:
        api.show_entity(store, "no such thing at all")
    assert cli("show", store, "no such thing at all").stderr == f"Error: {caught.value.format()}\n"
    with pytest.raises(PaperKGError, match="apply to RDF formats, not 'json'"):
        api.export_graph(store, "json", tmp_path / "g.json", base_iri="https://example.org/")
    assert not (tmp_path / "g.json").exists()
    with pytest.raises(PaperKGError, match="nothing to build"):
        api.build_store([], tmp_path / "empty")
    with pytest.raises(ExportError, match="unknown node type 'Planet'"):
        api.visualize(store, tmp_path / "v.html", types=("Planet",))
    with pytest.raises(ExportError, match="rejected the configuration"):
        api.push_neo4j(store, uri="foo://x")


def test_visualize_reports_what_it_drew(example_run: tuple[Path, str], tmp_path: Path) -> None:
    store = str(example_run[0] / "out" / "graph")
    drawn = api.visualize(store, tmp_path / "v.html", types=("method", "Paper"))
    assert drawn.nodes > 0 and (tmp_path / "v.html").stat().st_size > 0
    result = cli("viz", store, "-o", str(tmp_path / "w.html"), "--type", "method", "--type", "Paper")
    assert result.stderr.startswith(f"wrote {tmp_path / 'w.html'} ({drawn.nodes} nodes, {drawn.edges} edges)")


@pytest.mark.parametrize(("module", "heavy"), [
    ("kg", ("spacy", "rdflib", "pyoxigraph", "networkx", "kg.api")),
    ("kg.api", ("spacy", "rdflib", "pyoxigraph", "networkx", "httpx", "numpy", "neo4j")),  # `paperkg stats` loads no stage
])
def test_import_is_cheap(module: str, heavy: tuple[str, ...]) -> None:
    code = f"import {module}, sys; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_kg_reexports_the_typed_api() -> None:
    assert set(kg.__all__) - {"__version__"} <= set(dir(api))
    for name in kg.__all__:
        value = getattr(kg, name)
        if name == "__version__":
            continue
        assert value is getattr(api, name)
        if inspect.isclass(value):
            assert dataclasses.is_dataclass(value), name
            continue
        signature = inspect.signature(value)
        assert signature.return_annotation is not inspect.Signature.empty, name
        for param in signature.parameters.values():
            assert param.kind is not param.VAR_KEYWORD, f"{name}(**{param.name}): options must be typed"
            assert param.annotation is not inspect.Parameter.empty, f"{name}({param.name}) has no type"
    with pytest.raises(AttributeError):
        kg.no_such_function  # noqa: B018


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, path + (name,))
        else:
            yield " ".join(path + (name,)), command


def _kg_imports(func: object) -> list[tuple[str, str]]:
    """``(module, name)`` of every ``from kg... import name`` in the body of ``func``."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(inspect.unwrap(func))))  # type: ignore[arg-type]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "kg":
            found += [(node.module or "", alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names if alias.name.split(".")[0] == "kg"]
    return found


@pytest.mark.parametrize(("path", "command"), list(_commands(main)), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_is_a_shell_over_one_api_function(path: str, command: click.Command) -> None:
    imports = _kg_imports(command.callback)
    around = [f"{m}.{n}" for m, n in imports if m not in ("kg.api", "kg.output", "kg.errors", "kg.cli.common")]
    assert not around, f"paperkg {path} reaches around kg.api: {around}"
    functions = [n for m, n in imports if m == "kg.api" and not inspect.isclass(getattr(api, n))
                 and n not in PRINT_HELPERS]
    assert len(functions) == 1, f"paperkg {path} calls {functions or 'no API function'}"


def test_the_readme_lists_every_api_function() -> None:
    section = README.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    commands = [n for n in kg.__all__ if inspect.isfunction(getattr(api, n, None))
                and n not in ("extract_papers", "fetch_listing")]
    missing = [n for n in commands if f"`{n}`" not in section]
    assert not missing
