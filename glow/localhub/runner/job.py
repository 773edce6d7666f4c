"""One job: condition, concurrency, workspace, token, environment, steps, outputs.

The job token is minted with the job's effective permissions just before the steps and revoked
in a ``finally`` the moment the job ends, so a token can never outlive its job (as on GitHub).
"""

from __future__ import annotations

import json
import math
import shutil
import threading
import time

from glow.localhub.runner.context import (
    JOB_CONTEXTS,
    JOB_ENV_CONTEXTS,
    JOB_IF_CONTEXTS,
    WORKFLOW_ENV_CONTEXTS,
    JobContext,
    RunContext,
    StepScope,
    eval_env,
    eval_value,
    located,
)
from glow.localhub.runner.errors import ExpressionError, WorkflowError
from glow.localhub.runner.evaluate import Status, condition, to_number, truthy
from glow.localhub.runner.model import JobRun, StepResult
from glow.localhub.runner.permissions import effective_permissions
from glow.localhub.runner.process import JobLog, kill_groups
from glow.localhub.runner.steps import display_name, run_steps
from glow.localhub.runner.workflow import JobSpec

DEFAULT_TIMEOUT_MINUTES = 360
LOCAL_ENV = {"GLOW_LOCAL_RUNNER": "1"}


def ancestors(rc: RunContext, spec: JobSpec) -> set[str]:
    seen: set[str] = set()
    stack = list(spec.needs)
    while stack:
        key = stack.pop()
        if key not in seen:
            seen.add(key)
            stack.extend(rc.workflow.jobs[key].needs)
    return seen


def job_status(rc: RunContext, spec: JobSpec) -> Status:
    """``failure()`` if any ancestor failed; ``success()`` needs every ancestor to succeed."""
    results = [rc.needs.get(key, {}).get("result", "skipped") for key in ancestors(rc, spec)]
    return Status(
        failed="failure" in results,
        cancelled=rc.cancel.is_set(),
        blocked=any(result != "success" for result in results),
    )


def run_job(rc: RunContext, spec: JobSpec, job: JobRun) -> str:
    """Run one job; returns the result its dependants see in ``needs.<id>.result``."""
    try:
        should_run = condition(
            spec.get("if"), rc.scope(JOB_IF_CONTEXTS, spec, job_status(rc, spec))
        )
        job.name = str(
            eval_value(
                spec.get("name", spec.key),
                rc.scope(JOB_CONTEXTS, spec),
                spec.file,
                spec.line_of("name"),
                as_str=True,
            )
        )
    except (ExpressionError, WorkflowError) as exc:
        error = (
            exc if isinstance(exc, WorkflowError) else located(exc, spec.file, spec.line_of("if"))
        )
        return _complete(rc, job, "failure", error=error)
    if not should_run:
        return _complete(rc, job, "cancelled" if rc.cancel.is_set() else "skipped")
    if spec.concurrency is None:
        return _run_started_job(rc, spec, job)
    return _run_in_group(rc, spec, job)


def _run_in_group(rc: RunContext, spec: JobSpec, job: JobRun) -> str:
    """Job-level ``concurrency:``: wait for the group, or be replaced while waiting."""
    concurrency = spec.concurrency
    assert concurrency is not None
    scope = rc.scope(JOB_CONTEXTS, spec)
    try:
        group = str(eval_value(concurrency.group, scope, spec.file, concurrency.line, as_str=True))
        cancel_running = truthy(
            eval_value(concurrency.cancel_in_progress, scope, spec.file, concurrency.line)
        )
    except WorkflowError as exc:
        return _complete(rc, job, "failure", error=exc)
    key = f"{rc.run.repo}\n{group}"
    cancel = threading.Event()
    job.status = "waiting"
    rc.record()
    if not rc.job_gate.acquire(key, cancel, cancel_running, rc.cancel.is_set):
        job.log_lines.append(
            f"Canceling since a higher priority waiting request for '{group}' exists"
        )
        return _complete(rc, job, "cancelled")
    try:
        return _run_started_job(rc, spec, job, cancel)
    finally:
        rc.job_gate.release(key, cancel)


def _complete(
    rc: RunContext, job: JobRun, conclusion: str, error: WorkflowError | None = None
) -> str:
    if error is not None:
        job.log_lines.append(f"##[error]{error}")
        if rc.run.error is None:
            rc.run.error = str(error)
    now = rc.host.now()
    job.status, job.conclusion = "completed", conclusion
    job.started_at = job.started_at or now
    job.completed_at = now
    rc.record()
    return conclusion


def _run_started_job(
    rc: RunContext, spec: JobSpec, job: JobRun, cancel: threading.Event | None = None
) -> str:
    run, host = rc.run, rc.host
    job_dir = rc.run_dir / spec.key
    shutil.rmtree(job_dir, ignore_errors=True)
    workspace = job_dir / "work" / run.repo.split("/")[-1]
    temp = job_dir / "_temp"
    for directory in (workspace, temp / "_github_workflow"):
        directory.mkdir(parents=True, exist_ok=True)
    job.permissions = effective_permissions(rc.workflow.permissions, spec.permissions)
    job.status, job.started_at = "in_progress", host.now()
    job.steps = [StepResult(i + 1, display_name(s)) for i, s in enumerate(spec.steps)]
    rc.record()
    token = host.mint_job_token(run.repo, dict(job.permissions))
    jc: JobContext | None = None
    try:
        event_path = temp / "_github_workflow" / "event.json"
        event_path.write_text(json.dumps(rc.payload, indent=2), encoding="utf-8")
        secrets = {**host.secrets(run.repo), "GITHUB_TOKEN": token}
        jc = JobContext(
            rc,
            spec,
            job,
            JobLog(job, secrets.values()),
            token,
            workspace,
            temp,
            event_path,
            secrets,
        )
        if cancel is not None:
            jc.cancel = cancel
        return _steps_and_outputs(jc)
    except WorkflowError as exc:
        return _complete(rc, job, "failure", error=exc)
    finally:
        if jc is not None:
            kill_groups(jc.groups)
        host.revoke_token(token)
        if not rc.options.keep_workspaces:
            shutil.rmtree(job_dir, ignore_errors=True)


def _steps_and_outputs(jc: JobContext) -> str:
    rc, spec, job = jc.rc, jc.spec, jc.job
    # GLOW_LOCAL_RUNNER is also in the `env` context (as if the workflow set it), so an action
    # can write `if: env.GLOW_LOCAL_RUNNER != '1'`; on GitHub that context has no such key.
    workflow_env = eval_env(
        rc.workflow.raw.get("env"), rc.scope(WORKFLOW_ENV_CONTEXTS), spec.file, LOCAL_ENV
    )
    jc.env = eval_env(spec.get("env"), rc.scope(JOB_ENV_CONTEXTS, spec), spec.file, workflow_env)
    minutes = to_number(
        eval_value(
            spec.get("timeout-minutes", DEFAULT_TIMEOUT_MINUTES),
            rc.scope(JOB_CONTEXTS, spec),
            spec.file,
            spec.line_of("timeout-minutes"),
        )
    )
    if math.isnan(minutes) or minutes <= 0:
        raise WorkflowError(
            spec.file,
            spec.line_of("timeout-minutes"),
            "`timeout-minutes` must be a positive number",
            kind="runtime",
        )
    jc.deadline = time.monotonic() + minutes * 60
    scope = StepScope(file=spec.file, inputs=rc.inputs)
    run_steps(jc, spec.steps, scope, job.steps)
    if jc.timed_out:
        jc.log.write(f"##[error]The job exceeded its timeout-minutes ({minutes:g}) and was stopped")
    _run_post_steps(jc, scope)
    expr_scope = jc.scope(scope, jc.env, Status(failed=scope.failed))
    outputs: dict[str, str] = {}
    for name, value in (spec.get("outputs") or {}).items():
        outputs[name] = str(
            eval_value(value, expr_scope, spec.file, spec.get("outputs").line_of(name), as_str=True)
        )
    job.outputs = outputs
    if jc.cancelled():
        conclusion = "cancelled"
    elif scope.failed or jc.timed_out:
        conclusion = "failure"
    else:
        conclusion = "success"
    result = conclusion
    if conclusion == "failure" and truthy(
        eval_value(
            spec.get("continue-on-error", False),
            rc.scope(JOB_CONTEXTS, spec),
            spec.file,
            spec.line_of("continue-on-error"),
        )
    ):
        jc.log.write("continue-on-error: this job failed, but it does not fail the run")
        result = "success"
    _complete(rc, job, conclusion)
    return result


def _run_post_steps(jc: JobContext, scope: StepScope) -> None:
    """Actions' post steps, the last registered first (GitHub runs them in the reverse order of
    their main steps), each under ``post-if: success()``: skipped once the job failed, timed
    out or was cancelled, so a failed job saves no cache."""
    for post in reversed(jc.post_steps):
        result = StepResult(len(jc.job.steps) + 1, f"Post {post.name}")
        jc.job.steps.append(result)
        result.started_at = jc.rc.host.now()
        if scope.failed or jc.timed_out or jc.cancelled():
            jc.log.write(f"Skipped {result.name} (post-if: success())")
            outcome = "skipped"
        else:
            result.status = "in_progress"
            jc.rc.record()
            jc.log.write(f"##[group]{result.name}")
            post.run()
            jc.log.write("##[endgroup] success")
            outcome = "success"
        result.status, result.outcome, result.conclusion = "completed", outcome, outcome
        result.completed_at = jc.rc.host.now()
        jc.rc.record()
