"""Pure decisions of `glow project`: which commit a run checks, what a run of the visible checks
says to the learner, which issues and comments are ours, and which ``/submit`` requests are
still to record. Payloads and GitHub's listings in, plain values out; no I/O.

Ours means written by the room's bot (``bot``, the job token's login) with our marker as the
first line: anyone can type a marker, so a learner's issue or comment that copies one is never
taken for ours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from glow.harness.results import SuiteResult
from glow.markers import has_marker, normalise_body, recorded_sha, sha_line
from glow.room.help.decide import issue_number
from glow.room.rules import our_comments

SUBMITTED = "submitted"
SUBMITTED_LABEL = (SUBMITTED, "0e8a16", "Submitted for the hidden checks")
SUBMIT = "/submit"
PRACTICE_PREFIX = "practice/"
SHORT = 7

_SHA = re.compile(r"[0-9a-f]{40}")
_HIDDEN_REQUEST = re.compile(r"^<!-- request: (\d+) -->$", re.MULTILINE)


def deliverable_key(deliverable: str) -> str:
    return f"deliverable:{deliverable}"


def scorecard_key(deliverable: str) -> str:
    return f"scorecard:{deliverable}"


def submission_key(deliverable: str) -> str:
    return f"submission:{deliverable}"


# Which commit a run checks ------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """The commit a run checks, and the branch it is on."""

    branch: str
    sha: str

    @property
    def short(self) -> str:
        return self.sha[:SHORT]


def target_of(event: str, payload: Mapping[str, Any], env_sha: str = "") -> Target | str:
    """The commit a ``push`` or ``workflow_dispatch`` checks, or why there is nothing to check
    (a tag, a deleted branch, a practice branch, a payload without a commit)."""
    ref = str(payload.get("ref") or "")
    if not ref.startswith("refs/heads/"):
        return f"{ref or 'the event'} is not a branch: nothing to check"
    branch = ref.removeprefix("refs/heads/")
    if branch.startswith(PRACTICE_PREFIX):
        return f"{branch} is a practice branch: the project is not checked there"
    if event == "push":
        if payload.get("deleted") is True:
            return f"{branch} was deleted: nothing to check"
        sha = str(payload.get("after") or "")
    else:
        sha = env_sha
    found = commit_sha(sha)
    if found is None:
        return "the event names no commit: nothing to check"
    return Target(branch, found)


def commit_sha(text: str) -> str | None:
    """``text`` as a full commit sha (lower case), or None (not one, or git's all-zero "none")."""
    sha = text.strip().lower()
    return sha if _SHA.fullmatch(sha) and set(sha) != {"0"} else None


# What a run of the visible checks says --------------------------------------------------------

Kind = Literal["ran", "stopped", "not-started", "unreadable", "sandbox"]


@dataclass(frozen=True)
class Failing:
    name: str
    message: str


@dataclass(frozen=True)
class Visible:
    """One deliverable's visible checks on one commit, reduced to what the learner reads.

    ``ran``: the checks ran to the end and their results were read. ``stopped``: a limit of the
    sandbox (time, memory, processes) stopped the run. ``not-started``: install.sh or the boot
    failed, so the checks never ran. ``unreadable``: check.sh ran but left no results to read.
    ``sandbox``: our sandbox itself failed (never the learner's doing)."""

    kind: Kind
    passed: int = 0
    total: int = 0
    failing: tuple[Failing, ...] = ()
    headline: str = ""
    stage: str = "check"

    @property
    def all_pass(self) -> bool:
        return self.kind == "ran" and self.total > 0 and self.passed == self.total


def visible_of(result: SuiteResult) -> Visible:
    outcome = result.outcome
    headline = " ".join(outcome.headline.split())
    if outcome.status == "error":
        return Visible("sandbox", headline=headline, stage=outcome.stage)
    if outcome.status in ("timeout", "killed"):
        return Visible("stopped", headline=headline, stage=outcome.stage)
    if outcome.stage != "check":
        return Visible("not-started", headline=headline, stage=outcome.stage)
    if not result.checks:
        return Visible("unreadable", headline=result.problem or headline)
    failing = tuple(Failing(c.name, c.message) for c in result.checks if not c.passed)
    return Visible("ran", result.passed_count, len(result.checks), failing, headline)


# Ours among the room's issues and comments ----------------------------------------------------


def _author(item: Mapping[str, Any]) -> str:
    return str((item.get("user") or {}).get("login") or "").lower()


def deliverable_issues(
    issues: Iterable[Mapping[str, Any]], bot: str, deliverables: Iterable[str]
) -> dict[str, Mapping[str, Any]]:
    """Each deliverable's issue (the oldest of ours, open or closed), by deliverable id."""
    found: dict[str, Mapping[str, Any]] = {}
    wanted = list(deliverables)
    for issue in issues:
        if "pull_request" in issue or _author(issue) != bot.lower():
            continue
        for deliverable in wanted:
            if has_marker(issue.get("body"), deliverable_key(deliverable)):
                have = found.get(deliverable)
                if have is None or int(issue["number"]) < int(have["number"]):
                    found[deliverable] = issue
    return found


Write = Literal["create", "update", "none"]


def write_needed(existing: Mapping[str, Any] | None, body: str) -> Write:
    """What to do so the issue carries ``body`` (marker included) as our one comment."""
    if existing is None:
        return "create"
    return "none" if normalise_body(existing.get("body")) == normalise_body(body) else "update"


# Submissions --------------------------------------------------------------------------------


def is_submit(body: str | None) -> bool:
    """True when a comment's first word is ``/submit``."""
    words = (body or "").split(maxsplit=1)
    return bool(words) and words[0].lower() == SUBMIT


@dataclass(frozen=True)
class Recorded:
    sha: str
    request: int


def recorded(body: str | None) -> Recorded | None:
    """The commit and the ``/submit`` comment a submission comment of ours records."""
    sha = recorded_sha(body)
    request = _HIDDEN_REQUEST.search(body or "")
    if sha is None:
        return None
    return Recorded(sha, int(request.group(1)) if request else 0)


@dataclass(frozen=True)
class Request:
    """A ``/submit`` of the learner's not yet recorded: its deliverable, issue and comment."""

    deliverable: str
    issue: int
    comment: int


def pending_submissions(
    issues: Mapping[str, int],
    comments: Iterable[Mapping[str, Any]],
    handle: str | None,
    bot: str,
) -> list[Request]:
    """For each deliverable issue (id -> number), the learner's latest ``/submit`` when our
    submission comment there does not record it yet. Only the room's learner submits: anyone
    else's ``/submit`` (a facilitator's, a bot's) is no request. No handle: no request."""
    if not handle:
        return []
    listed = list(comments)
    by_number = {number: deliverable for deliverable, number in issues.items()}
    latest: dict[int, int] = {}
    for comment in listed:
        number = issue_number(comment)
        if number not in by_number or _author(comment) != handle.lower():
            continue
        if is_submit(comment.get("body")):
            latest[number] = max(latest.get(number, 0), int(comment["id"]))
    requests = []
    for number, comment_id in sorted(latest.items()):
        deliverable = by_number[number]
        record = our_comments(listed, bot, submission_key(deliverable)).get(number)
        done = recorded(record.get("body")) if record is not None else None
        if done is None or done.request < comment_id:
            requests.append(Request(deliverable, number, comment_id))
    return requests


def hidden_lines(sha: str, request: int) -> str:
    """The hidden lines under a submission's marker: the commit and the request recorded."""
    return f"{sha_line(sha)}\n<!-- request: {request} -->"
