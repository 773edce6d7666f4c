"""The facilitator dashboard, decided: each learner's row (progress, situation, the next
action) and what the roster records of it.

Pure functions only; ``handlers`` reads GitHub (through ``glow.cohort.observe``) and ``board``
and ``store`` carry the plan out; ``copy`` renders each row as a status issue and each cohort as
a summary. Only the stuck flag moves with the clock.

A help request in the learner's Learning Room (a comment in any issue or pull request, by the
room's help bot's rule ``glow.room.help.decide.is_help_request``, or an open issue filed with
the room's "Ask for help" form, ``is_form_request``) stays on the dashboard until a person
answers it there (``open_room_help``). It is never progress: the room's comments reach the row
only as ``room_help``, never ``derive``, which counts challenge issues alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from glow.cohort.dashboard.copy import NEXT_ACTIONS, room_help_link, utc
from glow.cohort.intake import Intake, read_intake, with_intake
from glow.cohort.model import Cohort, Learner, Roster
from glow.cohort.observe import Observation
from glow.cohort.progress import DEFAULT_ACK_WAIT_MINUTES, Progress, aware, derive, parse_time
from glow.cohort.signals import STAFF_ASSOCIATIONS, is_bot
from glow.room.help.decide import is_form_request, is_help_request, issue_number

# How far back the dashboard reads a room's comments for help requests (GLOW_HELP_LOOK_BACK_HOURS):
# a request with no reply for longer leaves the dashboard. Two weeks outlasts a workshop.
HELP_LOOK_BACK_HOURS = 14 * 24

Situation = Literal[
    "help-requested",
    "room-help-requested",
    "provisioning-failed",
    "needs-info",
    "room-unreadable",
    "provisioning-pending",
    "awaiting-ack-long",
    "stuck",
    "nothing",
]


@dataclass(frozen=True)
class RoomHelp:
    """A help request of the learner's in their Learning Room that no person has answered."""

    room: str
    issue: int  # the issue or pull request it was asked on
    url: str  # the request comment's html_url
    asked_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        return {"issue": self.issue, "url": self.url, "asked_at": utc(self.asked_at)}


def _order(comment: Mapping[str, Any]) -> tuple[str, int]:
    ident = comment.get("id")
    return str(comment.get("created_at") or ""), ident if isinstance(ident, int) else 0


def _answers(comment: Mapping[str, Any], login: str, kind: str, learner: str) -> bool:
    """A person of the workshop replied: not the learner (a collaborator of their own room),
    not a bot (our help bot's answer is no reply), and the room's owner, a member or a
    collaborator (never a stranger)."""
    association = str(comment.get("author_association") or "").upper()
    return (
        login.lower() != learner.lower()
        and not is_bot(login, kind)
        and association in STAFF_ASSOCIATIONS
    )


def open_room_help(
    comments: Iterable[Mapping[str, Any]],
    learner: str,
    room: str,
    issues: Iterable[Mapping[str, Any]] = (),
) -> tuple[RoomHelp, ...]:
    """The learner's unanswered help requests in their room, one per issue or pull request
    (its first request since a person last replied there), oldest first. ``comments`` is the
    room's comment list as GitHub answers it, ``issues`` its issue list: an open issue the
    learner filed with the help form asks when it is filed. An item missing what this needs is
    skipped."""
    timeline: list[tuple[tuple[str, int], int, Mapping[str, Any], bool]] = []
    for issue in issues:
        number = issue.get("number")
        if isinstance(number, int) and is_form_request(issue):
            timeline.append(((str(issue.get("created_at") or ""), 0), number, issue, True))
    for comment in comments:
        number = issue_number(comment)
        if number is not None:
            timeline.append((_order(comment), number, comment, False))
    waiting: dict[int, RoomHelp] = {}
    for _, number, item, filed in sorted(timeline, key=lambda entry: entry[0]):
        raw = item.get("user")
        user: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
        login, kind = str(user.get("login") or ""), str(user.get("type") or "")
        if not login:
            continue
        if login.lower() == learner.lower():
            if number not in waiting and (filed or is_help_request(str(item.get("body") or ""))):
                url = str(item.get("html_url") or "")
                waiting[number] = RoomHelp(room, number, url, parse_time(item.get("created_at")))
        elif not filed and _answers(item, login, kind, learner):
            waiting.pop(number, None)
    return tuple(sorted(waiting.values(), key=lambda h: (utc(h.asked_at) or "", h.issue)))


@dataclass(frozen=True)
class Row:
    """One learner on the dashboard."""

    cohort: str
    learner: Learner
    progress: Progress
    room_readable: bool
    situation: Situation
    intake: Intake | None = None  # the private intake form in the learner's room
    room_help: tuple[RoomHelp, ...] = ()  # unanswered help requests in the learner's room

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
            room_help=", ".join(room_help_link(h) for h in self.room_help),
            room_help_since=utc(self.room_help[0].asked_at) if self.room_help else None,
        )

    @property
    def asked_for_help(self) -> bool:
        """An unanswered help request, on the registration issue or in the Learning Room."""
        return self.progress.help_since is not None or bool(self.room_help)

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
            "room_help": [h.as_json() for h in self.room_help],
            "situation": self.situation,
            "next_action": self.next_action(),
        }


def situation(
    learner: Learner,
    progress: Progress,
    room_readable: bool,
    room_help: tuple[RoomHelp, ...] = (),
) -> Situation:
    """Which row of NEXT_ACTIONS applies (the first that matches, in the table's order)."""
    if progress.help_since is not None:
        return "help-requested"
    if room_help:
        return "room-help-requested"
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
    room = learner.learning_room_repo or ""
    # The room's issues count only with its comments read: without them no reply can be seen.
    filed = seen.room_issues or () if seen.room_comments is not None else ()
    helps = (
        open_room_help(seen.room_comments or (), learner.github_handle, room, filed) if room else ()
    )
    found = situation(learner, progress, readable, helps)
    return Row(cohort, learner, progress, readable, found, intake, helps)


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
