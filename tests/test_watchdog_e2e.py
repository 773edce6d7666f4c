"""The watchdog end to end on the local GitHub, through `glow watchdog`.

ada is healthy; bob's provisioning failed (the log says why); cy's room lost a required
workflow; dee registered and is still pending provisioning; eve declined the invitation to her
room, so she can neither open it nor accept anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from glow.cohort.model import LogEntry
from glow.localhub.runner_host import HubRunnerHost
from tests.cohort_world import COHORT, WORKFLOWS, Glow, World, build_world, glow_runner

pytestmark = pytest.mark.e2e

DELETED = ".github/workflows/autograde.yml"


@pytest.fixture
def glow(capsys: pytest.CaptureFixture[str]) -> Glow:
    return glow_runner(capsys)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    w = build_world(tmp_path, monkeypatch, ("ada", "bob", "cy", "dee", "eve"))
    for handle in ("ada", "bob", "cy", "dee", "eve"):
        w.register(handle, ack=handle != "dee")
    w.make_room("ada", closed=1)
    w.make_room("cy", closed=0)
    w.make_room("eve", closed=0, accept=False)
    w.api("DELETE", f"/user/repository_invitations/{w.invitations['eve']}", who="eve")
    w.delete_file(f"org/learning-room-{COHORT}-cy", DELETED)
    now = datetime.fromisoformat(w.now().replace("Z", "+00:00"))
    failed = LogEntry(
        github_handle="bob",
        cohort_id=COHORT,
        attempt_at=now,
        result="error",
        error_detail="generate answered 422: name already taken",
    )
    roster = [
        w.learner("ada"),
        w.learner("bob", provision_state="failed", learning_room_repo=None),
        w.learner("cy"),
        w.learner("dee", provision_state="pending", learning_room_repo=None),
        w.learner("eve"),
    ]
    w.set_roster(roster)
    w.admin.update(COHORT, lambda r: (r, [failed]), "log bob's failure")
    yield w
    w.http.close()
    w.hub.stop()


@dataclass
class RecordedRun:
    id: int
    conclusion: str
    created_at: str
    updated_at: str
    repo: str = "org/workshop"
    name: str = "Registration"
    workflow_path: str = ".github/workflows/registration.yml"
    head_sha: str = "0" * 40
    event: str = "issues"
    status: str = "completed"


def alerts(world: World) -> dict[str, dict[str, Any]]:
    return world.admin_issues("watchdog")


def test_watchdog_raises_one_alert_per_problem_and_a_rerun_writes_nothing(
    world: World, glow: Glow
) -> None:
    code, _, err = glow("watchdog", "--now", world.now())
    assert code == 0, err
    found = alerts(world)
    assert sorted(found) == [
        f"watchdog:provision-failed:{COHORT}:bob",
        f"watchdog:room-access:{COHORT}:eve",
        f"watchdog:room-workflows:{COHORT}:cy",
    ]
    eve = found[f"watchdog:room-access:{COHORT}:eve"]
    assert eve["title"] == "Watchdog: eve cannot open their Learning Room (no invitation)"
    assert f"`glow provision --cohort {COHORT} --learner eve --verify`" in eve["body"]
    bob = found[f"watchdog:provision-failed:{COHORT}:bob"]
    assert bob["title"] == "Watchdog: bob has no Learning Room yet (provisioning failed)"
    lines = bob["body"].split("\n")
    # The outcome once: the body opens with what failed and for whom, not the title again.
    assert lines[1] == f"Provisioning of the Learning Room for bob (cohort {COHORT}) failed."
    assert "bob has no Learning Room yet" not in bob["body"]
    assert "generate answered 422: name already taken" in bob["body"]
    assert f"`glow provision --cohort {COHORT} --learner bob`" in bob["body"]
    assert "Manual fallback: Create the room by hand from the template" in bob["body"]
    assert f"Who owns it: the facilitators of cohort {COHORT}." in bob["body"]
    cy = found[f"watchdog:room-workflows:{COHORT}:cy"]
    assert cy["title"] == "Watchdog: cy's Learning Room is missing required workflows"
    assert f"- Missing: {DELETED}" in cy["body"]
    assert [label["name"] for label in cy["labels"]] == ["watchdog"]

    mark = world.mark()
    assert glow("watchdog", "--now", world.now())[0] == 0
    assert world.writes_since(mark) == []


def test_healed_problems_get_their_alert_closed_with_a_comment(world: World, glow: Glow) -> None:
    assert glow("watchdog", "--now", world.now())[0] == 0
    world.put_file(f"org/learning-room-{COHORT}-cy", DELETED, WORKFLOWS[DELETED])
    world.make_room("bob", closed=0)
    world.admin.update(
        COHORT,
        lambda r: (
            r.model_copy(
                update={
                    "learners": {
                        **r.learners,
                        "bob": world.learner("bob", registered_at=r.learners["bob"].registered_at),
                    }
                }
            ),
            [],
        ),
        "bob provisioned",
    )
    code, _, err = glow("watchdog", "--now", world.now())
    assert code == 0, err
    found = alerts(world)
    for key in (f"watchdog:provision-failed:{COHORT}:bob", f"watchdog:room-workflows:{COHORT}:cy"):
        assert found[key]["state"] == "closed", key
        comments = world.api("GET", f"/repos/org/admin/issues/{found[key]['number']}/comments")
        assert len(comments) == 1
        assert comments[0]["body"].split("\n")[1].startswith("Healed at 20")
    mark = world.mark()
    assert glow("watchdog", "--now", world.now())[0] == 0
    assert world.writes_since(mark) == []


def test_time_passing_raises_stalled_provisioning_and_stuck_learners(
    world: World, glow: Glow
) -> None:
    assert glow("watchdog", "--now", world.now())[0] == 0
    world.advance(21 * 60)
    world.comment("cy", "ack")  # cy is active; ada said nothing for 21 minutes
    code, _, err = glow("watchdog", "--now", world.now())
    assert code == 0, err
    found = alerts(world)
    assert f"watchdog:provision-stalled:{COHORT}:dee" in found
    assert f"watchdog:stuck:{COHORT}:cy" not in found
    ada = found[f"watchdog:stuck:{COHORT}:ada"]
    assert ada["title"].startswith("Watchdog: ada is stuck (on challenge 2, no activity since 20")


def record_run(world: World, run_id: int, conclusion: str, repo: str = "org/workshop") -> None:
    """A run as the local runner records it (without running a whole workflow)."""
    run = RecordedRun(run_id, conclusion, world.now(), world.now(), repo=repo)
    HubRunnerHost(world.hub).record_run(run)


def test_a_failed_run_in_the_workshop_repo_raises_an_alert_until_a_later_run_succeeds(
    world: World, glow: Glow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WATCHDOG_RUNS_TOKEN", world.tokens["facilitator"])

    def record(run_id: int, conclusion: str) -> None:
        record_run(world, run_id, conclusion)

    record(900001, "failure")
    code, out, err = glow("watchdog", "--now", world.now())
    assert code == 0, err
    assert "not checked" not in out + err
    alert = alerts(world)["watchdog:failed-runs:all:org/workshop"]
    assert alert["title"] == "Watchdog: workflow runs are failing in org/workshop"
    assert "- Registration (.github/workflows/registration.yml): failed at " in alert["body"]
    record(900002, "success")
    assert glow("watchdog", "--now", world.now())[0] == 0
    assert alerts(world)["watchdog:failed-runs:all:org/workshop"]["state"] == "closed"


def test_without_a_runs_token_failed_runs_are_said_unchecked_and_their_alerts_kept(
    world: World, glow: Glow, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "watchdog:failed-runs:all:org/workshop"
    monkeypatch.setenv("WATCHDOG_RUNS_TOKEN", world.tokens["facilitator"])
    record_run(world, 900001, "failure")
    assert glow("watchdog", "--now", world.now())[0] == 0
    assert alerts(world)[key]["state"] == "open"

    # The App alone (seed 003 section 7.2a: no Actions permission) cannot see runs: the check
    # is off, the run says so, the other checks still run and the open alert is not "healed".
    monkeypatch.delenv("WATCHDOG_RUNS_TOKEN")
    record_run(world, 900002, "success")
    code, out, err = glow("watchdog", "--now", world.now())
    assert code == 0, err
    assert "Failed workflow runs: not checked, because WATCHDOG_RUNS_TOKEN is not set" in out
    found = alerts(world)
    assert found[key]["state"] == "open"
    assert f"watchdog:room-workflows:{COHORT}:cy" in found


def test_runs_a_token_may_not_read_are_named_and_exit_1_leaving_alerts_alone(
    world: World, glow: Glow, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "watchdog:failed-runs:all:org/admin"
    monkeypatch.setenv("WATCHDOG_RUNS_TOKEN", world.tokens["facilitator"])
    record_run(world, 900001, "failure", repo="org/admin")
    assert glow("watchdog", "--now", world.now())[0] == 0
    assert alerts(world)[key]["state"] == "open"

    # dee is no member of the org: the private admin repository's runs are hidden from her.
    monkeypatch.setenv("WATCHDOG_RUNS_TOKEN", world.tokens["dee"])
    code, _, err = glow("watchdog", "--now", world.now())
    assert code == 1
    assert (
        "glow watchdog: not checked: workflow runs of org/admin could not be read: give "
        "WATCHDOG_RUNS_TOKEN read access to Actions on it"
    ) in err
    assert "Traceback" not in err
    assert alerts(world)[key]["state"] == "open"
