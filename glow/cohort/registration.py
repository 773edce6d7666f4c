"""Registration: decide, from a registration issue, what GLOW records and says.

Pure functions only. ``read_form`` validates the issue form; ``enroll`` is the roster change
(re-applied on the latest roster if another registration lands first, so the capacity decision
is made on fresh data); ``public_plan`` turns the outcome into labels, a redacted body and the
one upserted comment. The command's adapter carries the plans out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from glow.cohort.forms import parse_issue_form, render_issue_form
from glow.cohort.model import COHORT_RE, Cohort, Learner, Roster, handle_key
from glow.cohort.signals import is_bot

TITLE_PREFIX = "[REGISTER]"
LABEL_REGISTRATION = "registration"
LABEL_ENROLLED = "enrolled"
LABEL_NEEDS_INFO = "needs-info"
LABEL_WAITLISTED = "waitlisted"
LABEL_DUPLICATE = "duplicate"
LABEL_WITHDRAWN = "withdrawn"
COMMENT_KEY = "registration"
REDACTED_MARK = "<!-- glow:redacted -->"

FIELD_COHORT = "Cohort"
FIELD_PATH = "Path"
FIELD_ACCESSIBILITY = "Accessibility needs"
FIELD_CONTACT = "Contact (optional)"
PRIVATE_FIELDS = (FIELD_ACCESSIBILITY, FIELD_CONTACT)
MOVED = "_Moved to the facilitators' private roster._"

PATHS = {"day1-day2": "Day 1 and Day 2", "day2-only": "Day 2 only"}
OUTCOME_LABELS = (
    LABEL_ENROLLED,
    LABEL_NEEDS_INFO,
    LABEL_WAITLISTED,
    LABEL_DUPLICATE,
    LABEL_WITHDRAWN,
)

LABELS: dict[str, tuple[str, str]] = {
    LABEL_REGISTRATION: ("0e8a16", "A workshop registration"),
    LABEL_ENROLLED: ("1d76db", "Registration complete: enrolled in a cohort"),
    LABEL_NEEDS_INFO: ("fbca04", "Registration needs a detail from the learner"),
    LABEL_WAITLISTED: ("c5def5", "The cohort is full: on the waitlist"),
    LABEL_DUPLICATE: ("cfd3d7", "Another registration issue is already open for this learner"),
    LABEL_WITHDRAWN: ("d4c5f9", "The learner withdrew: reopening the issue registers again"),
}

Outcome = Literal["enrolled", "waitlisted", "needs-info", "duplicate", "withdrawn", "ignored"]

# Bot copy: outcome first, plain words, a next step on every problem (STYLE.md, rule 6).
ENROLLED = """{opening}: you are enrolled in cohort {cohort} ({path}).

What happens next:
1. Your private Learning Room repository is being prepared. GitHub will send you an invitation
   to it; you will find it in your GitHub notifications and at {invitations_url}.
2. Accept the invitation, then open the Learning Room and read its README.
3. When you are ready, comment `ack` on this issue so your facilitator knows you have arrived.
{private}
Need help at any point? Comment `help` on this issue and a facilitator will reply."""

WAITLISTED = """Registration received: cohort {cohort} is full, so you are on its waitlist \
(place {place}).

What happens next: if a seat opens, this comment changes to say you are enrolled and your
Learning Room is prepared for you; GitHub notifies you of the change. There is nothing you need
to do now.
{private}
Questions? Comment `help` on this issue and a facilitator will reply."""

NEEDS_INFO = """Registration needs {count} before we can enroll you.

{problems}

How to fix it: edit this issue (open the issue's "More actions" menu and choose Edit), correct
the answer, and save. We check again as soon as you save; there is no need to open a new issue.

Stuck? Comment `help` on this issue and a facilitator will reply."""

DUPLICATE = """This registration is a duplicate: you are already registered for cohort {cohort} \
in #{issue}.

Any accessibility needs or contact details you gave here were added to your registration, and
this issue is closed. To change your cohort or path, edit #{issue} instead; please continue
there.

If this is a mistake, comment `help` on this issue and a facilitator will reply."""


WITHDRAWN = """Registration withdrawn: you are no longer registered for cohort {cohort}, because \
this issue was closed.

Changed your mind? Reopen this issue (the "Reopen issue" button next to the comment box) and we
register you again, in a free seat or on the waitlist. Your details are kept.

Questions? Comment `help` on this issue and a facilitator will reply."""

HELP_KEY = "help"
HELP_RECEIVED = """Help request received: a facilitator will reply on this issue.

While you wait, you can add details here: what you were trying to do, and what you heard or saw
(for example, what your screen reader announced). That helps the reply fit your setup."""

OPENING_REGISTERED = "Registration received"
OPENING_PROMOTED = "A seat opened for you"


PRIVATE_NOTE = """
Your accessibility needs and contact details are in the facilitators' private roster and were
removed from this issue's text. A facilitator also deletes the first version of the issue from
its edit history.
"""

FAILED = """Registration not finished yet: a problem on our side stopped it. This is not \
something you did wrong.

What happens next: the failed run is listed in this repository's Actions tab, where the
facilitators check, and they will finish your registration; your answers are kept. There is
nothing you need to do now. If nobody has replied within a day, comment `help` on this issue."""


@dataclass(frozen=True)
class Issue:
    number: int
    title: str
    body: str | None
    author: str
    labels: tuple[str, ...]
    state: str
    created_at: datetime


@dataclass(frozen=True)
class FormResult:
    cohort: str | None
    path: str | None
    accessibility: str | None
    contact: str | None
    problems: tuple[str, ...]


@dataclass
class Decision:
    """What ``enroll`` decided on the latest roster (filled in by the roster change)."""

    outcome: Outcome = "ignored"
    place: int = 0
    first_issue: int | None = None
    newly_enrolled: bool = False
    promoted: list[Learner] = field(default_factory=list)  # off the waitlist into a free seat
    private_kept: bool = False  # the roster holds private intake for this learner


@dataclass(frozen=True)
class PublicPlan:
    add_labels: tuple[str, ...] = ()
    remove_labels: tuple[str, ...] = ()
    comment: str | None = None
    new_body: str | None = None
    close: bool = False
    problems: tuple[str, ...] = field(default_factory=tuple)


def is_registration(issue: Issue) -> bool:
    return issue.title.strip().upper().startswith(TITLE_PREFIX) or (
        LABEL_REGISTRATION in (label.lower() for label in issue.labels)
    )


def _quote(value: str) -> str:
    return value.replace("`", "'")[:60]


def _private(value: str | None) -> str | None:
    return None if value is None or value.strip() in ("", MOVED) else value.strip()


def read_form(body: str | None, cohorts: dict[str, Cohort]) -> FormResult:
    """The answers, and each problem as a line naming the field and how to answer it."""
    answers = parse_issue_form(body)
    problems = []
    cohort = (answers.get(FIELD_COHORT) or "").strip().lower() or None
    open_ids = sorted(cid for cid, c in cohorts.items() if c.open)
    if cohort is None:
        problems.append(
            f"- {FIELD_COHORT}: the answer is empty. Write the cohort name your "
            "facilitator gave you, for example `2026-12`."
        )
    elif not COHORT_RE.fullmatch(cohort):
        problems.append(
            f"- {FIELD_COHORT}: `{_quote(cohort)}` is not a cohort name. A cohort name "
            "uses lower-case letters, digits and hyphens, for example `2026-12`."
        )
    elif cohort not in cohorts or not cohorts[cohort].open:
        listed = ", ".join(f"`{c}`" for c in open_ids) or "none at the moment"
        problems.append(
            f"- {FIELD_COHORT}: `{cohort}` is not open for registration. Open cohorts: {listed}."
        )
    path = (answers.get(FIELD_PATH) or "").strip().lower() or None
    if path not in PATHS:
        shown = "empty" if path is None else f"`{_quote(path)}`"
        problems.append(
            f"- {FIELD_PATH}: the answer is {shown}. Choose `day1-day2` (both days) or `day2-only`."
        )
    return FormResult(
        cohort=cohort if cohort in cohorts else None,
        path=path,
        accessibility=_private(answers.get(FIELD_ACCESSIBILITY)),
        contact=_private(answers.get(FIELD_CONTACT)),
        problems=tuple(problems),
    )


def redacted_body(body: str | None) -> str | None:
    """The public body with private answers replaced; None when there is nothing to redact."""
    answers = parse_issue_form(body)
    if not any(_private(answers.get(name)) for name in PRIVATE_FIELDS):
        return None
    public = {FIELD_COHORT: answers.get(FIELD_COHORT), FIELD_PATH: answers.get(FIELD_PATH)}
    for name in PRIVATE_FIELDS:
        public[name] = MOVED if answers.get(name) else None
    summary = (
        "Registration for a GLOW workshop. Private answers were moved to the "
        "facilitators' private roster."
    )
    return f"{summary}\n\n{render_issue_form(public)}\n{REDACTED_MARK}\n"


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
        path=form.path if form.path in PATHS else (existing.path if existing else "day1-day2"),
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
    decision.private_kept = bool(record.accessibility_needs or record.contact)
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


def _private_update(record: Learner, form: FormResult) -> dict[str, str | None]:
    """New private answers replace old ones; an answer moved to the roster keeps its value."""
    update: dict[str, str | None] = {}
    if form.accessibility is not None:
        update["accessibility_needs"] = form.accessibility
    if form.contact is not None:
        update["contact"] = form.contact
    return update


def public_plan(
    decision: Decision, form: FormResult, issue: Issue, *, invitations_url: str
) -> PublicPlan:
    """Labels, comment, redacted body and closing for what ``enroll`` decided."""
    new_body = redacted_body(issue.body)
    cohort = f"`{form.cohort}`" if form.cohort else ""
    private = PRIVATE_NOTE if decision.private_kept else "\n"
    if decision.outcome == "needs-info":
        count = (
            "one more detail" if len(form.problems) == 1 else f"{len(form.problems)} more details"
        )
        text = NEEDS_INFO.format(count=count, problems="\n".join(form.problems))
        outcome_label = LABEL_NEEDS_INFO
    elif decision.outcome == "duplicate":
        text = DUPLICATE.format(cohort=cohort, issue=decision.first_issue)
        outcome_label = LABEL_DUPLICATE
    elif decision.outcome == "waitlisted":
        text = WAITLISTED.format(cohort=cohort, place=decision.place, private=private)
        outcome_label = LABEL_WAITLISTED
    elif decision.outcome == "withdrawn":
        text = WITHDRAWN.format(cohort=cohort)
        outcome_label = LABEL_WITHDRAWN
    else:
        text = ENROLLED.format(
            opening=OPENING_REGISTERED,
            cohort=cohort,
            path=PATHS[form.path or "day1-day2"],
            invitations_url=invitations_url,
            private=private,
        )
        outcome_label = LABEL_ENROLLED
    return PublicPlan(
        add_labels=(LABEL_REGISTRATION, outcome_label),
        remove_labels=tuple(lab for lab in OUTCOME_LABELS if lab != outcome_label),
        comment=text,
        new_body=new_body,
        close=decision.outcome == "duplicate",
        problems=form.problems,
    )


def promoted_plan(learner: Learner, *, invitations_url: str) -> PublicPlan:
    """What the registration issue of a learner taken off the waitlist gets: the enrolled
    label and its one comment rewritten to say so (GitHub notifies the learner)."""
    text = ENROLLED.format(
        opening=OPENING_PROMOTED,
        cohort=f"`{learner.cohort_id}`",
        path=PATHS[learner.path],
        invitations_url=invitations_url,
        private=PRIVATE_NOTE if learner.accessibility_needs or learner.contact else "\n",
    )
    return PublicPlan(
        add_labels=(LABEL_REGISTRATION, LABEL_ENROLLED),
        remove_labels=tuple(lab for lab in OUTCOME_LABELS if lab != LABEL_ENROLLED),
        comment=text,
    )


HANDLED_ACTIONS = ("opened", "edited", "reopened", "closed")


def why_ignored(
    issue: Issue, action: str, sender: str, sender_type: str, state_reason: str | None = None
) -> str | None:
    """Why this event needs no registration work, or None when it does.

    Closing withdraws the registration when the learner closes it, or when anyone closes it as
    "not planned"; a facilitator closing it as completed (after the workshop) changes nothing.
    """
    if action not in HANDLED_ACTIONS:
        return f"issues.{action} needs no registration work"
    if is_bot(sender, sender_type):
        return "made by a bot (GLOW never answers its own changes)"
    if not is_registration(issue):
        return "not a registration issue"
    if action == "closed":
        if sender.lower() != issue.author.lower() and state_reason != "not_planned":
            return "closed as completed by someone other than the learner: the registration stands"
    elif issue.state != "open":
        return "the registration issue is closed"
    if re.fullmatch(r".*\[bot\]", issue.author):
        return "filed by a bot"
    return None
