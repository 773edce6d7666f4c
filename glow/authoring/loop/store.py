"""The authoring run's record in the private admin repository: ``authoring/<brief>/run.json``
(the whole ``RunState``: plan, bundle, counters, node executions, events). It is written after
every node, before the graph routes on it, so a run killed anywhere resumes from the last node
it recorded. Nothing here is ever written to a public place: the bundle holds hidden tests and
reference answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from glow.errors import GlowError

from .state import RunState

if TYPE_CHECKING:
    from glow.github.repo import Repo

FOLDER = "authoring"


def run_path(brief_issue: int) -> str:
    return f"{FOLDER}/{brief_issue}/run.json"


def dump(state: RunState) -> str:
    """The file's text: stable (sorted keys, one indent) so an unchanged run writes nothing."""
    return state.model_dump_json(indent=1) + "\n"


def load(text: str, *, where: str) -> RunState:
    try:
        return RunState.model_validate_json(text)
    except ValueError as exc:
        raise GlowError(
            f"{where} is not an authoring run's record ({str(exc).splitlines()[0]}): "
            "restore it from the admin repository's history, or delete it to start again."
        ) from None


def read_run(admin: Repo, brief_issue: int) -> RunState | None:
    """The recorded run of brief ``brief_issue``, or None when it has none yet."""
    found = admin.read_file(run_path(brief_issue))
    if found is None:
        return None
    return load(found.text, where=f"{admin.full_name}/{found.path}")


def save_run(admin: Repo, state: RunState, message: str) -> None:
    """Record ``state`` (one commit; none when nothing changed)."""
    text = dump(state)
    admin.write_file(run_path(state.brief_issue), lambda _old: text, message)


def mark_read(admin: Repo, brief_issue: int, comment_id: int) -> RunState | None:
    """Record that every comment up to ``comment_id`` was read for a gate command (one write;
    none when the record says so already). The record afterwards."""
    after: list[RunState] = []

    def update(old: str | None) -> str | None:
        after.clear()
        if old is None:
            return None
        state = load(old, where=f"{admin.full_name}/{run_path(brief_issue)}")
        if state.last_comment >= comment_id:
            after.append(state)
            return old
        after.append(state.model_copy(update={"last_comment": comment_id}))
        return dump(after[0])

    admin.write_file(run_path(brief_issue), update, f"Authoring #{brief_issue}: comments read")
    return after[0] if after else None
