"""Provisioning, decided (seed 003, section 7.2b): which learners a batch visits, what a room
lacks against the pinned template, the first challenge issue, and what the roster and the
provisioning log say afterwards.

Pure functions and plain records only; ``engine`` and its helpers (``room``, ``preflight``)
carry them out against GitHub. The lines a facilitator reads (progress, the summary) are built
here from ``copy``, so they are tested without a network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml

from glow.cohort.model import Learner, LogEntry, LogResult, ProvisionState, Roster, handle_key
from glow.cohort.provisioning.copy import (
    ARCHIVED,
    FAILED_LINE,
    FAILED_SUMMARY,
    HEALTHY,
    LINE_PREFIX,
    SUMMARY,
    UNRECORDED_NOTE,
)
from glow.markers import with_marker
from glow.room.challenges import CatalogueProblem, split_front_matter

# The "required workflow set" (the go-live gate): every file under these folders of the template
# at the pinned commit must be in every room, byte for byte.
REQUIRED_DIRS = (".github/workflows/", ".github/ISSUE_TEMPLATE/", ".github/actions/")
WORKFLOW_DIR = ".github/workflows/"
CHALLENGE_PATH = "challenges/challenge-01.md"
# Where each registration path starts (glow.room.challenges.Catalogue.first agrees): the file
# provisioning seeds the first challenge issue from. Challenge 1 must exist; 10 is needed only
# when a Day-2-only learner is provisioned.
PATH_START: dict[str, int] = {"day1-day2": 1, "day2-only": 10}
# Idempotency by the challenge's identity (its number), never by a title that can drift.
CHALLENGE_KEY = "challenge:1"


def challenge_path(number: int) -> str:
    return f"challenges/challenge-{number:02d}.md"


RETRY_STATES: frozenset[str] = frozenset({"pending", "failed"})


class TemplateProblem(ValueError):
    """The template at the pinned commit cannot seed rooms (the message says what to fix)."""


@dataclass(frozen=True)
class ChallengeIssue:
    """The first challenge issue as it is posted: the marker is the body's first line."""

    title: str
    body: str


@dataclass(frozen=True)
class TemplateSnapshot:
    """The template as one batch sees it: read once, at the pinned commit."""

    repo: str  # owner/name
    branch: str
    sha: str
    required: Mapping[str, str]  # path -> git blob sha
    texts: Mapping[str, str]  # path -> text, for every required file
    challenge: ChallengeIssue
    # The first challenge of each path, by number (1 always; 10 when the template has it).
    starts: Mapping[int, ChallengeIssue] = field(default_factory=dict)
    # The practice files' texts in the template (None: absent), so a fresh room's practice
    # branches are made without reading them again in every room.
    practice: Mapping[str, str | None] = field(default_factory=dict)

    def first_challenge(self, path: str) -> tuple[int, ChallengeIssue | None]:
        """The challenge a learner on ``path`` starts with, and its issue (None: no file)."""
        number = PATH_START.get(path, 1)
        if number == 1:
            return 1, self.starts.get(1, self.challenge)
        return number, self.starts.get(number)

    @property
    def short_sha(self) -> str:
        return self.sha[:7]


def required_files(tree: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The required set in a recursive git tree listing: path -> blob sha."""
    return {
        str(entry["path"]): str(entry["sha"])
        for entry in tree
        if entry.get("type") == "blob" and str(entry.get("path", "")).startswith(REQUIRED_DIRS)
    }


def room_gaps(required: Mapping[str, str], present: Mapping[str, str]) -> tuple[str, ...]:
    """Required paths the room lacks or holds with other content (blob shas differ), sorted."""
    return tuple(sorted(path for path, sha in required.items() if present.get(path) != sha))


def parse_challenge(
    text: str, key: str = CHALLENGE_KEY, source: str = CHALLENGE_PATH
) -> ChallengeIssue:
    """A challenge file (YAML front matter with ``title``, Markdown after it) as an issue: its
    title, and its WHOLE body after the marker ``key``. The front matter is read as the room's
    bots read it (``glow.room.challenges``); only the title is required here (the template
    sync checks every field of every challenge)."""
    try:
        meta, body = split_front_matter(text, source)
    except CatalogueProblem as exc:
        raise TemplateProblem(str(exc)) from None
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise TemplateProblem(f"{source}: the front matter has no title")
    return ChallengeIssue(title=title.strip(), body=with_marker(key, body))


def workflow_problem(path: str, text: str) -> str | None:
    """Why a workflow file would not run (smoke validation), or None when it looks runnable."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        return f"{path} is not valid YAML{where}"
    if not isinstance(doc, dict):
        return f"{path} is not a YAML mapping"
    # YAML 1.1 reads a bare `on` key as the boolean true.
    if "on" not in doc and True not in doc:
        return f"{path} has no `on:` (nothing would start it)"
    jobs = doc.get("jobs")
    if not isinstance(jobs, dict) or not jobs:
        return f"{path} has no `jobs:`"
    return None


def smoke_problems(texts: Mapping[str, str]) -> list[str]:
    """Every required workflow file that would not run, as one line each."""
    problems = []
    for path in sorted(texts):
        if path.startswith(WORKFLOW_DIR) and path.endswith((".yml", ".yaml")):
            problem = workflow_problem(path, texts[path])
            if problem:
                problems.append(problem)
    return problems


def select_learners(
    roster: Roster,
    *,
    verify: bool = False,
    handle: str | None = None,
    flagged: Callable[[Learner], bool] | None = None,
) -> list[Learner]:
    """Enrolled learners to visit, first registered first.

    By default those whose provisioning is pending or failed; ``verify`` adds the provisioned
    and healed; ``flagged`` adds those it is true of (the rooms the watchdog raised an alert
    for); naming one ``handle`` visits that learner whatever the state (a facilitator healing
    one room).
    """
    enrolled = sorted(roster.enrolled(), key=lambda lrn: (lrn.registered_at, lrn.key))
    if handle is not None:
        return [lrn for lrn in enrolled if lrn.key == handle_key(handle)]
    if verify:
        return enrolled
    return [
        lrn
        for lrn in enrolled
        if lrn.provision_state in RETRY_STATES or (flagged is not None and flagged(lrn))
    ]


@dataclass
class LearnerOutcome:
    """What provisioning did for one learner; filled in step by step, so a failure part-way
    still records what happened before it."""

    handle: str
    room: str  # owner/name
    prior_state: ProvisionState
    prior_room: str | None
    attempt_at: datetime
    existed: bool = False
    created: bool = False
    files_written: tuple[str, ...] = ()
    invited: bool = False
    challenge_seeded: bool = False
    error: str | None = None
    archived: bool = False
    # When a room this learner's record does not know yet was created on GitHub (a run that
    # made it was killed or could not save): the log learns it from GitHub's state.
    unrecorded_since: datetime | None = None
    requests: int = 0
    writes: int = 0
    steps_done: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return handle_key(self.handle)

    @property
    def room_name(self) -> str:
        return self.room.split("/", 1)[-1]

    @property
    def state(self) -> ProvisionState:
        if self.error is not None:
            return "failed"
        if (self.existed and self.files_written) or self.prior_state == "healed":
            return "healed"
        return "provisioned"

    def results(self) -> list[LogResult]:
        """The log results, in the order they happened (seed 003, section 6.3)."""
        out: list[LogResult] = []
        if self.created:
            out.append("created")
        elif self.existed and self.files_written:
            out.append("healed")
        elif self.existed and self.prior_state in RETRY_STATES:
            out.append("already-exists")
        if self.invited:
            out.append("invited")
        if self.challenge_seeded or (self.created and self.files_written):
            out.append("seeded")
        if self.error is not None:
            out.append("error")
        return out

    @property
    def changed(self) -> bool:
        """True when the roster or the log must change (False: a healthy re-check, no write)."""
        room_after = self.room if self.state != "failed" else self.prior_room
        moved = self.state != self.prior_state or room_after != self.prior_room
        return moved or bool(self.results())

    @property
    def wrote(self) -> bool:
        return self.created or bool(self.files_written) or self.invited or self.challenge_seeded


def log_entries(
    outcomes: Iterable[LearnerOutcome],
    *,
    cohort_id: str,
    template_sha: str,
    run_id: str | None,
) -> list[LogEntry]:
    """One log line per result of each learner, each with the pinned template commit. A room
    an earlier run made but never recorded (it was killed, or could not save) gets its
    ``created`` line back, at the time GitHub says the room was created."""
    entries = []
    for outcome in outcomes:
        if outcome.unrecorded_since is not None and not outcome.created:
            entries.append(
                LogEntry(
                    github_handle=outcome.handle,
                    cohort_id=cohort_id,
                    attempt_at=outcome.unrecorded_since,
                    result="created",
                    repo=outcome.room,
                    template_sha=template_sha,
                    note=UNRECORDED_NOTE.format(run=run_id or "a later run"),
                )
            )
        entries += [
            LogEntry(
                github_handle=outcome.handle,
                cohort_id=cohort_id,
                attempt_at=outcome.attempt_at,
                result=result,
                repo=outcome.room,
                template_sha=template_sha,
                error_detail=outcome.error if result == "error" else None,
                run_id=run_id,
            )
            for result in outcome.results()
        ]
    return entries


def apply_outcomes(roster: Roster, outcomes: Iterable[LearnerOutcome]) -> Roster:
    """The roster with each learner's provision state and room set (pure; re-appliable on a
    roster another writer changed meanwhile). A failed learner keeps the room it had."""
    learners = dict(roster.learners)
    for outcome in outcomes:
        current = learners.get(outcome.key)
        if current is None:  # withdrawn from the roster while we worked: nothing to record
            continue
        update: dict[str, Any] = {"provision_state": outcome.state}
        if outcome.state != "failed":
            update["learning_room_repo"] = outcome.room
        learners[outcome.key] = current.model_copy(update=update)
    return roster.model_copy(update={"learners": learners})


def progress_line(index: int, total: int, outcome: LearnerOutcome) -> str:
    """``[3/10] ada: created learning-room-2026-12-ada, invited, challenge 1 seeded``."""
    prefix = LINE_PREFIX.format(index=index, total=total, handle=outcome.handle)
    parts: list[str] = []
    name = outcome.room_name
    if outcome.created:
        parts.append(f"created {name}")
    elif outcome.existed and outcome.files_written:
        parts.append(f"healed {name} ({len(outcome.files_written)} required files restored)")
    elif outcome.existed and outcome.prior_state in RETRY_STATES:
        parts.append(f"{name} already exists")
    if outcome.created and outcome.files_written:
        parts.append(f"{len(outcome.files_written)} required files seeded")
    if outcome.invited:
        parts.append("invited")
    if outcome.challenge_seeded:
        parts.append("challenge 1 seeded")
    if outcome.error is not None:
        parts.append(FAILED_LINE.format(error=outcome.error))
        if len(parts) > 1:  # outcome first: the failure leads, what happened before follows
            parts = [parts[-1], *parts[:-1]]
    if not parts:
        parts.append((ARCHIVED if outcome.archived else HEALTHY).format(name=name))
    return prefix + ", ".join(parts)


def summary_lines(
    cohort_id: str, outcomes: list[LearnerOutcome], template: TemplateSnapshot
) -> list[str]:
    """The end-of-batch summary; the failure line names every failed learner and what to do."""
    failed = [o for o in outcomes if o.error is not None]
    lines = [
        SUMMARY.format(
            cohort=cohort_id,
            visited=len(outcomes),
            ok=len(outcomes) - len(failed),
            created=sum(o.created for o in outcomes),
            healed=sum(bool(o.existed and o.files_written) for o in outcomes),
            failed=len(failed),
            template=template.repo,
            sha=template.short_sha,
        )
    ]
    if failed:
        names = "; ".join(f"{o.handle} ({o.error})" for o in failed)
        lines.append(FAILED_SUMMARY.format(cohort=cohort_id, names=names))
    return lines
