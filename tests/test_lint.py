"""The code and every workflow pass the linters the project promises (ruff, zizmor, actionlint)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return found


def workflow_files() -> list[str]:
    found = [
        *ROOT.glob(".github/workflows/*.yml"),
        *ROOT.glob("learning-room-template/.github/workflows/*.yml"),
        *ROOT.glob("admin-roster/.github/workflows/*.yml"),
        # A project's room workflow, shipped with its learner package (glow.harness.package).
        *ROOT.glob("glow/harness/room/workflows/*.yml"),
    ]
    return [str(p) for p in found]


def test_ruff_is_clean() -> None:
    proc = subprocess.run(
        [tool("ruff"), "check", "glow", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor_finds_nothing() -> None:
    targets = [str(ROOT / ".github/workflows"), str(ROOT / "actions")]
    # A project's room workflow and action (files: zizmor finds workflows in folders only
    # under .github/workflows).
    targets += [str(p) for p in ROOT.glob("glow/harness/room/workflows/*.yml")]
    targets += [str(p) for p in ROOT.glob("glow/harness/room/actions/*/action.yml")]
    for seeded in ("learning-room-template", "admin-roster"):
        for folder in (".github/workflows", ".github/actions", "actions"):
            if (ROOT / seeded / folder).is_dir():
                targets.append(str(ROOT / seeded / folder))
    proc = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", *targets],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_finds_nothing() -> None:
    files = workflow_files()
    assert files, "no workflows found"
    proc = subprocess.run([tool("actionlint"), *files], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_action_reference_is_pinned_to_a_full_sha() -> None:
    import re

    for path in [
        *map(Path, workflow_files()),
        *ROOT.glob("actions/*/action.yml"),
        *ROOT.glob("*/actions/*/action.yml"),
        *ROOT.glob("glow/harness/room/actions/*/action.yml"),
    ]:
        for line in path.read_text().splitlines():
            m = re.search(r"uses:\s*([^\s#]+)", line)
            if m and not m.group(1).startswith(("./", "$/")):
                assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", m.group(1)), (path, line)


def test_secrets_reach_only_the_step_that_runs_glow() -> None:
    """A composite action's env reaches every step inside it (setup-python, pip install of
    unpinned transitive dependencies): secrets go in as inputs, and only the step that runs
    glow maps them into its env."""
    import yaml

    for path in map(Path, workflow_files()):
        for job in (yaml.safe_load(path.read_text()).get("jobs") or {}).values():
            for step in job.get("steps") or []:
                leaked = [k for k, v in (step.get("env") or {}).items() if "secrets." in str(v)]
                assert leaked == [], (path, step.get("name"), leaked)
    for path in [
        *ROOT.glob("actions/*/action.yml"),
        *ROOT.glob("*/actions/*/action.yml"),
        *ROOT.glob("glow/harness/room/actions/*/action.yml"),
    ]:
        for step in yaml.safe_load(path.read_text())["runs"]["steps"]:
            env = " ".join(str(v) for v in (step.get("env") or {}).values())
            uses_secret = any(
                f"inputs.{name}" in env
                for name in (
                    "app-id",
                    "app-private-key",
                    "provisioning-token",
                    "runs-token",
                    "openai-api-key",
                )
            )
            assert not uses_secret or "exec glow" in str(step.get("run")), (path, step["name"])
