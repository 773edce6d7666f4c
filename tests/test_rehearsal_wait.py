"""A learner in the rehearsal waits for their room's runs: slow behind a busy shared runner is
waited for, a room whose runs never move fails and names the runs that stayed."""

from __future__ import annotations

import itertools
import time

import pytest

from glow.rehearsal import journey
from glow.rehearsal.journey import Learner, Stuck


def learner(busy: list[list[str]], finished: object = None) -> Learner:
    answers = iter(busy)
    last: list[str] = []

    def room_busy(room: str) -> list[str]:
        nonlocal last
        last = next(answers, last)
        return last

    return Learner(
        login="ada",
        token="t",
        path="day1",
        room="org/room-ada",
        happy=True,
        base_url="http://localhost",
        api=None,
        control=None,
        busy=room_busy,
        finished=finished,  # type: ignore[arg-type]
        wait=0.4,
    )


def test_a_room_that_empties_is_idle() -> None:
    someone = learner([["Autograder (push) queued"], []])
    someone.idle()  # returns: the second look finds nothing queued


def test_a_room_whose_runs_never_move_fails_naming_them() -> None:
    someone = learner([["Autograder (push) queued since 12:00:00"]], finished=lambda: 7)
    started = time.monotonic()
    with pytest.raises(Stuck, match=r"still busy: Autograder \(push\) queued since 12:00:00"):
        someone.idle()
    assert time.monotonic() - started < 1.2  # the wait, not three times it


def test_a_room_queued_behind_a_moving_runner_waits_longer(monkeypatch: pytest.MonkeyPatch) -> None:
    # The runner finishes another room's run on every look; the learner's room empties only
    # after twice its wait, and the learner is still there to see it.
    clock = _Clock()
    monkeypatch.setattr(journey, "time", clock)
    count = itertools.count()
    someone = learner([["Help (issue_comment) queued"]] * 40 + [[]], finished=lambda: next(count))
    someone.wait = 5.0
    someone.idle()
    assert clock.monotonic() > 5.0


def test_even_a_moving_runner_is_waited_for_only_three_times_the_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = _Clock()
    monkeypatch.setattr(journey, "time", clock)
    count = itertools.count()
    someone = learner([["Help (issue_comment) queued"]], finished=lambda: next(count))
    someone.wait = 5.0
    with pytest.raises(Stuck, match="waited 15 s"):
        someone.idle()
    assert 15.0 <= clock.monotonic() < 16.0


class _Clock:
    """Stands in for the ``time`` module: sleeping moves the clock, instantly."""

    def __init__(self) -> None:
        self.t = 0.0

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds
