"""Run (or resume) the graph for one brief against its record in the admin repository.

``run_brief`` reads ``authoring/<brief>/run.json`` (written when the plan was posted), refuses a
brief whose plan was flagged as a suspected prompt injection, lets a recorded author skip the
answers the record says were used, and runs the graph, recording every node's state in the
admin repository (and refreshing the timeline) before the graph routes on it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from glow.errors import ConfigError
from glow.harness.sandbox import Sandbox

from . import store
from .authors import Author, RecordedAuthor
from .context import NodeContext, utc_now
from .graph import entry, run_graph
from .state import Event, RunState

if TYPE_CHECKING:
    from glow.github.repo import Repo

Hook = Callable[["Repo", RunState], None]


def flagged_plan(state: RunState) -> RunState | None:
    """A planned run whose plan reported instructions in the brief: blocked before any node."""
    reported = state.plan.suspected_injection.strip()
    if not reported or state.executions or state.status == "blocked":
        return None
    reason = (
        f"Suspected prompt injection in the brief: {reported} Nothing was authored; edit the "
        "brief, and it is planned again when you save it."
    )
    event = Event(at=utc_now(), kind="workflow", text="The run was blocked before it started.")
    return state.model_copy(
        update={"status": "blocked", "blocked_reason": reason, "events": [*state.events, event]}
    )


def run_brief(
    admin: Repo,
    brief_issue: int,
    author: Author,
    sandbox: Sandbox,
    *,
    progress: Callable[[str], None] = lambda _line: None,
    after_record: Hook | None = None,
) -> RunState:
    state = store.read_run(admin, brief_issue)
    if state is None:
        raise ConfigError(
            f"Brief #{brief_issue} has no plan yet in {admin.full_name}: run "
            f"`glow author plan --issue {brief_issue}` first."
        )

    def record(new: RunState) -> None:
        last = new.last
        what = f"{last.node} {'passed' if last.passed else 'failed'}" if last else new.status
        store.save_run(admin, new, f"Authoring #{brief_issue}: {what}")
        if after_record is not None:
            after_record(admin, new)

    blocked = flagged_plan(state)
    if blocked is not None:
        record(blocked)
        return blocked
    if entry(state) == "__end__":
        return state
    if isinstance(author, RecordedAuthor):
        author.skip(state.model_calls)
    if state.status == "planned":
        started = Event(at=utc_now(), kind="workflow", text=f"The run started ({author.name}).")
        state = state.model_copy(update={"status": "running", "events": [*state.events, started]})
    with tempfile.TemporaryDirectory(prefix="glow-author-") as scratch:
        ctx = NodeContext(
            author=author, sandbox=sandbox, scratch=Path(scratch), record=record, progress=progress
        )
        return run_graph(state, ctx)
