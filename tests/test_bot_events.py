"""Each event-driven command states the events it handles once: its ``events.EVENTS`` is its
router's keys, and the `on:` types of the workflows that run it (directly, or through a
composite action of the same repository) together; any other Actions event exits 0, doing
nothing."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from glow.__main__ import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
# (repository root, its workflows): the workshop repository and the admin repository's seed.
REPOSITORIES = (ROOT, ROOT / "admin-roster")
GLOW_RUN = re.compile(r"^\s*(?:exec\s+)?glow\s+([a-z0-9-]+)", re.MULTILINE)
EVENT_DRIVEN = [c for c in COMMANDS if c.package]


def triggers(workflow: dict[Any, Any]) -> set[str]:
    """``event`` or ``event.type`` for every trigger of a workflow's `on:`."""
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` key as true
    if isinstance(on, str):
        on = {on: None}
    elif isinstance(on, list):
        on = dict.fromkeys(on)
    keys: set[str] = set()
    for event, spec in on.items():
        types = spec.get("types") if isinstance(spec, dict) else None
        keys |= {f"{event}.{kind}" for kind in types} if types else {event}
    return keys


def commands_in(steps: list[dict[str, Any]], root: Path) -> set[str]:
    """The glow commands these steps run, following composite actions of ``root``."""
    names: set[str] = set()
    for step in steps:
        names |= set(GLOW_RUN.findall(str(step.get("run") or "")))
        uses = str(step.get("uses") or "")
        if uses.startswith(("./", "$/")):
            action = yaml.safe_load((root / uses[2:] / "action.yml").read_text())
            names |= commands_in(action["runs"].get("steps") or [], root)
    return names


def workflows() -> list[tuple[str, set[str], set[str]]]:
    """(workflow path, its triggers, the glow commands it runs) for every workflow."""
    found = []
    for root in REPOSITORIES:
        for path in sorted((root / ".github" / "workflows").glob("*.yml")):
            workflow = yaml.safe_load(path.read_text())
            steps = [s for job in workflow["jobs"].values() for s in job.get("steps") or []]
            found.append(
                (str(path.relative_to(ROOT)), triggers(workflow), commands_in(steps, root))
            )
    return found


@pytest.mark.parametrize("command", EVENT_DRIVEN, ids=lambda c: c.name)
def test_a_commands_events_are_its_routes_and_its_workflows_triggers(command: Any) -> None:
    events = importlib.import_module(f"{command.package}.events").EVENTS
    router = importlib.import_module(f"{command.package}.handlers").router
    assert router.keys() == events
    callers = {path: keys for path, keys, names in workflows() if command.name in names}
    assert callers, f"no workflow runs glow {command.name}"
    started_by = set().union(*callers.values())
    assert started_by == events, (
        f"{sorted(callers)} start glow {command.name} on {sorted(started_by)}"
    )


def test_the_roster_rebuild_is_run_by_hand_only() -> None:
    """No workflow runs `glow roster`, so it has no events and no router (a package-less
    command): run anywhere, it rebuilds."""
    assert not [path for path, _, names in workflows() if "roster" in names]
    assert next(c for c in COMMANDS if c.name == "roster").package is None


@pytest.mark.parametrize("name", ["provision", "template", "group", "teardown"])
def test_an_event_the_command_does_not_handle_exits_zero_doing_nothing(
    name: str, tmp_path: Path
) -> None:
    payload = tmp_path / "event.json"
    payload.write_text(json.dumps({"action": "opened", "repository": {"full_name": "o/w"}}))
    env = {
        "PATH": "/usr/bin:/bin",
        "GITHUB_EVENT_NAME": "issues",
        "GITHUB_EVENT_PATH": str(payload),
        "GITHUB_REPOSITORY": "o/w",
    }
    args = [name, "sync"] if name == "template" else [name, "--cohort", "2026-12"]
    proc = subprocess.run(
        [sys.executable, "-m", "glow", *args], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == f"glow {name}: event issues.opened not handled, nothing to do\n"
    assert proc.stdout == ""
