"""Execution state and the expression contexts built from it.

Each position in a workflow sees only the contexts GitHub makes available there (a job-level
``if:`` cannot read ``env`` or ``secrets``), so a workflow that works here does not break on
GitHub with "Unrecognized named-value".
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glow.localhub.runner.cachestore import CacheStore
from glow.localhub.runner.concurrency import GroupGate
from glow.localhub.runner.errors import ExpressionError, WorkflowError
from glow.localhub.runner.evaluate import Scope, Status, render, render_str
from glow.localhub.runner.host import RunnerHost
from glow.localhub.runner.model import JobRun, WorkflowRun
from glow.localhub.runner.process import JobLog
from glow.localhub.runner.triggers import DispatchInput
from glow.localhub.runner.workflow import JobSpec, Workflow

WORKFLOW_CONTEXTS = frozenset({"github", "inputs", "vars"})
WORKFLOW_ENV_CONTEXTS = WORKFLOW_CONTEXTS | {"secrets"}
JOB_IF_CONTEXTS = frozenset({"github", "needs", "vars", "inputs"})
JOB_CONTEXTS = JOB_IF_CONTEXTS | {"strategy", "matrix"}
JOB_ENV_CONTEXTS = JOB_CONTEXTS | {"secrets"}
STEP_CONTEXTS = JOB_ENV_CONTEXTS | {"job", "runner", "env", "steps"}
INHERITED_ENV = ("PATH", "HOME", "LANG", "TMPDIR")


@dataclass
class RunnerOptions:
    composite_input_env: bool = False
    keep_workspaces: bool = False


@dataclass
class RunContext:
    """What every job of one run shares."""

    host: RunnerHost
    run: WorkflowRun
    workflow: Workflow
    payload: dict[str, Any]
    inputs: dict[str, Any]
    work_root: Path
    base_env: dict[str, str]
    options: RunnerOptions
    record: Callable[[], None]
    job_gate: GroupGate  # shared by every run of the runner
    caches: CacheStore | None = None  # actions/cache's entries, shared by every run
    cancel: threading.Event = field(default_factory=threading.Event)
    needs: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> result, outputs

    @property
    def run_dir(self) -> Path:
        return self.work_root / f"run-{self.run.id}-{self.run.run_attempt}"

    def github(self) -> dict[str, Any]:
        """The ``github`` context without job-specific keys."""
        run, payload = self.run, self.payload
        ref = run.ref
        pr = payload.get("pull_request") if isinstance(payload.get("pull_request"), dict) else {}
        return {
            "event": payload,
            "event_name": run.event,
            "repository": run.repo,
            "repository_owner": run.repo.split("/")[0],
            "ref": ref,
            "ref_name": ref.split("/", 2)[2] if ref.count("/") >= 2 else ref,
            "ref_type": "tag" if ref.startswith("refs/tags/") else "branch",
            "sha": run.head_sha,
            "actor": run.actor,
            "triggering_actor": run.actor,
            "run_id": str(run.id),
            "run_number": str(run.run_number),
            "run_attempt": str(run.run_attempt),
            "workflow": run.name,
            "workflow_ref": f"{run.repo}/{run.workflow_path}@{ref}",
            "server_url": self.host.server_url,
            "api_url": self.host.api_url,
            "graphql_url": graphql_url(self.host.api_url),
            "retention_days": "90",
            "head_ref": str((pr.get("head") or {}).get("ref", "")) if pr else "",
            "base_ref": str((pr.get("base") or {}).get("ref", "")) if pr else "",
            "repositoryUrl": f"{self.host.server_url}/{run.repo}.git",
        }

    def needs_of(self, spec: JobSpec) -> dict[str, dict[str, Any]]:
        """The ``needs`` context of a job: its direct dependencies only, as on GitHub."""
        return {
            key: self.needs.get(key, {"result": "skipped", "outputs": {}}) for key in spec.needs
        }

    def scope(
        self, allowed: frozenset[str], spec: JobSpec | None = None, status: Status | None = None
    ) -> Scope:
        contexts = {
            "github": self.github(),
            "inputs": self.inputs,
            "vars": variables_of(self.host, self.run.repo),
            "needs": self.needs_of(spec) if spec else {},
            "strategy": STRATEGY,
            "matrix": {},
        }
        if "secrets" in allowed:
            contexts["secrets"] = dict(self.host.secrets(self.run.repo))
        return Scope({k: v for k, v in contexts.items() if k in allowed}, status or Status())


STRATEGY = {"fail-fast": True, "job-index": 0, "job-total": 1, "max-parallel": 1}


def graphql_url(api_url: str) -> str:
    base = api_url.rstrip("/")
    return base[: -len("/v3")] + "/graphql" if base.endswith("/api/v3") else base + "/graphql"


@dataclass
class StepScope:
    """Steps of one job, or of one composite action: ``steps`` context and failure so far."""

    file: str
    inputs: dict[str, Any]
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    failed: bool = False
    action_path: str | None = None
    action_repository: str = ""
    outer_env: dict[str, str] = field(default_factory=dict)  # a composite step's own env
    depth: int = 0  # composite nesting


@dataclass
class PostStep:
    """An action's post step (``runs.post`` in its action.yml), registered when its main step
    runs and run at the end of the job. Ours all have ``post-if: success()``."""

    name: str  # the main step's name; shown as "Post <name>"
    run: Callable[[], None]


@dataclass
class JobContext:
    """One job in progress."""

    rc: RunContext
    spec: JobSpec
    job: JobRun
    log: JobLog
    token: str
    workspace: Path
    temp: Path
    event_path: Path
    secrets: dict[str, str]
    env: dict[str, str] = field(default_factory=dict)  # workflow + job env, then GITHUB_ENV
    path_prepend: list[str] = field(default_factory=list)
    cancel: threading.Event = field(default_factory=threading.Event)
    deadline: float | None = None
    timed_out: bool = False
    groups: list[int] = field(default_factory=list)
    post_steps: list[PostStep] = field(default_factory=list)

    def cancelled(self) -> bool:
        return self.rc.cancel.is_set() or self.cancel.is_set()

    def past_deadline(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline

    def github(self, scope: StepScope | None = None) -> dict[str, Any]:
        github = self.rc.github()
        github.update(
            job=self.spec.key,
            token=self.token,
            workspace=str(self.workspace),
            event_path=str(self.event_path),
            action="",
            action_path="",
        )
        if scope is not None and scope.action_path:
            github.update(action_path=scope.action_path, action_repository=scope.action_repository)
        return github

    def scope(self, step_scope: StepScope, env: dict[str, str], status: Status) -> Scope:
        contexts = {
            "github": self.github(step_scope),
            "env": env,
            "inputs": step_scope.inputs,
            "secrets": self.secrets,
            "steps": step_scope.steps,
            "needs": self.rc.needs_of(self.spec),
            "job": {"status": _job_status(step_scope, self), "container": {}, "services": {}},
            "runner": self.runner_context(),
            "vars": variables_of(self.rc.host, self.rc.run.repo),
            "strategy": STRATEGY,
            "matrix": {},
        }
        return Scope(contexts, status, self.hash_files)

    def runner_context(self) -> dict[str, str]:
        return {
            "os": "Linux",
            "arch": "X64",
            "name": "glow-local-runner",
            "environment": "self-hosted",
            "temp": str(self.temp),
            "tool_cache": str(self.temp / "_tool"),
            "debug": "",
        }

    def contract_env(self) -> dict[str, str]:
        """GitHub's default variables; they win over ``env:`` as on GitHub."""
        g = self.github()
        return {
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GLOW_LOCAL_RUNNER": "1",
            "GITHUB_EVENT_NAME": g["event_name"],
            "GITHUB_EVENT_PATH": g["event_path"],
            "GITHUB_REPOSITORY": g["repository"],
            "GITHUB_REPOSITORY_OWNER": g["repository_owner"],
            "GITHUB_API_URL": g["api_url"],
            "GITHUB_SERVER_URL": g["server_url"],
            "GITHUB_GRAPHQL_URL": g["graphql_url"],
            "GITHUB_SHA": g["sha"],
            "GITHUB_REF": g["ref"],
            "GITHUB_REF_NAME": g["ref_name"],
            "GITHUB_REF_TYPE": g["ref_type"],
            "GITHUB_HEAD_REF": g["head_ref"],
            "GITHUB_BASE_REF": g["base_ref"],
            "GITHUB_WORKSPACE": g["workspace"],
            "GITHUB_RUN_ID": g["run_id"],
            "GITHUB_RUN_NUMBER": g["run_number"],
            "GITHUB_RUN_ATTEMPT": g["run_attempt"],
            "GITHUB_JOB": g["job"],
            "GITHUB_WORKFLOW": g["workflow"],
            "GITHUB_WORKFLOW_REF": g["workflow_ref"],
            "GITHUB_ACTOR": g["actor"],
            "GITHUB_TRIGGERING_ACTOR": g["actor"],
            "GITHUB_RETENTION_DAYS": "90",
            "RUNNER_TEMP": str(self.temp),
            "RUNNER_OS": "Linux",
            "RUNNER_ARCH": "X64",
            "RUNNER_NAME": "glow-local-runner",
            "RUNNER_TOOL_CACHE": str(self.temp / "_tool"),
            "RUNNER_ENVIRONMENT": "self-hosted",
        }

    def process_env(self, env: dict[str, str], extra: dict[str, str]) -> dict[str, str]:
        """Inherited + ``env`` (workflow/job/GITHUB_ENV/step) + contract + per-step extras."""
        result = dict(self.rc.base_env)
        result.setdefault("GIT_CONFIG_GLOBAL", str(self.temp / "gitconfig"))
        result.update(env)
        result.update(self.contract_env())
        result.update(extra)
        base_path = env.get("PATH") or self.rc.base_env.get("PATH") or os.defpath
        python_dir = str(Path(sys.executable).parent)
        result["PATH"] = os.pathsep.join([*reversed(self.path_prepend), python_dir, base_path])
        return result

    def hash_files(self, patterns: list[str]) -> str:
        """``hashFiles``: sha256 over the sha256 of each matching file, in path order.

        Patterns are relative to the workspace; ``!`` excludes; files outside it never count.
        """
        workspace = self.workspace.resolve()
        included: set[Path] = set()
        for pattern in patterns:
            negated = pattern.startswith("!")
            try:
                found = self.workspace.glob(pattern.lstrip("!"))
                matches = {p for p in found if p.is_file()}
            except (ValueError, NotImplementedError, OSError) as exc:
                raise ExpressionError(f"hashFiles: invalid pattern {pattern!r}: {exc}") from exc
            matches = {p for p in matches if p.resolve().is_relative_to(workspace)}
            included = included - matches if negated else included | matches
        if not included:
            return ""
        outer = hashlib.sha256()
        for path in sorted(included):
            outer.update(hashlib.sha256(path.read_bytes()).digest())
        return outer.hexdigest()


def _job_status(scope: StepScope, jc: JobContext) -> str:
    if jc.cancelled():
        return "cancelled"
    return "failure" if scope.failed else "success"


def located(exc: ExpressionError, file: str, line: int) -> WorkflowError:
    return WorkflowError(file, line, str(exc), kind="expression")


def eval_value(value: Any, scope: Scope, file: str, line: int, *, as_str: bool = False) -> Any:
    try:
        return render_str(value, scope) if as_str else render(value, scope)
    except ExpressionError as exc:
        raise located(exc, file, line) from exc


def eval_env(raw: Any, scope: Scope, file: str, base: dict[str, str]) -> dict[str, str]:
    """``base`` overlaid with an evaluated ``env:`` mapping (``base`` alone when absent)."""
    result = dict(base)
    if not isinstance(raw, dict):
        return result
    for key, value in raw.items():
        line = raw.line_of(key) if hasattr(raw, "line_of") else 1
        result[str(key)] = eval_value(value, scope, file, line, as_str=True)
    return result


def resolve_dispatch_inputs(
    declared: dict[str, DispatchInput], given: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """``(inputs context, github.event.inputs)`` for workflow_dispatch; errors are ValueError.

    The context is typed (booleans and numbers) while the event keeps strings, as on GitHub.
    """
    typed: dict[str, Any] = {}
    strings: dict[str, str] = {str(k): _as_input_string(v) for k, v in given.items()}
    for name, spec in declared.items():
        if name in given and given[name] is not None:
            raw = given[name]
        elif spec.default is not None:
            raw = spec.default
        elif spec.required:
            raise ValueError(f"input `{name}` is required")
        else:
            raw = False if spec.type == "boolean" else ""
        typed[name] = _typed_input(spec, raw)
        strings[name] = _as_input_string(typed[name])
    for name in given:
        if name not in declared:
            raise ValueError(f"unexpected input `{name}`")
    return typed, strings


def _typed_input(spec: DispatchInput, raw: Any) -> Any:
    if spec.type == "boolean":
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() not in ("true", "false"):
            raise ValueError(f"input `{spec.name}` must be true or false, not {raw!r}")
        return str(raw).lower() == "true"
    if spec.type == "number":
        try:
            number = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"input `{spec.name}` must be a number, not {raw!r}") from None
        return int(number) if number.is_integer() else number
    if spec.type == "choice" and str(raw) not in spec.options:
        raise ValueError(
            f"input `{spec.name}` must be one of {', '.join(spec.options)}, not {raw!r}"
        )
    return str(raw)


def _as_input_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def variables_of(host: Any, repo: str) -> dict[str, str]:
    """The ``vars`` context: configuration variables, when the host keeps them."""
    getter = getattr(host, "variables", None)
    return dict(getter(repo)) if callable(getter) else {}
