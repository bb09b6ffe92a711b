"""The layers point one way: schemas/ and tillvaxt/ (plain domain code) at the bottom,
assets/ above them, pipelines/ on top; no import cycles; one module reads the environment.

Read from the source with `ast`, every import counted, function-level ones included
(an import inside a function is still a dependency, only a hidden one).
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGES = ("schemas", "tillvaxt", "assets", "pipelines")
# The sample generator leaves the package (issue 10, item 7; tools/sample_data/).
NOT_SHIPPED = ("tillvaxt/sample/",)
# What each layer may import of the project (besides itself).
ALLOWED = {
    "schemas": {"schemas", "tillvaxt"},
    "tillvaxt": {"schemas", "tillvaxt"},
    "assets": {"schemas", "tillvaxt", "assets"},
    "pipelines": {"schemas", "tillvaxt", "assets", "pipelines"},
}
ENVIRONMENT_MODULE = "pipelines.settings"


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if rel.startswith(NOT_SHIPPED):
                continue
            name = rel[: -len(".py")].replace("/", ".").removesuffix(".__init__")
            found[name] = path
    return found


def _imports(path: Path, module: str, known: set[str]) -> set[str]:
    """The modules `path` imports (absolute names); `from a import b` counts `a.b` if a module."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {
        name: {i for i in _imports(path, name, known) if i in known and i != name}
        for name, path in modules.items()
    }


def test_the_domain_imports_no_dagster_and_no_upper_layer() -> None:
    modules, known = _modules(), set(_modules())
    wrong = {}
    for name, path in modules.items():
        layer = name.split(".")[0]
        for imported in _imports(path, name, known):
            top = imported.split(".")[0]
            if (layer in ("tillvaxt", "schemas") and top in ("dagster", "dagster_k8s")) or (
                top in PACKAGES and top not in ALLOWED[layer]
            ):
                wrong.setdefault(name, []).append(imported)
    assert wrong == {}
    assert "tillvaxt.cli" not in known  # the command is orchestration: pipelines/cli.py


def test_there_are_no_import_cycles() -> None:
    graph = _graph()
    # Tarjan's strongly connected components; a component of two or more is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert cycles == []


def test_only_the_settings_module_reads_the_environment() -> None:
    readers = []
    for name, path in _modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv")) or (
                isinstance(node, ast.Name) and node.id in ("environ", "getenv")
            ):
                readers.append(name)
                break
    assert readers == [ENVIRONMENT_MODULE]


def test_the_walk_sees_the_imports_it_guards() -> None:
    """The checks above can fail: the graph has the edges a reader sees in the code."""
    graph = _graph()
    assert "tillvaxt.errors" in graph["tillvaxt.orgnr"]
    assert "tillvaxt.masking" in graph["tillvaxt.errors"]
    assert "assets.published" in graph["pipelines.close"]
    assert "pipelines.settings" in graph["pipelines.definitions"]
