"""The import graph of ``kg/`` and ``extractors/`` keeps the stages' arrows pointing one way.

Every module is parsed with ``ast`` (nothing is imported), and every import is collected:
module level and function local, ``import a.b``, ``from .x import y`` (resolved against the
module's package), ``importlib.import_module("a.b")`` and ``__import__("a.b")`` with a
literal name, a call of either with a computed name, and ``"module:attr"`` strings (the
form of a target that is loaded later by name). The rules (docs/architecture.md):

* only ``kg.cli`` imports ``kg.cli``;
* nothing in the package is loaded by a string (it hides the dependency from readers and tools);
* the core (ingest, extract, resolve, graph, store, records, extractors/) imports no adapter
  (export, query, serve, cli);
* there is no import cycle between modules;
* no test module imports another test module or ``conftest`` (shared fixtures live in
  ``tests/conftest.py``, shared helpers in plain modules such as ``tests/support.py``).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("kg", "extractors")
CORE = ("kg.ingest", "kg.extract", "kg.resolve", "kg.graph", "kg.store", "kg.records", "extractors")
ADAPTERS = ("kg.export", "kg.query", "kg.serve", "kg.cli")
LOADERS = frozenset({"import_module", "__import__"})


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str | None  # the imported module (None: a name computed at run time)
    line: int
    how: str  # "import" | "string" (a literal name given to a loader, or "module:attr") | "computed"

    def where(self) -> str:
        return f"{self.source}:{self.line}"


def within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def find_modules(root: Path, packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` file under each package directory."""
    modules: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute module a ``from`` import names (``level`` leading dots)."""
    if level == 0:
        return name or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, *([name] if name else [])])


def _own(name: str, modules: dict[str, Path]) -> str | None:
    """The in-package module ``name`` refers to (its longest existing prefix), else None."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def _is_loader(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Name) and func.id in LOADERS) or \
        (isinstance(func, ast.Attribute) and func.attr in LOADERS)


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """Every import of an in-package module made anywhere in ``path``, in line order."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: list[Import] = []

    def add(name: str, line: int, how: str) -> None:
        target = _own(name, modules)
        if target is not None and target != module:
            found.append(Import(module, target, line, how))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno, "import")
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_package, node.level, node.module)
            for alias in node.names:
                # ``from kg.export import rdf`` imports the module kg.export.rdf when it is one
                full = f"{base}.{alias.name}"
                add(full if full in modules else base, node.lineno, "import")
        elif isinstance(node, ast.Call) and _is_loader(node) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                add(first.value, node.lineno, "string")
            else:
                found.append(Import(module, None, node.lineno, "computed"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.count(":") == 1:
            name, _, attr = node.value.partition(":")
            if name in modules and attr.isidentifier():
                add(name, node.lineno, "string")
    return sorted(found, key=lambda i: (i.line, i.target or ""))


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    modules = find_modules(ROOT)
    return [imp for name, path in modules.items() for imp in imports_of(name, path, modules)]


# --- the walker itself ------------------------------------------------------------------------

def test_the_walker_finds_every_kind_of_import(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    for name in ("__init__.py", "a.py", "b.py", "c.py", "d.py", "sub/__init__.py", "sub/e.py"):
        (pkg / name).write_text("")
    (pkg / "sub" / "e.py").write_text(
        "import importlib\n"
        "import os\n"
        "from .. import a\n"
        "from ..b import thing\n"
        "def late():\n"
        "    import pkg.c\n"
        "    importlib.import_module('pkg.d')\n"
        "    __import__('os.path')\n"
        "    name = 'pkg.' + 'a'\n"
        "    importlib.import_module(name)\n"
        "TARGET = 'pkg.sub:helper'\n"
        "NOTE = 'see: pkg.a'\n")
    modules = find_modules(tmp_path, ("pkg",))
    assert set(modules) == {"pkg", "pkg.a", "pkg.b", "pkg.c", "pkg.d", "pkg.sub", "pkg.sub.e"}
    found = [(i.target, i.line, i.how) for i in imports_of("pkg.sub.e", modules["pkg.sub.e"], modules)]
    assert found == [("pkg.a", 3, "import"), ("pkg.b", 4, "import"), ("pkg.c", 6, "import"),
                     ("pkg.d", 7, "string"), (None, 10, "computed"), ("pkg.sub", 11, "string")]


def test_the_walker_sees_the_whole_package(imports: list[Import]) -> None:
    modules = find_modules(ROOT)
    assert {"kg.api", "kg.cli.main", "kg.store.core", "kg.graph.build", "extractors"} <= set(modules)
    sources = {i.source for i in imports}
    assert len(sources) > len(modules) / 2, "the walker found imports in too few modules"
    assert "kg.api" in {i.target for i in imports if i.source == "kg.cli.main"}


# --- the rules ---------------------------------------------------------------------------------

def _listing(found: list[Import]) -> str:
    return "\n".join(f"  {i.where()} {i.how} {i.target or '(a computed name)'}" for i in found)


def test_only_the_cli_imports_the_cli(imports: list[Import]) -> None:
    bad = [i for i in imports if i.target and within(i.target, ("kg.cli",)) and not within(i.source, ("kg.cli",))]
    assert not bad, "modules outside kg.cli import the CLI:\n" + _listing(bad)


def test_nothing_in_the_package_is_loaded_by_a_string(imports: list[Import]) -> None:
    bad = [i for i in imports if i.how in ("string", "computed")]
    assert not bad, "modules loaded by name (import them normally):\n" + _listing(bad)


def test_the_core_imports_no_adapter(imports: list[Import]) -> None:
    bad = [i for i in imports if within(i.source, CORE) and i.target and within(i.target, ADAPTERS)]
    assert not bad, f"the core ({', '.join(CORE)}) imports an adapter:\n" + _listing(bad)


def test_there_is_no_import_cycle(imports: list[Import]) -> None:
    graph = nx.DiGraph()
    for i in imports:
        if i.target:
            graph.add_edge(i.source, i.target, where=i.where())
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    shown = []
    for members in sorted(cycles):
        cycle = nx.find_cycle(graph.subgraph(members))
        shown.append(" -> ".join(f"{u} ({graph.edges[u, v]['where']})" for u, v in cycle) + f" -> {cycle[0][0]}")
    assert not cycles, "import cycles:\n  " + "\n  ".join(shown)


def test_no_test_module_imports_another() -> None:
    tests = {p.stem for p in (ROOT / "tests").glob("test_*.py")} | {"conftest"}
    bad = []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            bad += [f"tests/{path.name}:{node.lineno} imports {n}" for n in names if n.split(".")[0] in tests]
    assert not bad, "test modules import each other (move shared fixtures to conftest.py):\n  " + "\n  ".join(bad)
