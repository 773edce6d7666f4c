"""Private intake, read from the learner's own Learning Room (pure functions).

The public registration asks only what may be public. Accessibility needs, tools and contact
details are asked in the room, which only the learner and the facilitators can read, through the
issue form ``.github/ISSUE_TEMPLATE/intake.yml`` of the Learning Room template (label
``intake``). The admin side reads the room with the App (the dashboard already lists the room's
issues) and keeps the answers in the private roster; nothing private ever enters a public place,
and the room holds no secret.

Only the learner's own intake issue counts (by its label or its three fields), the most recently
updated one when there are several, and its fields are read robustly (a heading typed inside an
answer stays in the answer).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from glow.cohort.forms import field_sections, field_text
from glow.cohort.model import Learner

LABEL_INTAKE = "intake"
FIELD_TOOLS = "Screen reader or tools"
FIELD_ACCESSIBILITY = "Accessibility needs"
FIELD_CONTACT = "Contact (optional)"
FIELDS = (FIELD_TOOLS, FIELD_ACCESSIBILITY, FIELD_CONTACT)


@dataclass(frozen=True)
class Intake:
    """The learner's answers (None: not answered), and the room issue they came from."""

    number: int
    tools: str | None
    accessibility_needs: str | None
    contact: str | None


def _labels(issue: Mapping[str, Any]) -> set[str]:
    return {
        str(label.get("name") or "").lower() if isinstance(label, Mapping) else str(label).lower()
        for label in issue.get("labels") or []
    }


def _is_intake_form(body: str | None) -> bool:
    """The form's three fields are there (GitHub renders every field, answered or not). The
    label alone is not enough to go by: a form's label is applied only where the label exists,
    and a repository generated from a template has none of the template's labels."""
    _, sections = field_sections(body, FIELDS)
    return len(sections) == len(FIELDS)


def is_intake_issue(issue: Mapping[str, Any]) -> bool:
    """An issue made with the room's intake form: its label, or its three fields."""
    return LABEL_INTAKE in _labels(issue) or _is_intake_form(issue.get("body"))


def read_intake(room_issues: Iterable[Mapping[str, Any]] | None, learner: str) -> Intake | None:
    """The learner's latest intake issue in their room, or None when there is none."""
    own = [
        issue
        for issue in room_issues or ()
        if not issue.get("pull_request")
        and is_intake_issue(issue)
        and str((issue.get("user") or {}).get("login") or "").lower() == learner.lower()
    ]
    if not own:
        return None
    latest = max(own, key=lambda issue: (str(issue.get("updated_at") or ""), int(issue["number"])))
    _, sections = field_sections(latest.get("body"), FIELDS)
    answers = {label: field_text(lines) for label, lines in sections.items()}
    return Intake(
        number=int(latest["number"]),
        tools=answers.get(FIELD_TOOLS.lower()),
        accessibility_needs=answers.get(FIELD_ACCESSIBILITY.lower()),
        contact=answers.get(FIELD_CONTACT.lower()),
    )


def with_intake(learner: Learner, intake: Intake | None) -> Learner:
    """The record with the room's intake answers (the latest form wins); unchanged when the
    room has none or the roster already holds them."""
    if intake is None:
        return learner
    update = {
        "tools": intake.tools,
        "accessibility_needs": intake.accessibility_needs,
        "contact": intake.contact,
    }
    if all(getattr(learner, name) == value for name, value in update.items()):
        return learner
    return learner.model_copy(update=update)
