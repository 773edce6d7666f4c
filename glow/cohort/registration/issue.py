"""Registration: which issue is a registration, read from GitHub's REST shape (``issue_of``)
or an event payload's (``issue_in``), and whether an event on it needs work (``why_ignored``)
or withdraws it (``withdraws``). Pure functions only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from glow.bot.payload import account_of, number_of
from glow.cohort.progress import parse_time
from glow.cohort.registration.copy import LABEL_REGISTRATION
from glow.cohort.registration.form import looks_like_registration
from glow.cohort.signals import is_bot


@dataclass(frozen=True)
class Issue:
    number: int
    title: str
    body: str | None
    author: str
    labels: tuple[str, ...]
    state: str
    created_at: datetime
    closed_by: str | None = None
    state_reason: str | None = None
    comments: int | None = None  # how many comments GitHub counted, when it said
    updated_at: datetime | None = None


def issue_of(raw: Mapping[str, object]) -> Issue:
    """A registration issue as GitHub returns it (REST or payload shape), read into ``Issue``;
    a ValueError when it has no number or creation time."""
    number, created = number_of(raw), raw.get("created_at")
    if number is None or not isinstance(created, str):
        raise ValueError("an issue needs its number and creation time")
    labels = raw.get("labels")
    body, reason, comments = raw.get("body"), raw.get("state_reason"), raw.get("comments")
    return Issue(
        number=number,
        title=str(raw.get("title") or ""),
        body=body if isinstance(body, str) else None,
        author=account_of(raw.get("user")).login,
        labels=tuple(
            str(name)
            for label in (labels if isinstance(labels, list) else [])
            if isinstance(label, Mapping) and (name := label.get("name"))
        ),
        state=str(raw.get("state") or "open"),
        created_at=datetime.fromisoformat(created.replace("Z", "+00:00")),
        closed_by=account_of(raw.get("closed_by")).login or None,
        state_reason=reason if isinstance(reason, str) else None,
        comments=comments if isinstance(comments, int) and not isinstance(comments, bool) else None,
        updated_at=parse_time(raw.get("updated_at")),
    )


def issue_in(payload_issue: Mapping[str, object]) -> Issue | None:
    """An event payload's issue read into ``Issue``, or None when it is malformed (a hand-made
    or truncated payload is ignored, never a crash)."""
    try:
        return issue_of(payload_issue)
    except ValueError:
        return None


def is_registration(issue: Issue) -> bool:
    """Decided by the form's label or the form's own two fields, never the title: the title
    is the learner's to edit, and an issue titled like a registration without the form is not
    one."""
    labels = {label.lower() for label in issue.labels}
    return LABEL_REGISTRATION in labels or looks_like_registration(issue.body)


HANDLED_ACTIONS = ("opened", "edited", "reopened", "closed")


def why_ignored(issue: Issue, action: str, sender: str, sender_type: str) -> str | None:
    """Why this event needs no registration work, or None when it does. ``issue`` is the issue
    as GitHub has it now (re-read), never the event's copy: an old event re-run hours later
    must not undo what happened since."""
    if action not in HANDLED_ACTIONS:
        return f"issues.{action} needs no registration work"
    if is_bot(sender, sender_type):
        return "made by a bot (GLOW never answers its own changes)"
    if not is_registration(issue):
        return "not a registration issue"
    if is_bot(issue.author):
        return "filed by a bot"
    if issue.state == "closed" and not withdraws(issue):
        return "closed as completed by someone other than the learner: the registration stands"
    return None


def withdraws(issue: Issue) -> bool:
    """A closed registration is withdrawn when the learner closed it, or anyone closed it as
    "not planned"; a facilitator closing it as completed (after the workshop) changes nothing."""
    if issue.state != "closed":
        return False
    by_learner = (issue.closed_by or "").lower() == issue.author.lower()
    return by_learner or issue.state_reason == "not_planned"
