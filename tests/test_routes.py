"""Where every event goes, stated once and held true everywhere it is written.

For each event-driven command: the events its ``events.py`` declares are exactly its router's
keys, and exactly the `on:` types of every workflow that calls it (through its composite
action); an event it does not handle exits 0 before anything heavy is imported; and
docs/maintainers/architecture.md's table is what `glow routes` prints.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from glow.__main__ import COMMANDS, Command
from glow.bot.routes import table

ROOT = Path(__file__).resolve().parents[1]
EVENT_DRIVEN = [c for c in COMMANDS if c.package]


def project_room() -> Path:
    """A room's project workflow and action as a learner package lays them out."""
    from glow.harness.package import room_files

    home = Path(tempfile.mkdtemp(prefix="glow-project-room-"))
    for relative, content in room_files().items():
        (home / relative).parent.mkdir(parents=True, exist_ok=True)
        (home / relative).write_bytes(content)
    return home


# The workshop repository's workflows run its actions; the admin repository's run its own; a
# room with a project has the project workflow its learner package ships.
PROJECT_ROOM = project_room()
WORKFLOW_HOMES = [ROOT, ROOT / "admin-roster", ROOT / "learning-room-template", PROJECT_ROOM]
GLOW_CALL = re.compile(r"\bglow ([a-z][a-z0-9-]*)")


def on_keys(workflow: dict[Any, Any]) -> set[str]:
    """The event keys a workflow's `on:` starts it for (`issues.opened`, `schedule`...)."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        on = {on: None}
    elif isinstance(on, list):
        on = dict.fromkeys(on)
    keys = set()
    for event, spec in on.items():
        types = spec.get("types") if isinstance(spec, dict) else None
        keys |= {f"{event}.{kind}" for kind in types} if types else {event}
    return keys


def commands_called(home: Path, workflow: dict[Any, Any]) -> set[str]:
    """The glow commands a workflow's steps run, through its local composite actions."""
    called = set()
    for job in (workflow.get("jobs") or {}).values():
        for step in job.get("steps") or []:
            uses = str(step.get("uses") or "")
            if uses.startswith(("$/", "./")):
                action = home / uses.split("/", 1)[1] / "action.yml"
                steps = yaml.safe_load(action.read_text())["runs"]["steps"]
                for run in (str(s.get("run") or "") for s in steps):
                    called |= set(GLOW_CALL.findall(run))
            called |= set(GLOW_CALL.findall(str(step.get("run") or "")))
    return called


def workflows_of(command: Command) -> dict[str, set[str]]:
    found = {}
    for home in WORKFLOW_HOMES:
        for path in sorted((home / ".github" / "workflows").glob("*.yml")):
            workflow = yaml.safe_load(path.read_text())
            if command.name in commands_called(home, workflow):
                name = path.relative_to(home) if home == PROJECT_ROOM else path.relative_to(ROOT)
                found[str(name)] = on_keys(workflow)
    return found


@pytest.mark.parametrize("command", EVENT_DRIVEN, ids=lambda c: c.name)
def test_the_events_are_stated_once_and_agree_everywhere(command: Command) -> None:
    declared = set(importlib.import_module(f"{command.package}.events").EVENTS)
    router = importlib.import_module(f"{command.package}.handlers").router
    assert router.keys() == declared, "the router registers exactly the declared events"
    workflows = workflows_of(command)
    assert workflows, f"no workflow calls glow {command.name}"
    assert set().union(*workflows.values()) == declared, workflows


def test_the_events_modules_import_nothing() -> None:
    """A command decides to ignore an event from its events module alone: it must stay free."""
    for command in EVENT_DRIVEN:
        source = (ROOT / command.package.replace(".", "/") / "events.py").read_text()
        # A command made of behaviours (`glow room`) unions their events modules, which are
        # themselves import-free.
        for line in re.findall(r"^[ \t]*(?:import|from) .*$", source, re.MULTILINE):
            assert re.fullmatch(r"from glow\.[a-z_.]+\.events import EVENTS as _[A-Z_]+", line), (
                command.name,
                line,
            )


@pytest.mark.parametrize("command", EVENT_DRIVEN, ids=lambda c: c.name)
def test_an_unhandled_event_exits_0_before_any_heavy_import(
    command: Command, tmp_path: Path
) -> None:
    payload = tmp_path / "event.json"
    payload.write_text(json.dumps({"action": "labeled", "repository": {"full_name": "o/r"}}))
    probe = (
        "import sys\nfrom glow.__main__ import main\ncode = main([sys.argv[1]])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'pydantic', 'githubkit', 'httpx', 'yaml'})\n"
        "print(code, heavy)\n"
    )
    env = {
        **os.environ,
        "GITHUB_EVENT_NAME": "label",
        "GITHUB_EVENT_PATH": str(payload),
        "GITHUB_REPOSITORY": "o/r",
    }
    proc = subprocess.run(
        [sys.executable, "-c", probe, command.name],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stdout.strip() == "0 []", proc.stdout + proc.stderr
    assert (
        proc.stderr.strip()
        == f"glow {command.name}: event label.labeled not handled, nothing to do"
    )


@pytest.mark.parametrize("name", ["progression", "help", "gandalf", "grading", "checks"])
def test_every_room_behaviour_routes_exactly_its_declared_events(name: str) -> None:
    from glow.room.events import BEHAVIOURS

    router = importlib.import_module(f"glow.room.{name}.handlers").router
    assert router.keys() == set(BEHAVIOURS[name])


def test_the_architecture_map_is_what_glow_routes_prints() -> None:
    text = (ROOT / "docs" / "maintainers" / "architecture.md").read_text()
    rows = set(re.findall(r"^\| `glow ([a-z0-9-]+)` \| `([a-z_.]+)` \| `([\w.]+)` \|$", text, re.M))
    assert rows == set(table())


def test_a_command_no_workflow_runs_has_no_events() -> None:
    """Every command a workflow runs is event-driven; `glow roster` is run by hand only."""
    called = set()
    for home in WORKFLOW_HOMES:
        for path in (home / ".github" / "workflows").glob("*.yml"):
            called |= commands_called(home, yaml.safe_load(path.read_text()))
    event_driven = {c.name for c in EVENT_DRIVEN}
    assert called <= event_driven, called - event_driven
    assert (
        "roster" not in called and next(c for c in COMMANDS if c.name == "roster").package is None
    )
