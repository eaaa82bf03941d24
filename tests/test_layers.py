"""The package keeps the layout its docstring declares: imports flow one way, down its layers, and
never round in a cycle, counting the imports made inside functions; every module says what it
holds."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from pathlib import Path

import pakru

PACKAGE = Path(pakru.__file__).parent
MODULES = sorted(path.stem for path in PACKAGE.glob("*.py") if path.stem != "__init__")
# The package itself (`from pakru import __version__`) sits below every layer.
PACKAGE_ITSELF = "pakru"


def declared_layers() -> dict[str, int]:
    """Each module's layer as pakru/__init__.py lists them, the top one first (0 is the lowest)."""
    lines = re.findall(r"^- (\w+): (.+)$", pakru.__doc__ or "", re.M)
    return {
        module: len(lines) - rank
        for rank, (_, modules) in enumerate(lines, start=1)
        for module in modules.split()
    }


def imports_of(source: str, modules: list[str]) -> set[str]:
    """The pakru modules a module's source imports anywhere: at the top, inside functions, or only
    for type checking."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            names = [node.module]
            if node.module == "pakru":  # `from pakru import records` imports a module
                names = [f"pakru.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "pakru":
                found.add(parts[1] if len(parts) > 1 and parts[1] in modules else PACKAGE_ITSELF)
    return found


def import_graph() -> dict[str, set[str]]:
    return {
        module: imports_of((PACKAGE / f"{module}.py").read_text(encoding="utf-8"), MODULES)
        - {module}
        for module in MODULES
    }


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """A chain of imports that comes back to where it started, or None."""
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        path.append(module)
        for imported in sorted(graph.get(module, ())):
            cycle = visit(imported)
            if cycle is not None:
                return cycle
        path.pop()
        done.add(module)
        return None

    for module in sorted(graph):
        cycle = visit(module)
        if cycle is not None:
            return cycle
    return None


def upward_imports(graph: Mapping[str, set[str]], layers: Mapping[str, int]) -> list[str]:
    return [
        f"{module} imports {imported}"
        for module, imported_modules in sorted(graph.items())
        for imported in sorted(imported_modules)
        if imported != PACKAGE_ITSELF and layers[imported] > layers[module]
    ]


def test_every_module_has_one_layer_and_says_what_it_holds() -> None:
    listed = re.findall(r"^- \w+: (.+)$", pakru.__doc__ or "", re.M)
    names = [module for modules in listed for module in modules.split()]
    assert sorted(names) == MODULES  # each module once, and no module that does not exist
    undocumented = [
        module
        for module in ["__init__", *MODULES]
        if not ast.get_docstring(ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8")))
    ]
    assert undocumented == []


def test_no_chain_of_imports_comes_back_to_where_it_started() -> None:
    # An import inside a function counts, and the cycle pakru had is found: load imported
    # compiled inside its functions, which built the store through build, which imported load.
    source = "import os\n\ndef answer():\n    from pakru.compiled import open_store\n"
    assert imports_of(source, ["compiled", "load"]) == {"compiled"}
    graph = {"load": {"compiled", "records"}, "compiled": {"build"}, "build": {"load"}}
    assert find_cycle(graph) == ["build", "load", "compiled", "build"]
    assert find_cycle(import_graph()) is None


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    layers = {"cli": 3, "query": 2, "records": 0}
    graph = {"records": {"query"}, "query": {"records"}, "cli": {"query", PACKAGE_ITSELF}}
    assert upward_imports(graph, layers) == ["records imports query"]
    assert upward_imports(import_graph(), declared_layers()) == []
