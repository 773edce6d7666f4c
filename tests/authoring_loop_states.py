"""Authoring runs for the loop's tests: a plan, a small bundle and node executions, built the
way the graph records them (no I/O)."""

from __future__ import annotations

from typing import Any

from glow.authoring.loop.state import (
    NodeExecution,
    NodeName,
    Plan,
    PlannedDeliverable,
    RunState,
    Stack,
)

HIDDEN_TEST = "assert add(2, 2) == 4  # the hidden check nobody may see"


def plan() -> Plan:
    return Plan(
        title="Ledger basics",
        summary="Build a small ledger.",
        outcomes=["Write a function that adds entries"],
        stack=Stack(language="Python"),
        deliverables=[PlannedDeliverable(id="add", title="Write add", asks="Add two entries.")],
    )


def execution(
    index: int,
    node: NodeName,
    *,
    passed: bool = True,
    attempt: int = 1,
    at: str | None = None,
    **more: Any,
) -> NodeExecution:
    return NodeExecution(
        index=index,
        node=node,
        attempt=attempt,
        passed=passed,
        started_at=at or f"2026-12-07T10:{index:02d}:05+00:00",
        seconds=more.pop("seconds", 12.4),
        **more,
    )


def awaiting(gate: int | None = 1, **update: Any) -> RunState:
    """A run that passed its graph and waits at ``gate``."""
    state = RunState(
        brief_issue=7,
        plan=plan(),
        files={"coursegen.yml": "name: ledger\n", "deliverables/add/hidden/t.py": HIDDEN_TEST},
        authoring_attempt=1,
        reviewer_attempt=1,
        executions=[
            execution(0, "authoring_runtime"),
            execution(1, "authoring_tests"),
            execution(2, "reviewer_runtime"),
            execution(3, "reviewer_code"),
            execution(4, "reviewer_pedagogy"),
            execution(5, "reviewer_tests"),
        ],
        status="awaiting_gate",
        gate=gate,
    )
    return state.model_copy(update=update)
