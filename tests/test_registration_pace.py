"""A registration burst's answers within GitHub's minute: each run counts, from the open issues
it lists anyway, the answers other runs gave in the last minute, and waits while they leave no
room (``decide.answer_wait``); pure, on issues as GitHub lists them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from glow.cohort.registration.decide import ANSWERS_PER_MINUTE, answer_wait
from glow.cohort.registration.issue import Issue

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def issue(number: int, seconds_ago: float, labels: tuple[str, ...] = ("enrolled",)) -> Issue:
    return Issue(
        number=number,
        title=f"[REGISTER] learner-{number}",
        body="",
        author=f"learner-{number}",
        labels=("registration", *labels),
        state="open",
        created_at=NOW - timedelta(minutes=5),
        updated_at=NOW - timedelta(seconds=seconds_ago),
    )


def test_a_quiet_minute_answers_at_once() -> None:
    answered = [issue(n, 30) for n in range(ANSWERS_PER_MINUTE - 1)]
    assert answer_wait(answered, now=NOW) == 0.0


def test_a_full_minute_waits_until_its_oldest_answer_leaves_it() -> None:
    answered = [issue(n, 50 - n * 0.5) for n in range(ANSWERS_PER_MINUTE)]
    # The oldest was answered 50 s ago: in 10 s the minute holds one answer fewer.
    assert answer_wait(answered, now=NOW) == 10.0
    more = answered + [issue(100 + n, 5) for n in range(10)]
    # Ten more answered just now: the eleventh oldest must leave the minute first.
    assert answer_wait(more, now=NOW) == 60.0 - (50 - 10 * 0.5)


def test_only_answers_of_the_last_minute_count() -> None:
    waiting = [issue(n, 10, labels=()) for n in range(100)]  # filed, not answered yet
    older = [issue(200 + n, 61) for n in range(100)]  # answered over a minute ago
    assert answer_wait(waiting + older, now=NOW) == 0.0
    undated = [
        Issue(n, "t", "", "a", ("enrolled",), "open", NOW, updated_at=None) for n in range(100)
    ]
    assert answer_wait(undated, now=NOW) == 0.0


def test_a_clock_ahead_of_ours_never_holds_a_run_longer_than_a_minute() -> None:
    ahead = [issue(n, -3600) for n in range(ANSWERS_PER_MINUTE)]  # GitHub's clock an hour on
    assert answer_wait(ahead, now=NOW) == 60.0
