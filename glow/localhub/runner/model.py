"""Records of workflow runs, jobs and steps, shaped after GitHub's Actions API objects.

The hub turns these into ``/actions/runs`` and ``/actions/jobs`` answers; the logs are kept in
full because they are how a facilitator debugs a rehearsal.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

RunStatus = Literal["queued", "pending", "in_progress", "completed", "waiting"]
Conclusion = Literal["success", "failure", "cancelled", "skipped", "action_required"]
_SNAPSHOT_LOCK = threading.Lock()


@dataclass
class StepOutcome:
    """How a step ended, as the step runner and composite actions report it."""

    ok: bool
    outputs: dict[str, str] = field(default_factory=dict)
    cancelled: bool = False


@dataclass
class StepResult:
    number: int
    name: str
    status: str = "queued"  # queued | in_progress | completed
    conclusion: str | None = None  # success | failure | cancelled | skipped
    outcome: str | None = None  # before continue-on-error is applied
    started_at: datetime | None = None
    completed_at: datetime | None = None


@dataclass
class JobRun:
    id: int
    key: str  # the id under `jobs:`
    name: str
    status: str = "queued"
    conclusion: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    steps: list[StepResult] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    permissions: dict[str, str] = field(default_factory=dict)
    summary: str = ""  # $GITHUB_STEP_SUMMARY, concatenated
    log_lines: list[str] = field(default_factory=list)

    @property
    def log(self) -> str:
        return "".join(line + "\n" for line in self.log_lines)


@dataclass
class WorkflowRun:
    id: int
    repo: str
    workflow_path: str
    name: str
    event: str
    head_sha: str
    head_branch: str | None
    ref: str
    created_at: datetime
    updated_at: datetime
    run_number: int = 1
    run_attempt: int = 1
    display_title: str = ""
    actor: str = ""
    status: RunStatus = "queued"
    conclusion: Conclusion | None = None
    run_started_at: datetime | None = None
    error: str | None = None
    jobs: list[JobRun] = field(default_factory=list)
    # Bumped by every snapshot: jobs record from their own threads, so a host may receive two
    # snapshots out of order and must keep the one with the higher revision.
    revision: int = 0

    @property
    def log(self) -> str:
        """All job logs, each under a header naming the job."""
        parts = [
            f"##### job {job.key}: {job.conclusion or job.status}\n{job.log}" for job in self.jobs
        ]
        if self.error:
            parts.insert(0, f"##### error\n{self.error}\n")
        return "".join(parts)

    def job(self, key: str) -> JobRun:
        return next(job for job in self.jobs if job.key == key)

    def snapshot(self) -> WorkflowRun:
        """A deep copy safe to keep while the run goes on changing on its worker thread."""
        with _SNAPSHOT_LOCK:
            self.revision += 1
            clone = copy.copy(self)
            clone.jobs = [copy.deepcopy(job) for job in self.jobs]
            return clone

    def to_dict(self) -> dict[str, Any]:
        snapshot = self.snapshot()
        data = asdict(snapshot)
        for job, job_data in zip(snapshot.jobs, data["jobs"], strict=True):
            job_data["log"] = job.log
            job_data.pop("log_lines", None)
        data["log"] = snapshot.log
        return data
