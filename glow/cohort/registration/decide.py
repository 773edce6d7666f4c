"""Registration: decide, from a registration issue, what GLOW records and says.

Pure functions only. ``read_form`` validates the issue form; ``enroll`` is the roster change
(re-applied on the latest roster if another registration lands first, so the capacity decision
is made on fresh data); ``public_plan`` turns the outcome into labels, a redacted body and the
one upserted comment. The command's adapter carries the plans out. Reading the issue and
whether an event needs work is ``issue``; placing across cohorts and in filing order is
``placement``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from glow.cohort.model import Cohort, Learner, Path_, Roster, handle_key
from glow.cohort.registration.copy import (
    DUPLICATE,
    LABEL_DUPLICATE,
    LABEL_ENROLLED,
    LABEL_NEEDS_INFO,
    LABEL_REGISTRATION,
    LABEL_WAITLISTED,
    LABEL_WITHDRAWN,
    OPENING_PROMOTED,
    OPENING_REGISTERED,
    OUTCOME_LABELS,
    PRIVATE_NOTE,
    PROBLEM_COHORT_CLOSED,
    PROBLEM_COHORT_EMPTY,
    PROBLEM_COHORT_NOT_A_NAME,
    PROBLEM_PATH_EMPTY,
    PROBLEM_PATH_NOT_A_CHOICE,
    WAITLISTED,
    WITHDRAWN,
    RoomLinks,
    enrolled_text,
    needs_info_text,
)
from glow.cohort.registration.form import read_public
from glow.cohort.registration.form import redacted_body as redacted_body
from glow.cohort.registration.issue import Issue

_PATH_VALUES: dict[str, Path_] = {"day1-day2": "day1-day2", "day2-only": "day2-only"}

Outcome = Literal["enrolled", "waitlisted", "needs-info", "duplicate", "withdrawn", "ignored"]


@dataclass(frozen=True)
class FormResult:
    cohort: str | None  # a cohort of cohorts.json (open or not), else None
    path: Path_ | None
    volunteered: str | None  # text beyond the two answers: private, moved off the issue
    problems: tuple[str, ...]


@dataclass
class Decision:
    """What ``enroll`` decided on the latest roster (filled in by the roster change)."""

    outcome: Outcome = "ignored"
    place: int = 0
    first_issue: int | None = None
    newly_enrolled: bool = False
    promoted: list[Learner] = field(default_factory=list)  # off the waitlist into a free seat
    private_kept: bool = False  # the roster holds text this learner wrote on the public issue
    cohort: str | None = None  # where the registration was judged (``place``)
    left: list[str] = field(default_factory=list)  # cohorts this registration moved out of


@dataclass(frozen=True)
class PublicPlan:
    add_labels: tuple[str, ...] = ()
    remove_labels: tuple[str, ...] = ()
    comment: str | None = None
    new_body: str | None = None
    close: bool = False
    problems: tuple[str, ...] = field(default_factory=tuple)


def read_form(body: str | None, cohorts: dict[str, Cohort]) -> FormResult:
    """The answers, and each problem as a list item naming the field and how to answer it."""
    answers = read_public(body)
    problems = []
    cohort = answers.cohort
    open_ids = sorted(cid for cid, c in cohorts.items() if c.open)
    if cohort is None:
        problems.append(
            PROBLEM_COHORT_NOT_A_NAME if answers.cohort_written else PROBLEM_COHORT_EMPTY
        )
    elif cohort not in cohorts or not cohorts[cohort].open:
        listed = ", ".join(f"`{c}`" for c in open_ids) or "none at the moment"
        problems.append(PROBLEM_COHORT_CLOSED.format(cohort=cohort, listed=listed))
    if answers.path is None:
        problems.append(PROBLEM_PATH_NOT_A_CHOICE if answers.path_written else PROBLEM_PATH_EMPTY)
    return FormResult(
        cohort=cohort if cohort in cohorts else None,
        path=_PATH_VALUES.get(answers.path or ""),
        volunteered=answers.volunteered,
        problems=tuple(problems),
    )


def enroll(
    roster: Roster,
    issue: Issue,
    form: FormResult,
    cohort: Cohort,
    repository: str,
    decision: Decision,
) -> Roster:
    """The learner's record on the latest roster: enrolled, waitlisted, pending or duplicate.

    A duplicate keeps the first registration and adds any new private details to it.
    """
    key = handle_key(issue.author)
    learners = dict(roster.learners)
    existing = learners.get(key)
    valid = not form.problems
    if (
        existing
        and existing.registration_issue != issue.number
        and existing.enrollment != "withdrawn"
    ):
        decision.outcome, decision.first_issue = "duplicate", existing.registration_issue
        learners[key] = existing.model_copy(update=_private_update(existing, form))
        return roster.model_copy(update={"learners": learners})
    seats_taken = sum(1 for k, lrn in learners.items() if lrn.enrollment == "enrolled" and k != key)
    if not valid:
        # An edit that broke the form keeps the seat (or place) already decided.
        held = existing is not None and existing.enrollment in ("enrolled", "waitlisted")
        enrollment = existing.enrollment if existing and held else "pending"
        decision.outcome = "needs-info"
    elif existing and existing.enrollment in ("enrolled", "waitlisted"):
        enrollment = existing.enrollment
    else:
        enrollment = "enrolled" if seats_taken < cohort.capacity else "waitlisted"
    if valid:
        decision.outcome = "enrolled" if enrollment == "enrolled" else "waitlisted"
    decision.newly_enrolled = enrollment == "enrolled" and (
        existing is None
        or existing.enrollment != "enrolled"
        or any(learner.key == key for learner in decision.promoted)  # by fill_seats, just now
    )
    record = Learner(
        github_handle=issue.author,
        cohort_id=cohort.id,
        path=form.path or (existing.path if existing else "day1-day2"),
        enrollment=enrollment,
        registered_at=issue.created_at,
        registration_repo=repository,
        registration_issue=issue.number,
        status="needs-info"
        if not valid
        else (existing.status if existing and existing.status != "needs-info" else "awaiting-ack"),
    )
    if existing:
        record = existing.model_copy(
            update={
                k: getattr(record, k)
                for k in (
                    "path",
                    "enrollment",
                    "status",
                    "registered_at",
                    "registration_repo",
                    "registration_issue",
                )
            }
        )
    record = record.model_copy(update=_private_update(record, form))
    learners[key] = record
    decision.private_kept = bool(record.volunteered)
    if decision.outcome == "waitlisted":
        waiting = sorted(
            (lrn for lrn in learners.values() if lrn.enrollment == "waitlisted"),
            key=lambda lrn: (lrn.registered_at, lrn.registration_issue),
        )
        decision.place = 1 + next(i for i, lrn in enumerate(waiting) if lrn.key == key)
    return roster.model_copy(update={"learners": learners})


def withdraw(roster: Roster, issue: Issue, cohort: Cohort, decision: Decision) -> Roster:
    """The learner whose registration ``issue`` was closed gives up their seat or waitlist
    place; any seat that frees goes to the waitlist, first come first served. A closed issue
    that is not the learner's registration of record (a duplicate, say) changes nothing."""
    key = handle_key(issue.author)
    existing = roster.learners.get(key)
    if existing is None or existing.registration_issue != issue.number:
        return roster
    decision.outcome = "withdrawn"
    if existing.enrollment == "withdrawn":
        return roster  # a re-run: the roster is done; what is public gets finished
    learners = {**roster.learners, key: existing.model_copy(update={"enrollment": "withdrawn"})}
    return fill_seats(roster.model_copy(update={"learners": learners}), cohort, decision)


PRIVATE_FIELDS = ("accessibility_needs", "contact", "tools", "volunteered")


def keep_volunteered(
    roster: Roster, issue: Issue, text: str | None, decision: Decision | None = None
) -> Roster:
    """The text a learner volunteered on ``issue`` joins the record of that registration (or,
    for a duplicate, the learner's record of their first one)."""
    record = roster.learners.get(handle_key(issue.author))
    if record is None or not text:
        return roster
    update = _private_update(record, FormResult(None, None, text, ()))
    if decision is not None:
        decision.private_kept = True
    if not update:
        return roster
    learners = {**roster.learners, record.key: record.model_copy(update=update)}
    return roster.model_copy(update={"learners": learners})


def with_private_from(roster: Roster, handle: str, records: Iterable[Learner]) -> Roster:
    """The learner's record keeps the private intake of the records it replaces (a move to
    another cohort), where it has none of its own."""
    key = handle_key(handle)
    record = roster.learners.get(key)
    if record is None:
        return roster
    update = {
        name: getattr(old, name)
        for old in records
        for name in PRIVATE_FIELDS
        if getattr(old, name) and not getattr(record, name)
    }
    if not update:
        return roster
    learners = {**roster.learners, key: record.model_copy(update=update)}
    return roster.model_copy(update={"learners": learners})


def fill_seats(roster: Roster, cohort: Cohort, decision: Decision) -> Roster:
    """Enroll waitlisted learners, oldest registration first, while the cohort has free seats.
    A waitlisted registration that needs a detail waits until it is complete."""
    learners = dict(roster.learners)
    free = cohort.capacity - sum(1 for lrn in learners.values() if lrn.enrollment == "enrolled")
    waiting = sorted(
        (
            lrn
            for lrn in learners.values()
            if lrn.enrollment == "waitlisted" and lrn.status != "needs-info"
        ),
        key=lambda lrn: (lrn.registered_at, lrn.registration_issue),
    )
    for learner in waiting[: max(free, 0)]:
        learners[learner.key] = learner.model_copy(update={"enrollment": "enrolled"})
        decision.promoted.append(learners[learner.key])
    return roster.model_copy(update={"learners": learners})


def may_have_kept_text(issue: Issue, listed: Iterable[Issue]) -> bool:
    """Whether text this learner volunteered while their cohort was wrong may be kept aside
    (``store.UNASSIGNED``), so worth a request to read. Only a run that answers needs-info
    keeps text aside, and the label stays until a run finds a cohort and brings the text back:
    so one of the learner's open registrations (this one or another) says needs-info."""
    author = handle_key(issue.author)
    return any(
        LABEL_NEEDS_INFO in {label.lower() for label in other.labels}
        for other in (issue, *listed)
        if handle_key(other.author) == author
    )


def _private_update(record: Learner, form: FormResult) -> dict[str, str | None]:
    """Text volunteered on the public issue joins what the roster already keeps (once)."""
    new = (form.volunteered or "").strip()
    old = record.volunteered or ""
    if not new or new in old:
        return {}
    return {"volunteered": f"{old}\n\n{new}" if old else new}


def public_plan(
    decision: Decision, form: FormResult, issue: Issue, *, links: RoomLinks
) -> PublicPlan:
    """Labels, comment, redacted body and closing for what ``enroll`` decided."""
    cohort = f"`{form.cohort}`" if form.cohort else ""
    private = PRIVATE_NOTE if decision.private_kept or form.volunteered else "\n"
    if decision.outcome == "needs-info":
        text = needs_info_text(form.problems, private)
        outcome_label = LABEL_NEEDS_INFO
    elif decision.outcome == "duplicate":
        text = DUPLICATE.format(cohort=cohort, issue=decision.first_issue, private=private)
        outcome_label = LABEL_DUPLICATE
    elif decision.outcome == "waitlisted":
        text = WAITLISTED.format(cohort=cohort, place=decision.place, private=private)
        outcome_label = LABEL_WAITLISTED
    elif decision.outcome == "withdrawn":
        text = WITHDRAWN.format(cohort=cohort, private=private)
        outcome_label = LABEL_WITHDRAWN
    else:
        path = form.path or "day1-day2"
        text = enrolled_text(OPENING_REGISTERED, form.cohort or "", path, links, private)
        outcome_label = LABEL_ENROLLED
    return PublicPlan(
        add_labels=(LABEL_REGISTRATION, outcome_label),
        remove_labels=tuple(lab for lab in OUTCOME_LABELS if lab != outcome_label),
        comment=text,
        new_body=redacted_body(issue.body),
        close=decision.outcome == "duplicate",
        problems=form.problems,
    )


def promoted_plan(learner: Learner, *, links: RoomLinks) -> PublicPlan:
    """What the registration issue of a learner taken off the waitlist gets: the enrolled
    label and its one comment rewritten to say so. The rewrite mentions the learner: editing a
    comment notifies nobody unless the edit adds a new @mention."""
    text = enrolled_text(
        OPENING_PROMOTED,
        learner.cohort_id,
        learner.path,
        links,
        PRIVATE_NOTE if learner.volunteered else "\n",
        mention=f"@{learner.github_handle}: ",
    )
    return PublicPlan(
        add_labels=(LABEL_REGISTRATION, LABEL_ENROLLED),
        remove_labels=tuple(lab for lab in OUTCOME_LABELS if lab != LABEL_ENROLLED),
        comment=text,
    )


# GitHub allows the workshop's job token 80 content-creating requests a minute, and each run of
# a registration burst posts its answer as its own process, whose write budget sees its own
# requests only. So a run counts the answers the others gave in the last minute from GitHub's
# current state (the open registrations it lists anyway) and waits while they fill the minute
# but for this many, kept for the runs answering beside it that its listing could not show.
ANSWERS_IN_FLIGHT = 20
ANSWERS_PER_MINUTE = 80 - ANSWERS_IN_FLIGHT
MINUTE_S = 60.0


def answer_wait(issues: Iterable[Issue], *, now: datetime) -> float:
    """Seconds to wait before posting a new answer, so the answers of the last minute and this
    one stay within ``ANSWERS_PER_MINUTE`` (0: at once). An issue with an outcome label was
    answered, with a comment, no earlier than its last update (``updated_at``); a learner's
    own edit since counts it again, erring on the safe side."""
    outcomes = {label.lower() for label in OUTCOME_LABELS}
    since = now.timestamp() - MINUTE_S
    times = sorted(
        issue.updated_at.timestamp()
        for issue in issues
        if issue.updated_at is not None
        and issue.updated_at.timestamp() > since
        and outcomes & {label.lower() for label in issue.labels}
    )
    if len(times) < ANSWERS_PER_MINUTE:
        return 0.0
    # The minute holds room for one more once this many of its answers have left it.
    # (At most a minute: a clock that disagrees with GitHub's never holds a run longer.)
    leaving = times[len(times) - ANSWERS_PER_MINUTE]
    return min(max(0.0, leaving + MINUTE_S - now.timestamp()), MINUTE_S)
