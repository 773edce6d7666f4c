"""What the facilitator dashboard says: the labels, the words for each status and situation,
and each issue's text, rendered from a decided ``Row``.

Screen-reader-first: the outcome in one sentence, then a short list, then the next action. Times
are absolute UTC, never "12 minutes ago": a body changes only when something about the learner
changed, so a re-run writes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from glow.cohort.cli_support import SETTINGS_HELP
from glow.cohort.marked_issues import Wanted
from glow.cohort.progress import CORE_CHALLENGES, LEVELS, Progress
from glow.cohort.runbooks import (
    DASHBOARD_AND_WATCHDOG,
    PROVISIONING,
    WORKFLOW_DASHBOARD,
    WORKFLOW_PROVISIONING,
    runbook_link,
    workshop_of,
)

if TYPE_CHECKING:
    from glow.cohort.dashboard.decide import RoomHelp, Row, Situation
    from glow.cohort.model import Roster

LABEL = "dashboard"
LABEL_SUMMARY = "dashboard-summary"
LABEL_STUCK = "stuck"
LABEL_HELP = "needs-reply"
STATUS_PREFIX = "status:"

LABELS: dict[str, tuple[str, str]] = {
    LABEL: ("5319e7", "Facilitator dashboard: kept up to date by glow dashboard"),
    LABEL_SUMMARY: ("5319e7", "Facilitator dashboard: the cohort summary"),
    LABEL_STUCK: ("d93f0b", "No activity from the learner for the stuck threshold"),
    LABEL_HELP: ("d93f0b", "The learner asked for help and nobody has replied yet"),
    "status:needs-info": ("fbca04", "Registration needs a detail from the learner"),
    "status:awaiting-ack": ("c5def5", "Enrolled; waiting for the learner's ack"),
    "status:active-day1": ("1d76db", "Working on Day 1"),
    "status:day1-complete": ("0e8a16", "Day 1 complete"),
    "status:day2-released": ("0e8a16", "Day 2 released to the learner"),
}

PROVISION_WORDS = {
    "pending": "pending",
    "provisioned": "provisioned",
    "healed": "provisioned after a repair",
    "failed": "failed",
}
STATUS_WORDS = {
    "needs-info": "registration needs a detail from the learner",
    "awaiting-ack": "enrolled, waiting for the learner's ack",
    "active-day1": "active on Day 1",
    "day1-complete": "Day 1 complete",
    "day2-released": "on Day 2",
}

# The next action for the facilitator, one plain sentence per situation (first match wins).
NEXT_ACTIONS: dict[Situation, str] = {
    "help-requested": (
        "Reply to the learner's help request on their registration issue ({registration}); "
        "they asked at {help_since}."
    ),
    "room-help-requested": (
        "Reply in the Learning Room to the learner's help request ({room_help}); they asked at "
        "{room_help_since}, and it stays here until a person replies there."
    ),
    "provisioning-failed": (
        "Re-run provisioning for this learner (the "
        + WORKFLOW_PROVISIONING
        + " workflow, or glow provision --cohort {cohort} --learner {handle}); if it fails "
        "again, follow {provisioning_runbook}."
    ),
    "needs-info": (
        "Nothing to do yet: the learner must edit their registration issue ({registration}); "
        "the bot has told them what is missing."
    ),
    "room-unreadable": (
        "The Learning Room {room} could not be read: check the watchdog alert for this learner, "
        "or re-run provisioning for this learner (glow provision --cohort {cohort} "
        "--learner {handle} --verify)."
    ),
    "provisioning-pending": (
        "Wait for provisioning to finish; the watchdog raises an alert if it stalls."
    ),
    "awaiting-ack-long": (
        "Comment on the registration issue ({registration}) to check that the learner found the "
        "Learning Room invitation and knows to reply ack (the word that confirms they are in)."
    ),
    "stuck": (
        "Check the Learning Room: open challenge {current} in {room} and offer help in a comment."
    ),
    "nothing": "Nothing needed.",
}


def utc(at: datetime | None) -> str | None:
    """``2026-11-23 09:14 UTC``: absolute, so the text does not change as time passes."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if at else None


def learner_key(cohort: str, handle_key: str) -> str:
    return f"dashboard:{cohort}:{handle_key}"


def summary_key(cohort: str) -> str:
    return f"dashboard:{cohort}:summary"


def challenge_phrase(row: Row) -> str:
    p = row.progress
    if not row.learner.learning_room_repo:
        return f"no Learning Room yet (provisioning {row.learner.provision_state})"
    if not row.room_readable:
        return "Learning Room not readable"
    if p.finished:
        return f"all {CORE_CHALLENGES} challenges done"
    if p.current is None:
        return "no challenge issue open"
    return f"challenge {p.current} of {CORE_CHALLENGES}"


def outcome(row: Row) -> str:
    """The first sentence: who, where they are, and when they last did something."""
    p = row.progress
    when = utc(p.last_activity)
    parts = [STATUS_WORDS[p.status], challenge_phrase(row)]
    if p.ack_overdue:
        parts.insert(1, "ack overdue")
    if row.room_help:
        first = utc(row.room_help[0].asked_at)
        parts.insert(0, f"asked for help in the Learning Room at {first}, no reply yet")
    if p.help_since:
        parts.insert(0, f"asked for help at {utc(p.help_since)}, no reply yet")
    if p.stuck:
        since = f"no activity since {when}" if when else "no activity yet"
        return f"{row.handle} is stuck: {', '.join(parts)}, {since}."
    parts.append(f"last activity {when}" if when else "no activity yet")
    return f"{row.handle}: {', '.join(parts)}."


def _link(server: str, full_name: str) -> str:
    return f"[{full_name}]({server}/{full_name})"


def level_words(p: Progress) -> str:
    """The learner's badge level in words: what it stands for, and the next one."""
    done = len(p.completed)
    floors = sorted(LEVELS)
    above = [(floor, name) for floor, name in floors if floor > done]
    nxt = f"; next: {above[0][1]} at {above[0][0]} done" if above else ""
    return f"{p.level}, the badge for {done} of {CORE_CHALLENGES} challenges done{nxt}"


def dashboard_runbook(server: str, workshop: str | None, anchor: str = "") -> str:
    return runbook_link(
        "the dashboard and watchdog runbook", server, workshop, DASHBOARD_AND_WATCHDOG, anchor
    )


def provisioning_runbook(server: str, workshop: str | None) -> str:
    return runbook_link("the provisioning runbook", server, workshop, PROVISIONING)


FOOTER = (
    "Kept up to date by the " + WORKFLOW_DASHBOARD + " workflow (glow dashboard); edits here "
    "are replaced. If the dashboard is down, follow {runbook}."
)
SUMMARY_FOOTER = (
    "Kept up to date by the " + WORKFLOW_DASHBOARD + " workflow (glow dashboard); how to read "
    "it: {runbook}."
)


def learner_text(row: Row, *, server: str) -> str:
    p, learner = row.progress, row.learner
    room = _link(server, learner.learning_room_repo) if learner.learning_room_repo else "none yet"
    done = ", ".join(str(n) for n in sorted(p.completed)) or "none"
    signal = f"{p.last_signal.name}, {utc(p.last_signal.at)}" if p.last_signal else "none yet"
    registration = (
        f"[{row.registration}]({server}/{learner.registration_repo}/issues/"
        f"{learner.registration_issue})"
    )
    lines = [
        outcome(row),
        "",
        f"- Status: {STATUS_WORDS[p.status]}",
        f"- Learning Room provisioning: {PROVISION_WORDS[learner.provision_state]}",
        f"- Learning Room: {room}",
        f"- Current challenge: {p.current if p.current is not None else 'none open'}",
        f"- Completed: {len(p.completed)} of {CORE_CHALLENGES} ({done})",
        f"- Level: {level_words(p)}",
        f"- Day 1 complete: {'yes' if p.day1_complete else 'no'}",
        f"- Last signal: {signal}",
        f"- Last activity: {utc(p.last_activity) or 'none yet'}",
        f"- Stuck: {'yes' if p.stuck else 'no'}",
        f"- Help request: {help_line(p, row.room_help)}",
        f"- Private intake: {intake_line(row, server)}",
        f"- Registration: {registration}",
        f"- Next action for the facilitator: {row.next_action(server=server)}",
        "",
        FOOTER.format(
            runbook=dashboard_runbook(
                server, learner.registration_repo, "when-the-dashboard-is-down"
            )
        ),
    ]
    return "\n".join(lines)


def intake_line(row: Row, server: str) -> str:
    """Whether the learner filled in the room's private intake form (the answers stay in the
    roster and the room; this issue links to them)."""
    room = row.learner.learning_room_repo
    if row.intake is None or room is None:
        return "not filled in yet" if row.room_readable else "not read (no readable room)"
    return f"filled in, [{room}#{row.intake.number}]({server}/{room}/issues/{row.intake.number})"


def room_help_link(request: RoomHelp) -> str:
    """The request, linked by what it is and where (descriptive text, never a bare address)."""
    where = f"{request.room}#{request.issue}"
    return (
        f"[help request in {where}]({request.url})" if request.url else f"help request in {where}"
    )


def help_line(p: Progress, room_help: tuple[RoomHelp, ...] = ()) -> str:
    """Each unanswered request: on the registration issue, then in the Learning Room."""
    where = "on the registration issue, " if room_help else ""
    parts = [f"{where}waiting since {utc(p.help_since)}, no reply yet"] if p.help_since else []
    parts += [
        f"{room_help_link(h)}, waiting since {utc(h.asked_at)}, no reply yet" for h in room_help
    ]
    return "; ".join(parts) or "none open"


def learner_labels(row: Row) -> tuple[str, ...]:
    labels = [LABEL, STATUS_PREFIX + row.progress.status]
    if row.progress.stuck:
        labels.append(LABEL_STUCK)
    if row.asked_for_help:
        labels.append(LABEL_HELP)
    return tuple(labels)


def learner_issue(row: Row, *, server: str) -> Wanted:
    """The status issue; its last line, hidden, keeps what the row took from the room, so the
    next run reads the room again only when it changed (``decide.RoomFacts``)."""
    text = learner_text(row, server=server)
    if row.facts is not None:
        text += "\n\n" + row.facts.line()
    return Wanted.make(
        learner_key(row.cohort, row.key),
        f"[DASHBOARD] @{row.handle} ({row.cohort})",
        text,
        learner_labels(row),
    )


def managed_label(name: str) -> bool:
    """Labels the dashboard sets and removes; any other label on its issues is left alone."""
    lowered = name.lower()
    managed = (LABEL, LABEL_SUMMARY, LABEL_STUCK, LABEL_HELP)
    return lowered in managed or lowered.startswith(STATUS_PREFIX)


def _counts(title: str, counts: Counter[Any], words: Mapping[str, str]) -> list[str]:
    lines = [f"{title}:"]
    lines += [f"- {words[name]}: {counts[name]}" for name in words if counts[name]]
    return lines if len(lines) > 1 else [f"{title}: none"]


def summary_text(
    cohort: str,
    rows: list[Row],
    roster: Roster,
    numbers: Mapping[str, int],
    *,
    server: str,
    board: str,
) -> str:
    """Counts first, then who is stuck, then one line per learner, each linked to their status
    issue (``board``: the admin repository, owner/name)."""
    stuck = [row for row in rows if row.progress.stuck]
    failed = [row for row in rows if row.learner.provision_state == "failed"]
    waitlisted = [learner.github_handle for learner in roster.waitlisted()]
    head = (
        f"Cohort {cohort}: {len(rows)} learners on the dashboard, {len(stuck)} stuck, "
        f"{len(failed)} with failed provisioning, {len(waitlisted)} waitlisted."
    )
    statuses = Counter(row.progress.status for row in rows)
    states = Counter(row.learner.provision_state for row in rows)
    lines = [head, ""]
    lines += _counts("By status", statuses, STATUS_WORDS)
    lines += ["", *_counts("By provisioning state", states, PROVISION_WORDS), ""]

    def link(row: Row) -> str:
        number = numbers.get(learner_key(cohort, row.key))
        return f"[{row.handle}]({server}/{board}/issues/{number})" if number else row.handle

    asked = [asked_line(row, link(row)) for row in rows if row.asked_for_help]
    lines.append(f"Asked for help, no reply yet ({len(asked)}): " + (", ".join(asked) or "nobody"))
    stuck_lines = [stuck_line(row, link(row)) for row in stuck]
    lines.append(f"Stuck ({len(stuck)}): " + (", ".join(stuck_lines) or "nobody"))
    overdue = [link(row) for row in rows if row.progress.ack_overdue]
    lines.append(f"Ack overdue ({len(overdue)}): " + (", ".join(overdue) or "nobody"))
    lines.append(f"Waitlisted ({len(waitlisted)}): " + (", ".join(waitlisted) or "nobody"))
    lines += ["", "Learners:" if rows else "Learners: none"]
    lines += [summary_line(row, link(row)) for row in rows]
    workshop = workshop_of(row.learner.registration_repo for row in rows)
    runbook = dashboard_runbook(server, workshop, "reading-the-dashboard")
    lines += ["", SUMMARY_FOOTER.format(runbook=runbook)]
    return "\n".join(lines)


def summary_line(row: Row, link: str) -> str:
    """One learner in the summary, linked to their status issue: only what changes their
    status, so progress within a status rewrites the learner's own issue and not the summary."""
    notes = [STATUS_WORDS[row.progress.status]]
    if row.asked_for_help:
        notes.append("asked for help")
    if row.progress.stuck:
        notes.append("stuck")
    if row.progress.ack_overdue:
        notes.append("ack overdue")
    if row.learner.provision_state == "failed":
        notes.append("provisioning failed")
    return f"- {link}: {', '.join(notes)}"


def asked_line(row: Row, link: str) -> str:
    """A learner waiting for a reply, with a link to each request in their Learning Room (a
    request on the registration issue is linked from the learner's own issue)."""
    links = ", ".join(room_help_link(h) for h in row.room_help)
    return f"{link} ({links})" if links else link


def stuck_line(row: Row, link: str) -> str:
    p = row.progress
    where = f"challenge {p.current}" if p.current is not None else "no challenge open"
    return f"{link} ({where})"


def summary_issue(
    cohort: str,
    rows: list[Row],
    roster: Roster,
    numbers: Mapping[str, int],
    *,
    server: str,
    board: str,
) -> Wanted:
    return Wanted.make(
        summary_key(cohort),
        f"[DASHBOARD] Cohort {cohort} summary",
        summary_text(cohort, rows, roster, numbers, server=server, board=board),
        (LABEL, LABEL_SUMMARY),
    )


def closed_note(key: str) -> str:
    """The one-line note on a learner's issue when they left the roster (key from its marker)."""
    _, cohort, handle = [*key.split(":", 2), "", ""][:3]
    if handle == "summary":
        return f"Closed: cohort {cohort} is no longer on the dashboard."
    return (
        f"Closed: {handle} is no longer an enrolled learner of cohort {cohort} in the roster "
        "(withdrawn or removed). This issue is kept for the record."
    )


# `glow dashboard --help`'s examples and settings.
EPILOG = (
    """examples:
  glow dashboard --dry-run                   what would change; writes nothing
  glow dashboard                             every cohort (what the schedule runs)
  glow dashboard --cohort 2026-12 --json     one cohort, and print the computed rows as JSON
  glow dashboard --now 2026-11-23T09:30:00Z  judge "stuck" as of this time (rehearsals)

"""
    + SETTINGS_HELP
    + """  GLOW_STUCK_MINUTES     no activity for this long: a working learner is stuck (default 20)
  GLOW_ACK_WAIT_MINUTES  no ack for this long: nudge the learner (default 1440, one day)
  GLOW_HELP_LOOK_BACK_HOURS  room comments read for help requests (default 336, two weeks)
  GITHUB_SERVER_URL      where links point (default: derived from GITHUB_API_URL)

exit status: 0 when every learner was read and written; 1 when some could not be (each named
on stderr; the next run tries again); 2 when a setting is missing.
Manual fallback: docs/runbooks/dashboard-and-watchdog.md in the workshop repository.
"""
)
