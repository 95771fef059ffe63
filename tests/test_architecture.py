"""The import graph of alignsim's packages: no cycles, and no floor imports a floor above it.

Floors, lowest first (docs: /work/shared/design/architecture.md and README's Layout):

    agents < sim < the experiment engine < experiments.analysis < experiments.report
        < experiments.cli < app

The engine is every module of `experiments/` outside its three subpackages (errors, spec,
spec_checks, design, runner, engines, store, files, single, and the package itself). A module
may import its own floor and the floors below. The command line starts the dashboard as a
process by its file name, not by an import, so `app` stays the top floor.

Imports are read with `ast` from every module of `agents/`, `sim/`, `experiments/` and `app/`,
subpackages included: module-level and function-level imports alike (a function-level import
is the same dependency, only paid later). Imports under ``if TYPE_CHECKING:`` are for
annotations only and do not count. ``from pkg import name`` is an import of the module
``pkg.name`` when there is one, else of ``pkg``; importing a submodule is not counted as an
import of its parent package (as import-linter and grimp count them).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("agents", "sim", "experiments", "app")
FLOORS = ("agents", "sim", "experiments", "experiments.analysis", "experiments.report",
          "experiments.cli", "app")
"""Lowest first; a module's floor is the longest of these its name starts with."""

Graph = dict[str, set[str]]


# -- the checker ---------------------------------------------------------------------------------
def find_modules(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the packages under `root`."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST) -> Iterable[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except those in an ``if TYPE_CHECKING:`` body."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
        else:
            stack.extend(ast.iter_child_nodes(node))


def _within(dotted: str, known: Iterable[str]) -> str | None:
    """The longest known module that `dotted` is or lies inside (None: another library)."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def imports_of(name: str, path: Path, known: Iterable[str]) -> set[str]:
    """The known modules that module `name` (in file `path`) imports."""
    known = set(known)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            targets.update(t for alias in node.names if (t := _within(alias.name, known)))
            continue
        if node.level:
            base_parts = package.split(".")[:len(package.split(".")) - (node.level - 1)]
            base = ".".join([*base_parts, *([node.module] if node.module else [])])
        else:
            base = node.module or ""
        for alias in node.names:
            target = (f"{base}.{alias.name}" if f"{base}.{alias.name}" in known
                      else _within(base, known))
            if target:
                targets.add(target)
    targets.discard(name)
    return targets


def import_graph(root: Path, packages: Iterable[str]) -> Graph:
    """Module -> the modules of the same packages it imports."""
    modules = find_modules(root, packages)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: Graph) -> list[list[str]]:
    """One closed path (first module repeated at the end) per strongly connected component of
    more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_closed_path(graph, component) for component in components]


def _closed_path(graph: Graph, component: list[str]) -> list[str]:
    """The shortest way from the component's first module back to itself, inside it."""
    start, members = component[0], set(component)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph[node] & members):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if nxt not in previous:
                    previous[nxt] = node
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # a component always has one


def floor_of(module: str, floors: Sequence[str] = FLOORS) -> int:
    matches = [i for i, f in enumerate(floors) if module == f or module.startswith(f + ".")]
    if not matches:
        raise ValueError(f"{module} is on no floor of {floors}")
    return max(matches, key=lambda i: len(floors[i]))


def upward_imports(graph: Graph, floors: Sequence[str] = FLOORS,
                   importer: Callable[[str], bool] = lambda module: True
                   ) -> list[str]:
    """Each import of a higher floor by a module that `importer` selects, in words."""
    found = []
    for source in sorted(graph):
        if not importer(source):
            continue
        for target in sorted(graph[source]):
            low, high = floor_of(source, floors), floor_of(target, floors)
            if high > low:
                found.append(f"{source} imports {target}: floor {floors[low]} imports floor "
                             f"{floors[high]}, which is above it")
    return found


def cycle_report(found: list[list[str]]) -> str:
    return "\n".join("import cycle: " + " -> ".join(path) for path in found)


# -- alignsim ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def graph() -> Graph:
    return import_graph(ROOT, PACKAGES)


def test_the_walk_sees_every_floor_and_function_level_imports(graph: Graph) -> None:
    for module in ("agents.base", "sim.params", "experiments.errors", "experiments.analysis",
                   "experiments.report.style", "experiments.cli", "app.views"):
        assert module in graph, module
    # `alignsim sweep` imports the runner inside its handler: that import counts.
    assert "experiments.runner" in graph["experiments.cli.sweep"]
    # design.py names the spec type under TYPE_CHECKING only: that import does not count.
    assert "experiments.spec" not in graph["experiments.design"]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle_through(package: str, graph: Graph) -> None:
    """Every cycle is reported under each package it passes through."""
    found = [path for path in cycles(graph)
             if any(floor_of(m, PACKAGES) == PACKAGES.index(package) for m in path)]
    assert not found, cycle_report(found)


@pytest.mark.parametrize("floor", FLOORS,
                         ids=[f if f != "experiments" else "experiments-engine" for f in FLOORS])
def test_no_upward_import_from(floor: str, graph: Graph) -> None:
    found = upward_imports(graph, importer=lambda module: FLOORS[floor_of(module)] == floor)
    assert not found, "\n".join(found)


# -- the checker itself, on a tiny package -------------------------------------------------------
def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


TINY = {
    "low/__init__.py": "",
    "low/base.py": "import os\n",
    "low/typed.py": ("from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                     "    from high.top import Thing\n"),
    "high/__init__.py": "",
    "high/top.py": "from low import base\nfrom . import helper\n",
    "high/helper.py": "from .top import Thing\n",
}


def test_the_checker_fails_when_a_lower_floor_imports_a_higher_one(tmp_path: Path) -> None:
    _write(tmp_path, {**TINY, "low/base.py": "def late():\n    from high import top\n"})
    found = upward_imports(import_graph(tmp_path, ("low", "high")), floors=("low", "high"))
    assert found == ["low.base imports high.top: floor low imports floor high, which is above it"]


def test_the_checker_passes_a_clean_package(tmp_path: Path) -> None:
    _write(tmp_path, {**TINY, "high/helper.py": "import low.base\n"})
    graph = import_graph(tmp_path, ("low", "high"))
    assert graph["high.top"] == {"low.base", "high.helper"}  # relative imports resolved
    assert graph["low.typed"] == set()  # TYPE_CHECKING imports do not count
    assert upward_imports(graph, floors=("low", "high")) == []
    assert cycles(graph) == []


def test_the_checker_names_a_cycle(tmp_path: Path) -> None:
    _write(tmp_path, TINY)
    found = cycles(import_graph(tmp_path, ("low", "high")))
    assert cycle_report(found) == "import cycle: high.helper -> high.top -> high.helper"
