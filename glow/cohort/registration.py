"""Registration: decide, from a registration issue, what GLOW says and which labels it sets.

Pure functions only: ``plan_registration`` turns the issue into a ``RegistrationPlan``; the
command's adapter carries it out. This is the first cut (one upserted comment, ``enrolled`` or
``needs-info``); the roster record, redaction and waitlist build on the same plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from glow.cohort.forms import parse_issue_form

TITLE_PREFIX = "[REGISTER]"
LABEL_REGISTRATION = "registration"
LABEL_ENROLLED = "enrolled"
LABEL_NEEDS_INFO = "needs-info"
COMMENT_KEY = "registration"

FIELD_COHORT = "Cohort"
FIELD_PATH = "Path"
FIELD_ACCESSIBILITY = "Accessibility needs"
FIELD_CONTACT = "Contact (optional)"

PATHS = {"day1-day2": "Day 1 and Day 2", "day2-only": "Day 2 only"}
COHORT_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")

LABELS: dict[str, tuple[str, str]] = {
    LABEL_REGISTRATION: ("0e8a16", "A workshop registration"),
    LABEL_ENROLLED: ("1d76db", "Registration complete: enrolled in a cohort"),
    LABEL_NEEDS_INFO: ("fbca04", "Registration needs a detail from the learner"),
}

# Bot copy: outcome first, plain words, a next step on every problem (STYLE.md, rule 6).
ENROLLED = """Registration received: you are enrolled in cohort {cohort} ({path}).

What happens next:
1. Your private Learning Room repository is being prepared. GitHub will send you an invitation
   to it; you will find it in your GitHub notifications and at {invitations_url}.
2. Accept the invitation, then open the Learning Room and read its README.
3. When you are ready, comment `ack` on this issue so your facilitator knows you have arrived.

Need help at any point? Comment `help` on this issue and a facilitator will reply."""

NEEDS_INFO = """Registration needs {count} before we can enrol you.

{problems}

How to fix it: edit this issue (open the issue's "More actions" menu and choose Edit), correct
the answer, and save. We check again as soon as you save; there is no need to open a new issue.

Stuck? Comment `help` on this issue and a facilitator will reply."""


@dataclass(frozen=True)
class Issue:
    number: int
    title: str
    body: str | None
    author: str
    labels: tuple[str, ...]
    state: str


@dataclass(frozen=True)
class RegistrationPlan:
    status: Literal["enrolled", "needs-info", "ignored"]
    add_labels: tuple[str, ...] = ()
    remove_labels: tuple[str, ...] = ()
    comment: str | None = None
    cohort: str | None = None
    path: str | None = None
    problems: tuple[str, ...] = field(default_factory=tuple)
    reason: str = ""


def is_registration(issue: Issue) -> bool:
    return issue.title.strip().upper().startswith(TITLE_PREFIX) or (
        LABEL_REGISTRATION in (label.lower() for label in issue.labels)
    )


def validate(issue: Issue, cohorts: tuple[str, ...]) -> tuple[str | None, str | None, list[str]]:
    """(cohort, path, problems): each problem names the field and says how to answer it."""
    answers = parse_issue_form(issue.body)
    problems = []
    cohort = (answers.get(FIELD_COHORT) or "").strip().lower() or None
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
    elif cohorts and cohort not in cohorts:
        problems.append(
            f"- {FIELD_COHORT}: `{cohort}` is not open for registration. Open "
            f"cohorts: {', '.join(f'`{c}`' for c in cohorts)}."
        )
    path = (answers.get(FIELD_PATH) or "").strip().lower() or None
    if path not in PATHS:
        shown = "empty" if path is None else f"`{_quote(path)}`"
        problems.append(
            f"- {FIELD_PATH}: the answer is {shown}. Choose `day1-day2` (both days) or `day2-only`."
        )
    return (cohort if not problems or cohort in cohorts or not cohorts else None), path, problems


def _quote(value: str) -> str:
    return value.replace("`", "'")[:60]


def plan_registration(
    issue: Issue, action: str, *, cohorts: tuple[str, ...], invitations_url: str
) -> RegistrationPlan:
    if action not in ("opened", "edited", "reopened"):
        return RegistrationPlan("ignored", reason=f"issues.{action} needs no registration work")
    if not is_registration(issue):
        return RegistrationPlan("ignored", reason="not a registration issue")
    if issue.state != "open":
        return RegistrationPlan("ignored", reason="the registration issue is closed")
    cohort, path, problems = validate(issue, cohorts)
    if problems:
        count = "one more detail" if len(problems) == 1 else f"{len(problems)} more details"
        return RegistrationPlan(
            "needs-info",
            add_labels=(LABEL_REGISTRATION, LABEL_NEEDS_INFO),
            remove_labels=(LABEL_ENROLLED,),
            problems=tuple(problems),
            comment=NEEDS_INFO.format(count=count, problems="\n".join(problems)),
        )
    assert cohort is not None and path is not None
    return RegistrationPlan(
        "enrolled",
        add_labels=(LABEL_REGISTRATION, LABEL_ENROLLED),
        remove_labels=(LABEL_NEEDS_INFO,),
        cohort=cohort,
        path=path,
        comment=ENROLLED.format(
            cohort=f"`{cohort}`", path=PATHS[path], invitations_url=invitations_url
        ),
    )
