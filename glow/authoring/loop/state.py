"""Every record of the authoring loop, as pydantic models: what is persisted in the admin
repository (``authoring/<brief number>/run.json``), what authors return, what the timeline shows.

Pure data: no I/O, nothing heavy imported. The graph's state is ``RunState``; a node returns a
new ``RunState`` with one more ``NodeExecution``, and the routers read only that.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

NodeName = Literal[
    "authoring_runtime",
    "authoring_tests",
    "authoring_repair",
    "reviewer_runtime",
    "reviewer_code",
    "reviewer_pedagogy",
    "reviewer_tests",
    "reviewer_repair",
]
NODES: tuple[NodeName, ...] = get_args(NodeName)  # in the seed's order
# Where a repair sends the run next: "runtime" re-enters the lane's start (authoring_runtime),
# "tests" re-enters the lane's test node (authoring_tests, or reviewer_tests for a reviewer-lane
# repair of test quality only, which keeps test fixes off the authoring budget).
RetryTarget = Literal["runtime", "tests"]

MAX_AUTHORING_ATTEMPTS = 5
MAX_REVIEWER_ATTEMPTS = 2

Status = Literal[
    "planned",  # a plan is posted; the graph has not run
    "running",  # the graph is running (or was killed while running: it resumes)
    "awaiting_gate",  # the graph passed; a person decides at ``gate``
    "needs_revision",  # rejected without a reason: waits for a person
    "blocked",  # a budget ran out, or suspected prompt injection: ``blocked_reason`` says
    "publishing",  # every gate approved; the pull request is open, certification runs
    "published",  # the pull request is merged into the Learning Room template
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _no_defaults(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Drop ``default`` from each property of an answer's JSON schema: a model fills every
    field under strict structured outputs anyway, and some OpenAI-compatible servers refuse a
    strict schema that carries ``default``. The Python defaults stay."""
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)


class _Answer(_Model):
    """A record an author answers with (through a model's structured outputs): its JSON schema
    is one OpenAI's strict mode accepts."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_no_defaults)


class Stack(_Answer):
    """The project's stack, in the creator's words. Never interpreted by the platform: the
    bundle's own scripts run it; these are advice for the author and words for people."""

    language: str = ""
    framework: str = ""
    runtime: str = ""


class Brief(_Model):
    """A course brief, read from the issue form (``brief.read_brief``)."""

    title: str
    problem: str
    outcomes: list[str] = Field(default_factory=list)
    stack: Stack = Field(default_factory=Stack)  # blank fields: the creator left them to us
    data: str = ""  # data sources or constraints, free text
    network: bool = False  # the creator ticked: the project needs the network


class PlannedDeliverable(_Answer):
    id: str  # lower-case letters, digits and dashes
    title: str
    asks: str  # what the learner is asked to build, plain words


class Plan(_Answer):
    """The brief turned into a plan: what the graph authors. ``pinned`` names the stack fields
    the creator set; those keep the creator's words whatever a model suggests."""

    title: str
    summary: str
    outcomes: list[str]
    stack: Stack
    pinned: list[Literal["language", "framework", "runtime"]] = Field(default_factory=list)
    deliverables: list[PlannedDeliverable]
    # Whether the project may reach the network when it installs, boots or checks: only when
    # the creator says so; a bundle asking for it otherwise is reported, not run.
    network: bool = False
    # The planner's own report of instructions in the brief that try to change its task, reach
    # for secrets or the network (as ``Authored.suspected_injection``): reported, not acted on.
    suspected_injection: str = ""


class FileChange(_Answer):
    """One file of the bundle written (``content``) or deleted (``content`` None). ``path`` is
    relative to the bundle's root (``coursegen.yml``, ``workspace/...``, ``deliverables/...``,
    ``variants/...``); anything else is refused by ``safety``."""

    path: str
    content: str | None


class Authored(_Answer):
    """What an author returns from an authoring or repair step."""

    files: list[FileChange]
    notes: str = ""  # one or two sentences for the timeline
    # The author's own report of instructions in the brief or earlier feedback that try to
    # change its task, reach for secrets or the network: it is not acted on, it is reported.
    suspected_injection: str = ""


class Repair(Authored):
    """A repair: the files changed, and where the run goes next."""

    retry: RetryTarget


class Verdict(_Answer):
    """A reviewer's typed verdict."""

    passed: bool
    findings: list[str] = Field(default_factory=list)
    # On a failure: "runtime" for a structural problem (starter, runtime, docs: back through
    # authoring_runtime), "tests" for test quality only (back through reviewer_tests).
    retry: RetryTarget = "runtime"
    suspected_injection: str = ""


class NodeExecution(_Model):
    """One node's run, persisted before the graph routes on it."""

    index: int  # 0, 1, 2, ... in the run's order
    node: NodeName
    attempt: int  # the lane's attempt counter after this node (authoring or reviewer)
    passed: bool
    findings: list[str] = Field(default_factory=list)
    retry: RetryTarget | None = None  # repairs, and failing reviewers: where to go next
    notes: str = ""
    injection: str = ""  # suspected prompt injection: the run blocks on it
    # The node could not finish (a model call failed, the sandbox could not run): the run
    # blocks, and an explicit re-run executes this node again.
    error: str = ""
    started_at: str  # ISO 8601, UTC
    seconds: float
    model_calls: int = 0


def summary(execution: NodeExecution) -> dict[str, object]:
    """One node execution as a report row (``glow author demo --json``, the benchmark)."""
    return {
        "node": execution.node,
        "passed": execution.passed,
        "attempt": execution.attempt,
        "seconds": execution.seconds,
        "model_calls": execution.model_calls,
        "findings": execution.findings[:1],
    }


class Event(_Model):
    """A course or workflow event for the timeline (a gate decision, a plan, a publish step)."""

    at: str  # ISO 8601, UTC
    kind: Literal["course", "workflow"]
    text: str  # one sentence
    actor: str = ""


class RunState(_Model):
    """The whole authoring run for one brief: the graph's state and the persisted record."""

    brief_issue: int
    plan: Plan
    files: dict[str, str] = Field(default_factory=dict)  # the bundle, path -> text
    authoring_attempt: int = 0
    reviewer_attempt: int = 0
    executions: list[NodeExecution] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    status: Status = "planned"
    gate: int | None = None  # 1, 2 or 3 while awaiting_gate
    blocked_reason: str = ""
    feedback: list[str] = Field(default_factory=list)  # every rejection's reason, in order
    pull_request: int | None = None  # the publish pull request, once open
    model_calls: int = 0  # every author call so far, the plan's included (a replay skips them)
    revised_for: int = 0  # how many of ``feedback`` the bundle was last authored against
    # The id of the last comment on the brief read for a gate command: each is read once, in
    # order, whichever run reads it (an event dropped by the concurrency group loses nothing).
    last_comment: int = 0

    @field_validator("files")
    @classmethod
    def _relative(cls, files: dict[str, str]) -> dict[str, str]:
        for path in files:
            if path.startswith("/") or ".." in path.split("/") or not path:
                raise ValueError(f"a bundle path must be relative and inside it: {path!r}")
        return files

    @property
    def last(self) -> NodeExecution | None:
        return self.executions[-1] if self.executions else None

    def passed(self, node: NodeName) -> bool:
        """Whether the latest execution of ``node`` passed."""
        runs = [e for e in self.executions if e.node == node]
        return bool(runs) and runs[-1].passed
