"""A learner's progress, derived from GitHub's state (seed 003, section 6.2). Pure functions only.

Inputs are what GitHub answers, unchanged: the issues of the learner's Learning Room (state
``all``) and the comments of their registration issue, plus the roster record. Nothing is
remembered between runs, so the same inputs always give the same progress:

- a challenge issue is found by the hidden marker ``<!-- glow:challenge:N -->`` on the first line
  of its body (the challenge's identity, which cannot drift); an issue without the marker counts
  by its title, ``Challenge N: ...``;
- completed: challenges with a closed issue and no open one (a reopened challenge is being
  redone); current: the lowest open challenge;
- Day 1 is complete when challenge 9 is closed, when the learner said ``day1-complete``, or
  when a facilitator applied the ``day1-complete`` label (the manual fallback);
- status follows glow-facts.md's precedence: needs-info, day2-released, day1-complete (also for
  path day2-only), active-day1 (acked or any challenge done), awaiting-ack;
- stuck: a learner who should be working (on Day 1, or released to Day 2, and not finished) with
  no activity for the threshold (GLOW_STUCK_MINUTES, default 20);
- ack overdue: a learner still waiting to ack with no activity for GLOW_ACK_WAIT_MINUTES
  (default 1440, a day: learners often register days before the workshop). Kept apart from
  stuck, so registering early never raises an alert; set it lower on the workshop day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from glow.cohort.model import Learner, Status
from glow.cohort.signals import learner_signals, open_help_request
from glow.markers import has_marker

CORE_CHALLENGES = 16
DAY1_LAST = 9
DEFAULT_STUCK_MINUTES = 20
DEFAULT_ACK_WAIT_MINUTES = 24 * 60
# Levels by core challenges completed (glow-facts.md), highest first.
LEVELS: tuple[tuple[int, str], ...] = (
    (14, "Agent Navigator"),
    (11, "Reviewer"),
    (9, "Operator"),
    (7, "Collaborator"),
    (3, "Contributor"),
    (0, "Explorer"),
)
LABEL_DAY1_COMPLETE = "day1-complete"
LABEL_DAY2_RELEASED = "day2-released"
# The Day 2 release bot's comment (glow/cohort/day2/copy.py, COMMENT_KEY): proof of the release.
DAY2_KEY = "day2-release"  # the Day 2 release comment's marker (glow.cohort.day2.copy)
# Statuses in which a learner is expected to be doing something, so silence means stuck.
WORKING: frozenset[Status] = frozenset({"active-day1", "day2-released"})

_MARKER_RE = re.compile(r"<!--\s*glow:challenge:(\d+)\s*-->")
_TITLE_RE = re.compile(r"\s*Challenge\s+(\d+)\s*:", re.IGNORECASE)


def parse_time(value: object) -> datetime | None:
    """GitHub's ``2026-11-23T09:14:00Z`` as an aware datetime; None when absent."""
    if isinstance(value, datetime):
        return aware(value)
    if not value:
        return None
    try:
        return aware(datetime.fromisoformat(str(value).replace("Z", "+00:00")))
    except ValueError:
        return None


def github_time(value: datetime) -> str:
    """``value`` as GitHub writes times (``2026-11-23T09:14:00Z``), ``parse_time``'s inverse."""
    return aware(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def aware(value: datetime) -> datetime:
    """A datetime with a time zone (a naive one is taken as UTC, as GitHub's times are)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def challenge_number(title: str | None, body: str | None) -> int | None:
    """The challenge an issue is: its first-line marker, else ``Challenge N:`` in the title."""
    first_line = (body or "").lstrip("\ufeff").split("\n", 1)[0].strip()
    if found := _MARKER_RE.fullmatch(first_line):
        return int(found.group(1))
    if found := _TITLE_RE.match(title or ""):
        return int(found.group(1))
    return None


@dataclass(frozen=True)
class ChallengeIssue:
    """One challenge issue of a room, reduced to what progress needs."""

    challenge: int
    number: int
    open: bool
    created_at: datetime | None
    updated_at: datetime | None
    closed_at: datetime | None

    completed: bool = True  # closed as completed (closed as not planned: retired, not done)

    @classmethod
    def from_api(
        cls, issue: Mapping[str, Any], learner: str | None = None
    ) -> ChallengeIssue | None:
        """The challenge issue, or None: a pull request, an issue that is no challenge, or one
        the learner wrote themselves (a copied marker or title is not a challenge)."""
        if issue.get("pull_request"):
            return None
        author = str((issue.get("user") or {}).get("login") or "")
        if learner and author.lower() == learner.lower():
            return None
        challenge = challenge_number(issue.get("title"), issue.get("body"))
        if challenge is None:
            return None
        return cls(
            challenge=challenge,
            number=int(issue.get("number") or 0),
            open=issue.get("state") != "closed",
            created_at=parse_time(issue.get("created_at")),
            updated_at=parse_time(issue.get("updated_at")),
            closed_at=parse_time(issue.get("closed_at")),
            completed=issue.get("state_reason") != "not_planned",
        )


@dataclass(frozen=True)
class Signal:
    name: str
    at: datetime | None


@dataclass(frozen=True)
class Progress:
    """What a facilitator needs to know about one learner's progress."""

    completed: frozenset[int]
    current: int | None
    day1_complete: bool
    last_activity: datetime | None
    last_signal: Signal | None
    level: str
    status: Status
    stuck: bool
    ack_overdue: bool = False
    help_since: datetime | None = None  # an unanswered help request on the registration
    said: tuple[str, ...] = ()  # every signal the learner gave, first given first

    @property
    def finished(self) -> bool:
        return set(range(1, CORE_CHALLENGES + 1)) <= self.completed


def level_for(completed: int) -> str:
    """The learner's level for this many completed core challenges."""
    return next(name for floor, name in LEVELS if completed >= floor)


def challenges(
    issues: Iterable[Mapping[str, Any]], learner: str | None = None
) -> list[ChallengeIssue]:
    found = (ChallengeIssue.from_api(issue, learner) for issue in issues)
    return [issue for issue in found if issue is not None]


def completed_and_current(found: Iterable[ChallengeIssue]) -> tuple[frozenset[int], int | None]:
    """Core challenges closed as completed and not reopened, and the lowest open one."""
    found = list(found)
    open_ = {i.challenge for i in found if i.open}
    closed = {
        i.challenge
        for i in found
        if not i.open and i.completed and 1 <= i.challenge <= CORE_CHALLENGES
    }
    return frozenset(closed - open_), min(open_, default=None)


@dataclass(frozen=True)
class RoomProgress:
    """Progress of record from the learner's room alone: what the dashboard shows of it and
    what ``glow progress replay`` prints (both call ``room_progress``)."""

    completed: frozenset[int]
    current: int | None
    level: str
    day1_complete: bool  # challenge 9 done (the roster and signals may say so too)

    def as_json(self) -> dict[str, Any]:
        return {
            "completed": sorted(self.completed),
            "current_challenge": self.current,
            "level": self.level,
            "day1_complete_in_room": self.day1_complete,
        }


def room_progress(room_issues: Iterable[Mapping[str, Any]], learner: str | None) -> RoomProgress:
    """The learner's challenge progress from their room's issues (state ``all``)."""
    completed, current = completed_and_current(challenges(room_issues, learner))
    return RoomProgress(completed, current, level_for(len(completed)), DAY1_LAST in completed)


def last_signal(comments: Iterable[Mapping[str, Any]], handle: str) -> Signal | None:
    """The most recent signal the learner gave (each signal counted at its first use)."""
    seen = learner_signals(comments, handle)
    if not seen:
        return None
    name, at = max(seen.items(), key=lambda item: (item[1], item[0]))
    return Signal(name, parse_time(at))


def learner_comment_times(comments: Iterable[Mapping[str, Any]], handle: str) -> list[datetime]:
    times = []
    for comment in comments:
        author = str((comment.get("user") or {}).get("login") or "")
        if author.lower() == handle.lower() and (at := parse_time(comment.get("created_at"))):
            times.append(at)
    return times


def last_activity(
    found: Iterable[ChallengeIssue], comment_times: Iterable[datetime], learner: Learner
) -> datetime | None:
    """The latest thing that happened: a challenge issue opened, updated or closed, a comment by
    the learner on their registration, or a signal the roster recorded."""
    times: list[datetime] = list(comment_times)
    for issue in found:
        times += [t for t in (issue.created_at, issue.updated_at, issue.closed_at) if t]
    if learner.last_signal_at:
        times.append(aware(learner.last_signal_at))
    return max(times, default=None)


def released(
    learner: Learner, comments: Iterable[Mapping[str, Any]], labels: Iterable[str]
) -> bool:
    """Day 2 was released: the roster says so, or the registration issue shows it."""
    if learner.status == "day2-released" or "day2-released" in learner.signals:
        return True
    if LABEL_DAY2_RELEASED in {label.lower() for label in labels}:
        return True
    return any(_release_comment(c) for c in comments)


def _release_comment(comment: Mapping[str, Any]) -> bool:
    """The Day 2 release bot's comment: its marker alone on the first line, not written by a
    person. Anyone can type the marker on a public issue; counting a person's copy would record
    a release nobody made, and the Day 2 release never checks a recorded learner again
    (``day2.decide.released_on`` likewise counts only its bot's own comment)."""
    person = str((comment.get("user") or {}).get("type") or "") == "User"
    return has_marker(str(comment.get("body") or ""), DAY2_KEY) and not person


def status_for(
    learner: Learner, *, released: bool, day1_complete: bool, acked: bool, any_done: bool
) -> Status:
    """glow-facts.md's precedence: needs-info, day2-released, day1-complete, active-day1,
    awaiting-ack. The roster's own status counts as evidence (a facilitator's manual fallback)."""
    if learner.status == "needs-info" or learner.enrollment == "pending":
        return "needs-info"
    if released:
        return "day2-released"
    if day1_complete or learner.path == "day2-only":
        return "day1-complete"
    if acked or any_done:
        return "active-day1"
    return "awaiting-ack"


def is_stuck(
    status: Status,
    *,
    finished: bool,
    since: datetime,
    now: datetime,
    threshold: timedelta,
) -> bool:
    """Silent for ``threshold`` or longer while expected to be working."""
    return status in WORKING and not finished and now - since >= threshold


def derive(
    learner: Learner,
    room_issues: Iterable[Mapping[str, Any]] | None,
    comments: Iterable[Mapping[str, Any]],
    *,
    labels: Iterable[str] = (),
    now: datetime,
    threshold: timedelta = timedelta(minutes=DEFAULT_STUCK_MINUTES),
    ack_wait: timedelta = timedelta(minutes=DEFAULT_ACK_WAIT_MINUTES),
) -> Progress:
    """Progress of one learner. ``room_issues`` is None when the room could not be read."""
    comments = list(comments)
    labels = [label.lower() for label in labels]
    found = challenges(room_issues or (), learner.github_handle)
    room = room_progress(room_issues or (), learner.github_handle)
    completed, current = room.completed, room.current
    said = learner_signals(comments, learner.github_handle)
    day1 = (
        room.day1_complete
        or "day1-complete" in said
        or LABEL_DAY1_COMPLETE in labels
        or learner.status in ("day1-complete", "day2-released")
    )
    acked = "ack" in said or "ack" in learner.signals or learner.status != "awaiting-ack"
    status = status_for(
        learner,
        released=released(learner, comments, labels),
        day1_complete=day1,
        acked=acked,
        any_done=bool(completed),
    )
    activity = last_activity(found, learner_comment_times(comments, learner.github_handle), learner)
    finished = set(range(1, CORE_CHALLENGES + 1)) <= completed
    since = activity or aware(learner.registered_at)
    stuck = is_stuck(status, finished=finished, since=since, now=now, threshold=threshold)
    return Progress(
        completed=completed,
        current=current,
        day1_complete=day1,
        last_activity=activity,
        last_signal=last_signal(comments, learner.github_handle),
        level=room.level,
        status=status,
        stuck=stuck,
        ack_overdue=status == "awaiting-ack" and now - since >= ack_wait,
        help_since=parse_time(open_help_request(comments, learner.github_handle)),
        said=tuple(sorted(said, key=lambda name: (said[name], name))),
    )
