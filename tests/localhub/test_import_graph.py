"""The local GitHub's modules import one another one way: no import cycle, and nothing imports
``hub.py`` (API modules take the hub they serve through ``protocols.Hub``).

Every ``import`` statement counts, wherever it is: at the top, under ``if TYPE_CHECKING:``, or
inside a function (a lazy import only hides a cycle until the function runs).
"""

from __future__ import annotations

import ast
from pathlib import Path

import glow.localhub
from glow.localhub.hub import LocalHub
from glow.localhub.protocols import Hub

PACKAGE = Path(glow.localhub.__file__).parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_of(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def imported(tree: ast.AST, name: str, path: Path, modules: set[str]) -> set[str]:
    """The modules of ``modules`` that a module imports: ``from a import b`` is ``a.b`` when
    that is a module, else ``a``; relative imports are resolved against the package."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                # ``import a.b.c`` imports a.b.c (and its packages): the deepest that we know.
                for depth in range(len(parts), 0, -1):
                    if ".".join(parts[:depth]) in modules:
                        found.add(".".join(parts[:depth]))
                        break
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = package_of(name, path).split(".")
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            for alias in node.names:
                child = f"{base}.{alias.name}"
                if child in modules:
                    found.add(child)
                elif base in modules:
                    found.add(base)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
    modules = set(paths)
    return {
        name: imported(ast.parse(path.read_text(encoding="utf-8")), name, path, modules)
        for name, path in paths.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as the modules along it (the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)) is not None:
            return cycle
    return None


def test_the_local_github_has_no_import_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 40  # every module was parsed (api/, runner/ and the top level)
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_only_the_entry_points_import_the_hub() -> None:
    """API modules, the control API, the server, git over HTTP and the runner bridge see the
    hub through ``protocols.Hub``; ``hub.py`` imports them, never the other way round."""
    graph = import_graph()
    importers = sorted(name for name, deps in graph.items() if "glow.localhub.hub" in deps)
    assert importers == ["glow.localhub.cli"]


def test_the_cycle_finder_names_the_modules_of_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_imports_under_type_checking_and_in_functions_count() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from glow.localhub.hub import LocalHub\n"
        "def f():\n    from glow.localhub.api import issues\n"
    )
    found = imported(
        ast.parse(source),
        "glow.localhub.x",
        PACKAGE / "x.py",
        {"glow.localhub.hub", "glow.localhub.api", "glow.localhub.api.issues"},
    )
    assert found == {"glow.localhub.hub", "glow.localhub.api.issues"}


def test_the_hub_is_what_its_modules_expect(tmp_path: Path) -> None:
    hub = LocalHub(tmp_path, runner=False)
    try:
        assert isinstance(hub, Hub)
    finally:
        hub.stop()
