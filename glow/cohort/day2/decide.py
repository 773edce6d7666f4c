"""Day 2 release: decide, from a learner's registration issue, whether to post the Day 2 link.

Pure functions only; ``public`` and ``store`` read GitHub and carry the plans out (seed 003,
section 8: "Day 1 complete" and "Day 2 release" contracts); the words are in ``copy``. A
learner is eligible when one of these holds:

- they said ``day1-complete`` in their own comment (``learner_signals``: whole token, any case,
  "day 1 complete" too; quotes and code do not count, nor anyone else's comment);
- a facilitator applied the ``day1-complete`` label (the manual fallback);
- their path is day2-only.

A learner is already released when the issue carries the ``day2-released`` label or our marker
comment: nothing is posted again, and the roster only records what GitHub already shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from glow.cohort.day2.copy import (
    BAD_DAY2_URL,
    COMMENT_KEY,
    LABEL_DAY1_COMPLETE,
    LABEL_RELEASED,
    NO_DAY2_URL,
    RELEASE_COMMENT,
)
from glow.cohort.model import Cohort, Learner, Roster
from glow.cohort.signals import learner_signals
from glow.markers import has_marker

SIGNAL_DAY1 = "day1-complete"
SIGNAL_RELEASED = "day2-released"
# Our comment's hidden first line (``glow.markers.marker(COMMENT_KEY)``, held equal to
# it by a test): a decision imports nothing of the GitHub layer.

Reason = Literal["comment", "label", "day2-only"]
Action = Literal["release", "record", "wait"]


@dataclass(frozen=True)
class IssueView:
    """What the release needs from a registration issue: its labels and its comments."""

    labels: frozenset[str]
    comments: tuple[Mapping[str, Any], ...]
    bot: str = ""  # who writes our comments: only its marker comment says "released"

    @classmethod
    def from_api(
        cls, issue: Mapping[str, Any], comments: Iterable[Mapping[str, Any]], *, bot: str = ""
    ) -> IssueView:
        names = frozenset(str(label.get("name", "")).lower() for label in issue.get("labels") or [])
        return cls(labels=names, comments=tuple(comments), bot=bot.lower())


@dataclass(frozen=True)
class Evidence:
    """Why a learner may have Day 2, and when the learner said so (None: not from a comment)."""

    reason: Reason
    at: str | None = None


@dataclass(frozen=True)
class LearnerPlan:
    """What to do for one learner: post the link (release), only record it, or nothing yet."""

    key: str
    handle: str
    repo: str
    issue: int
    action: Action
    evidence: Evidence | None = None


@dataclass
class Report:
    """What a run did, by learner handle, and each problem as one facilitator line."""

    released: list[str] = field(default_factory=list)
    recorded: list[str] = field(default_factory=list)
    waiting: int = 0
    failures: list[str] = field(default_factory=list)


def needs_check(learner: Learner) -> bool:
    """Enrolled and not yet recorded as released: only these cost any request."""
    recorded = learner.status == "day2-released" or SIGNAL_RELEASED in learner.signals
    return learner.enrollment == "enrolled" and not recorded


def released_on(view: IssueView) -> bool:
    """The issue already shows the release: our label, or our own marker comment. Anyone can
    type the marker into a comment: a stranger's copy releases nobody."""
    if LABEL_RELEASED in view.labels:
        return True
    return any(
        has_marker(str(c.get("body") or ""), COMMENT_KEY)
        and str((c.get("user") or {}).get("login") or "").lower() == view.bot
        for c in view.comments
    )


def eligibility(learner: Learner, view: IssueView) -> Evidence | None:
    """Why the learner may have Day 2 (the learner's own words first), or None."""
    said = learner_signals(view.comments, learner.github_handle).get(SIGNAL_DAY1)
    if said is not None:
        return Evidence("comment", said or None)
    if LABEL_DAY1_COMPLETE in view.labels:
        return Evidence("label")
    if learner.path == "day2-only":
        return Evidence("day2-only")
    return None


def plan_learner(learner: Learner, view: IssueView) -> LearnerPlan:
    evidence = eligibility(learner, view)
    if released_on(view):
        action: Action = "record"
    elif evidence is not None:
        action = "release"
    else:
        action = "wait"
    return LearnerPlan(
        key=learner.key,
        handle=learner.github_handle,
        repo=learner.registration_repo,
        issue=learner.registration_issue,
        action=action,
        evidence=evidence,
    )


def release_comment(cohort: Cohort) -> str:
    """The one comment a released learner gets (call only when ``link_problem`` is None)."""
    if cohort.day2_url is None:
        raise ValueError(f"cohort {cohort.id} has no day2_url")
    return RELEASE_COMMENT.format(cohort=cohort.id, url=cohort.day2_url.strip())


def link_problem(cohort: Cohort, waiting: list[LearnerPlan]) -> str | None:
    """Why the Day 2 link cannot be posted to ``waiting`` learners, as one facilitator line."""
    if not waiting:
        return None
    handles = ", ".join(f"@{plan.handle}" for plan in waiting)
    url = (cohort.day2_url or "").strip()
    if not url:
        return NO_DAY2_URL.format(cohort=cohort.id, count=len(waiting), handles=handles)
    if not url.startswith(("https://", "http://")) or any(ch.isspace() for ch in url):
        return BAD_DAY2_URL.format(cohort=cohort.id, url=url, count=len(waiting), handles=handles)
    return None


def _signal_time(evidence: Evidence | None, now: datetime) -> datetime:
    if evidence is not None and evidence.at:
        try:
            return datetime.fromisoformat(evidence.at.replace("Z", "+00:00"))
        except ValueError:
            pass
    return now


def record_releases(roster: Roster, plans: Iterable[LearnerPlan], now: datetime) -> Roster:
    """The roster with each released learner recorded: status, signals, last signal time.

    Pure and safe to re-apply on a newer roster (after a concurrent commit): a learner already
    recorded, or no longer in the roster, is left as it is.
    """
    learners = dict(roster.learners)
    for plan in plans:
        learner = learners.get(plan.key)
        if plan.action == "wait" or learner is None or not needs_check(learner):
            continue
        signals = list(learner.signals)
        if plan.evidence is not None and plan.evidence.reason in ("comment", "label"):
            signals.append(SIGNAL_DAY1)
        signals.append(SIGNAL_RELEASED)
        seen_at = _signal_time(plan.evidence, now)
        last = learner.last_signal_at
        learners[plan.key] = learner.model_copy(
            update={
                # needs-info outranks every other status (glow-facts.md, status precedence).
                "status": learner.status if learner.status == "needs-info" else "day2-released",
                "signals": list(dict.fromkeys(signals)),
                "last_signal_at": seen_at if last is None or seen_at > last else last,
            }
        )
    return roster.model_copy(update={"learners": learners})
