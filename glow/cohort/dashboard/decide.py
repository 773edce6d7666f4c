"""The facilitator dashboard, decided: each learner's row (progress, situation, the next
action) and what the roster records of it.

Pure functions only; ``handlers`` reads GitHub (through ``glow.cohort.observe``) and ``board``
and ``store`` carry the plan out; ``copy`` renders each row as a status issue and each cohort as
a summary. Only the stuck flag moves with the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from glow.cohort.dashboard.copy import NEXT_ACTIONS, utc
from glow.cohort.intake import Intake, read_intake, with_intake
from glow.cohort.model import Cohort, Learner, Roster
from glow.cohort.observe import Observation
from glow.cohort.progress import DEFAULT_ACK_WAIT_MINUTES, Progress, aware, derive

Situation = Literal[
    "help-requested",
    "provisioning-failed",
    "needs-info",
    "room-unreadable",
    "provisioning-pending",
    "awaiting-ack-long",
    "stuck",
    "nothing",
]


@dataclass(frozen=True)
class Row:
    """One learner on the dashboard."""

    cohort: str
    learner: Learner
    progress: Progress
    room_readable: bool
    situation: Situation
    intake: Intake | None = None  # the private intake form in the learner's room

    @property
    def handle(self) -> str:
        return self.learner.github_handle

    @property
    def key(self) -> str:
        return self.learner.key

    @property
    def registration(self) -> str:
        return f"{self.learner.registration_repo}#{self.learner.registration_issue}"

    def next_action(self) -> str:
        return NEXT_ACTIONS[self.situation].format(
            cohort=self.cohort,
            handle=self.handle,
            registration=self.registration,
            room=self.learner.learning_room_repo or "(none)",
            current=self.progress.current if self.progress.current is not None else "(none open)",
            help_since=utc(self.progress.help_since),
        )

    def as_json(self) -> dict[str, Any]:
        p = self.progress
        return {
            "cohort": self.cohort,
            "handle": self.handle,
            "status": p.status,
            "provision_state": self.learner.provision_state,
            "room": self.learner.learning_room_repo,
            "room_readable": self.room_readable,
            "current_challenge": p.current,
            "completed": sorted(p.completed),
            "level": p.level,
            "day1_complete": p.day1_complete,
            "last_activity": utc(p.last_activity),
            "last_signal": p.last_signal.name if p.last_signal else None,
            "last_signal_at": utc(p.last_signal.at) if p.last_signal else None,
            "stuck": p.stuck,
            "help_requested_at": utc(p.help_since),
            "situation": self.situation,
            "next_action": self.next_action(),
        }


def situation(learner: Learner, progress: Progress, room_readable: bool) -> Situation:
    """Which row of NEXT_ACTIONS applies (the first that matches, in the table's order)."""
    if progress.help_since is not None:
        return "help-requested"
    if learner.provision_state == "failed" and progress.status != "needs-info":
        return "provisioning-failed"
    if progress.status == "needs-info":
        return "needs-info"
    if learner.learning_room_repo and not room_readable:
        return "room-unreadable"
    if not learner.learning_room_repo:
        return "provisioning-pending"
    if progress.ack_overdue:
        return "awaiting-ack-long"
    if progress.stuck:
        return "stuck"
    return "nothing"


def row_for(
    cohort: str,
    seen: Observation,
    *,
    now: datetime,
    threshold: timedelta,
    ack_wait: timedelta = timedelta(minutes=DEFAULT_ACK_WAIT_MINUTES),
) -> Row:
    learner = seen.learner
    progress = derive(
        learner,
        seen.room_issues,
        seen.comments,
        labels=seen.labels,
        now=now,
        threshold=threshold,
        ack_wait=ack_wait,
    )
    readable = seen.room_readable
    intake = read_intake(seen.room_issues, learner.github_handle)
    return Row(cohort, learner, progress, readable, situation(learner, progress, readable), intake)


def recorded(learner: Learner, progress: Progress) -> Learner:
    """The learner's roster record with what the dashboard derived: status, the signals seen
    and the time of the latest (the roster is the consumer of the Acknowledge and Day 1
    complete contracts). Signals and their time only ever grow; an unchanged learner is
    returned as it is."""
    signals = [*learner.signals, *(s for s in progress.said if s not in learner.signals)]
    at = progress.last_signal.at if progress.last_signal else None
    latest = learner.last_signal_at
    if at is not None and (latest is None or at > aware(latest)):
        latest = at
    update = {"status": progress.status, "signals": signals, "last_signal_at": latest}
    if all(getattr(learner, name) == value for name, value in update.items()):
        return learner
    return learner.model_copy(update=update)


def record_progress(roster: Roster, rows: Iterable[Row]) -> Roster:
    """The roster with every row's derived progress and the private intake read from the room
    recorded (see ``recorded`` and ``intake.with_intake``). A learner whose record changed
    since the row was derived (the registration bot wrote it meanwhile) is left alone: the next
    run derives from the new record."""
    learners = dict(roster.learners)
    for row in rows:
        if learners.get(row.key) == row.learner:
            learners[row.key] = with_intake(recorded(row.learner, row.progress), row.intake)
    return roster.model_copy(update={"learners": learners})


def on_dashboard(learner: Learner) -> bool:
    """Enrolled learners and registrations waiting for a detail (needs-info) get a status issue;
    waitlisted learners appear in the summary only; withdrawn learners get none."""
    return learner.enrollment in ("enrolled", "pending")


@dataclass
class CohortRows:
    cohort: Cohort
    roster: Roster
    rows: list[Row]


@dataclass
class Plan:
    """Every cohort's rows, the learners that could not be read (their issues are left as they
    are), and each problem as one facilitator line."""

    cohorts: list[CohortRows] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)

    @property
    def rows(self) -> list[Row]:
        return [row for part in self.cohorts for row in part.rows]
