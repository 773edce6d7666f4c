"""The layers of the package, held by reading every module's imports (those under
``if TYPE_CHECKING:`` and inside functions included): bots never pull in the authoring stack
or the local GitHub, the local GitHub never reaches into the workshop's behaviours, and a
decision stays pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GLOW = Path(__file__).resolve().parents[1] / "glow"
# The harness runs in a room's and the admin repository's jobs too: it is bot side.
BOT_SIDE = ("glow.bot", "glow.github", "glow.cohort", "glow.room", "glow.harness")
NEVER_ON_BOT_SIDE = (
    "glow.authoring",
    "glow.content",
    "glow.localhub",
    "langgraph",
    "openai",
    "docker",
)
NEVER_IN_LOCALHUB = ("glow.cohort", "glow.room", "glow.bot", "glow.rehearsal")


def module_name(path: Path) -> str:
    parts = path.relative_to(GLOW.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


MODULES = {module_name(path): imports(path) for path in sorted(GLOW.rglob("*.py"))}


def offending(module: str, banned: tuple[str, ...]) -> list[str]:
    return sorted(
        name
        for name in MODULES[module]
        if any(name == b or name.startswith(f"{b}.") for b in banned)
    )


@pytest.mark.parametrize("module", [m for m in MODULES if m.startswith(BOT_SIDE)])
def test_bots_never_import_authoring_content_or_the_local_github(module: str) -> None:
    assert offending(module, NEVER_ON_BOT_SIDE) == []


@pytest.mark.parametrize("module", [m for m in MODULES if m.startswith("glow.localhub")])
def test_the_local_github_never_imports_the_workshops_behaviours(module: str) -> None:
    assert offending(module, NEVER_IN_LOCALHUB) == []


# Registration's decisions are split along their seams: the issue reading and the placement
# across cohorts are as pure as its decide.py.
DECISIONS = [
    m
    for m in MODULES
    if m.endswith(".decide")
    or m in ("glow.cohort.registration.issue", "glow.cohort.registration.placement")
]


@pytest.mark.parametrize("module", DECISIONS)
def test_decisions_never_import_the_github_layer(module: str) -> None:
    assert offending(module, ("glow.github", "githubkit", "httpx")) == []


def test_there_are_decision_modules_to_check() -> None:
    assert any(m.endswith(".decide") for m in MODULES)
