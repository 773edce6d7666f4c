"""Running steps: ``if:``, ``env:``, ``run:`` scripts, ``continue-on-error``, outputs.

The same loop runs a job's steps and a composite action's steps; only the ``StepScope`` differs
(its own ``steps`` context and inputs), which is how GitHub scopes them too.
"""

from __future__ import annotations

import math
import shlex
import shutil
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from glow.localhub.runner.actions import run_composite
from glow.localhub.runner.cache import restore as restore_cache
from glow.localhub.runner.checkout import checkout
from glow.localhub.runner.context import (
    JobContext,
    StepScope,
    eval_env,
    eval_value,
    located,
)
from glow.localhub.runner.errors import ExpressionError, WorkflowError
from glow.localhub.runner.evaluate import Status, condition, to_number, truthy
from glow.localhub.runner.filecmds import FileCommandError, StepFiles
from glow.localhub.runner.model import StepOutcome, StepResult
from glow.localhub.runner.process import run_process
from glow.localhub.runner.workflow import StepSpec

SHELLS = {
    None: ("bash -e {0}", ".sh"),  # GitHub's default when `shell:` is not given
    "bash": ("bash --noprofile --norc -eo pipefail {0}", ".sh"),
    "sh": ("sh -e {0}", ".sh"),
    "python": ("python {0}", ".py"),
}
UNSUPPORTED_SHELLS = ("pwsh", "powershell", "cmd")


def display_name(spec: StepSpec) -> str:
    if spec.get("name") is not None:
        return str(spec.get("name"))
    if spec.kind == "run":
        first = str(spec.get("run")).strip().splitlines()
        return f"Run {first[0] if first else ''}".strip()
    return f"Run {spec.get('uses')}"


def now(jc: JobContext) -> datetime:
    return jc.rc.host.now()


def run_steps(
    jc: JobContext, specs: list[StepSpec], scope: StepScope, results: list[StepResult] | None = None
) -> None:
    """Run steps in order; failures set ``scope.failed`` and later steps see ``failure()``."""
    for index, spec in enumerate(specs):
        result = results[index] if results is not None else None
        if jc.past_deadline():
            jc.timed_out = True
            _finish(jc, spec, scope, result, "skipped", "skipped", {})
            continue
        run_step(jc, spec, scope, result)


def run_step(jc: JobContext, spec: StepSpec, scope: StepScope, result: StepResult | None) -> None:
    env = {**jc.env, **scope.outer_env}
    cancelled_before = jc.cancelled()
    status = Status(failed=scope.failed, cancelled=cancelled_before)
    try:
        expr_scope = jc.scope(scope, env, status)
        if not condition(spec.get("if"), expr_scope):
            condition_text = spec.get("if")
            why = f"if: {condition_text}" if condition_text is not None else "success() is false"
            jc.log.write(f"Skipped {display_name(spec)} ({why})")
            _finish(jc, spec, scope, result, "skipped", "skipped", {})
            return
    except ExpressionError as exc:
        _fail_with(jc, located(exc, spec.file, spec.line_of("if")))
        _finish(jc, spec, scope, result, "failure", "failure", {})
        return
    if result is not None:
        result.name = _evaluated_name(jc, spec, expr_scope)
        result.status, result.started_at = "in_progress", now(jc)
        jc.rc.record()
    jc.log.write(f"##[group]{result.name if result else display_name(spec)}")
    outcome = _execute(jc, spec, scope, env, status, cancelled_before)
    conclusion = outcome_name = "success" if outcome.ok else "failure"
    if outcome.cancelled:
        conclusion = outcome_name = "cancelled"
    elif not outcome.ok and _continue_on_error(jc, spec, scope, env, status):
        conclusion = "success"
        jc.log.write("continue-on-error: the failure of this step does not fail the job")
    jc.log.write(f"##[endgroup] {outcome_name}")
    _finish(jc, spec, scope, result, outcome_name, conclusion, outcome.outputs)


def _evaluated_name(jc: JobContext, spec: StepSpec, expr_scope: Any) -> str:
    """The step's display name with expressions evaluated and secrets masked."""
    try:
        name = str(eval_value(display_name(spec), expr_scope, spec.file, spec.line, as_str=True))
    except WorkflowError:
        name = display_name(spec)
    return jc.log.mask(name)


def _execute(
    jc: JobContext,
    spec: StepSpec,
    scope: StepScope,
    env: dict[str, str],
    status: Status,
    cancelled_before: bool,
) -> StepOutcome:
    try:
        own_env = eval_env(spec.get("env"), jc.scope(scope, env, status), spec.file, {})
        step_env = {**env, **own_env}
        expr_scope = jc.scope(scope, step_env, status)
        if spec.kind == "run":
            return run_script(jc, spec, scope, step_env, expr_scope, cancelled_before)
        with_ = {
            str(k): eval_value(v, expr_scope, spec.file, spec.get("with").line_of(k), as_str=True)
            for k, v in (spec.get("with") or {}).items()
        }
        if spec.kind == "checkout":
            return StepOutcome(*checkout(jc, with_, step_env))
        if spec.kind == "setup-python":
            return setup_python(jc, with_)
        if spec.kind == "cache":
            return restore_cache(jc, with_, _evaluated_name(jc, spec, expr_scope))
        # A composite action runs its own steps with this module's run_steps (passed in, so
        # actions.py need not import this module: the runner's imports stay one-way).
        return run_composite(
            jc, spec, scope, with_, step_env, own_env, cancelled_before, run_steps=run_steps
        )
    except WorkflowError as exc:
        _fail_with(jc, exc)
        return StepOutcome(False)


def _continue_on_error(
    jc: JobContext, spec: StepSpec, scope: StepScope, env: dict[str, str], status: Status
) -> bool:
    value = spec.get("continue-on-error", False)
    try:
        return truthy(
            eval_value(
                value, jc.scope(scope, env, status), spec.file, spec.line_of("continue-on-error")
            )
        )
    except WorkflowError as exc:
        _fail_with(jc, exc)
        return False


def _fail_with(jc: JobContext, exc: WorkflowError) -> None:
    jc.log.write(f"##[error]{exc}")
    if jc.rc.run.error is None:
        jc.rc.run.error = str(exc)


def _finish(
    jc: JobContext,
    spec: StepSpec,
    scope: StepScope,
    result: StepResult | None,
    outcome: str,
    conclusion: str,
    outputs: dict[str, str],
) -> None:
    if spec.id:
        scope.steps[spec.id] = {"outputs": outputs, "outcome": outcome, "conclusion": conclusion}
    if conclusion == "failure":
        scope.failed = True
    if result is not None:
        result.outcome, result.conclusion, result.status = outcome, conclusion, "completed"
        result.completed_at = now(jc)
        if result.started_at is None:
            result.started_at = result.completed_at
        jc.rc.record()


def step_deadline(jc: JobContext, spec: StepSpec, expr_scope: Any) -> float | None:
    deadline = jc.deadline
    if "timeout-minutes" in spec.raw:
        minutes = to_number(
            eval_value(
                spec.get("timeout-minutes"), expr_scope, spec.file, spec.line_of("timeout-minutes")
            )
        )
        if math.isnan(minutes) or minutes <= 0:
            raise WorkflowError(
                spec.file,
                spec.line_of("timeout-minutes"),
                "`timeout-minutes` must be a positive number",
                kind="runtime",
            )
        step_end = time.monotonic() + minutes * 60
        deadline = step_end if deadline is None else min(deadline, step_end)
    return deadline


def working_directory(
    jc: JobContext, spec: StepSpec, expr_scope: Any, *, use_defaults: bool = True
) -> Path:
    raw = spec.get("working-directory")
    if raw is None and use_defaults:
        raw = jc.spec.defaults_run.get(
            "working-directory", jc.rc.workflow.defaults_run.get("working-directory")
        )
    if raw is None:
        return jc.workspace
    text = eval_value(raw, expr_scope, spec.file, spec.line_of("working-directory"), as_str=True)
    return jc.workspace / str(text)


def shell_argv(
    jc: JobContext, spec: StepSpec, expr_scope: Any, script_stem: Path, *, use_defaults: bool = True
) -> tuple[list[str], Path]:
    """``(argv, script path)`` for the step's shell (``{0}`` is the script file)."""
    shell = spec.get("shell")
    if shell is None and use_defaults:
        shell = jc.spec.defaults_run.get("shell", jc.rc.workflow.defaults_run.get("shell"))
    if shell is not None:
        shell = eval_value(shell, expr_scope, spec.file, spec.line_of("shell"), as_str=True)
    line = spec.line_of("shell")
    if shell in SHELLS:
        template, suffix = SHELLS[shell]
    elif isinstance(shell, str) and shell.split()[:1] and shell.split()[0] in UNSUPPORTED_SHELLS:
        raise WorkflowError(
            spec.file,
            line,
            f"shell `{shell}` is not available on the local runner (Linux: bash, sh, python)",
            kind="runtime",
        )
    elif isinstance(shell, str) and "{0}" in shell:
        template, suffix = shell, ""
    else:
        raise WorkflowError(
            spec.file,
            line,
            f"unknown shell `{shell}` (a custom shell must contain {{0}})",
            kind="runtime",
        )
    script = script_stem.with_suffix(suffix) if suffix else script_stem
    argv = [part.replace("{0}", str(script)) for part in shlex.split(template)]
    if argv[0] == "python":
        argv[0] = shutil.which("python", path=str(Path(sys.executable).parent)) or sys.executable
    return argv, script


def run_script(
    jc: JobContext,
    spec: StepSpec,
    scope: StepScope,
    env: dict[str, str],
    expr_scope: Any,
    cancelled_before: bool,
) -> StepOutcome:
    composite = scope.action_path is not None
    script_text = eval_value(
        spec.get("run"), expr_scope, spec.file, spec.line_of("run"), as_str=True
    )
    stem = jc.temp / f"step_{uuid.uuid4().hex}"
    argv, script = shell_argv(jc, spec, expr_scope, stem, use_defaults=not composite)
    script.write_text(script_text + "\n", encoding="utf-8")
    cwd = working_directory(jc, spec, expr_scope, use_defaults=not composite)
    if not cwd.is_dir():
        jc.log.write(f"##[error]working-directory {cwd} does not exist")
        return StepOutcome(False)
    return run_command(jc, spec, scope, argv, cwd, env, expr_scope, cancelled_before)


def run_command(
    jc: JobContext,
    spec: StepSpec,
    scope: StepScope,
    argv: list[str],
    cwd: Path,
    env: dict[str, str],
    expr_scope: Any,
    cancelled_before: bool,
) -> StepOutcome:
    files = StepFiles.create(jc.temp / "_runner_file_commands")
    extra = {**files.environ(), "GITHUB_ACTION": spec.id or f"__run_{spec.index}"}
    if scope.action_path:
        extra["GITHUB_ACTION_PATH"] = scope.action_path
    outcome = run_process(
        argv,
        cwd=cwd,
        env=jc.process_env(env, extra),
        log=jc.log,
        should_stop=lambda: jc.cancelled() and not cancelled_before,
        deadline=step_deadline(jc, spec, expr_scope),
        groups=jc.groups,
    )
    if outcome.reason == "timeout":
        jc.log.write("##[error]the step exceeded its timeout-minutes and was stopped")
        if jc.past_deadline():
            jc.timed_out = True
    elif outcome.reason == "exit" and outcome.exit_code:
        jc.log.write(f"##[error]Process completed with exit code {outcome.exit_code}.")
    try:
        outputs = apply_file_commands(jc, files)
    except FileCommandError as exc:
        jc.log.write(f"##[error]{exc}")
        return StepOutcome(False)
    return StepOutcome(outcome.ok, outputs, cancelled=outcome.reason == "cancelled")


def apply_file_commands(jc: JobContext, files: StepFiles) -> dict[str, str]:
    """Apply ``$GITHUB_ENV``/``$GITHUB_PATH``/summary to the job; return the step's outputs."""
    jc.env.update(files.env_updates())
    jc.path_prepend.extend(files.path_additions())
    jc.job.summary += files.summary_text()
    return files.outputs()


def setup_python(jc: JobContext, with_: dict[str, str]) -> StepOutcome:
    version = ".".join(str(v) for v in sys.version_info[:3])
    requested = with_.get("python-version")
    jc.log.write(
        f"actions/setup-python is a no-op on the local runner: Python {version} at "
        f"{sys.executable} is already first on PATH"
        + (f" (requested {requested})" if requested else "")
    )
    return StepOutcome(
        True, {"python-version": version, "python-path": sys.executable, "cache-hit": "false"}
    )
