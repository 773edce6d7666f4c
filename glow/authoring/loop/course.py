"""One brief reconciled with GitHub's current state: the one path every event and every
by-hand run of the authoring loop takes (``glow course`` in the admin repository's Author
workflow, ``glow author run`` at a terminal).

1. No plan yet (or still only planned): plan the brief (``intake.plan_brief``; nothing written
   when the plan is unchanged).
2. Every comment on the brief newer than the last one read is carried out as a gate command
   (``gates.apply_comment``: only from people with write access; each once).
3. When the record says the graph has work (``graph.entry``): run it (``run.run_brief``), each
   node recorded and the timeline refreshed before the graph routes on it.
4. When every gate is approved: publish (a pull request to the Learning Room template,
   certified, merged), through the ``publish`` step the caller gives.
5. The timeline comment, upserted (nothing written when it is unchanged).

Nothing is decided from the event itself: a concurrency group keeps one pending run and drops
the ones before it, so each run reads the issue, its comments and the record afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from glow.errors import GlowError

from . import store
from .authors import Author
from .events import BRIEF_LABEL
from .gates import apply_comment, parse_command
from .graph import END, entry
from .intake import plan_brief, replannable
from .run import run_brief
from .state import RunState
from .timeline import post_timeline

if TYPE_CHECKING:
    from glow.github.repo import Repo
    from glow.harness.sandbox import Sandbox

Publish = Callable[[RunState], RunState]


def is_brief(issue: dict[str, Any]) -> bool:
    labels = {str(label.get("name") or "") for label in issue.get("labels") or []}
    return BRIEF_LABEL in labels and not issue.get("pull_request")


def reconcile(
    admin: Repo,
    number: int,
    *,
    author: Callable[[], Author],
    sandbox: Callable[[], Sandbox],
    publish: Publish | None = None,
    template: str | None = None,
    say: Callable[[str], None] = print,
) -> RunState | None:
    """Bring brief ``number`` as far as GitHub's state allows; its record afterwards (None when
    the issue is no course brief or its form still has problems, posted on the issue)."""
    issue = admin.get_json(admin.url("issues", number))
    if issue is None:
        raise GlowError(f"issue {number} not found in {admin.full_name}: check the issue number")
    if not is_brief(issue):
        say(f"#{number} in {admin.full_name} has no {BRIEF_LABEL} label: nothing to do.")
        return None
    made: list[Author] = []

    def the_author() -> Author:
        if not made:
            made.append(author())
        return made[0]

    state = store.read_run(admin, number)
    if state is None or replannable(state):
        planned = plan_brief(admin, number, the_author())
        if planned.plan is None:
            say(f"Brief #{number} has {len(planned.problems)} answer(s) to fix, posted on it.")
            return None
        state = store.read_run(admin, number)
        assert state is not None
    read, newest = state.last_comment, 0
    for comment in admin.paginate(admin.url("issues", number, "comments")):
        cid = int(comment.get("id") or 0)
        if cid > read and parse_command(str(comment.get("body") or "")) is not None:
            newest = max(newest, cid)
            decision = apply_comment(admin, number, comment, template=template)
            if decision is not None:
                say(f"Brief #{number}: {decision.outcome} by {comment['user']['login']}.")
    # Every command read is spent, honoured or not: a /approve refused while the run was
    # running, or a reader's, is never carried out later.
    state = store.mark_read(admin, number, newest) if newest else store.read_run(admin, number)
    assert state is not None
    if entry(state) != END:
        say(f"Brief #{number}: the author and review graph runs ({state.status}).")
        state = run_brief(
            admin,
            number,
            the_author(),
            sandbox(),
            progress=say,
            after_record=lambda repo, new: _timeline(repo, new, template),
        )
    if state.status == "publishing" and publish is not None:
        state = publish(state)
    post_timeline(admin, state, template=template)
    say(
        f"Brief #{number}: {state.status}"
        + (f" ({state.blocked_reason})" if state.blocked_reason else "")
    )
    return state


def _timeline(admin: Repo, state: RunState, template: str | None) -> None:
    post_timeline(admin, state, template=template)
