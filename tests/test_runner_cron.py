"""The 5-field cron matcher behind ``on.schedule``."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from glow.localhub.runner.cron import Cron, CronError


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_lists_ranges_steps_and_names() -> None:
    cron = Cron.parse("0,30 9-17/4 * JAN-mar mon-fri")
    assert cron.minutes == {0, 30}
    assert cron.hours == {9, 13, 17}
    assert cron.months == {1, 2, 3}
    assert cron.weekdays == {1, 2, 3, 4, 5}
    assert Cron.parse("*/20 * * * *").minutes == {0, 20, 40}
    assert Cron.parse("5/20 * * * *").minutes == {5, 25, 45}
    assert Cron.parse("0 0 * * 7").weekdays == {0}  # 7 is Sunday too


def test_matches() -> None:
    cron = Cron.parse("15 9 * * 1")  # Mondays 09:15
    assert cron.matches(at(2026, 1, 5, 9, 15))
    assert not cron.matches(at(2026, 1, 6, 9, 15))
    assert not cron.matches(at(2026, 1, 5, 9, 16))


def test_day_of_month_or_day_of_week_when_both_restricted() -> None:
    cron = Cron.parse("0 12 1 * 0")  # the 1st, or any Sunday
    assert cron.matches(at(2026, 3, 1, 12, 0))  # a Sunday and the 1st
    assert cron.matches(at(2026, 3, 8, 12, 0))  # a Sunday
    assert cron.matches(at(2026, 4, 1, 12, 0))  # a Wednesday, the 1st
    assert not cron.matches(at(2026, 4, 2, 12, 0))
    # With one side `*`, only the other side counts.
    assert not Cron.parse("0 12 * * 0").matches(at(2026, 4, 1, 12, 0))


def test_first_fire_is_exclusive_of_previous_and_inclusive_of_now() -> None:
    cron = Cron.parse("*/5 * * * *")
    assert cron.first_fire(at(2026, 1, 5, 9, 0), at(2026, 1, 5, 9, 5)) == at(2026, 1, 5, 9, 5)
    assert cron.first_fire(at(2026, 1, 5, 9, 5), at(2026, 1, 5, 9, 9)) is None
    assert cron.first_fire(at(2026, 1, 5, 9, 4, 59), at(2026, 1, 5, 9, 5)) == at(2026, 1, 5, 9, 5)
    assert cron.first_fire(at(2026, 1, 5, 9, 5, 1), at(2026, 1, 5, 9, 10)) == at(2026, 1, 5, 9, 10)


def test_first_fire_skips_far_ahead_quickly() -> None:
    started = time.monotonic()
    leap = Cron.parse("0 0 29 2 *").first_fire(at(2026, 1, 1), at(2032, 1, 1))
    assert leap == at(2028, 2, 29)
    assert Cron.parse("0 0 31 4 *").first_fire(at(2026, 1, 1), at(2030, 1, 1)) is None
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize(
    "text",
    [
        "* * * *",
        "60 * * * *",
        "* 24 * * *",
        "* * 0 * *",
        "* * * 13 *",
        "*/0 * * * *",
        "5-1 * * * *",
        "@daily",
        "a * * * *",
    ],
)
def test_invalid(text: str) -> None:
    with pytest.raises(CronError):
        Cron.parse(text)
