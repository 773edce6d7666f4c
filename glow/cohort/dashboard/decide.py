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

A re-run reads each room with one request (``room_unchanged``): what the row needs of the room
(``RoomFacts``: its challenge issues trimmed to the fields progress reads, the intake issue's
number, the open help requests, and the latest ``updated_at`` of its issues and pull requests)
is kept in a hidden line of the learner's status issue, and the room is read in full again only
when its issue listing ``since`` that time shows something new (a comment bumps its issue's
``updated_at``), when the roster's intake answers differ from the ones kept, or on the learner's
daily turn (``due_for_full_read``). The clock's part (stuck, ack overdue) is judged every run.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from glow.cohort.dashboard.copy import NEXT_ACTIONS, provisioning_runbook, room_help_link, utc
from glow.cohort.intake import Intake, read_intake, with_intake
from glow.cohort.model import Cohort, Learner, Roster
from glow.cohort.observe import Observation
from glow.cohort.progress import (
    DEFAULT_ACK_WAIT_MINUTES,
    ChallengeIssue,
    Progress,
    aware,
    derive,
    github_time,
    parse_time,
)
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
    filed: bool = field(default=False, compare=False)  # an issue filed with the help form

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
                asked = parse_time(item.get("created_at"))
                waiting[number] = RoomHelp(room, number, url, asked, filed)
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
    facts: RoomFacts | None = None  # what the row took from the room, kept in its issue

    @property
    def handle(self) -> str:
        return self.learner.github_handle

    @property
    def key(self) -> str:
        return self.learner.key

    @property
    def registration(self) -> str:
        return f"{self.learner.registration_repo}#{self.learner.registration_issue}"

    def next_action(self, *, server: str = "https://github.com") -> str:
        """The facilitator's next step, in one sentence (``server``: where links point)."""
        return NEXT_ACTIONS[self.situation].format(
            provisioning_runbook=provisioning_runbook(server, self.learner.registration_repo),
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
    """The learner's row from a full read of their room and registration."""
    facts = room_facts(seen.learner, seen.room_issues, seen.room_comments)
    return row_from(
        cohort,
        seen.learner,
        facts,
        seen.comments,
        seen.labels,
        now=now,
        threshold=threshold,
        ack_wait=ack_wait,
    )


def row_from(
    cohort: str,
    learner: Learner,
    facts: RoomFacts | None,
    comments: list[dict[str, Any]],
    labels: tuple[str, ...],
    *,
    now: datetime,
    threshold: timedelta,
    ack_wait: timedelta = timedelta(minutes=DEFAULT_ACK_WAIT_MINUTES),
    help_after: datetime | None = None,
) -> Row:
    """The learner's row from what their room showed (``facts``, None: no room or unreadable)
    and their registration issue's comments and labels, judged at ``now``. A help request
    asked in a comment before ``help_after`` has left the dashboard (the look-back); the
    intake's answers are the ones just read from the room, or the roster's for kept facts."""
    progress = derive(
        learner,
        None if facts is None else facts.challenge_items(),
        comments,
        labels=labels,
        now=now,
        threshold=threshold,
        ack_wait=ack_wait,
    )
    readable = learner.learning_room_repo is not None and facts is not None
    intake = None if facts is None else facts.answers
    # Facts kept from an earlier run: the answers are the roster's (``usable`` checked them).
    if intake is None and facts is not None and facts.intake is not None:
        held = (learner.tools, learner.accessibility_needs, learner.contact)
        intake = Intake(facts.intake, *held)
    helps = () if facts is None else facts.help
    if help_after is not None:
        helps = tuple(h for h in helps if h.filed or h.asked_at is None or h.asked_at >= help_after)
    found = situation(learner, progress, readable, helps)
    return Row(cohort, learner, progress, readable, found, intake, helps, facts)


# The hidden line of a status issue that keeps its room's facts (never the first line: that is
# the issue's own marker). JSON with every "--" escaped, so it cannot end the HTML comment.
FACTS_KEY = "glow:dashboard-room"
_FACTS_RE = re.compile(r"^<!-- " + re.escape(FACTS_KEY) + r" (\{.*\}) -->$", re.MULTILINE)
FACTS_VERSION = 1
_SAFE_DASHES = "-\\u002d"  # "--" inside a JSON string, spelled so no "-->" can appear
# Each room is read in full on its turn once a day (one of 4 six-hour slots, by its key),
# whatever its listing says: the net for a change GitHub does not count as an update. The slot
# is the schedule's interval (admin-roster dashboard.yml runs every 6 hours, to keep the private
# repository's Actions minutes low), so each of its runs falls in one slot and a day of them
# reads every room once (tests/test_dashboard_facts.py reads the cron). A dispatch between them
# reads the current slot's quarter of the rooms in full again.
FULL_READ_SLOTS = 4
FULL_READ_SLOT = timedelta(hours=6)

Seen = tuple[int, str, int]  # an item updated at the cursor: number, state, comment count


@dataclass(frozen=True)
class RoomFacts:
    """What the dashboard takes from a learner's room, and how far it was read.

    ``challenges``: the room's challenge issues (not the learner's own), trimmed to the fields
    ``glow.cohort.progress`` reads; ``intake``: the number of the learner's intake issue and a
    digest of its answers (the answers themselves stay in the roster); ``help``: the open help
    requests; ``cursor``: the latest ``updated_at`` among the room's issues and pull requests,
    and ``seen``: the items updated at that very second, as they were."""

    challenges: tuple[tuple[int, int, str, str, str, str, str], ...] = ()
    intake: int | None = None
    intake_digest: str | None = None
    help: tuple[RoomHelp, ...] = ()
    cursor: str | None = None
    seen: tuple[Seen, ...] = ()
    # The intake answers, when the room was just read (never kept: they stay in the roster).
    answers: Intake | None = field(default=None, compare=False)

    def challenge_items(self) -> list[dict[str, Any]]:
        """The challenge issues as GitHub's listing shapes them (what ``derive`` reads)."""
        return [
            {
                "number": number,
                "body": f"<!-- glow:challenge:{challenge} -->",
                "state": state,
                "state_reason": reason or None,
                "created_at": created or None,
                "updated_at": updated or None,
                "closed_at": closed or None,
            }
            for challenge, number, state, reason, created, updated, closed in self.challenges
        ]

    def line(self) -> str:
        """The hidden line kept in the status issue (the same facts give the same line)."""
        data = {
            "v": FACTS_VERSION,
            "cursor": self.cursor,
            "seen": [list(item) for item in self.seen],
            "challenges": [list(item) for item in self.challenges],
            "intake": [self.intake, self.intake_digest] if self.intake is not None else None,
            "help": [
                [h.issue, *_split_url(h.url), _stamp(h.asked_at), 1 if h.filed else 0]
                for h in self.help
            ],
        }
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=True)
        return f"<!-- {FACTS_KEY} {text.replace('--', _SAFE_DASHES)} -->"


def _split_url(url: str) -> tuple[str, str]:
    """A link kept as its scheme and the rest, so the hidden line holds no bare address."""
    scheme, _, rest = url.partition("://")
    return (scheme, rest) if rest else ("", url)


def _join_url(scheme: object, rest: object) -> str:
    return f"{scheme}://{rest}" if scheme else str(rest)


def _stamp(at: datetime | None) -> str | None:
    return github_time(at) if at else None


def facts_of(body: str | None) -> RoomFacts | None:
    """The facts kept in a status issue's body, or None (none kept, another version, or not
    readable: the room is then read in full)."""
    found = _FACTS_RE.search(body or "")
    if not found:
        return None
    try:
        data = json.loads(found.group(1))
        if data.get("v") != FACTS_VERSION:
            return None
        intake = data.get("intake")
        return RoomFacts(
            challenges=tuple(
                (int(c), int(n), str(s), str(r), str(a), str(u), str(z))
                for c, n, s, r, a, u, z in data["challenges"]
            ),
            intake=int(intake[0]) if intake else None,
            intake_digest=str(intake[1]) if intake else None,
            help=tuple(
                RoomHelp("", int(n), _join_url(scheme, rest), parse_time(at), bool(filed))
                for n, scheme, rest, at, filed in data["help"]
            ),
            cursor=str(data["cursor"]) if data.get("cursor") else None,
            seen=tuple((int(n), str(s), int(c)) for n, s, c in data["seen"]),
        )
    except (ValueError, TypeError, KeyError, IndexError):
        return None


def intake_digest(tools: str | None, needs: str | None, contact: str | None) -> str:
    """A short digest of the intake answers: the roster holding other answers than the room
    gave means they were never recorded, and the room is read in full again."""
    text = json.dumps([tools, needs, contact])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _seen(item: Mapping[str, Any]) -> Seen:
    comments = item.get("comments")
    return (
        int(item.get("number") or 0),
        str(item.get("state") or ""),
        (comments if isinstance(comments, int) else -1),
    )


def room_facts(
    learner: Learner,
    room_issues: list[dict[str, Any]] | None,
    room_comments: list[dict[str, Any]] | None,
) -> RoomFacts | None:
    """What a full read of the room shows (None: no room, or not readable)."""
    room = learner.learning_room_repo
    if room is None or room_issues is None:
        return None
    handle = learner.github_handle
    challenges: list[tuple[int, int, str, str, str, str, str]] = []
    for issue in room_issues:
        found = ChallengeIssue.from_api(issue, handle)
        if found is None:
            continue
        challenges.append(
            (
                found.challenge,
                found.number,
                "open" if found.open else "closed",
                str(issue.get("state_reason") or ""),
                _stamp(found.created_at) or "",
                _stamp(found.updated_at) or "",
                _stamp(found.closed_at) or "",
            )
        )
    intake = read_intake(room_issues, handle)
    # The room's issues count only with its comments read: without them no reply can be seen.
    filed = room_issues if room_comments is not None else ()
    helps = open_room_help(room_comments or (), handle, room, filed)
    updated = (parse_time(i.get("updated_at")) for i in room_issues)
    latest = max((t for t in updated if t is not None), default=None)
    cursor = _stamp(latest)
    seen = sorted(
        _seen(i) for i in room_issues if latest and parse_time(i.get("updated_at")) == latest
    )
    return RoomFacts(
        challenges=tuple(sorted(challenges, key=lambda c: (c[1], c[0]))),
        intake=intake.number if intake else None,
        intake_digest=(
            intake_digest(intake.tools, intake.accessibility_needs, intake.contact)
            if intake
            else None
        ),
        help=helps,
        cursor=cursor,
        seen=tuple(seen),
        answers=intake,
    )


def usable(facts: RoomFacts | None, learner: Learner) -> RoomFacts | None:
    """The kept facts, for the learner's room, when they can stand for a read of it: they name
    a cursor, and the roster holds the intake answers they were taken with (a roster write
    that failed, or an edit of the roster, sends the room to a full read so the answers are
    recorded)."""
    room = learner.learning_room_repo
    if facts is None or facts.cursor is None or not room:
        return None
    if facts.intake is not None:
        held = intake_digest(learner.tools, learner.accessibility_needs, learner.contact)
        if held != facts.intake_digest:
            return None
    return replace(facts, help=tuple(replace(h, room=room) for h in facts.help))


def room_unchanged(facts: RoomFacts, listing: Iterable[Mapping[str, Any]]) -> bool:
    """Whether the room's issue listing ``since`` the facts' cursor shows nothing new: GitHub
    answers the items updated at or after it, so only the ones kept as ``seen`` (updated at
    that very second, as they were) may come back. A second change to one of those within the
    same second, leaving its state and comment count as they were, shows on the room's next
    change or its daily full read."""
    cursor = parse_time(facts.cursor)
    for item in listing:
        if parse_time(item.get("updated_at")) != cursor or _seen(item) not in facts.seen:
            return False
    return True


def due_for_full_read(key: str, now: datetime) -> bool:
    """The learner's daily turn to be read in full (one six-hour slot of the day, by key),
    so a change GitHub does not count as an update of an issue (an edited comment) shows within
    a day of the schedule's runs, every 6 hours."""
    slot = int(now.timestamp() // FULL_READ_SLOT.total_seconds()) % FULL_READ_SLOTS
    return zlib.crc32(key.encode()) % FULL_READ_SLOTS == slot


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
