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
# Every module by its dotted name below pakru: `cli.commands`, `domain.records`, `__main__`.
MODULES = sorted(
    ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    for path in PACKAGE.rglob("*.py")
    if path.name != "__init__.py"
)
PACKAGES = sorted({module.split(".")[0] for module in MODULES if "." in module})
# The package itself (`from pakru import __version__`) sits below every layer.
PACKAGE_ITSELF = "pakru"


def declared_layers() -> dict[str, int]:
    """Each layer as pakru/__init__.py lists them, the top one first (0 is the lowest)."""
    names = re.findall(r"^- (\w+): ", pakru.__doc__ or "", re.M)
    return {name: len(names) - rank for rank, name in enumerate(names, start=1)}


def layer_of(module: str) -> str:
    """A module's layer: its package, or for the process itself (`__main__`), the command line."""
    return "cli" if module == "__main__" else module.split(".")[0]


def imports_of(source: str, modules: list[str]) -> set[str]:
    """The pakru modules a module's source imports anywhere: at the top, inside functions, or only
    for type checking."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            names = [node.module]
            if node.module.startswith("pakru"):  # `from pakru.domain import records` imports one
                names = [f"{node.module}.{alias.name}" for alias in node.names] + names
        else:
            continue
        for name in names:
            relative = name.removeprefix("pakru").removeprefix(".")
            if name.split(".")[0] != "pakru":
                continue
            if relative in modules:
                found.add(relative)
            elif not relative:
                found.add(PACKAGE_ITSELF)
    return found


def import_graph() -> dict[str, set[str]]:
    return {
        module: imports_of(_path(module).read_text(encoding="utf-8"), MODULES) - {module}
        for module in MODULES
    }


def _path(module: str) -> Path:
    return PACKAGE.joinpath(*module.split(".")).with_suffix(".py")


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
        if imported != PACKAGE_ITSELF and layers[layer_of(imported)] > layers[layer_of(module)]
    ]


def test_every_module_is_in_a_layer_and_says_what_it_holds() -> None:
    assert sorted(declared_layers()) == PACKAGES  # each package a layer, and no layer without one
    assert [module for module in MODULES if layer_of(module) not in PACKAGES] == []
    packages = [f"{package}.__init__" for package in PACKAGES]
    undocumented = [
        module
        for module in ["__init__", *packages, *MODULES]
        if not ast.get_docstring(ast.parse(_path(module).read_text(encoding="utf-8")))
    ]
    assert undocumented == []


def test_no_chain_of_imports_comes_back_to_where_it_started() -> None:
    # An import inside a function counts, and the cycle pakru had is found: load imported
    # compiled inside its functions, which built the store through build, which imported load.
    source = "import os\n\ndef answer():\n    from pakru.store.compiled import open_store\n"
    assert imports_of(source, ["store.compiled", "store.load"]) == {"store.compiled"}
    source = "from pakru.domain import records\nfrom pakru import __version__\n"
    assert imports_of(source, ["domain.records"]) == {"domain.records", PACKAGE_ITSELF}
    graph = {"load": {"compiled", "records"}, "compiled": {"build"}, "build": {"load"}}
    assert find_cycle(graph) == ["build", "load", "compiled", "build"]
    assert find_cycle(import_graph()) is None


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    layers = {"cli": 3, "answers": 2, "domain": 0}
    graph = {
        "domain.records": {"answers.query"},
        "answers.query": {"domain.records"},
        "__main__": {"answers.query", PACKAGE_ITSELF},
    }
    assert upward_imports(graph, layers) == ["domain.records imports answers.query"]
    assert upward_imports(import_graph(), declared_layers()) == []


def test_the_domain_imports_nothing_else_of_pakru() -> None:
    graph = import_graph()
    outside = {
        f"{module} imports {imported}"
        for module in MODULES
        if layer_of(module) == "domain"
        for imported in graph[module]
        if imported == PACKAGE_ITSELF or layer_of(imported) != "domain"
    }
    assert outside == set()
