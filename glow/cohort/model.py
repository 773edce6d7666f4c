"""The cohort's records of state, as they live in the private admin repository.

One roster file per cohort (``roster/<cohort>.json``) holds every learner's record (seed 003,
section 6.1), private intake included; one provisioning log per cohort
(``provisioning/<cohort>.jsonl``) holds every attempt and outcome (section 6.3). Cohorts are
defined in ``cohorts.json``. The JSON schemas in ``admin-roster/schemas/`` are generated from
these models (``python -m glow.cohort.schemas``) and checked in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

HANDLE_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
COHORT_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")

Path_ = Literal["day1-day2", "day2-only"]
ProvisionState = Literal["pending", "provisioned", "failed", "healed"]
Status = Literal["awaiting-ack", "active-day1", "day1-complete", "day2-released", "needs-info"]
Enrollment = Literal["pending", "enrolled", "waitlisted", "withdrawn"]
LogResult = Literal["created", "already-exists", "seeded", "healed", "invited", "error"]

ROSTER_DIR = "roster"
LOG_DIR = "provisioning"
COHORTS_FILE = "cohorts.json"


def handle_key(handle: str) -> str:
    """The roster key of a GitHub handle: lower-cased, without ``@``."""
    return handle.strip().lstrip("@").lower()


def valid_handle(handle: str) -> bool:
    return bool(HANDLE_RE.fullmatch(handle.strip().lstrip("@")))


def room_name(cohort_id: str, handle: str) -> str:
    """``learning-room-<cohort>-<handle>``, lower-cased, other characters as ``-``."""
    raw = f"learning-room-{cohort_id}-{handle_key(handle)}".lower()
    return re.sub(r"[^a-z0-9._-]", "-", raw)


def roster_path(cohort_id: str) -> str:
    return f"{ROSTER_DIR}/{cohort_id}.json"


def log_path(cohort_id: str) -> str:
    return f"{LOG_DIR}/{cohort_id}.jsonl"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Cohort(_Model):
    """One cohort: who may register, how many, and where Day 2 lives."""

    id: str = Field(description="Lower-case letters, digits and hyphens, e.g. 2026-12")
    title: str = ""
    capacity: int = Field(default=75, ge=1, description="Learners enrolled before a waitlist")
    open: bool = Field(default=True, description="Registration accepted")
    day2_url: str | None = Field(default=None, description="The Day 2 link posted on release")
    template_sha: str | None = Field(
        default=None,
        description="Pinned template commit; None pins the commit the cohort's first "
        "provisioning used (from the provisioning log), the template's head before that",
    )

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not COHORT_RE.fullmatch(value):
            raise ValueError("cohort id: lower-case letters, digits and hyphens, 1 to 40")
        return value


class Cohorts(_Model):
    cohorts: list[Cohort] = Field(default_factory=list)

    def get(self, cohort_id: str) -> Cohort | None:
        return next((c for c in self.cohorts if c.id == cohort_id), None)


class Learner(_Model):
    """One learner's roster record (seed 003, section 6.1, plus where they registered)."""

    github_handle: str = Field(description="As the learner spells it")
    cohort_id: str
    path: Path_
    enrollment: Enrollment = "enrolled"
    learning_room_repo: str | None = None
    provision_state: ProvisionState = "pending"
    status: Status = "awaiting-ack"
    registered_at: datetime
    last_signal_at: datetime | None = None
    registration_repo: str = Field(description="owner/name of the public registration repo")
    registration_issue: int
    accessibility_needs: str | None = Field(
        default=None, description="Private intake, from the intake form in the learner's room"
    )
    contact: str | None = Field(
        default=None, description="Private intake, from the intake form in the learner's room"
    )
    tools: str | None = Field(
        default=None,
        description="Private intake: screen reader or tools, from the room's intake form",
    )
    volunteered: str | None = Field(
        default=None,
        description="Private: what the learner wrote on the public registration beyond its two "
        "answers, moved here and removed there",
    )
    notes: str = Field(default="", description="Facilitator notes; never shown publicly")
    signals: list[str] = Field(
        default_factory=list, description="Signals seen: ack, day1-complete, day2-released"
    )

    @property
    def key(self) -> str:
        return handle_key(self.github_handle)


class Roster(_Model):
    """Every learner of one cohort; the file ``roster/<cohort>.json``."""

    cohort_id: str
    learners: dict[str, Learner] = Field(
        default_factory=dict, description="Keyed by the lower-cased handle"
    )

    def enrolled(self) -> list[Learner]:
        return [learner for learner in self.learners.values() if learner.enrollment == "enrolled"]

    def waitlisted(self) -> list[Learner]:
        waiting = [lrn for lrn in self.learners.values() if lrn.enrollment == "waitlisted"]
        return sorted(waiting, key=lambda learner: learner.registered_at)

    def to_text(self) -> str:
        """Stable JSON (sorted keys, one learner per block) so diffs stay readable."""
        return self.model_dump_json(indent=2, exclude_none=False) + "\n"


class LogEntry(_Model):
    """One line of ``provisioning/<cohort>.jsonl`` (seed 003, section 6.3)."""

    github_handle: str
    cohort_id: str
    attempt_at: datetime
    result: LogResult
    repo: str | None = None
    template_sha: str | None = None
    error_detail: str | None = None
    run_id: str | None = Field(default=None, description="The Actions run that wrote it")
    note: str | None = Field(
        default=None, description="Why a line was written after the fact (a run that was killed)"
    )


def pinned_template_sha(cohort: Cohort, log: Iterable[LogEntry]) -> str | None:
    """The cohort's pinned template commit: ``template_sha`` in cohorts.json, else the commit
    the cohort's first provisioning used (the log records it); None before any provisioning."""
    if cohort.template_sha:
        return cohort.template_sha
    used = [entry for entry in log if entry.template_sha]
    return min(used, key=lambda entry: entry.attempt_at).template_sha if used else None


def parse_log(text: str | None) -> list[LogEntry]:
    return [
        LogEntry.model_validate_json(line) for line in (text or "").splitlines() if line.strip()
    ]


def render_log(entries: list[LogEntry]) -> str:
    return "".join(entry.model_dump_json() + "\n" for entry in entries)
