"""The eight nodes. Each takes the run's state and the context and returns the state with one
more ``NodeExecution`` (and the bundle, the counters, the status changed as it says); the
routers in ``graph`` read only that. Nothing here decides where the run goes next.

The authoring lane writes and proves the bundle; the reviewer lane re-proves it and reviews it:

- ``authoring_runtime`` asks the author for the project (only when the bundle has none yet, or
  a person rejected it with a reason since), then proves the starter installs and boots;
- ``authoring_tests`` asks for the suites (when missing, or after such a rejection), then runs
  the baseline matrix;
- ``authoring_repair`` / ``reviewer_repair`` give the author the last failure's findings and lay
  its fix; a repair that changes nothing fails (only a person can go on from there);
- ``reviewer_runtime`` proves the boot again, ``reviewer_code`` and ``reviewer_pedagogy`` ask for
  typed verdicts, ``reviewer_tests`` runs the matrix with the mutation analysis.

Counters: ``authoring_attempt`` counts entries into the authoring lane (every
``authoring_runtime``, and ``authoring_tests`` when a repair sends the run straight to it);
``reviewer_attempt`` the same for ``reviewer_runtime`` and ``reviewer_tests``. A repair spends
nothing of its own. An answer that fails ``safety.check`` is not laid: the node records the
suspected injection and the run blocks. A model call that fails records ``error``: the run
blocks, and re-running it runs that node again.
"""

from __future__ import annotations

from collections.abc import Callable

from glow.errors import GlowError

from . import harness, safety
from .authors import Task
from .context import NodeContext
from .state import Authored, NodeExecution, NodeName, RetryTarget, RunState

Node = Callable[[RunState, NodeContext], RunState]

LANE_OF: dict[NodeName, str] = {
    "authoring_runtime": "authoring",
    "authoring_tests": "authoring",
    "authoring_repair": "authoring",
    "reviewer_runtime": "reviewer",
    "reviewer_code": "reviewer",
    "reviewer_pedagogy": "reviewer",
    "reviewer_tests": "reviewer",
    "reviewer_repair": "reviewer",
}


def spends_attempt(state: RunState, node: NodeName) -> bool:
    """Whether entering ``node`` now spends one of its lane's attempts."""
    # The node before, ignoring one that could not finish (this node run again after an error).
    previous = next((e.node for e in reversed(state.executions) if not e.error), None)
    if node in ("authoring_runtime", "reviewer_runtime"):
        return True
    if node == "authoring_tests":
        return previous == "authoring_repair"
    if node == "reviewer_tests":
        return previous == "reviewer_repair"
    return False


def last_failure(state: RunState) -> list[str]:
    """The findings of the latest failed execution (what a repair is asked to fix)."""
    for execution in reversed(state.executions):
        if not execution.passed and not execution.error:
            return execution.findings
    return []


class _Step:
    """One node's execution being built: its timing, its model calls, its outcome."""

    def __init__(self, state: RunState, ctx: NodeContext, node: NodeName) -> None:
        self.state, self.ctx, self.node = state, ctx, node
        self.started_at = ctx.now()
        self.t0 = ctx.monotonic()
        self.calls0 = ctx.author.calls
        self.files = dict(state.files)
        self.revised_for = state.revised_for
        self.notes: list[str] = []

    def task(self, findings: list[str] | None = None) -> Task:
        lane = LANE_OF[self.node]
        return Task(
            node=self.node,
            plan=self.state.plan,
            files=self.files,
            findings=findings or [],
            feedback=self.state.feedback,
            attempt=self.state.authoring_attempt
            if lane == "authoring"
            else self.state.reviewer_attempt,
        )

    def lay(self, answer: Authored) -> list[str]:
        """Lay the answer's files when they pass ``safety.check``; the injection lines if not."""
        after = safety.apply(self.files, answer.files)
        judged = safety.check(answer.files, after, self.state.plan, answer.suspected_injection)
        if judged.injection:
            return judged.injection
        if answer.notes:
            self.notes.append(answer.notes)
        self.files = after
        return []

    def done(
        self,
        *,
        passed: bool,
        findings: list[str] | None = None,
        retry: RetryTarget | None = None,
        injection: list[str] | None = None,
        error: str = "",
    ) -> RunState:
        state = self.state
        calls = self.ctx.author.calls - self.calls0
        authoring, reviewer = state.authoring_attempt, state.reviewer_attempt
        if not error and spends_attempt(state, self.node):
            if LANE_OF[self.node] == "authoring":
                authoring += 1
            else:
                reviewer += 1
        attempt = authoring if LANE_OF[self.node] == "authoring" else reviewer
        execution = NodeExecution(
            index=len(state.executions),
            node=self.node,
            attempt=attempt,
            passed=passed and not injection and not error,
            findings=list(findings or []),
            retry=retry,
            notes=" ".join(self.notes),
            injection=" ".join(injection or []),
            error=error,
            started_at=self.started_at,
            seconds=round(self.ctx.monotonic() - self.t0, 3),
            model_calls=calls,
        )
        keep_files = not injection and not error
        return state.model_copy(
            update={
                "files": self.files if keep_files else state.files,
                "revised_for": self.revised_for if keep_files else state.revised_for,
                "authoring_attempt": authoring,
                "reviewer_attempt": reviewer,
                "executions": [*state.executions, execution],
                "model_calls": state.model_calls + calls,
                "status": "running",
            }
        )


def _guarded(node: NodeName, body: Callable[[_Step], RunState]) -> Node:
    def run(state: RunState, ctx: NodeContext) -> RunState:
        step = _Step(state, ctx, node)
        ctx.progress(f"{node}: starting")
        try:
            return body(step)
        except GlowError as exc:  # a model call, a recording, the sandbox: one readable line
            return step.done(passed=False, error=str(exc))

    run.__name__ = node
    return run


def _needs_authoring(step: _Step, present: bool) -> bool:
    return not present or step.state.revised_for < len(step.state.feedback)


def _authoring_runtime(step: _Step) -> RunState:
    if _needs_authoring(step, safety.MANIFEST in step.files):
        injection = step.lay(step.ctx.author.runtime(step.task()))
        if injection:
            return step.done(passed=False, injection=injection)
        if step.state.revised_for < len(step.state.feedback):
            step.revised_for = len(step.state.feedback)
            # the suites are authored again against the revised project
            step.files = {p: t for p, t in step.files.items() if not _is_suite(p)}
    findings = harness.boots(step.files, step.ctx.sandbox, step.ctx.scratch)
    return step.done(
        passed=not findings, findings=findings, retry=None if not findings else "runtime"
    )


def _is_suite(path: str) -> bool:
    parts = path.split("/")
    return len(parts) >= 4 and parts[0] == "deliverables" and parts[2] in ("visible", "hidden")


def _authoring_tests(step: _Step) -> RunState:
    if not any(_is_suite(p) for p in step.files):
        injection = step.lay(step.ctx.author.tests(step.task()))
        if injection:
            return step.done(passed=False, injection=injection)
    findings = harness.matrix(
        step.files, step.ctx.sandbox, step.ctx.scratch, mutants=0, workers=step.ctx.workers
    )
    return step.done(
        passed=not findings, findings=findings, retry=None if not findings else "tests"
    )


def _repair(step: _Step) -> RunState:
    before = dict(step.files)
    answer = step.ctx.author.repair(step.task(last_failure(step.state)))
    injection = step.lay(answer)
    if injection:
        return step.done(passed=False, injection=injection)
    if step.files == before:
        return step.done(
            passed=False,
            retry=answer.retry,
            findings=[
                "The repair changed nothing: a person must fix the bundle from the findings."
            ],
        )
    return step.done(passed=True, retry=answer.retry)


def _reviewer_runtime(step: _Step) -> RunState:
    findings = harness.boots(step.files, step.ctx.sandbox, step.ctx.scratch)
    return step.done(
        passed=not findings, findings=findings, retry=None if not findings else "runtime"
    )


def _review(step: _Step) -> RunState:
    findings = harness.structure(step.files, tests_written=True)
    if findings:
        return step.done(passed=False, findings=findings, retry="runtime")
    verdict = step.ctx.author.review(step.task())
    reported = verdict.suspected_injection.strip()
    if reported:
        what = f"The reviewer reported instructions it did not follow: {reported}"
        return step.done(passed=False, injection=[what])
    return step.done(
        passed=verdict.passed,
        findings=verdict.findings,
        retry=None if verdict.passed else verdict.retry,
    )


def _reviewer_tests(step: _Step) -> RunState:
    findings = harness.matrix(
        step.files,
        step.ctx.sandbox,
        step.ctx.scratch,
        mutants=step.ctx.mutants,
        workers=step.ctx.workers,
    )
    return step.done(
        passed=not findings, findings=findings, retry=None if not findings else "tests"
    )


NODE_FUNCTIONS: dict[NodeName, Node] = {
    "authoring_runtime": _guarded("authoring_runtime", _authoring_runtime),
    "authoring_tests": _guarded("authoring_tests", _authoring_tests),
    "authoring_repair": _guarded("authoring_repair", _repair),
    "reviewer_runtime": _guarded("reviewer_runtime", _reviewer_runtime),
    "reviewer_code": _guarded("reviewer_code", _review),
    "reviewer_pedagogy": _guarded("reviewer_pedagogy", _review),
    "reviewer_tests": _guarded("reviewer_tests", _reviewer_tests),
    "reviewer_repair": _guarded("reviewer_repair", _repair),
}
