"""The brief turned into a plan, and the plan as the creator reads it on the brief issue: pure.

``merge_plan`` keeps what the creator wrote and takes the rest from the author's suggestion:
the creator's title, their outcomes first, the stack fields they filled in (``pinned``), and
the suggested summary, extra outcomes, blank stack fields and deliverables. ``plan_comment``
and ``problems_comment`` are the one comment on the brief issue (found again by its marker,
``PLAN_KEY``): learner-facing copy rules, since a creator may read it with a screen reader.
"""

from __future__ import annotations

from typing import Literal

from glow.errors import GlowError
from glow.harness.bundle import check_slug
from glow.markers import with_marker

from .brief import FORM
from .state import Brief, Plan, Stack

PLAN_KEY = "author-plan"  # the hidden first line of the plan comment (glow.markers)
MAX_DELIVERABLES = 8
StackField = Literal["language", "framework", "runtime"]
STACK_FIELDS: tuple[StackField, ...] = ("language", "framework", "runtime")


def _same(text: str) -> str:
    return " ".join(text.split()).lower()


def merge_plan(brief: Brief, suggested: Plan) -> Plan:
    """The plan the graph authors: ``suggested`` under what the creator pinned in ``brief``.

    A suggestion with no deliverable, more than ``MAX_DELIVERABLES``, an id that is not a slug
    or an id twice is a ``GlowError`` naming it: the author is asked again, nothing is posted."""
    pinned = [name for name in STACK_FIELDS if getattr(brief.stack, name).strip()]
    stack = Stack(
        **{
            name: getattr(brief.stack if name in pinned else suggested.stack, name).strip()
            for name in STACK_FIELDS
        }
    )
    outcomes = list(brief.outcomes)
    seen = {_same(outcome) for outcome in outcomes}
    for outcome in suggested.outcomes:
        if outcome.strip() and _same(outcome) not in seen:
            seen.add(_same(outcome))
            outcomes.append(" ".join(outcome.split()))
    if not suggested.deliverables:
        raise GlowError("The suggested plan has no deliverable: plan the brief again.")
    if len(suggested.deliverables) > MAX_DELIVERABLES:
        raise GlowError(
            f"The suggested plan has {len(suggested.deliverables)} deliverables, more than "
            f"{MAX_DELIVERABLES}: plan the brief again."
        )
    ids: set[str] = set()
    for deliverable in suggested.deliverables:
        try:
            check_slug(deliverable.id)
        except ValueError as exc:
            raise GlowError(f"The suggested deliverable id {exc}: plan the brief again.") from None
        if deliverable.id in ids:
            raise GlowError(
                f"The suggested plan names the deliverable {deliverable.id} twice: plan the "
                "brief again."
            )
        ids.add(deliverable.id)
    return Plan(
        title=brief.title,
        summary=" ".join(suggested.summary.split()),
        outcomes=outcomes,
        stack=stack,
        pinned=pinned,
        deliverables=list(suggested.deliverables),
        # The network is the creator's to allow, never a suggestion's.
        network=brief.network,
        # Kept as the planner reported it: the run blocks on it before anything is authored.
        suspected_injection=suggested.suspected_injection,
    )


def _line(text: str) -> str:
    """Text on one line (a paragraph, a list item), ``<`` escaped: a model's ``<!--`` must not
    hide the rest of the comment."""
    return " ".join(text.split()).replace("<", "&lt;")


def _cell(text: str) -> str:
    """Text for one Markdown table cell: one line, pipes escaped."""
    return _line(text).replace("|", "\\|") or "(none)"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def plan_comment(plan: Plan, *, creator_outcomes: int | None = None) -> str:
    """The plan on the brief issue: heading, outcome first, one line per paragraph, each
    table introduced by a sentence. ``creator_outcomes``: how many of the plan's outcomes are
    the creator's (the first ones); None when not known."""
    deliverables = _count(len(plan.deliverables), "deliverable", "deliverables")
    outcomes = _count(len(plan.outcomes), "outcome", "outcomes")
    lines = [
        f"## Plan for this course brief: {_line(plan.title)}",
        "",
        f"The brief is planned as {deliverables} for {outcomes}; the author and review run "
        "is next.",
        "",
        f"Summary: {_line(plan.summary)}",
        "",
        "### Outcomes",
        "",
    ]
    if creator_outcomes is not None:
        extra = len(plan.outcomes) - creator_outcomes
        yours = (
            "The first outcome is yours"
            if creator_outcomes == 1
            else f"The first {creator_outcomes} outcomes are yours"
        )
        lines += [
            f"{yours}; {_count(extra, 'is', 'are')} suggested."
            if extra
            else "Every outcome is yours; none was added.",
            "",
        ]
    lines += [f"{n}. {_line(outcome)}" for n, outcome in enumerate(plan.outcomes, 1)]
    lines += [
        "",
        "### Stack",
        "",
        "The stack, and whether each part is pinned by you or suggested:",
        "",
        "| Part | Choice | From |",
        "| --- | --- | --- |",
    ]
    for name in STACK_FIELDS:
        source = "pinned by you" if name in plan.pinned else "suggested"
        lines.append(f"| {name.capitalize()} | {_cell(getattr(plan.stack, name))} | {source} |")
    network = "allowed, as you asked" if plan.network else "none: the project runs offline"
    lines += ["", f"Network: {network}."]
    lines += [
        "",
        "### Deliverables",
        "",
        f"The learner builds {deliverables}, in this order:",
        "",
        "| Id | Title | What the learner builds |",
        "| --- | --- | --- |",
    ]
    lines += [f"| `{d.id}` | {_cell(d.title)} | {_cell(d.asks)} |" for d in plan.deliverables]
    lines += [
        "",
        "### Next",
        "",
        "The author and review run is next: it writes the project from this plan, and the "
        "timeline comment on this issue shows each step as it runs.",
        "To change the course, wait until the run asks for your approval, then comment "
        "/reject followed by what to change.",
    ]
    return with_marker(PLAN_KEY, "\n".join(lines) + "\n")


def problems_comment(problems: list[str]) -> str:
    """The same comment when the brief cannot be planned: what to fix, field by field."""
    lines = [
        "## This course brief needs changes before it is planned",
        "",
        f"No plan was made: {_count(len(problems), 'answer', 'answers')} of the "
        f"{FORM} form need fixing.",
        "",
        *[f"- {problem}" for problem in problems],
        "",
        "Next: edit this issue's title or description; the brief is read again when you save it.",
    ]
    return with_marker(PLAN_KEY, "\n".join(lines) + "\n")
