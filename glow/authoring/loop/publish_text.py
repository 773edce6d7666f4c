"""What publishing says: the pull request's title and body, and the certification status's
descriptions. Pure text from plain values; ``publish.py`` reads GitHub and writes these.

Copy rules: heading first, the outcome in the first sentence, one line per paragraph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from glow.markers import with_marker

CONTEXT = "glow/certification"
# GitHub refuses a commit status whose description is longer (a validation error).
MAX_DESCRIPTION = 140
PENDING = "Certification is taking the learner's path on a throwaway copy of the workshop."


@dataclass(frozen=True)
class Published:
    """The project a pull request publishes, as the body describes it."""

    id: str
    title: str
    summary: str
    outcomes: tuple[str, ...]
    deliverables: tuple[tuple[str, str, tuple[str, ...]], ...]  # id, title, files owned
    starter_files: int


def branch_name(project_id: str) -> str:
    """The template's branch that carries a project's pull request."""
    return f"glow/course-{project_id}"


def pr_marker(project_id: str) -> str:
    return f"publish:{project_id}"


def pr_title(p: Published) -> str:
    return f"Publish the project {p.title}"


def pr_body(p: Published) -> str:
    """The pull request's body: what merging does, what a learner gets, the deliverables."""
    lines = [
        f"## Publish the project: {p.title}",
        "",
        f"Merging this pull request adds the project {p.title} to the Learning Room template: "
        "every room made afterwards holds it.",
    ]
    if p.summary.strip():
        lines += ["", " ".join(p.summary.split())]
    if p.outcomes:
        lines += ["", "### What the learner will be able to do", ""]
        lines += [f"- {' '.join(o.split())}" for o in p.outcomes]
    lines += [
        "",
        "### What the learner gets",
        "",
        f"- A starter workspace of {p.starter_files} files to build on.",
        "- One issue for each deliverable, saying what it asks.",
        "- Visible checks for each deliverable, run on every push, with a scorecard.",
        "- Hidden checks when they comment /submit: they read a verdict and counts, never the "
        "hidden tests.",
        "",
        "### The deliverables",
        "",
        "In the order a learner meets them:",
        "",
    ]
    for number, (did, title, owns) in enumerate(p.deliverables, start=1):
        files = ", ".join(f"`{path}`" for path in owns)
        lines.append(f"{number}. {title} (`{did}`): the learner writes {files}.")
    lines += [
        "",
        "### Before merging",
        "",
        f"The `{CONTEXT}` status must say success: it takes a learner's whole path (a room, the "
        "starter failing, a strong answer passing, a submission graded) on a throwaway copy of "
        "the workshop.",
        "This pull request holds no hidden test and no reference answer: those stay in the "
        "private admin repository.",
    ]
    return with_marker(pr_marker(p.id), "\n".join(lines))


def clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis when longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class StepOutcome:
    name: str
    ok: bool
    detail: str


def outcome_description(ok: bool, steps: Sequence[StepOutcome], seconds: float) -> str:
    """The final status's description: a pass and its time, or the first failing step named
    first, then what it found."""
    if ok:
        passed = f"all {len(steps)} steps of the learner's path pass"
        return clip(f"Certified: {passed} ({seconds:.0f} s).")
    failed = next((s for s in steps if not s.ok), None)
    if failed is None:
        return clip("Failed: certification stopped before its last step.")
    return clip(f"Failed at: {failed.name}: {failed.detail}")
