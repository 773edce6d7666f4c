"""Local composite actions: ``uses: ./path`` and GitHub's ``uses: $/path`` (same repository).

The action is read from the workspace (so it needs ``actions/checkout`` first, as on GitHub).
Its steps run in their own ``steps`` scope with ``inputs`` from ``with:`` and the declared
defaults; ``outputs`` are evaluated from those steps. Composite actions do not get
``INPUT_<NAME>`` variables on GitHub, so by default they do not get them here either (a rehearsal
must not pass where GitHub would fail); ``composite_input_env=True`` turns them on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glow.localhub.runner.context import JobContext, StepScope, eval_value
from glow.localhub.runner.errors import WorkflowError
from glow.localhub.runner.evaluate import Status
from glow.localhub.runner.model import StepOutcome
from glow.localhub.runner.workflow import StepSpec, check_expressions, parse_step
from glow.localhub.runner.yamlnodes import YList, YMap, load

ACTION_KEYS = frozenset({"name", "description", "author", "inputs", "outputs", "runs", "branding"})
MAX_DEPTH = 10


@dataclass
class CompositeAction:
    directory: Path
    file: str  # shown in errors, relative to the workspace
    name: str
    inputs: dict[str, tuple[Any, int]] = field(default_factory=dict)  # name -> (default, line)
    outputs: dict[str, tuple[Any, int]] = field(default_factory=dict)  # name -> (value, line)
    steps: list[StepSpec] = field(default_factory=list)


def input_env_name(name: str) -> str:
    return "INPUT_" + name.replace(" ", "_").upper()


def find_action_file(directory: Path) -> Path | None:
    for name in ("action.yml", "action.yaml"):
        if (directory / name).is_file():
            return directory / name
    return None


def load_action(path: Path, display: str) -> CompositeAction:
    root = load(path.read_text(encoding="utf-8"), display)
    if not isinstance(root, YMap):
        raise WorkflowError(display, 1, "an action file must be a YAML mapping")
    for key in root:
        if key not in ACTION_KEYS:
            raise WorkflowError(display, root.line_of(key), f"unknown key `{key}` in an action")
    runs = root.get("runs")
    if not isinstance(runs, YMap):
        raise WorkflowError(display, root.line_of("runs"), "an action needs `runs:`")
    if runs.get("using") != "composite":
        raise WorkflowError(
            display,
            runs.line_of("using"),
            f"only composite actions run locally (this one uses `{runs.get('using')}`)",
        )
    steps = runs.get("steps")
    if not isinstance(steps, YList) or not set(runs) <= {"using", "steps"}:
        raise WorkflowError(
            display,
            runs.line,
            "`runs` of a composite action needs only `using: composite` and `steps`",
        )
    action = CompositeAction(path.parent, display, str(root.get("name") or display))
    action.inputs = _declared(root, "inputs", "default", display)
    action.outputs = _declared(root, "outputs", "value", display)
    action.steps = [
        parse_step(s, i, display, steps.line_at(i), composite=True) for i, s in enumerate(steps)
    ]
    return action


def _declared(root: YMap, section: str, value_key: str, file: str) -> dict[str, tuple[Any, int]]:
    block = root.get(section)
    if block is None:
        return {}
    if not isinstance(block, YMap):
        raise WorkflowError(file, root.line_of(section), f"`{section}` must be a mapping")
    result: dict[str, tuple[Any, int]] = {}
    for name, spec in block.items():
        line = block.line_of(name)
        value = spec.get(value_key) if isinstance(spec, YMap) else None
        if isinstance(spec, YMap) and value_key in spec:
            line = spec.line_of(value_key)
        check_expressions(value, file, line)
        result[name.lower() if section == "inputs" else name] = (value, line)
    return result


def run_composite(
    jc: JobContext,
    spec: StepSpec,
    scope: StepScope,
    with_: dict[str, str],
    env: dict[str, str],
    own_env: dict[str, str],
    cancelled_before: bool,
    *,
    run_steps: Callable[[JobContext, list[StepSpec], StepScope], None],
) -> StepOutcome:
    if scope.depth >= MAX_DEPTH:
        raise WorkflowError(
            spec.file, spec.line_of("uses"), "composite actions nest too deeply", kind="runtime"
        )
    action = _locate(jc, spec)
    jc.log.write(f"Running composite action {spec.get('uses')} ({action.file})")
    inputs = _inputs(jc, action, scope, with_, env)
    outer_env = {**scope.outer_env, **own_env}
    if jc.rc.options.composite_input_env:
        outer_env.update({input_env_name(k): v for k, v in inputs.items()})
    inner = StepScope(
        file=action.file,
        inputs=inputs,
        action_path=str(action.directory),
        outer_env=outer_env,
        depth=scope.depth + 1,
    )
    run_steps(jc, action.steps, inner)
    outputs: dict[str, str] = {}
    expr_scope = jc.scope(inner, {**jc.env, **outer_env}, Status(failed=inner.failed))
    for name, (value, line) in action.outputs.items():
        outputs[name] = str(eval_value(value, expr_scope, action.file, line, as_str=True))
    cancelled = jc.cancelled() and not cancelled_before
    return StepOutcome(not inner.failed and not cancelled, outputs, cancelled=cancelled)


def _locate(jc: JobContext, spec: StepSpec) -> CompositeAction:
    workspace = jc.workspace.resolve()
    directory = (workspace / spec.action_path).resolve()
    line = spec.line_of("uses")
    if not directory.is_relative_to(workspace):
        raise WorkflowError(
            spec.file, line, "a local action must be inside the workspace", kind="runtime"
        )
    path = find_action_file(directory)
    if path is None:
        raise WorkflowError(
            spec.file,
            line,
            f"no action.yml or action.yaml in "
            f"`{spec.get('uses')}` (run actions/checkout before a local action)",
            kind="runtime",
        )
    return load_action(path, str(path.relative_to(workspace)))


def _inputs(
    jc: JobContext,
    action: CompositeAction,
    scope: StepScope,
    with_: dict[str, str],
    env: dict[str, str],
) -> dict[str, str]:
    given = {k.lower(): v for k, v in with_.items()}
    unexpected = sorted(set(given) - set(action.inputs))
    if unexpected:
        jc.log.write(
            f"##[warning]Unexpected input(s) {', '.join(unexpected)}; valid inputs are "
            f"{', '.join(sorted(action.inputs)) or 'none'}"
        )
    default_scope = jc.scope(scope, env, Status(failed=scope.failed))
    inputs: dict[str, str] = {}
    for name, (default, line) in action.inputs.items():
        if name in given:
            inputs[name] = given[name]
        else:
            inputs[name] = str(eval_value(default, default_scope, action.file, line, as_str=True))
    return inputs
