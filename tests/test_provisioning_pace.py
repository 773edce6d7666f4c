"""Provisioning at scale under GitHub's write limits, on a simulated clock: a cohort of 300 is
planned across the hours the limits require, paused and resumed by the next scheduled runs,
with no request refused and no room made twice (``tests/provisioning_sim.py``: the local
GitHub's limits and route table on an in-memory GitHub)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from glow.cohort.model import LogEntry
from glow.cohort.provisioning import pace
from glow.cohort.provisioning.engine import BatchReport
from glow.github.budget import GITHUB_LIMITS, WriteLimits, slots
from glow.markers import has_marker
from tests.provisioning_sim import SimGitHub, run_engine, sim_world
from tests.provisioning_support import COHORT, ORG

HOUR = 3600.0
LEARNERS = tuple(f"learner-{i:03d}" for i in range(1, 301))
GENERATE = "/repos/{template_owner}/{template_repo}/generate"


def most_in_any(window: float, times: list[float]) -> int:
    """The most requests in any ``window`` seconds (the limits are sliding windows)."""
    most, first = 0, 0
    for last, at in enumerate(times):
        while times[first] <= at - window:
            first += 1
        most = max(most, last - first + 1)
    return most


def next_schedule(now: float) -> float:
    """When the Provisioning workflow's schedule (minute 17 of every hour) next fires."""
    at = datetime.fromtimestamp(now, UTC).replace(minute=17, second=0, microsecond=0)
    while at.timestamp() <= now:
        at += timedelta(hours=1)
    return at.timestamp()


def provision_until_done(sim: SimGitHub, private_pem: str, lines: list[str]) -> list[BatchReport]:
    """Runs as the workflow makes them: each a fresh process with a 1-hour limit (the
    workflow allows 6: shorter here, so the batch needs more than one run); a run that pauses
    is followed by the next scheduled one."""
    reports: list[BatchReport] = []
    for _ in range(6):
        engine = run_engine(sim, private_pem, run_limit_s=HOUR, say=lines.append)
        [cohort] = engine.cohorts()
        reports.append(engine.run(cohort))
        if reports[-1].paused is None:
            return reports
        sim.now = next_schedule(sim.now)
    raise AssertionError(f"still paused after 6 runs: {[r.paused for r in reports]}")


def test_300_learners_are_provisioned_over_the_hours_the_limits_require(
    tmp_path: Path, rsa_pem: tuple[str, str]
) -> None:
    private, public = rsa_pem
    sim = sim_world(tmp_path, public, LEARNERS)
    lines: list[str] = []
    reports = provision_until_done(sim, private, lines)

    # GitHub never refused a request: no secondary-limit 403 (nor any other refusal).
    assert [e for e in sim.log if e["status"] >= 400 and e["status"] != 404] == []
    assert not [e for e in sim.log if e["status"] == 403]
    # Each room was created exactly once, and every learner has one healthy room.
    rooms = {f"{ORG}/learning-room-{COHORT}-{handle}": handle for handle in LEARNERS}
    assert Counter(sim.generated) == Counter(rooms.keys())
    assert [e["status"] for e in sim.log if e["route"] == GENERATE] == [201] * len(LEARNERS)
    roster = sim.roster()
    assert {r.provision_state for r in roster.learners.values()} == {"provisioned"}
    for room, handle in rooms.items():
        assert sim.rooms[room].invitations == [handle]
        [challenge] = sim.rooms[room].issues
        assert has_marker(challenge["body"], "challenge:1")

    # The batch is spread over the hours the limits require: 3 content-creating requests a
    # room, never more than 400 in any hour or 65 in any minute (GitHub's 500 and 80, less
    # what the batch leaves to the App's other jobs), so 900 need three hours.
    times = sim.creating_times()
    assert len(times) == 3 * len(LEARNERS)
    assert most_in_any(HOUR, times) <= 400
    assert most_in_any(60.0, times) <= 65
    assert times[-1] - times[0] > 2 * HOUR

    # The first run's pre-flight said how many rooms fit now and when the batch finishes; it
    # paused at its time limit, and the next scheduled runs continued where it stopped.
    first = reports[0].checks[-1]
    assert "(at most 65 content-creating requests a minute and 400 an hour" in first
    assert "the rest is left to the App's other jobs" in first
    assert "133 of 300 new rooms can be made now (3 content-creating requests each)" in first
    assert "makes about 133 within its 1-hour limit and the next run continues" in first
    assert "the batch finishes about 2027-01-15 10:18 UTC" in first
    assert [len(report.outcomes) for report in reports] == [133, 133, 34]
    assert [bool(report.paused) for report in reports] == [True, True, False]
    assert any(line.startswith("Waiting until 2027-01-15 09:22 UTC") for line in lines)


def test_a_per_minute_limit_under_a_rooms_creates_still_provisions(
    tmp_path: Path, rsa_pem: tuple[str, str]
) -> None:
    """GLOW_CONTENT_PER_MINUTE may be set below the 3 creates of a room: each room starts when
    a minute's worth can go, and the budget spaces the rest (never a run that only waits)."""
    private, public = rsa_pem
    handles = ("ada", "bob", "cy")
    sim = sim_world(tmp_path, public, handles)
    slow = WriteLimits(spacing_s=0.0, per_minute=2, per_hour=500)
    engine = run_engine(sim, private, limits=slow, run_limit_s=2 * HOUR, say=lambda line: None)
    [cohort] = engine.cohorts()
    report = engine.run(cohort)
    assert report.paused is None
    assert len(report.outcomes) == len(handles)
    assert Counter(sim.generated) == Counter(f"{ORG}/learning-room-{COHORT}-{h}" for h in handles)
    assert most_in_any(60.0, sim.creating_times()) <= 2


# The decisions, pure ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("waiting", "in_flight", "ready_in", "until_deadline", "step"),
    [
        (5, 0, 0.0, 3600.0, "start"),
        (5, 3, 59.0, 3600.0, "start"),  # a wait within the minute: the requests wait for it
        (5, 4, 0.0, 3600.0, "finish"),  # four rooms copying: finish the oldest first
        (5, 2, 600.0, 3600.0, "finish"),  # the budget is short: finish what is in flight
        (5, 0, 600.0, 3600.0, "wait"),
        (5, 0, 4000.0, 3600.0, "pause"),  # not before the run's limit: the next run goes on
        (0, 2, 0.0, 3600.0, "finish"),
    ],
)
def test_the_next_step(
    waiting: int, in_flight: int, ready_in: float, until_deadline: float, step: str
) -> None:
    assert (
        pace.next_step(
            waiting=waiting,
            in_flight=in_flight,
            overlap=4,
            ready_in=ready_in,
            until_deadline=until_deadline,
        )
        == step
    )


def test_a_room_to_start_needs_its_requests_and_those_still_to_come_in_flight() -> None:
    assert pace.creates_needed(new_room=True, fresh_in_flight=0, per_room=7) == 7
    assert pace.creates_needed(new_room=True, fresh_in_flight=3, per_room=7) == 7 + 3 * 6
    assert pace.creates_needed(new_room=False, fresh_in_flight=1, per_room=7) == 6


def plan_line(rooms: int, *, run_hours: float = 5.5, spacing_s: float = 0.0) -> str:
    plan = pace.pace_plan(
        slots([], now=0.0, limits=GITHUB_LIMITS, count=rooms * 3),
        rooms=rooms,
        per_room=3,
        now=0.0,
        deadline=run_hours * HOUR,
        spacing_s=spacing_s,
    )
    return pace.pace_line(plan, name="the App", limits="LIMITS", hourly=True, run_hours=run_hours)


def test_the_preflight_says_what_fits_now_and_when_the_batch_finishes() -> None:
    assert plan_line(0) == "Write budget of the App (LIMITS): no new rooms in this batch."
    assert plan_line(1) == (
        "Write budget of the App (LIMITS): 1 new room can be made now (3 content-creating "
        "requests each); done by about 1970-01-01 00:00 UTC."
    )
    # 20 rooms: 60 requests, 80 a minute, and 1 s between each room's 12 writes.
    assert plan_line(20, spacing_s=1.0).endswith("done by about 1970-01-01 00:04 UTC.")
    # 150 rooms: 450 requests, 80 a minute.
    assert plan_line(150).endswith("done by about 1970-01-01 00:05 UTC.")
    assert plan_line(200) == (
        "Write budget of the App (LIMITS): 166 of 200 new rooms can be made now (3 "
        "content-creating requests each); this run waits for the hourly limit between them "
        "and finishes about 1970-01-01 01:01 UTC."
    )
    assert plan_line(600, run_hours=2) == (
        "Write budget of the App (LIMITS): 166 of 600 new rooms can be made now (3 "
        "content-creating requests each); this run makes about 333 within its 2-hour limit and "
        "the next run continues; the batch finishes about 1970-01-01 03:03 UTC at the earliest."
    )
    unlimited = pace.pace_plan([0.0] * 14, rooms=2, per_room=7, now=0.0, deadline=1.0)
    assert pace.pace_line(
        unlimited, name="x", limits="no write limits", hourly=False, run_hours=5.5
    ) == ("Write budget of x (no write limits): 2 new rooms can be made at once.")


def test_what_earlier_runs_spent_of_the_hour_is_read_from_the_log() -> None:
    now = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)

    def entry(handle: str, minutes_ago: int, result: str) -> LogEntry:
        at = now - timedelta(minutes=minutes_ago)
        return LogEntry(github_handle=handle, cohort_id=COHORT, attempt_at=at, result=result)  # type: ignore[arg-type]

    log = [
        *(entry("ada", 30, r) for r in ("created", "invited", "seeded")),  # a new room: per_room
        *(entry("bob", 20, r) for r in ("already-exists", "invited", "seeded")),  # 2
        entry("cy", 10, "healed"),  # restored files: git data, nothing content-creating
        *(entry("dee", 70, r) for r in ("created", "invited")),  # over an hour ago
        entry("eve", -1, "created"),  # this run's own: counted as it happens
        entry("fay", 2, "created"),  # moments ago: counted now, never in the future
    ]
    counted = pace.earlier_creates(log, before=now, now=now, per_room=7)
    later = (now - timedelta(minutes=25)).timestamp()
    assert counted == [later] * 7 + [later + 600] * 2 + [now.timestamp()] * 7


def test_the_app_s_other_writes_are_counted_once_and_never_the_batch_s_own() -> None:
    def commit(sha: str, message: str, date: str) -> dict[str, object]:
        return {"sha": sha, "commit": {"message": message, "committer": {"date": date}}}

    seen: set[str] = set()
    listing = [
        commit("a1", "Registration: ada enrolled", "2027-01-15T12:00:30Z"),
        commit("b2", "Provisioning 2027-01: 3 learner record(s) (created)", "2027-01-15T12:00:20Z"),
        commit("c3", "Day 2 release", "not a date"),
        commit("d4", "Withdrawal: bob", "2027-01-15T12:00:10Z"),
    ]
    at = datetime(2027, 1, 15, 12, 0, 10, tzinfo=UTC).timestamp()
    assert pace.others_times(listing, seen=seen, own_prefix="Provisioning ") == [at, at + 20]
    # The next count lists the same commits again (its window overlaps): none counted twice.
    assert pace.others_times(listing, seen=seen, own_prefix="Provisioning ") == []
