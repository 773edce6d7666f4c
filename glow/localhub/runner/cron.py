"""A 5-field POSIX cron matcher (UTC), as used by ``on.schedule``.

Supports ``*``, lists, ranges, steps and month/weekday names, and the classic rule that when both
day-of-month and day-of-week are restricted a day matching either fires. ``first_fire`` jumps over
non-matching months, days and hours, so advancing the hub's clock by a year stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

_MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_DAYS = {n: i for i, n in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}
_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (  # name, low, high, names
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 7, _DAYS),
)


class CronError(ValueError):
    """The cron expression is not valid 5-field POSIX cron."""


@dataclass(frozen=True)
class Cron:
    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    days_restricted: bool
    weekdays_restricted: bool

    @classmethod
    def parse(cls, text: str) -> Cron:
        fields = text.split()
        if len(fields) != 5:
            raise CronError(f"cron `{text}` must have 5 fields (minute hour day month weekday)")
        values = [_parse_field(f, *spec) for f, spec in zip(fields, _FIELDS, strict=True)]
        weekdays = frozenset(0 if d == 7 else d for d in values[4])
        return cls(
            text,
            values[0],
            values[1],
            values[2],
            values[3],
            weekdays,
            not fields[2].startswith("*"),
            not fields[4].startswith("*"),
        )

    def _day_matches(self, moment: datetime) -> bool:
        dom = moment.day in self.days
        dow = (moment.weekday() + 1) % 7 in self.weekdays
        if self.days_restricted and self.weekdays_restricted:
            return dom or dow
        return dom and dow

    def matches(self, moment: datetime) -> bool:
        return (
            moment.minute in self.minutes
            and moment.hour in self.hours
            and moment.month in self.months
            and self._day_matches(moment)
        )

    def first_fire(self, previous: datetime, now: datetime) -> datetime | None:
        """The first whole minute ``m`` with ``previous < m <= now`` at which this fires."""
        moment = previous.replace(second=0, microsecond=0) + timedelta(minutes=1)
        while moment <= now:
            if moment.month not in self.months:
                year, month = divmod(moment.month, 12)
                moment = moment.replace(
                    year=moment.year + year, month=month + 1, day=1, hour=0, minute=0
                )
            elif not self._day_matches(moment):
                moment = moment.replace(hour=0, minute=0) + timedelta(days=1)
            elif moment.hour not in self.hours:
                moment = moment.replace(minute=0) + timedelta(hours=1)
            elif moment.minute not in self.minutes:
                moment += timedelta(minutes=1)
            else:
                return moment
        return None


def _parse_field(
    text: str, name: str, low: int, high: int, names: dict[str, int]
) -> frozenset[int]:
    result: set[int] = set()
    for item in text.split(","):
        base, _, step_text = item.partition("/")
        step = _number(step_text, name, names) if step_text else 1
        if step < 1:
            raise CronError(f"cron {name}: step must be at least 1 in `{item}`")
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, _, last = base.partition("-")
            start, end = _number(first, name, names), _number(last, name, names)
        else:
            start = _number(base, name, names)
            end = high if step_text else start
        if not (low <= start <= high and low <= end <= high) or start > end:
            raise CronError(f"cron {name}: `{item}` is outside {low}-{high}")
        result.update(range(start, end + 1, step))
    return frozenset(result)


def _number(text: str, name: str, names: dict[str, int]) -> int:
    if text.lower() in names:
        return names[text.lower()]
    if not text.isdigit():
        raise CronError(f"cron {name}: `{text}` is not a number")
    return int(text)
