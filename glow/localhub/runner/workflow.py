"""Workflow files: parsed into specs, validated up front, every error located.

Validation happens before anything runs (keys, ``uses:``, expressions, ``needs:``), so a
workflow that would break on GitHub breaks here at once, with the file and line to fix, instead
of half-way through a rehearsal. What the local runner cannot do is an error too, never a silent
skip: a rehearsal that quietly ignored ``strategy.matrix`` would prove nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from glow.localhub.runner.errors import UNSUPPORTED_USES, ExpressionError, WorkflowError
from glow.localhub.runner.expressions import parse_condition, parse_template
from glow.localhub.runner.permissions import Permissions, parse_permissions
from glow.localhub.runner.triggers import Trigger, parse_on
from glow.localhub.runner.yamlnodes import YList, YMap, load

TOP_KEYS = frozenset(
    {"name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"}
)
JOB_KEYS = frozenset(
    {
        "name",
        "needs",
        "runs-on",
        "permissions",
        "concurrency",
        "outputs",
        "env",
        "defaults",
        "if",
        "steps",
        "timeout-minutes",
        "continue-on-error",
        "strategy",
    }
)
UNSUPPORTED_JOB_KEYS = {
    "container": "`container` is not supported by the local runner",
    "services": "`services` is not supported by the local runner",
    "uses": "reusable workflows (`jobs.<id>.uses`) are not supported by the local runner",
    "with": "reusable workflows (`jobs.<id>.with`) are not supported by the local runner",
    "secrets": "reusable workflows (`jobs.<id>.secrets`) are not supported by the local runner",
    "environment": "deployment environments (`environment`) are not supported by the local runner",
}
STEP_KEYS = frozenset(
    {
        "id",
        "name",
        "if",
        "uses",
        "run",
        "with",
        "env",
        "shell",
        "working-directory",
        "continue-on-error",
        "timeout-minutes",
    }
)
CHECKOUT_INPUTS = frozenset(
    {
        "repository",
        "ref",
        "token",
        "path",
        "fetch-depth",
        "persist-credentials",
        "clean",
        "fetch-tags",
        "show-progress",
    }
)
CACHE_INPUTS = frozenset({"path", "key", "restore-keys", "lookup-only", "fail-on-cache-miss"})
# What each action accepts in `with:`, and which of those it cannot do without.
ACTION_INPUTS = {"checkout": CHECKOUT_INPUTS, "cache": CACHE_INPUTS}
REQUIRED_INPUTS = {"cache": ("key", "path")}
_JOB_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


@dataclass
class StepSpec:
    file: str
    index: int
    raw: YMap
    kind: str  # "run" | "checkout" | "setup-python" | "cache" | "local"
    id: str | None = None
    action_path: str = ""  # for kind "local": the path inside the repository

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)

    def line_of(self, key: str) -> int:
        return self.raw.line_of(key)

    @property
    def line(self) -> int:
        return self.raw.line


@dataclass
class Concurrency:
    group: Any
    cancel_in_progress: Any
    line: int


@dataclass
class JobSpec:
    key: str
    file: str
    raw: YMap
    needs: list[str]
    steps: list[StepSpec]
    permissions: Permissions | None
    concurrency: Concurrency | None
    defaults_run: dict[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)

    def line_of(self, key: str) -> int:
        return self.raw.line_of(key)


@dataclass
class Workflow:
    path: str
    raw: YMap = field(default_factory=lambda: YMap(1))
    name: str = ""
    triggers: dict[str, Trigger] | None = None
    permissions: Permissions | None = None
    concurrency: Concurrency | None = None
    defaults_run: dict[str, Any] = field(default_factory=dict)
    jobs: dict[str, JobSpec] = field(default_factory=dict)
    error: WorkflowError | None = None

    def line_of(self, key: str) -> int:
        return self.raw.line_of(key)


def parse_workflow(path: str, text: str) -> Workflow:
    """Parse a workflow; problems end up in ``error`` (with ``triggers`` kept when readable)."""
    workflow = Workflow(path, name=path)
    try:
        root = load(text, path)
        if not isinstance(root, YMap):
            raise WorkflowError(path, 1, "a workflow must be a YAML mapping")
        workflow.raw = root
        workflow.name = str(root.get("name") or path)
        workflow.triggers = parse_on(root, path)
        _parse_body(workflow, root)
    except WorkflowError as exc:
        workflow.error = exc
    return workflow


def _parse_body(workflow: Workflow, root: YMap) -> None:
    file = workflow.path
    for key in root:
        if key not in TOP_KEYS:
            raise WorkflowError(file, root.line_of(key), f"unknown top-level key `{key}`")
    if "permissions" in root:
        workflow.permissions = parse_permissions(
            root["permissions"], file, root.line_of("permissions")
        )
    workflow.concurrency = parse_concurrency(root, file)
    workflow.defaults_run = _parse_defaults(root, file)
    _check_mappings(root, file, ("env",))
    for key in ("run-name", "env", "concurrency"):
        if key in root:
            check_expressions(root[key], file, root.line_of(key))
    jobs = root.get("jobs")
    if not isinstance(jobs, YMap) or not jobs:
        raise WorkflowError(file, root.line_of("jobs"), "`jobs` must be a non-empty mapping")
    for key, raw in jobs.items():
        workflow.jobs[key] = _parse_job(key, raw, file, jobs.line_of(key))
    _check_needs(workflow)


def parse_concurrency(raw: YMap, file: str) -> Concurrency | None:
    if "concurrency" not in raw:
        return None
    value, line = raw["concurrency"], raw.line_of("concurrency")
    if isinstance(value, str):
        return Concurrency(value, False, line)
    if (
        isinstance(value, YMap)
        and "group" in value
        and set(value) <= {"group", "cancel-in-progress"}
    ):
        return Concurrency(value["group"], value.get("cancel-in-progress", False), line)
    raise WorkflowError(
        file, line, "`concurrency` must be a group name or {group, cancel-in-progress}"
    )


def _parse_defaults(raw: YMap, file: str) -> dict[str, Any]:
    defaults = raw.get("defaults")
    if defaults is None:
        return {}
    run = defaults.get("run") if isinstance(defaults, YMap) else None
    if (
        not isinstance(defaults, YMap)
        or set(defaults) != {"run"}
        or not isinstance(run, YMap)
        or not set(run) <= {"shell", "working-directory"}
    ):
        raise WorkflowError(
            file,
            raw.line_of("defaults"),
            "`defaults` supports only `run: {shell, working-directory}`",
        )
    return dict(run)


def _parse_job(key: str, raw: Any, file: str, line: int) -> JobSpec:
    if not _JOB_ID.match(key):
        raise WorkflowError(
            file,
            line,
            f"job id `{key}` must start with a letter or `_` and "
            "contain only letters, digits, `-` and `_`",
        )
    if not isinstance(raw, YMap):
        raise WorkflowError(file, line, f"job `{key}` must be a mapping")
    for name in raw:
        if name in UNSUPPORTED_JOB_KEYS:
            raise WorkflowError(file, raw.line_of(name), UNSUPPORTED_JOB_KEYS[name])
        if name not in JOB_KEYS:
            raise WorkflowError(file, raw.line_of(name), f"unknown key `{name}` in job `{key}`")
    _check_strategy(raw, file)
    if "runs-on" not in raw:
        raise WorkflowError(
            file,
            line,
            f"job `{key}` needs `runs-on` (accepted and ignored locally, but GitHub requires it)",
        )
    steps = raw.get("steps")
    if not isinstance(steps, YList) or not steps:
        raise WorkflowError(file, raw.line_of("steps"), f"job `{key}` needs a list of `steps`")
    needs = raw.get("needs", [])
    needs = [needs] if isinstance(needs, str) else needs
    if not isinstance(needs, list) or not all(isinstance(n, str) for n in needs):
        raise WorkflowError(file, raw.line_of("needs"), "`needs` must be a job id or a list")
    _check_mappings(raw, file, ("env", "outputs"))
    permissions = (
        parse_permissions(raw["permissions"], file, raw.line_of("permissions"))
        if "permissions" in raw
        else None
    )
    for name, value in raw.items():
        if name != "steps":
            check_expressions(value, file, raw.line_of(name), condition=name == "if")
    return JobSpec(
        key,
        file,
        raw,
        list(needs),
        [parse_step(s, i, file, steps.line_at(i)) for i, s in enumerate(steps)],
        permissions,
        parse_concurrency(raw, file),
        _parse_defaults(raw, file),
    )


def _check_strategy(raw: YMap, file: str) -> None:
    strategy = raw.get("strategy")
    if strategy is None:
        return
    if isinstance(strategy, YMap) and "matrix" in strategy:
        raise WorkflowError(
            file, strategy.line_of("matrix"), "`matrix` is not supported by the local runner"
        )
    if not isinstance(strategy, YMap) or not set(strategy) <= {"fail-fast", "max-parallel"}:
        raise WorkflowError(
            file,
            raw.line_of("strategy"),
            "`strategy` supports only fail-fast and max-parallel locally",
        )


def parse_step(raw: Any, index: int, file: str, line: int, *, composite: bool = False) -> StepSpec:
    if not isinstance(raw, YMap):
        raise WorkflowError(file, line, "a step must be a mapping")
    for key in raw:
        if key not in STEP_KEYS:
            raise WorkflowError(file, raw.line_of(key), f"unknown key `{key}` in a step")
    if ("run" in raw) == ("uses" in raw):
        raise WorkflowError(file, line, "a step needs exactly one of `run` or `uses`")
    step_id = raw.get("id")
    if step_id is not None and (not isinstance(step_id, str) or not _JOB_ID.match(step_id)):
        raise WorkflowError(file, raw.line_of("id"), f"invalid step id {step_id!r}")
    for key in ("with", "env"):
        if key in raw and not isinstance(raw[key], YMap):
            raise WorkflowError(file, raw.line_of(key), f"step `{key}` must be a mapping")
    for key, value in raw.items():
        check_expressions(value, file, raw.line_of(key), condition=key == "if")
    if "run" in raw:
        if composite and "shell" not in raw:
            raise WorkflowError(
                file, raw.line_of("run"), "a `run` step in a composite action needs `shell`"
            )
        return StepSpec(file, index, raw, "run", step_id)
    kind, action_path = classify_uses(raw["uses"], file, raw.line_of("uses"))
    if kind in ACTION_INPUTS:
        _check_inputs(raw, kind, file)
    return StepSpec(file, index, raw, kind, step_id, action_path)


def _check_inputs(raw: YMap, kind: str, file: str) -> None:
    """Every ``with:`` input is one the local runner does, and the required ones are there."""
    given = raw.get("with") or YMap(raw.line)
    for key in given:
        if key not in ACTION_INPUTS[kind]:
            raise WorkflowError(
                file,
                given.line_of(key),
                f"actions/{kind} input `{key}` is not supported by the local runner",
            )
    for key in REQUIRED_INPUTS.get(kind, ()):
        if key not in given:
            raise WorkflowError(
                file, raw.line_of("uses"), f"actions/{kind} needs the input `{key}` (`with: {key}`)"
            )


def classify_uses(uses: Any, file: str, line: int) -> tuple[str, str]:
    """``("checkout"|"setup-python"|"cache"|"local", local path)`` or a located error."""
    if not isinstance(uses, str) or not uses.strip():
        raise WorkflowError(file, line, "`uses` must be a non-empty string")
    if uses.startswith(("./", "$/")) or uses in (".", "$"):
        return "local", uses[2:].strip("/")
    name, _, ref = uses.partition("@")
    known = {
        "actions/checkout": "checkout",
        "actions/setup-python": "setup-python",
        "actions/cache": "cache",
    }
    if name.lower() in known:
        if not ref:
            raise WorkflowError(file, line, f"`{uses}` needs a version (`@<sha>`)")
        return known[name.lower()], ""
    raise WorkflowError(file, line, f"`uses: {uses}`: {UNSUPPORTED_USES}")


def check_expressions(value: Any, file: str, line: int, *, condition: bool = False) -> None:
    """Parse every ``${{ }}`` inside a value so syntax errors surface before the run starts."""
    try:
        if condition and value is not None and not isinstance(value, (YMap, YList)):
            parse_condition(str(value).lower() if isinstance(value, bool) else str(value))
            return
        if isinstance(value, str) and "${{" in value:
            parse_template(value)
    except ExpressionError as exc:
        raise WorkflowError(file, line, str(exc)) from exc
    if isinstance(value, YMap):
        for key, item in value.items():
            check_expressions(item, file, value.line_of(key))
    elif isinstance(value, YList):
        for index, item in enumerate(value):
            check_expressions(item, file, value.line_at(index))


def _check_mappings(raw: YMap, file: str, keys: tuple[str, ...]) -> None:
    for key in keys:
        if key in raw and not isinstance(raw[key], YMap):
            raise WorkflowError(file, raw.line_of(key), f"`{key}` must be a mapping")


def _check_needs(workflow: Workflow) -> None:
    for job in workflow.jobs.values():
        for need in job.needs:
            if need not in workflow.jobs:
                raise WorkflowError(
                    workflow.path,
                    job.line_of("needs"),
                    f"job `{job.key}` needs unknown job `{need}`",
                )
    job_order(workflow)


def job_order(workflow: Workflow) -> list[str]:
    """Jobs in an order that respects ``needs:`` (file order otherwise); cycles are errors."""
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(key: str) -> None:
        if state.get(key) == "done":
            return
        if state.get(key) == "visiting":
            job = workflow.jobs[key]
            raise WorkflowError(workflow.path, job.line_of("needs"), f"`needs` cycle at `{key}`")
        state[key] = "visiting"
        for need in workflow.jobs[key].needs:
            visit(need)
        state[key] = "done"
        order.append(key)

    for key in workflow.jobs:
        visit(key)
    return order
