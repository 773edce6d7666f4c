"""Progress derived from a room's issues and a registration's comments (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest

from glow.cohort.progress import (
    challenge_number,
    derive,
    level_for,
    status_for,
)
from tests import factories

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def at(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


learner = partial(factories.learner, "Ada", registered_at=T0, provisioned=True)


def issue(
    n: int, state: str = "open", *, minute: float = 0, marker: bool = True, **kw: Any
) -> dict:
    body = f"<!-- glow:challenge:{n} -->\nDo it." if marker else "Do it."
    return {
        "number": 100 + n,
        "title": f"Challenge {n}: step",
        "body": body,
        "state": state,
        "created_at": at(minute),
        "updated_at": at(minute),
        "closed_at": at(minute) if state == "closed" else None,
        **kw,
    }


def comment(body: str, minute: float, login: str = "ada") -> dict:
    return {"body": body, "user": {"login": login}, "created_at": at(minute)}


def closed(*numbers: int) -> list[dict]:
    return [issue(n, "closed", minute=n) for n in numbers]


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        ("Challenge 4: Branch out", "<!-- glow:challenge:4 -->\nx", 4),
        ("Renamed by a facilitator", "<!-- glow:challenge:4 -->\nx", 4),  # the marker wins
        ("Challenge 7: Conflicts", "<!-- glow:challenge:9 -->", 9),
        ("challenge 12: review", "no marker", 12),  # title fallback, any case
        ("Challenge A: bonus", "", None),
        ("Practice issue", "> <!-- glow:challenge:3 -->", None),  # only the first line counts
    ],
)
def test_challenge_number_prefers_the_marker_and_falls_back_to_the_title(
    title: str, body: str, expected: int | None
) -> None:
    assert challenge_number(title, body) == expected


def test_completed_current_and_level_from_the_room_issues() -> None:
    issues = [
        *closed(1, 2, 3),
        issue(4, minute=5),
        {"number": 50, "title": "PR", "pull_request": {}},
    ]
    progress = derive(learner(), issues, [comment("ack", 1)], now=T0 + timedelta(minutes=6))
    assert progress.completed == {1, 2, 3}
    assert progress.current == 4
    assert progress.level == "Contributor"
    assert progress.status == "active-day1"
    assert not progress.day1_complete
    assert progress.last_signal is not None and progress.last_signal.name == "ack"


def test_a_reopened_challenge_is_not_completed() -> None:
    issues = [*closed(1, 2), issue(2, minute=3, number=999)]
    progress = derive(learner(), issues, [], now=T0)
    assert progress.completed == {1}
    assert progress.current == 2


@pytest.mark.parametrize(
    ("completed", "level"),
    [
        (0, "Explorer"),
        (2, "Explorer"),
        (3, "Contributor"),
        (7, "Collaborator"),
        (9, "Operator"),
        (11, "Reviewer"),
        (13, "Reviewer"),
        (14, "Agent Navigator"),
        (16, "Agent Navigator"),
    ],
)
def test_levels_follow_the_completed_count(completed: int, level: str) -> None:
    assert level_for(completed) == level


def test_day1_is_complete_by_challenge_nine_by_the_signal_or_by_the_label() -> None:
    now = T0 + timedelta(minutes=30)
    by_nine = derive(learner(), closed(*range(1, 10)), [], now=now)
    assert by_nine.day1_complete and by_nine.status == "day1-complete"
    said = derive(learner(), closed(1), [comment("Day 1 complete!", 2)], now=now)
    assert said.day1_complete and said.status == "day1-complete"
    quoted = derive(learner(), closed(1), [comment("> day1-complete", 2)], now=now)
    assert not quoted.day1_complete
    labelled = derive(learner(), closed(1), [], labels=["Day1-Complete"], now=now)
    assert labelled.day1_complete


def test_status_precedence_follows_glow_facts() -> None:
    base = learner()
    order = dict(released=True, day1_complete=True, acked=True, any_done=True)
    assert status_for(base.model_copy(update={"status": "needs-info"}), **order) == "needs-info"
    assert status_for(base.model_copy(update={"enrollment": "pending"}), **order) == "needs-info"
    assert status_for(base, **order) == "day2-released"
    assert status_for(base, **{**order, "released": False}) == "day1-complete"
    day2_only = base.model_copy(update={"path": "day2-only"})
    nothing = dict(released=False, day1_complete=False, acked=False, any_done=False)
    assert status_for(day2_only, **nothing) == "day1-complete"
    assert status_for(base, **{**nothing, "acked": True}) == "active-day1"
    assert status_for(base, **{**nothing, "any_done": True}) == "active-day1"
    assert status_for(base, **nothing) == "awaiting-ack"


def test_day2_release_is_seen_from_the_roster_the_label_or_the_bots_comment() -> None:
    now = T0
    bot = {"body": "<!-- glow:day2-release -->\nDay 2 is open", "user": {"login": "bot"}}
    assert derive(learner(), [], [bot], now=now).status == "day2-released"
    assert derive(learner(), [], [], labels=["day2-released"], now=now).status == "day2-released"
    recorded = learner(status="day2-released")
    assert derive(recorded, [], [], now=now).status == "day2-released"


def test_only_the_learners_own_comments_are_signals_or_activity() -> None:
    facilitator = comment("ack", 50, login="facilitator")
    progress = derive(learner(), [], [facilitator], now=T0 + timedelta(minutes=60))
    assert progress.status == "awaiting-ack"
    assert progress.last_activity is None


def test_stuck_after_the_threshold_of_silence_while_working() -> None:
    issues = [*closed(1), issue(2, minute=1)]
    acked = [comment("ack", 1)]
    threshold = timedelta(minutes=20)
    fresh = derive(learner(), issues, acked, now=T0 + timedelta(minutes=20), threshold=threshold)
    assert not fresh.stuck  # 19 minutes since the last activity
    late = derive(learner(), issues, acked, now=T0 + timedelta(minutes=21), threshold=threshold)
    assert late.stuck
    assert late.last_activity == T0 + timedelta(minutes=1)


def test_waiting_for_day2_or_finished_or_needs_info_is_never_stuck() -> None:
    much_later = T0 + timedelta(days=1)
    day1_done = derive(learner(), closed(*range(1, 10)), [], now=much_later)
    assert day1_done.status == "day1-complete" and not day1_done.stuck
    finished = derive(learner(status="day2-released"), closed(*range(1, 17)), [], now=much_later)
    assert finished.finished and not finished.stuck
    needs_info = derive(learner(status="needs-info", enrollment="pending"), [], [], now=much_later)
    assert not needs_info.stuck


def test_a_learner_who_never_acked_is_not_stuck_but_overdue_after_the_ack_wait() -> None:
    no_room = learner(learning_room_repo=None)
    soon = derive(no_room, None, [], now=T0 + timedelta(minutes=25))
    assert soon.status == "awaiting-ack"
    assert not soon.stuck and not soon.ack_overdue
    assert soon.current is None
    wait = timedelta(hours=24)
    day = derive(no_room, None, [], now=T0 + wait, ack_wait=wait)
    assert day.ack_overdue and not day.stuck
    acked = derive(no_room, None, [comment("ack", 1)], now=T0 + wait, ack_wait=wait)
    assert not acked.ack_overdue
