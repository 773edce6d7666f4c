"""The watchdog's re-runs on the local GitHub: cheap when nothing changed, still raising what
changed, and writing its alerts with the job token.

Eight learners with healthy rooms. The watchdog remembers what it found healthy in its state
file (GLOW_WATCHDOG_STATE, which the workflow keeps in the Actions cache); runs are 10 minutes
apart, as dispatches between the schedule's runs may start them (the schedule's own runs, 3 hours
apart, each read every room in full: tests/test_watchdog_memory.py). The re-run's budget is
`watchdog-rerun` in
benchmarks/budgets.json: a constant and a figure per learner.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from glow.cohort.model import room_name
from glow.localhub.runner_host import HubRunnerHost
from tests.cohort_world import COHORT, ROOT, WORKFLOWS, Glow, World, build_world, glow_runner

pytestmark = pytest.mark.e2e

HANDLES = tuple(f"l{i}" for i in range(8))
DELETED = ".github/workflows/autograde.yml"
RUN_EVERY = 10 * 60  # seconds between runs
BUDGET = next(
    e
    for e in json.loads((ROOT / "benchmarks" / "budgets.json").read_text())["events"]
    if e["id"] == "watchdog-rerun"
)


@pytest.fixture
def glow(capsys: pytest.CaptureFixture[str]) -> Glow:
    return glow_runner(capsys)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    w = build_world(tmp_path, monkeypatch, HANDLES)
    for handle in HANDLES:
        w.register(handle, ack=True)
        w.make_room(handle, closed=1)
    w.set_roster([w.learner(handle) for handle in HANDLES])
    monkeypatch.setenv("GLOW_WATCHDOG_STATE", str(tmp_path / "watchdog" / "state.json"))
    monkeypatch.setenv("WATCHDOG_RUNS_TOKEN", w.tokens["facilitator"])
    # Hours pass in these tests; nobody is judged stuck meanwhile (another test's subject).
    monkeypatch.setenv("GLOW_STUCK_MINUTES", "100000")
    w.advance(15 * 60)  # the rooms' activity has settled before the first run
    yield w
    w.http.close()
    w.hub.stop()


def room(handle: str) -> str:
    return f"org/{room_name(COHORT, handle)}"


def watch(world: World, glow: Glow) -> str:
    code, out, err = glow("watchdog", "--now", world.now())
    assert code == 0, err
    return out


def alerts(world: World) -> dict[str, dict[str, Any]]:
    return world.admin_issues("watchdog")


def test_a_rerun_on_an_unchanged_cohort_writes_nothing_and_reads_about_one_request_a_learner(
    world: World, glow: Glow
) -> None:
    watch(world, glow)
    world.advance(RUN_EVERY)
    mark = world.mark()
    watch(world, glow)
    rerun = world.requests_since(mark)
    assert world.writes_since(mark) == []
    budget = BUDGET["requests"] + BUDGET["requests_per_learner"] * len(HANDLES)
    assert len(rerun) <= budget, [f"{r['method']} {r['path']}" for r in rerun]
    trees = [
        r["path"] for r in rerun if "/learning-room-" in r["path"] and "/git/trees/" in r["path"]
    ]
    assert trees == []  # no room was pushed to: no room's tree is read again
    assert alerts(world) == {}


def test_a_required_file_deleted_is_raised_by_the_next_run_and_closed_once_restored(
    world: World, glow: Glow
) -> None:
    watch(world, glow)
    world.advance(RUN_EVERY)
    watch(world, glow)
    world.delete_file(room("l3"), DELETED)
    world.advance(RUN_EVERY)
    watch(world, glow)
    key = f"watchdog:room-workflows:{COHORT}:l3"
    assert sorted(alerts(world)) == [key]
    assert f"- Missing: {DELETED}" in alerts(world)[key]["body"]
    world.put_file(room("l3"), DELETED, WORKFLOWS[DELETED])
    world.advance(RUN_EVERY)
    watch(world, glow)
    assert alerts(world)[key]["state"] == "closed"


def test_a_learner_who_lost_access_is_raised_within_the_hour(world: World, glow: Glow) -> None:
    watch(world, glow)  # every room read in full
    world.api("DELETE", f"/repos/{room('l5')}/collaborators/l5")
    key = f"watchdog:room-access:{COHORT}:l5"
    raised_after = None
    for minutes in range(10, 70, 10):  # runs every 10 minutes over the next hour
        world.advance(RUN_EVERY)
        watch(world, glow)
        if key in alerts(world):
            raised_after = minutes
            break
    assert raised_after is not None and raised_after <= 60
    assert sorted(alerts(world)) == [key]
    assert "l5 cannot open their Learning Room" in alerts(world)[key]["title"]


def test_alerts_are_written_with_the_job_token_and_an_alert_the_app_opened_is_closed_not_copied(
    world: World, glow: Glow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    world.delete_file(room("l1"), DELETED)
    world.advance(RUN_EVERY)
    watch(world, glow)  # at a facilitator's terminal: the provisioning App writes
    old_key = f"watchdog:room-workflows:{COHORT}:l1"
    opened = alerts(world)[old_key]
    assert opened["user"]["login"] == "glow-provisioning[bot]"

    # Now as the schedule's Actions run of the admin repository, with its job token.
    job = HubRunnerHost(world.hub).mint_job_token("org/admin", {"issues": "write"})
    monkeypatch.setenv("GITHUB_TOKEN", job)
    monkeypatch.setenv("GITHUB_REPOSITORY", "org/admin")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"schedule": "41 */3 * * *"}), encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_NAME", "schedule")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    world.put_file(room("l1"), DELETED, WORKFLOWS[DELETED])
    world.delete_file(room("l2"), DELETED)
    world.advance(RUN_EVERY)
    watch(world, glow)
    found = alerts(world)
    new_key = f"watchdog:room-workflows:{COHORT}:l2"
    assert sorted(found) == [old_key, new_key]
    assert found[old_key]["number"] == opened["number"]
    assert found[old_key]["state"] == "closed"
    [healed] = world.api("GET", f"/repos/org/admin/issues/{opened['number']}/comments")
    assert healed["user"]["login"] == "github-actions[bot]"
    assert found[new_key]["user"]["login"] == "github-actions[bot]"
    assert found[new_key]["state"] == "open"
    mark = world.mark()
    world.advance(RUN_EVERY)
    watch(world, glow)
    assert world.writes_since(mark) == []
