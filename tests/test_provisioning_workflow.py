"""The real `.github/workflows/provision.yml` and `actions/provision` on the local GitHub's
runner: a dispatched batch provisions with the App's secrets, the registration trickle and the
hourly safety net run the same command, and the job token itself only reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from glow.cohort.watchdog.copy import LABEL as WATCHDOG_LABEL
from glow.cohort.watchdog.decide import Problem
from glow.markers import marker
from tests.provisioning_support import ADMIN, COHORT, ORG, ROOT, TEMPLATE, World, make_world

pytestmark = pytest.mark.e2e

WORKSHOP = f"{ORG}/workshop"
FILES = (".github/workflows/provision.yml", "actions/provision/action.yml")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    world = make_world(tmp_path, ("ada", "bob"), runner=True)
    world.control("config", {"template_delay_seconds": 0.05})
    staff = world.staff(ORG, "workshop")
    staff.request("POST", f"orgs/{ORG}/repos", json={"name": "workshop", "auto_init": True})
    for name, value in (
        ("PROVISIONING_APP_ID", str(world.app["id"])),
        ("PROVISIONING_APP_PRIVATE_KEY", world.app["private_key"]),
    ):
        world.control("secrets", {"repo": WORKSHOP, "name": name, "value": value})
    for name, value in (
        ("ADMIN_ROSTER_REPO", ADMIN),
        ("LEARNING_ROOM_TEMPLATE_REPO", TEMPLATE),
    ):
        world.control("variables", {"repo": WORKSHOP, "name": name, "value": value})
    files = {path: (ROOT / path).read_text(encoding="utf-8") for path in FILES}
    staff.commit_files(files, "Add provisioning", branch="main")
    assert world.hub.wait_idle(60)
    yield world
    world.hub.stop()


def runs(world: World) -> list[dict[str, Any]]:
    found = sorted(world.hub.store.data["runs"].values(), key=lambda r: r["id"])
    return [r for r in found if r["name"] == "Provisioning"]


def finished(world: World) -> list[tuple[str, str]]:
    assert world.hub.wait_idle(120)
    return [(r["event"], r["conclusion"]) for r in runs(world)]


def test_the_workflow_provisions_on_dispatch_and_heals_on_schedule(world: World) -> None:
    staff = world.staff(ORG, "workshop")
    staff.request(
        "POST",
        staff.url("actions", "workflows", "provision.yml", "dispatches"),
        json={"ref": "main", "inputs": {"cohort": COHORT}},
    )
    assert finished(world) == [("workflow_dispatch", "success")]
    assert world.rooms() == [f"learning-room-{COHORT}-ada", f"learning-room-{COHORT}-bob"]
    assert world.results() == {h: ["created", "invited", "seeded"] for h in ("ada", "bob")}
    [run] = runs(world)
    [job] = run["jobs"]
    assert job["permissions"]["contents"] == "read"
    assert job["summary"].startswith(f"Cohort {COHORT}: 2 learners visited, 2 provisioned")
    log = "\n".join(job["log_lines"])
    assert f"[1/2] ada: created learning-room-{COHORT}-ada, invited, challenge 1 seeded" in log
    assert world.app["private_key"].splitlines()[1] not in log  # secrets never in the log

    # A learner's room loses a workflow; registration's trickle does not visit provisioned
    # learners, nor does the hourly run until the watchdog flags the room; then it heals it.
    room = world.room("ada")
    lost = room.read_file(".github/workflows/pr-bot.yml")
    assert lost is not None
    room.request(
        "DELETE",
        room.url("contents", lost.path),
        json={"message": "oops", "sha": lost.sha},
    )
    staff.request("POST", staff.url("dispatches"), json={"event_type": "provision"})
    assert finished(world)[-1] == ("repository_dispatch", "success")
    assert lost.path not in world.room_files("ada")

    world.control("clock", {"advance_seconds": 3600})
    assert finished(world)[-1] == ("schedule", "success")
    assert lost.path not in world.room_files("ada")

    key = Problem("room-workflows", COHORT, "ada", {}).key  # the watchdog's alert, as it writes it
    admin = world.staff(ORG, "admin")
    alert = {"title": "ada's room", "body": marker(key), "labels": [WATCHDOG_LABEL]}
    admin.request("POST", admin.url("issues"), json=alert)
    world.control("clock", {"advance_seconds": 3600})
    assert finished(world)[-1] == ("schedule", "success")
    assert lost.path in world.room_files("ada")
    assert world.roster().learners["ada"].provision_state == "healed"
