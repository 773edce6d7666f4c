"""The watchdog's decisions and alert copy (pure)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import get_args

import pytest

from glow.cohort.model import LogEntry
from glow.cohort.progress import derive
from glow.cohort.watchdog.copy import COPY, alert, healed_note
from glow.cohort.watchdog.decide import (
    Kind,
    Problem,
    RoomHealth,
    Template,
    failing_workflows,
    provisioning_problems,
    room_problems,
    runs_problem,
    stuck_problem,
    workflow_gaps,
)
from tests import factories

SERVER = "https://github.com"
WORKSHOP = "org/workshop"
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
STALL = timedelta(minutes=15)


learner = partial(factories.learner, "Ada", registered_at=T0, provisioned=True)


def test_failed_provisioning_says_why_from_the_log() -> None:
    entry = LogEntry(
        github_handle="Ada", cohort_id="2026-12", attempt_at=T0, result="error", error_detail="422"
    )
    (problem,) = provisioning_problems(
        learner(provision_state="failed"), entry, now=T0, stall_after=STALL
    )
    assert problem.key == "watchdog:provision-failed:2026-12:ada"
    assert problem.facts == ("Last attempt at 2026-11-23 09:00 UTC: 422",)


def test_pending_provisioning_is_stalled_only_after_the_limit() -> None:
    pending = learner(provision_state="pending", learning_room_repo=None)
    assert provisioning_problems(pending, None, now=T0 + STALL, stall_after=STALL) == []
    (stalled,) = provisioning_problems(
        pending, None, now=T0 + STALL + timedelta(seconds=1), stall_after=STALL
    )
    assert stalled.kind == "provision-stalled"
    assert "still pending after 15 minutes" in alert(stalled, server=SERVER, workshop=WORKSHOP).body


@pytest.mark.parametrize(
    ("health", "kinds"),
    [
        (RoomHealth("r", exists=True), []),
        (RoomHealth("r", exists=True, collaborator=False, invitation="pending"), []),
        (RoomHealth("r", exists=True, collaborator=False), ["room-access"]),
        (RoomHealth("r", exists=True, collaborator=False, invitation="expired"), ["room-access"]),
        (RoomHealth("r", exists=False), ["room-missing"]),
        (RoomHealth("r", exists=True, archived=True, collaborator=False), []),
        (RoomHealth("r", exists=True, missing=(".github/workflows/a.yml",)), ["room-workflows"]),
    ],
)
def test_room_problems(health: RoomHealth, kinds: list[str]) -> None:
    template = Template("org/template", "abc1234def", {".github/workflows/a.yml": "1"})
    assert [p.kind for p in room_problems(learner(), health, template)] == kinds


def test_access_alert_says_whether_the_invitation_expired() -> None:
    health = RoomHealth("r", exists=True, collaborator=False, invitation="expired")
    (problem,) = room_problems(learner(), health, None)
    assert alert(problem, server=SERVER, workshop=WORKSHOP).title == (
        "Watchdog: Ada cannot open their Learning Room (the invitation expired)"
    )


def test_workflow_gaps_tell_missing_from_changed() -> None:
    template = {"w/a.yml": "1", "w/b.yml": "2", "w/c.yml": "3"}
    assert workflow_gaps(template, {"w/a.yml": "1", "w/b.yml": "9", "w/extra.yml": "5"}) == (
        ("w/c.yml",),
        ("w/b.yml",),
    )


def run(n: int, conclusion: str, path: str = ".github/workflows/a.yml", hours: float = 1) -> dict:
    created = (T0 - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "id": n,
        "name": "A",
        "path": path,
        "status": "completed",
        "conclusion": conclusion,
        "created_at": created,
        "html_url": f"https://github.com/o/r/actions/runs/{n}",
    }


def test_a_workflow_fails_when_its_latest_recent_run_failed() -> None:
    window = timedelta(hours=24)
    assert [f.path for f in failing_workflows([run(1, "failure")], now=T0, window=window)] == [
        ".github/workflows/a.yml"
    ]
    fixed = [run(1, "failure"), run(2, "success")]
    assert failing_workflows(fixed, now=T0, window=window) == ()
    old = [run(1, "failure", hours=30)]
    assert failing_workflows(old, now=T0, window=window) == ()
    in_progress = [run(1, "failure"), {**run(2, "success"), "status": "in_progress"}]
    assert len(failing_workflows(in_progress, now=T0, window=window)) == 1


def test_stuck_alert_text_is_stable_while_the_learner_stays_silent() -> None:
    issues = [
        {
            "number": 1,
            "title": "Challenge 1: x",
            "body": "",
            "state": "open",
            "created_at": "2026-11-23T09:05:00Z",
            "updated_at": "2026-11-23T09:05:00Z",
        }
    ]
    acked = [{"body": "ack", "user": {"login": "Ada"}, "created_at": "2026-11-23T09:01:00Z"}]
    twenty = timedelta(minutes=20)
    bodies = set()
    for minutes in (30, 90, 600):
        progress = derive(learner(), issues, acked, now=T0 + timedelta(minutes=minutes))
        problem = stuck_problem(learner(), progress, twenty)
        assert problem is not None
        bodies.add(alert(problem, server=SERVER, workshop=WORKSHOP))
    (wanted,) = bodies
    assert (
        wanted.title
        == "Watchdog: Ada is stuck (on challenge 1, no activity since 2026-11-23 09:05 UTC)"
    )


@pytest.mark.parametrize("kind", get_args(Kind))
def test_every_alert_has_the_four_parts(kind: Kind) -> None:
    problem = Problem(kind, "2026-12", "ada", {"who": "ada", "repo": "org/workshop"})
    wanted = alert(problem, server=SERVER, workshop=WORKSHOP)
    body = wanted.body
    marker = f"<!-- glow:watchdog:{kind}:2026-12:ada -->\n"
    assert body.startswith(marker)
    # The outcome once: the body opens with what failed and for whom, not the title again.
    assert wanted.title.removeprefix("Watchdog: ") not in body
    assert body.removeprefix(marker).split("\n")[0] == COPY[kind].what.format_map(
        {"who": "ada", "repo": "org/workshop"} | _unknown(COPY[kind].what)
    )
    for part in ("Retry: ", "Manual fallback: ", "Who owns it: the facilitators"):
        assert part in body
    runbook = f"{SERVER}/{WORKSHOP}/blob/HEAD/docs/runbooks/dashboard-and-watchdog.md"
    assert f"]({runbook}#alert-{kind})" in body
    # Every runbook named is a link to the workshop repository; no path that leads nowhere.
    assert "docs/runbooks" not in re.sub(r"\[[^]]*\]\([^)]*\)", "", body)
    assert "Provision workflow" not in body
    assert set(COPY) == set(get_args(Kind))


def _unknown(text: str) -> dict[str, str]:
    """The placeholders the problem does not give, as ``alert`` fills them."""
    names = set(re.findall(r"{(\w+)}", text)) - {"who", "repo"}
    return {name: f"({name} unknown)" for name in names}


def test_repository_alerts_have_a_valid_marker_and_no_cohort_owner() -> None:
    problem = runs_problem(
        "all",
        "org/odd--name",
        "org/odd--name",
        (*failing_workflows([run(1, "failure")], now=T0, window=timedelta(hours=24)),),
    )
    assert problem is not None
    wanted = alert(problem, server=SERVER, workshop=WORKSHOP)
    assert wanted.key == "watchdog:failed-runs:all:org/odd-name"
    assert "Who owns it: the facilitators." in wanted.body


def test_healed_note_says_when_and_what() -> None:
    note = healed_note("Watchdog: Ada has no Learning Room yet (provisioning failed)", T0)
    assert note.startswith(
        "Healed at 2026-11-23 09:00 UTC: the watchdog no longer sees this problem "
        "(Ada has no Learning Room yet (provisioning failed))."
    )
