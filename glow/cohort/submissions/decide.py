"""Which submissions wait for a verdict, and what the verdict says: pure.

A room's project bot (``glow project``, with the room's job token) marks a deliverable's issue
with the label ``submitted`` and one comment of its own whose first line is the marker
``glow:submission:<id>`` and whose second records the commit submitted (``<!-- sha: ... -->``).
The verdict is one comment of the grader's (the provisioning App), marker ``glow:verdict:<id>``,
with the commit it graded on the same kind of line. A submission waits while the label is on
and no verdict of ours names its commit; the label comes off once the verdict is written, so a
re-run finds nothing to do and writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from glow.markers import has_marker, marker, recorded_sha, result_line, sha_line
from glow.room.project.decide import SUBMITTED, submission_key

# The room's project bot writes these (glow.room.project): the label, the deliverable issue's
# marker (``deliverable_key``), the submission comment's (``submission_key``).
SUBMITTED_LABEL = SUBMITTED
_DELIVERABLE = re.compile(r"^<!-- glow:deliverable:([a-z0-9][a-z0-9-]{0,39}) -->$")


def is_submitted(issue: Mapping[str, Any]) -> bool:
    """The issue carries the ``submitted`` label (names compare as GitHub compares them)."""
    labels = {str(label.get("name", "")).lower() for label in issue.get("labels") or []}
    return SUBMITTED_LABEL in labels


@dataclass(frozen=True)
class Submission:
    room: str
    issue: int
    deliverable: str
    sha: str
    graded: bool
    """A verdict of ours already names this commit (an earlier run stopped before taking the
    label off): only the label is left to remove."""
    verdict_comments: int
    """How many of the issue's comments are our verdicts (0: post without reading again)."""


def deliverable_of(issue: Mapping[str, Any]) -> str | None:
    first = str(issue.get("body") or "").lstrip("\ufeff").split("\n", 1)[0].strip()
    found = _DELIVERABLE.match(first)
    return found.group(1) if found else None


def _login(item: Mapping[str, Any]) -> str:
    return str((item.get("user") or {}).get("login") or "").lower()


def waiting(
    room: str,
    issue: Mapping[str, Any],
    comments: Iterable[Mapping[str, Any]],
    *,
    room_bot: str,
    grader: str,
) -> Submission | None:
    """The submission this deliverable issue waits on, or None.

    Only the room bot's issue and submission comment count, and only the grader's verdict:
    anyone can type a marker, only the author tells whose it is.
    """
    deliverable = deliverable_of(issue)
    if not is_submitted(issue) or deliverable is None or _login(issue) != room_bot.lower():
        return None
    mine = list(comments)
    submitted = [
        c
        for c in mine
        if _login(c) == room_bot.lower() and has_marker(c.get("body"), submission_key(deliverable))
    ]
    sha = recorded_sha(submitted[-1].get("body")) if submitted else None
    if sha is None:
        return None
    verdicts = [
        c
        for c in mine
        if _login(c) == grader.lower() and has_marker(c.get("body"), f"verdict:{deliverable}")
    ]
    graded = any(recorded_sha(v.get("body")) == sha for v in verdicts)
    return Submission(room, int(issue["number"]), deliverable, sha, graded, len(verdicts))


VerdictKind = Literal["passed", "failed", "stopped", "not-run"]

# What a verdict says when the checks could not judge the work: fixed words, never text the
# run produced (the learner's code runs beside the hidden tests and could print them).
GONE = (
    "the submitted commit can no longer be read (a force-push may have removed it): push your "
    "work again, then comment /submit"
)
UNREADABLE = "the submitted commit's files could not be read from GitHub's archive"
NO_RESULTS = (
    "the checks ended before writing their results: your code may stop the test run early "
    "(for example by exiting)"
)


def stopped_detail(status: str, stage: str, wall_seconds: float) -> str:
    if status == "timeout":
        return f"the {stage} step was still running at the time limit of {wall_seconds:.0f} s"
    return f"the {stage} step went over a limit on memory, processes or disk"


@dataclass(frozen=True)
class Verdict:
    title: str
    kind: VerdictKind
    """passed: every hidden check passes. failed: some do not (or the project did not install
    or boot). stopped: a limit stopped the run (time, memory, processes). not-run: the
    workshop's side failed (no hidden checks, the sandbox): never the learner's verdict."""
    passed: int = 0
    total: int = 0
    detail: str = ""
    """The sandbox's headline, for failed (install or boot), stopped and not-run."""


def verdict_body(deliverable: str, sha: str, verdict: Verdict) -> str:
    """The verdict comment: its marker, the commit graded, what the learner reads, and the
    hidden result line a program reads."""
    from glow.cohort.submissions.copy import verdict_text

    outcome = result_line(verdict.kind, verdict.passed, verdict.total)
    head = f"{marker(f'verdict:{deliverable}')}\n{sha_line(sha)}\n"
    return f"{head}{verdict_text(verdict, sha)}\n\n{outcome}"
