"""What facilitators read names things as GitHub shows them: each workflow by the ``name:`` of its
file (the Actions tab's list), read here from the real YAML files, never a name of our own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from glow.cohort import runbooks

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW_DIRS = (
    ".github/workflows",
    "admin-roster/.github/workflows",
    "learning-room-template/.github/workflows",
)
# "the Provisioning workflow", "Actions tab, Provisioning, Run workflow" (the menu path).
NAMED = re.compile(
    r"\b[Tt]he ((?:[A-Z0-9{][\w}-]*)(?: [A-Z0-9][\w-]*)*) workflow\b"
    r"|Actions(?: tab)?, ([^,\n]+), Run workflow"
)


def workflow_names() -> dict[str, str]:
    """Each workflow file (path from the root) and its ``name:``."""
    found = {}
    for folder in WORKFLOW_DIRS:
        for path in sorted((ROOT / folder).glob("*.yml")):
            found[str(path.relative_to(ROOT))] = yaml.safe_load(path.read_text("utf-8"))["name"]
    return found


def copy_files() -> list[Path]:
    """Where facilitator-facing words live: the package (not the local GitHub, which names no
    workflow of ours) and the runbooks."""
    sources = [p for p in (ROOT / "glow").rglob("*.py") if "localhub" not in p.parts]
    return sorted(sources) + sorted((ROOT / "docs" / "runbooks").glob("*.md"))


@pytest.mark.parametrize(
    ("constant", "path"),
    [
        ("WORKFLOW_PROVISIONING", ".github/workflows/provision.yml"),
        ("WORKFLOW_REGISTRATION", ".github/workflows/registration.yml"),
        ("WORKFLOW_DAY2", ".github/workflows/day2-release.yml"),
        ("WORKFLOW_TEARDOWN", ".github/workflows/teardown.yml"),
        ("WORKFLOW_DASHBOARD", "admin-roster/.github/workflows/dashboard.yml"),
        ("WORKFLOW_WATCHDOG", "admin-roster/.github/workflows/watchdog.yml"),
        ("WORKFLOW_ROOM", "learning-room-template/.github/workflows/room.yml"),
    ],
)
def test_each_workflow_constant_is_the_files_name(constant: str, path: str) -> None:
    assert getattr(runbooks, constant) == workflow_names()[path]


def test_every_workflow_named_in_copy_is_named_as_github_shows_it() -> None:
    real = set(workflow_names().values())
    wrong = []
    for path in copy_files():
        text = " ".join(path.read_text("utf-8").split())  # a name wrapped over two lines
        for match in NAMED.finditer(text):
            name = match.group(1) or match.group(2)
            if name not in real and not name.startswith("{"):  # an f-string's constant
                wrong.append(f"{path.relative_to(ROOT)}: {match.group(0)!r}")
    assert wrong == [], f"workflows named otherwise than GitHub shows them: {wrong}"


def test_the_check_catches_a_wrong_name() -> None:
    assert NAMED.search("Re-run the Provision workflow now").group(1) == "Provision"  # type: ignore[union-attr]
    assert NAMED.search("(Actions tab, Provision, Run workflow)").group(2) == "Provision"  # type: ignore[union-attr]
