"""``on:`` parsing and event matching: which workflows run for an event.

Kept apart from job parsing so a workflow with a broken job still reports its failure only for
the events it listens to, and so matching is testable without executing anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any

from glow.localhub.runner.cron import Cron, CronError
from glow.localhub.runner.errors import WorkflowError
from glow.localhub.runner.yamlnodes import YList, YMap

# When `types:` is absent GitHub runs on every activity type, except these events.
DEFAULT_TYPES: dict[str, frozenset[str]] = {
    "pull_request": frozenset({"opened", "synchronize", "reopened"}),
    "pull_request_target": frozenset({"opened", "synchronize", "reopened"}),
}
_CONFIG_KEYS = frozenset(
    {
        "types",
        "branches",
        "branches-ignore",
        "tags",
        "tags-ignore",
        "paths",
        "paths-ignore",
        "inputs",
        "workflows",
    }
)
_INPUT_TYPES = frozenset({"string", "boolean", "choice", "number", "environment"})
_INPUT_KEYS = frozenset({"description", "required", "default", "type", "options"})


@dataclass(frozen=True)
class DispatchInput:
    name: str
    type: str = "string"
    default: Any = None
    required: bool = False
    options: tuple[str, ...] = ()


@dataclass
class Trigger:
    event: str
    types: list[str] | None = None
    filters: dict[str, list[str]] = field(default_factory=dict)
    inputs: dict[str, DispatchInput] = field(default_factory=dict)
    crons: list[Cron] = field(default_factory=list)


def parse_on(root: YMap, file: str) -> dict[str, Trigger]:
    if "on" in root:
        value, line = root["on"], root.line_of("on")
    elif True in (keys := dict[Any, Any](root)):  # YAML 1.1 booleans turned the key `on` into True
        value, line = keys[True], root.line
    else:
        raise WorkflowError(file, root.line, "missing `on:` (the events that start this workflow)")
    if isinstance(value, str):
        return {value: Trigger(value)}
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            raise WorkflowError(file, line, "`on:` list items must be event names")
        return {v: Trigger(v) for v in value}
    if not isinstance(value, YMap):
        raise WorkflowError(file, line, "`on:` must be an event name, a list or a mapping")
    return {event: _parse_event(event, config, value, file) for event, config in value.items()}


def _parse_event(event: str, config: Any, parent: YMap, file: str) -> Trigger:
    line = parent.line_of(event)
    if event == "workflow_call":
        raise WorkflowError(
            file,
            line,
            "`on.workflow_call` (reusable workflows) is not supported by the local runner",
        )
    if event == "schedule":
        return Trigger(event, crons=_parse_schedule(config, file, line))
    if config is None:
        return Trigger(event)
    if not isinstance(config, YMap):
        raise WorkflowError(file, line, f"`on.{event}` must be a mapping")
    trigger = Trigger(event)
    for key, value in config.items():
        key_line = config.line_of(key)
        if key not in _CONFIG_KEYS:
            raise WorkflowError(file, key_line, f"unknown key `{key}` under `on.{event}`")
        if key == "inputs":
            trigger.inputs = _parse_inputs(value, file, key_line)
            continue
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise WorkflowError(file, key_line, f"`on.{event}.{key}` must be a list of strings")
        if key == "types":
            trigger.types = list(items)
        else:
            trigger.filters[key] = list(items)
    for a, b in (
        ("branches", "branches-ignore"),
        ("tags", "tags-ignore"),
        ("paths", "paths-ignore"),
    ):
        if a in trigger.filters and b in trigger.filters:
            raise WorkflowError(file, line, f"`{a}` and `{b}` cannot both be used for `{event}`")
    return trigger


def _parse_schedule(config: Any, file: str, line: int) -> list[Cron]:
    if not isinstance(config, YList) or not config:
        raise WorkflowError(file, line, "`on.schedule` must be a list of `- cron: '...'` entries")
    crons: list[Cron] = []
    for index, entry in enumerate(config):
        entry_line = config.line_at(index)
        if not isinstance(entry, YMap) or set(entry) != {"cron"}:
            raise WorkflowError(file, entry_line, "each schedule entry must be `- cron: '...'`")
        try:
            crons.append(Cron.parse(str(entry["cron"])))
        except CronError as exc:
            raise WorkflowError(file, entry_line, str(exc)) from exc
    return crons


def _parse_inputs(value: Any, file: str, line: int) -> dict[str, DispatchInput]:
    if value is None:
        return {}
    if not isinstance(value, YMap):
        raise WorkflowError(file, line, "`inputs` must be a mapping")
    inputs: dict[str, DispatchInput] = {}
    for name, spec in value.items():
        spec_line = value.line_of(name)
        spec = spec if isinstance(spec, YMap) else YMap(spec_line)
        unknown = set(spec) - _INPUT_KEYS
        if unknown:
            raise WorkflowError(
                file, spec_line, f"unknown key `{sorted(unknown)[0]}` in input `{name}`"
            )
        kind = str(spec.get("type", "string"))
        if kind not in _INPUT_TYPES:
            raise WorkflowError(file, spec_line, f"input `{name}` has unknown type `{kind}`")
        options = tuple(str(o) for o in spec.get("options") or ())
        if kind == "choice" and not options:
            raise WorkflowError(file, spec_line, f"choice input `{name}` needs `options`")
        inputs[name] = DispatchInput(
            name, kind, spec.get("default"), bool(spec.get("required", False)), options
        )
    return inputs


# ---- matching ---------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _pattern(glob: str) -> re.Pattern[str]:
    """GitHub's filter syntax: ``*`` (not ``/``), ``**``, ``?`` and ``+`` quantify the previous
    character, ``[...]`` a class; everything else is literal."""
    out: list[str] = []
    pos = 0
    while pos < len(glob):
        char = glob[pos]
        if glob.startswith("**", pos):
            out.append(".*")
            pos += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char in "?+" and out:
            out.append(char)
        elif char == "[" and (end := glob.find("]", pos + 1)) != -1:
            out.append(glob[pos : end + 1])
            pos = end + 1
            continue
        else:
            out.append(re.escape(char))
        pos += 1
    return re.compile("".join(out) + r"\Z")


def filter_matches(patterns: list[str], value: str) -> bool:
    """Whether ``value`` is selected: the last matching pattern wins, ``!`` negates."""
    selected = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if _pattern(pattern[1:] if negated else pattern).match(value):
            selected = not negated
    return selected


def _ref_filter(filters: dict[str, list[str]], kind: str, name: str) -> bool:
    other = "tags" if kind == "branches" else "branches"
    if kind in filters:
        return filter_matches(filters[kind], name)
    if f"{kind}-ignore" in filters:
        return not filter_matches(filters[f"{kind}-ignore"], name)
    return not (other in filters or f"{other}-ignore" in filters)


def _paths_filter(filters: dict[str, list[str]], changed: list[str] | None) -> bool:
    if changed is None:  # unknown: do not hide a run the user expects
        return True
    if "paths" in filters:
        return any(filter_matches(filters["paths"], path) for path in changed)
    if "paths-ignore" in filters:
        return any(not filter_matches(filters["paths-ignore"], path) for path in changed)
    return True


def needs_changed_files(trigger: Trigger) -> bool:
    return "paths" in trigger.filters or "paths-ignore" in trigger.filters


def trigger_matches(
    trigger: Trigger,
    workflow_path: str,
    payload: dict[str, Any],
    ref: str,
    changed: list[str] | None,
) -> bool:
    event = trigger.event
    if event == "schedule":
        return False
    if event == "workflow_dispatch":
        named = str(payload.get("workflow", ""))
        return named in (workflow_path, PurePosixPath(workflow_path).name)
    action = payload.get("action")
    types = trigger.types if trigger.types is not None else DEFAULT_TYPES.get(event)
    if types is not None and isinstance(action, str) and action not in types:
        return False
    if event == "push":
        kind = "tags" if ref.startswith("refs/tags/") else "branches"
        name = ref.split("/", 2)[2] if ref.count("/") >= 2 else ref
        if not _ref_filter(trigger.filters, kind, name):
            return False
        return kind == "tags" or _paths_filter(trigger.filters, changed)
    if event in ("pull_request", "pull_request_target"):
        base = str(((payload.get("pull_request") or {}).get("base") or {}).get("ref", ""))
        if not _ref_filter(
            {k: v for k, v in trigger.filters.items() if "branches" in k}, "branches", base
        ):
            return False
        return _paths_filter(trigger.filters, changed)
    if event == "workflow_run" and "workflows" in trigger.filters:
        name = str((payload.get("workflow_run") or {}).get("name", ""))
        return name in trigger.filters["workflows"]
    return True


def push_changed_files(payload: dict[str, Any]) -> list[str] | None:
    """Files a push touched, from the payload's commits (``None`` when the payload lacks them)."""
    commits = payload.get("commits")
    if not isinstance(commits, list):
        return None
    files: set[str] = set()
    for commit in commits:
        for key in ("added", "modified", "removed"):
            files.update(str(p) for p in commit.get(key) or ())
    return sorted(files)
