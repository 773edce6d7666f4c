"""Provisioning's pace, decided: what the batch does next (start a room while earlier rooms'
template copies finish, finish the oldest, wait for the write budget, or pause for the next
run), how many new rooms fit GitHub's hourly limit now and when the batch will finish, and what
earlier runs spent of the hour (read from the provisioning log).

Pure: the engine hands in the write budget's plan (``WriteBudget.plan``: when each coming
content-creating request may go) and the clock; nothing here sends or sleeps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from glow.cohort.model import LogEntry
from glow.cohort.progress import parse_time
from glow.cohort.provisioning.copy import (
    PACE_FITS,
    PACE_HOURS,
    PACE_NEXT_RUN,
    PACE_NONE,
    PACE_UNLIMITED,
)

# Content-creating requests a new room takes (GitHub's notion, ``glow.github.budget``):
# generate, the invitation and the first challenge issue (the learner's facts and the practice
# branches are git data commits, ``practice.seed_fresh``). The engine raises it when a room
# takes more; benchmarks/provisioning.py measures it.
CREATES_PER_ROOM = 3
# Writes a new room takes: those 3 and three git data commits of 3 writes each (a tree, a
# commit, a ref made or moved); each write is spaced.
WRITES_PER_ROOM = 12
# What a batch leaves of its identity's limits to the jobs beside it: a registration commits its
# roster as the provisioning App (a content-creating request), the runs of a registration burst
# go while the batch runs, and GitHub counts them all against the App, where a batch's budget
# sees its own requests only. The batch counts what the others wrote, as the admin repository's
# commits show it (``Provisioner.count_others``), and leaves this much for what they write
# between two counts (a minute) and in the coming hour. Left only from limits at least twice
# these (a facilitator who sets smaller ones with GLOW_CONTENT_PER_MINUTE/HOUR keeps them whole).
LEFT_PER_MINUTE = 15
LEFT_PER_HOUR = 100
# How often a batch counts the App's other jobs' writes, as GitHub lists them
# (``Provisioner.count_others``); what they write in between is what LEFT_PER_MINUTE is for.
OTHERS_EVERY_S = 10.0

# Rooms started before the oldest is finished: GitHub answers generate before it copies the
# template's files, so while one room's copy runs the next rooms are started.
OVERLAP = 4
# A room is started only when all its content-creating requests can go within a minute (the
# per-minute window); a longer wait finishes the rooms in flight first.
SOON_S = 60.0
HOUR_S = 3600.0
# A learner's requests follow its attempt time by seconds to a few minutes (rooms in flight,
# the per-minute window): an earlier run's requests are counted that much later, to be safe.
SEED_DELAY = timedelta(minutes=5)
RUN_LIMIT_S = 5.5 * HOUR_S  # under GitHub's 6-hour job limit; the workflow allows 360 minutes

Step = Literal["start", "finish", "wait", "pause"]


def left(count: int | None, share: int) -> int | None:
    """A window's limit less ``share`` for the jobs beside the batch (see LEFT_PER_MINUTE)."""
    return count - share if count is not None and count >= 2 * share else count


def others_times(
    commits: Iterable[Mapping[str, Any]], *, seen: set[str], own_prefix: str
) -> list[float]:
    """When the admin repository's ``commits`` not yet ``seen`` were made (epoch seconds),
    this batch's own (message starting ``own_prefix``) left out; ``seen`` gains them."""
    times = []
    for commit in commits:
        sha = str(commit.get("sha") or "")
        detail = commit.get("commit") or {}
        message = str(detail.get("message") or "")
        at = parse_time((detail.get("committer") or {}).get("date"))
        if not sha or sha in seen or message.startswith(own_prefix) or at is None:
            continue
        seen.add(sha)
        times.append(at.timestamp())
    return sorted(times)


def next_step(
    *, waiting: int, in_flight: int, overlap: int, ready_in: float, until_deadline: float
) -> Step:
    """The batch's next move. ``ready_in``: seconds until the next room's content-creating
    requests (and those the rooms in flight still make) can all go; ``until_deadline``:
    seconds left of the run's time limit."""
    if waiting and in_flight < overlap and ready_in <= SOON_S:
        return "start"
    if in_flight or not waiting:
        return "finish"
    return "pause" if ready_in > until_deadline else "wait"


def creates_needed(*, new_room: bool, fresh_in_flight: int, per_room: int) -> int:
    """Content-creating requests to have in hand before starting a room: its own (none for a
    room that exists: healing rarely creates) and what the fresh rooms in flight still make."""
    return (per_room if new_room else 0) + fresh_in_flight * (per_room - 1)


@dataclass(frozen=True)
class PacePlan:
    """A batch's new rooms against the write budget."""

    rooms: int
    per_room: int
    fit_now: int  # rooms whose requests can all go within the coming hour
    in_run: int  # rooms whose requests can all go before the run's time limit
    finish_at: float | None  # when the last room's requests can have gone; None: no rooms


def pace_plan(
    slots: Sequence[float],
    *,
    rooms: int,
    per_room: int,
    now: float,
    deadline: float,
    spacing_s: float = 0.0,
) -> PacePlan:
    """``slots``: when each of ``rooms * per_room`` content-creating requests may go; a room
    also waits ``spacing_s`` before each of its writes."""
    done = [
        max(slots[k * per_room - 1], now + k * WRITES_PER_ROOM * spacing_s)
        for k in range(1, rooms + 1)
        if k * per_room <= len(slots)
    ]
    return PacePlan(
        rooms=rooms,
        per_room=per_room,
        fit_now=sum(1 for at in done if at < now + HOUR_S),
        in_run=sum(1 for at in done if at <= deadline),
        finish_at=done[-1] if done else None,
    )


def clock_text(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M UTC")


def pace_line(plan: PacePlan, *, name: str, limits: str, hourly: bool, run_hours: float) -> str:
    """The pre-flight's line on the write budget: how many new rooms fit now, and when the
    batch finishes (``hourly``: the budget has an hourly limit at all)."""
    rooms = f"{plan.rooms} new room" + ("" if plan.rooms == 1 else "s")
    where = {"name": name, "limits": limits, "rooms": rooms, "per_room": plan.per_room}
    if not plan.rooms:
        return PACE_NONE.format(name=name, limits=limits)
    if not hourly or plan.finish_at is None:
        return PACE_UNLIMITED.format(**where)
    finish = clock_text(plan.finish_at)
    if plan.fit_now >= plan.rooms:
        return PACE_FITS.format(finish=finish, **where)
    if plan.in_run >= plan.rooms:
        return PACE_HOURS.format(fit=plan.fit_now, finish=finish, **where)
    return PACE_NEXT_RUN.format(
        fit=plan.fit_now, in_run=plan.in_run, hours=run_hours, finish=finish, **where
    )


def earlier_creates(
    log: Iterable[LogEntry], *, before: datetime, now: datetime, per_room: int
) -> list[float]:
    """When earlier runs' content-creating requests count against the coming hour, as the log
    tells (one entry per result of each learner's visit): a room created counts ``per_room``,
    an invitation or a challenge seeded on a room that existed one each; each at the visit's
    time plus ``SEED_DELAY`` (at most now). Only visits before ``before`` (this run's own are
    counted as they happen) and within the last hour."""
    visits: dict[tuple[str, datetime], set[str]] = {}
    for entry in log:
        if entry.attempt_at < before:
            visits.setdefault((entry.github_handle, entry.attempt_at), set()).add(entry.result)
    out: list[float] = []
    for (_handle, at), results in sorted(visits.items(), key=lambda item: item[0][1]):
        # Never later than now: a request counted in the future would hold every later one
        # back until then (the budget sends content in the order it was promised).
        counted = min(at + SEED_DELAY, now)
        if counted <= now - timedelta(seconds=HOUR_S):
            continue
        creates = per_room if "created" in results else len(results & {"invited", "seeded"})
        out += [counted.timestamp()] * creates
    return out
