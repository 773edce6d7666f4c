"""Rebuild the roster from what GitHub holds (seed 003, section 6.1, reconstruction rule):
the public registration issues, replayed in order through the same ``enroll`` decision the
registration bot uses, plus the provisioning log. Pure functions; ``handlers`` reads and
writes.

Private intake cannot come back from a public issue (it was redacted there), so it is carried
over from the stored roster; everything else is rebuilt and compared.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from glow.cohort.model import Cohort, Learner, LogEntry, Roster
from glow.cohort.registration.copy import (
    LABEL_DUPLICATE,
    LABEL_ENROLLED,
    LABEL_NEEDS_INFO,
    LABEL_WAITLISTED,
    LABEL_WITHDRAWN,
)
from glow.cohort.registration.decide import Decision, enroll, read_form, withdraw
from glow.cohort.registration.issue import Issue, is_registration
from glow.cohort.roster.copy import DIFFERS, MISSING, NO_ISSUE

# The fields a rebuild can prove; private intake, notes and signals are carried over.
REBUILT = (
    "github_handle",
    "cohort_id",
    "path",
    "enrollment",
    "registration_repo",
    "registration_issue",
    "registered_at",
    "learning_room_repo",
    "provision_state",
)
CARRIED = (
    "accessibility_needs",
    "contact",
    "tools",
    "volunteered",
    "notes",
    "signals",
    "last_signal_at",
    "status",
)


def replay_registrations(issues: Iterable[Issue], cohort: Cohort, repository: str) -> Roster:
    """Every registration issue of ``cohort``, oldest first, through ``enroll``."""
    roster = Roster(cohort_id=cohort.id)
    for issue in sorted(issues, key=lambda i: (i.created_at, i.number)):
        if not is_registration(issue) or issue.author.endswith("[bot]"):
            continue
        if LABEL_DUPLICATE in {label.lower() for label in issue.labels}:
            continue  # it added only private answers to the first registration (carried over)
        form = read_form(issue.body, {cohort.id: cohort.model_copy(update={"open": True})})
        if form.cohort != cohort.id:
            continue
        roster = enroll(roster, issue, form, cohort, repository, Decision())
        if LABEL_WITHDRAWN in {label.lower() for label in issue.labels}:
            # Withdrawn before any later issue of the learner's (closing came first).
            roster = withdraw(roster, issue, cohort, Decision())
    return roster


def replay_log(roster: Roster, entries: Iterable[LogEntry]) -> Roster:
    """Provision state and room per learner from the log: the same rules as the engine (an
    error fails the learner but keeps the room it had; a heal stays healed)."""
    attempts: dict[str, dict[datetime, list[LogEntry]]] = {}
    for entry in entries:
        attempts.setdefault(entry.github_handle.lower(), {}).setdefault(
            entry.attempt_at, []
        ).append(entry)
    learners = dict(roster.learners)
    for key, by_time in attempts.items():
        learner = learners.get(key)
        if learner is None:
            continue
        state, room = "pending", None
        for at in sorted(by_time):
            results = {e.result for e in by_time[at]}
            if "error" in results:
                state = "failed"
                continue
            state = "healed" if "healed" in results or state == "healed" else "provisioned"
            room = by_time[at][0].repo or room
        learners[key] = learner.model_copy(
            update={
                "provision_state": state,
                "learning_room_repo": room or learner.learning_room_repo,
            }
        )
    return roster.model_copy(update={"learners": learners})


def carry_over(rebuilt: Roster, stored: Roster, issues: Iterable[Issue]) -> Roster:
    """Private intake and facilitator fields from the stored roster; the outcome from labels.

    The labels are the Enroll contract's public signal (seed 003, section 8): they record when a
    seat was decided, which a replay of the current issue bodies cannot know (an invalid
    registration fixed by editing took its seat at the edit, not when it was filed)."""
    labels = {i.number: {lab.lower() for lab in i.labels} for i in issues}
    learners = {}
    for key, learner in rebuilt.learners.items():
        old = stored.learners.get(key)
        update = {name: getattr(old, name) for name in CARRIED} if old else {}
        on_issue = labels.get(learner.registration_issue, set())
        if LABEL_NEEDS_INFO in on_issue:
            # An edit that broke the form keeps a seat already decided (the roster knows it).
            held = old is not None and old.enrollment in ("enrolled", "waitlisted")
            update["status"] = "needs-info"
            update["enrollment"] = old.enrollment if old and held else "pending"
        elif LABEL_ENROLLED in on_issue:
            update["enrollment"] = "enrolled"
        elif LABEL_WAITLISTED in on_issue:
            update["enrollment"] = "waitlisted"
        elif LABEL_WITHDRAWN in on_issue:
            update["enrollment"] = "withdrawn"
        learners[key] = learner.model_copy(update=update)
    for key, old in stored.learners.items():
        # A registration edited to name another cohort left this one: its record stays here,
        # withdrawn, while the issue (which now names the other cohort) still exists.
        if (
            key not in learners
            and old.enrollment == "withdrawn"
            and old.registration_issue in labels
        ):
            learners[key] = old
    return rebuilt.model_copy(update={"learners": learners})


def differences(stored: Roster, rebuilt: Roster) -> list[str]:
    """Plain lines naming every learner and field that differ (empty: identical)."""
    lines = []
    for key in sorted(set(stored.learners) | set(rebuilt.learners)):
        old, new = stored.learners.get(key), rebuilt.learners.get(key)
        if old is None:
            issue = new.registration_issue  # type: ignore[union-attr]
            lines.append(MISSING.format(key=key, issue=issue))
        elif new is None:
            lines.append(NO_ISSUE.format(key=key))
        else:
            lines += [
                DIFFERS.format(key=key, name=name, old=_show(old, name), new=_show(new, name))
                for name in REBUILT
                if getattr(old, name) != getattr(new, name)
            ]
    return lines


def _show(learner: Learner, name: str) -> str:
    value = getattr(learner, name)
    return "empty" if value is None else f"`{value}`"
