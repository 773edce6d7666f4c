"""Workflows and composite actions hold to one rule GitHub Enterprise Server can follow: every
`uses:` is an action pinned to a full commit SHA or `$/path`, this repository's own action; and
`glow setup --ghes` writes each file with `./path` instead (`ghes_variant`), which GHES, actionlint
and the local runner all accept."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
import yaml

from glow.cohort.golive.ghes import ghes_variant
from glow.localhub.runner.actions import load_action
from glow.localhub.runner.workflow import classify_uses, parse_workflow
from tests.test_lint import tool

ROOT = Path(__file__).resolve().parents[1]
PINNED = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}")
# (the repository's root in this project, its workflows and its composite actions)
REPOSITORIES = (
    (ROOT, ".github/workflows/*.yml", "actions/*/action.yml"),
    (ROOT / "admin-roster", ".github/workflows/*.yml", "actions/*/action.yml"),
    (ROOT / "learning-room-template", ".github/workflows/*.yml", ".github/actions/*/action.yml"),
)
FILES = [
    (root, path)
    for root, workflows, actions in REPOSITORIES
    for pattern in (workflows, actions)
    for path in sorted(root.glob(pattern))
]


def name(case: tuple[Path, Path]) -> str:
    return case[1].relative_to(ROOT).as_posix()


def uses_of(node: Any) -> list[str]:
    """Every `uses:` value in a parsed workflow or action, wherever it is."""
    if isinstance(node, dict):
        return [
            str(value) if key == "uses" else found
            for key, value in node.items()
            for found in ([value] if key == "uses" else uses_of(value))
        ]
    if isinstance(node, list):
        return [found for item in node for found in uses_of(item)]
    return []


def test_every_workflow_and_action_is_checked() -> None:
    names = {name(case) for case in FILES}
    assert "admin-roster/.github/workflows/watchdog.yml" in names
    assert "learning-room-template/.github/actions/room/action.yml" in names
    assert "actions/install-glow/action.yml" in names
    assert sum("$/" in " ".join(uses_of(yaml.safe_load(p.read_text()))) for _, p in FILES) >= 10


@pytest.mark.parametrize("case", FILES, ids=name)
def test_every_uses_is_pinned_or_this_repositorys_own_action(case: tuple[Path, Path]) -> None:
    root, path = case
    for uses in uses_of(yaml.safe_load(path.read_text(encoding="utf-8"))):
        if uses.startswith("$/"):
            action = root / uses[2:]
            assert (action / "action.yml").is_file(), f"{name(case)}: {uses} has no action.yml"
        else:
            assert PINNED.fullmatch(uses), f"{name(case)}: {uses} is not pinned to a full SHA"


@pytest.mark.parametrize("case", FILES, ids=name)
def test_the_ghes_variant_differs_only_in_its_own_action_references(
    case: tuple[Path, Path], tmp_path: Path
) -> None:
    root, path = case
    text = path.read_text(encoding="utf-8")
    variant = ghes_variant(text)
    assert "$/" not in " ".join(uses_of(yaml.safe_load(variant)))
    assert not re.search(r"uses:\s*['\"]?\$/", variant)
    original, changed = text.splitlines(), variant.splitlines()
    assert len(original) == len(changed)
    for before, after in zip(original, changed, strict=True):
        assert after == before or after == before.replace("$/", "./", 1), (before, after)
    # Parsed, the variant is the original with `./` for `$/`.
    assert yaml.safe_load(variant) == yaml.safe_load(text.replace("uses: $/", "uses: ./"))
    # The local runner accepts it, and reads each reference as a local action.
    relative = path.relative_to(root).as_posix()
    if relative.startswith(".github/workflows/"):
        workflow = parse_workflow(relative, variant)
        assert workflow.error is None, workflow.error
    else:
        copy = tmp_path / "action.yml"
        copy.write_text(variant, encoding="utf-8")
        load_action(copy, relative)
    for uses in uses_of(yaml.safe_load(variant)):
        if uses.startswith("./"):
            assert classify_uses(uses, relative, 1) == ("local", uses[2:])
            assert (root / uses[2:] / "action.yml").is_file()


def test_actionlint_finds_nothing_in_the_ghes_variants(tmp_path: Path) -> None:
    written = []
    for root, path in FILES:
        relative = path.relative_to(root).as_posix()
        if relative.startswith(".github/workflows/"):
            copy = tmp_path / root.relative_to(ROOT) / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(ghes_variant(path.read_text(encoding="utf-8")), encoding="utf-8")
            written.append(str(copy))
    proc = subprocess.run([tool("actionlint"), *written], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_only_uses_values_change_never_a_comment_or_a_script() -> None:
    text = dedent(
        """\
        # uses: $/actions/kept (a comment)
        runs:
          using: composite
          steps:
            - uses: $/actions/install-glow
            - name: quoted
              uses: "$/actions/a"
            - {name: flow, uses: '$/actions/b'}
            - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # $/ in a comment
            - shell: bash
              run: |
                echo "uses: $/actions/script"
              env:
                PATH_LIKE: $/not-an-action
        """
    )
    assert ghes_variant(text) == (
        text.replace("- uses: $/actions/install-glow", "- uses: ./actions/install-glow")
        .replace('uses: "$/actions/a"', 'uses: "./actions/a"')
        .replace("uses: '$/actions/b'", "uses: './actions/b'")
    )
    assert ghes_variant("") == ""
