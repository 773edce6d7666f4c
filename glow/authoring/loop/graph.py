"""The author/review graph: the routers, pure functions of the run's state, and then the wiring.

The routing table is the seed's (``docs/authoring/loop.md`` draws it):

| after | passed | failed, attempts left | failed, lane's budget spent |
| --- | --- | --- | --- |
| authoring_runtime | authoring_tests | authoring_repair | blocked |
| authoring_tests | reviewer_runtime | authoring_repair | blocked |
| authoring_repair | its ``retry``: authoring_runtime or authoring_tests | | blocked |
| reviewer_runtime | reviewer_code | reviewer_repair | blocked |
| reviewer_code | reviewer_pedagogy | reviewer_repair | blocked |
| reviewer_pedagogy | reviewer_tests | reviewer_repair | blocked |
| reviewer_tests | the end: gate 1 | reviewer_repair | blocked |
| reviewer_repair | ``retry``: authoring_runtime, or reviewer_tests (tests only) | | blocked |

A suspected prompt injection, a repair that changed nothing, or a node that could not finish
(``error``) ends the run blocked whatever the table says. Each node's state is recorded (the
context's ``record``: the admin repository) before the graph routes on it, so a run killed
anywhere resumes from its last recorded node (``entry``) and, the author answering the same,
reaches the same verdict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypedDict

from .state import MAX_AUTHORING_ATTEMPTS, MAX_REVIEWER_ATTEMPTS, NODES, NodeName, RunState

if TYPE_CHECKING:
    from .context import NodeContext

END: Literal["__end__"] = "__end__"
Next = NodeName | Literal["__end__"]
RECURSION_LIMIT = 200  # far above the longest run the budgets allow

_ON_PASS: dict[NodeName, Next] = {
    "authoring_runtime": "authoring_tests",
    "authoring_tests": "reviewer_runtime",
    "reviewer_runtime": "reviewer_code",
    "reviewer_code": "reviewer_pedagogy",
    "reviewer_pedagogy": "reviewer_tests",
    "reviewer_tests": END,
}


# Every edge the table allows, per node: LangGraph refuses a route outside it.
EDGES: dict[NodeName, tuple[Next, ...]] = {
    "authoring_runtime": ("authoring_tests", "authoring_repair", END),
    "authoring_tests": ("reviewer_runtime", "authoring_repair", END),
    "authoring_repair": ("authoring_runtime", "authoring_tests", END),
    "reviewer_runtime": ("reviewer_code", "reviewer_repair", END),
    "reviewer_code": ("reviewer_pedagogy", "reviewer_repair", END),
    "reviewer_pedagogy": ("reviewer_tests", "reviewer_repair", END),
    "reviewer_tests": ("reviewer_repair", END),
    "reviewer_repair": ("authoring_runtime", "reviewer_tests", END),
}


def _authoring_left(state: RunState) -> bool:
    return state.authoring_attempt < MAX_AUTHORING_ATTEMPTS


def _reviewer_left(state: RunState) -> bool:
    return state.reviewer_attempt < MAX_REVIEWER_ATTEMPTS


def route(state: RunState) -> Next:
    """Where the run goes after its last execution (``authoring_runtime`` when it has none)."""
    last = state.last
    if last is None:
        return "authoring_runtime"
    if last.injection or last.error:
        return END
    node = last.node
    if node in ("authoring_repair", "reviewer_repair"):
        if not last.passed:
            return END  # the repair changed nothing
        if last.retry == "runtime":
            return "authoring_runtime" if _authoring_left(state) else END
        if node == "authoring_repair":
            return "authoring_tests" if _authoring_left(state) else END
        return "reviewer_tests" if _reviewer_left(state) else END
    if last.passed:
        return _ON_PASS[node]
    if node in ("authoring_runtime", "authoring_tests"):
        return "authoring_repair" if _authoring_left(state) else END
    return "reviewer_repair" if _reviewer_left(state) else END


def entry(state: RunState) -> Next:
    """Where a run (re)starts: the node that could not finish runs again; after a rejection with
    a reason, authoring_runtime (the author revises the bundle from the feedback); otherwise the
    route from the last recorded execution; nothing once the graph has concluded."""
    if state.status not in ("planned", "running", "blocked"):
        return END
    last = state.last
    if last is not None and last.error:
        return last.node
    if state.status == "blocked":
        return END
    if state.revised_for < len(state.feedback):
        return "authoring_runtime"  # a person rejected it with a reason: author it again
    return route(state)


def blocked_reason(state: RunState) -> str:
    """Why a run that ended anywhere but gate 1 is blocked, one sentence with what to do."""
    last = state.last
    if last is None:
        return ""
    where = last.node.replace("_", " ")
    if last.injection:
        return (
            f"Suspected prompt injection at {where}: {last.injection} Nothing of it was run; "
            "revise the brief, then comment /reject with what to change."
        )
    if last.error:
        return f"{where} could not finish: {last.error} Run it again to retry {where}."
    if last.node in ("authoring_repair", "reviewer_repair") and not last.passed:
        return f"The {where} changed nothing: {'; '.join(last.findings)}"
    lane, used, cap = (
        ("authoring", state.authoring_attempt, MAX_AUTHORING_ATTEMPTS)
        if last.node.startswith("authoring")
        else ("reviewer", state.reviewer_attempt, MAX_REVIEWER_ATTEMPTS)
    )
    first = last.findings[0] if last.findings else "no finding was given"
    return (
        f"The {lane} budget ran out ({used} of {cap} attempts) at {where}: {first}. "
        "Comment /reject with what to change to revise the plan and run again."
    )


def conclude(state: RunState) -> RunState:
    """The state with its status set from where the run goes next: still running, waiting at
    gate 1 (the graph passed), or blocked with its reason."""
    if route(state) != END:
        return state.model_copy(update={"status": "running", "blocked_reason": ""})
    last = state.last
    if last is not None and last.node == "reviewer_tests" and last.passed and not last.injection:
        return state.model_copy(update={"status": "awaiting_gate", "gate": 1, "blocked_reason": ""})
    return state.model_copy(update={"status": "blocked", "blocked_reason": blocked_reason(state)})


# -- The wiring ------------------------------------------------------------------------------


class GraphState(TypedDict):
    run: RunState


def build(ctx: NodeContext) -> Any:
    """The compiled LangGraph ``StateGraph``: the eight nodes, ``entry`` from START and
    ``route`` after each node. Every node records its state before returning it."""
    from langgraph.graph import START, StateGraph

    from .nodes import NODE_FUNCTIONS

    def wrap(name: NodeName) -> Any:
        function = NODE_FUNCTIONS[name]

        def node(graph_state: GraphState) -> GraphState:
            after = conclude(function(graph_state["run"], ctx))
            ctx.record(after)
            return {"run": after}

        return node

    graph: Any = StateGraph(GraphState)
    for name in NODES:
        graph.add_node(name, wrap(name))
    resume: dict[str, str] = {name: name for name in NODES} | {END: END}
    graph.add_conditional_edges(START, lambda s: entry(s["run"]), resume)
    for name in NODES:
        targets = {str(t): str(t) for t in EDGES[name]}
        graph.add_conditional_edges(name, lambda s: route(s["run"]), targets)
    return graph.compile()


def run_graph(state: RunState, ctx: NodeContext) -> RunState:
    """Run (or resume) the graph from ``state`` until it concludes; the final state."""
    if entry(state) == END:
        return state
    result = build(ctx).invoke({"run": state}, {"recursion_limit": RECURSION_LIMIT})
    final: RunState = result["run"]
    return final


def mermaid() -> str:
    """The graph drawn as Mermaid, for documentation (``docs/authoring/loop.md``)."""
    from pathlib import Path

    from .authors import RecordedAuthor, Recording
    from .context import NodeContext

    ctx = NodeContext(
        author=RecordedAuthor(Recording()),
        sandbox=None,  # type: ignore[arg-type]
        scratch=Path("."),
        record=lambda _s: None,
    )
    text: str = build(ctx).get_graph().draw_mermaid()
    return text
