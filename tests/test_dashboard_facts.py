"""What a status issue keeps of its learner's room, and when a re-run trusts it (pure): the row
from the kept facts is the row of a full read, and the room is read again whenever its listing
since the kept time shows anything new."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml

from glow.cohort.admin import issues_auth
from glow.cohort.dashboard.copy import learner_issue
from glow.cohort.dashboard.decide import (
    FULL_READ_SLOT,
    FULL_READ_SLOTS,
    RoomFacts,
    due_for_full_read,
    facts_of,
    room_facts,
    room_unchanged,
    row_for,
    row_from,
    usable,
)
from glow.cohort.observe import Observation
from glow.localhub.runner.cron import Cron
from tests import factories

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DASHBOARD_WORKFLOW = (
    Path(__file__).resolve().parents[1] / "admin-roster" / ".github" / "workflows" / "dashboard.yml"
)
ROOM = "org/learning-room--2026-12-ada"  # "--" must not end the hidden HTML comment
WEB = f"https://github.com/{ROOM}"
learner = partial(
    factories.learner,
    "ada",
    registered_at=T0,
    provisioned=True,
    learning_room_repo=ROOM,
    status="active-day1",
)
ACK = [{"body": "ack", "user": {"login": "ada"}, "created_at": "2026-11-23T09:02:00Z"}]
INTAKE = (
    "### Screen reader or tools\n\nNVDA\n\n### Accessibility needs\n\nLarge text\n\n"
    "### Contact (optional)\n\n_No response_\n"
)


def stamp(minute: int) -> str:
    return (T0 + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ")


def issue(number: int, minute: int, **fields: Any) -> dict[str, Any]:
    return {
        "number": number,
        "title": f"Challenge {number}: x",
        "body": f"<!-- glow:challenge:{number} -->",
        "state": "open",
        "created_at": stamp(0),
        "updated_at": stamp(minute),
        "closed_at": None,
        "comments": 1,
        "user": {"login": "glow-provisioning[bot]"},
        **fields,
    }


def the_room() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Challenges 1 and 2 done (2 retired as a duplicate: not planned), 3 open with a help
    request, the learner's intake issue, and one of their own issues that is no challenge."""
    issues = [
        issue(1, 5, state="closed", state_reason="completed", closed_at=stamp(5)),
        issue(2, 6, state="closed", state_reason="not_planned", closed_at=stamp(6)),
        issue(3, 9),
        issue(4, 7, title="About me", body=INTAKE, user={"login": "ada"}, labels=[]),
        issue(5, 9, title="Challenge 9: mine", body="", user={"login": "ada"}, comments=0),
    ]
    comments = [
        {
            "id": 77,
            "issue_url": f"https://api.github.com/repos/{ROOM}/issues/3",
            "html_url": f"{WEB}/issues/3#issuecomment-77",
            "user": {"login": "ada", "type": "User"},
            "author_association": "COLLABORATOR",
            "body": "help, the branch will not push",
            "created_at": stamp(8),
            "updated_at": stamp(8),
        }
    ]
    return issues, comments


def full_row(now: datetime) -> Any:
    issues, comments = the_room()
    seen = Observation(learner(), issues, ACK, room_comments=comments)
    return row_for("2026-12", seen, now=now, threshold=timedelta(minutes=20))


def test_the_kept_facts_give_the_same_status_issue_as_a_full_read_at_any_time() -> None:
    first = full_row(T0 + timedelta(minutes=10))
    issue_text = learner_issue(first, server="https://github.com").body
    kept = facts_of(issue_text)
    assert kept is not None
    assert kept.line().count("--") == 2  # only the comment's own "<!--" and "-->"
    recorded = learner(tools="NVDA", accessibility_needs="Large text", contact=None)
    facts = usable(kept, recorded)
    assert facts is not None
    for minutes in (10, 40):  # the clock moves on: stuck is judged again, from the kept facts
        now = T0 + timedelta(minutes=minutes)
        full = full_row(now)
        again = row_from(
            "2026-12", recorded, facts, ACK, (), now=now, threshold=timedelta(minutes=20)
        )
        assert (again.progress, again.room_help, again.situation) == (
            full.progress,
            full.room_help,
            full.situation,
        )
        assert again.intake is not None and again.intake.number == 4
        assert [h.url for h in again.room_help] == [f"{WEB}/issues/3#issuecomment-77"]
    assert again.progress.stuck and again.progress.completed == frozenset({1})


def test_the_row_a_re_run_keeps_writes_nothing_new() -> None:
    now = T0 + timedelta(minutes=10)
    body = learner_issue(full_row(now), server="https://github.com").body
    facts = usable(facts_of(body), learner(tools="NVDA", accessibility_needs="Large text"))
    again = row_from("2026-12", learner(), facts, ACK, (), now=now, threshold=timedelta(minutes=20))
    assert learner_issue(again, server="https://github.com").body == body


def test_a_room_whose_listing_since_the_cursor_shows_only_what_was_kept_is_unchanged() -> None:
    issues, comments = the_room()
    facts = room_facts(learner(), issues, comments)
    assert facts is not None and facts.cursor == stamp(9)
    at_cursor = [i for i in issues if i["updated_at"] == stamp(9)]
    assert room_unchanged(facts, [])
    assert room_unchanged(facts, at_cursor)
    later = {**issues[0], "updated_at": stamp(11)}
    assert not room_unchanged(facts, [*at_cursor, later])  # updated after: read again
    commented = {**at_cursor[0], "comments": 2}  # the same second, one more comment
    assert not room_unchanged(facts, [commented])
    closed = {**at_cursor[0], "state": "closed"}
    assert not room_unchanged(facts, [closed])
    new = issue(6, 9)  # a new issue in that very second
    assert not room_unchanged(facts, [new])


def test_facts_that_cannot_stand_for_the_room_send_it_to_a_full_read() -> None:
    issues, comments = the_room()
    facts = room_facts(learner(), issues, comments)
    assert facts is not None
    # The roster lacks the intake answers the facts were taken with (its write failed).
    assert usable(facts, learner()) is None
    assert usable(facts, learner(tools="NVDA", accessibility_needs="Large text")) is not None
    assert usable(RoomFacts(), learner()) is None  # no cursor: an empty room, read again
    assert usable(facts, learner(learning_room_repo=None)) is None
    assert room_facts(learner(), None, None) is None  # unreadable: nothing to keep


@pytest.mark.parametrize(
    "body",
    [
        None,
        "no facts here",
        "<!-- glow:dashboard-room {not json} -->",
        '<!-- glow:dashboard-room {"v":99} -->',
        '<!-- glow:dashboard-room {"v":1,"cursor":"x","seen":[[1]],"challenges":[],'
        '"intake":null,"help":[]} -->',
    ],
)
def test_a_missing_or_unreadable_facts_line_is_no_facts(body: str | None) -> None:
    assert facts_of(body) is None


def schedule_fires(start: datetime, end: datetime) -> list[datetime]:
    """When the Dashboard workflow's schedule (admin-roster) fires in ``(start, end]``."""
    workflow = yaml.safe_load(DASHBOARD_WORKFLOW.read_text(encoding="utf-8"))
    crons = [Cron.parse(entry["cron"]) for entry in workflow[True]["schedule"]]  # `on:` is True
    fires: list[datetime] = []
    for cron in crons:
        at = cron.first_fire(start, end)
        while at is not None:
            fires.append(at)
            at = cron.first_fire(at, end)
    return sorted(fires)


def test_a_day_of_the_schedules_runs_reads_each_room_in_full_once() -> None:
    keys = [f"dashboard:2026-12:l{i}" for i in range(40)]
    for day in range(3):
        start = T0 + timedelta(days=day)
        fires = schedule_fires(start, start + timedelta(days=1))
        assert fires, "the dashboard has no schedule"
        for key in keys:
            assert sum(due_for_full_read(key, at) for at in fires) == 1, (key, fires)


def test_each_room_has_one_full_read_turn_a_day() -> None:
    day = [T0 + FULL_READ_SLOT * n for n in range(FULL_READ_SLOTS)]
    assert timedelta(days=1) == FULL_READ_SLOT * FULL_READ_SLOTS
    turns = {key: [due_for_full_read(key, at) for at in day] for key in ("a", "b", "c", "d", "e")}
    assert all(sum(due) == 1 for due in turns.values())
    assert len({due.index(True) for due in turns.values()}) > 1  # spread over the day


def test_the_job_token_writes_the_board_only_in_an_actions_run_of_the_admin_repository() -> None:
    token = partial(issues_auth, job_repository="Org/Admin", admin_repo="org/admin")
    assert token(by_event=True, job_token=True) == "token"
    assert token(by_event=False, job_token=True) == "provisioning"  # a facilitator's terminal
    assert token(by_event=True, job_token=False) == "provisioning"  # a workflow passing none
    other = issues_auth(
        by_event=True, job_token=True, job_repository="org/workshop", admin_repo="org/admin"
    )
    assert other == "provisioning"  # a job token reaches only its own repository
