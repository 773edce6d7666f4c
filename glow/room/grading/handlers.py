"""The autograders' handlers, on one router: every room event they handle runs one grading pass
over the room (``plan`` finds what is stale, ``grader`` grades it), so a run also does what a
replaced pending run would have done. Each decision is made from the room's current state."""

from __future__ import annotations

from typing import Any

from glow.bot.context import Context
from glow.bot.router import Router
from glow.room.events import EVENTS

router: Router[Context] = Router()


@router.register_keys(EVENTS)
def grade(ctx: Context) -> int:
    """Grade what is stale in the room; exit 1 (after a blameless notice on the thing) when
    something could not be graded."""
    from glow.errors import GitHubError
    from glow.room.grading import read
    from glow.room.grading.grader import Grader
    from glow.room.grading.plan import plan

    assert ctx.event is not None  # the router calls this only for an event
    payload = ctx.event.payload
    if _sender(payload).get("type") == "Bot":
        ctx.log("a bot's event, not a learner's: nothing to grade")
        return 0
    subject = _subject(payload)
    if subject is None:
        ctx.log(
            "the event names no issue or pull request; grading what is stale", event=ctx.event.key
        )
    repo = ctx.repo(ctx.event.repository)
    handle = read.learner_handle(repo)
    state = read.room_state(repo, handle)
    sender = str(_sender(payload).get("login") or "") or None
    subjects = plan(state, sender=sender, subject=subject)
    base = read.default_branch(repo, payload) if subjects else "main"
    done = Grader(repo, state, base, dry_run=bool(getattr(ctx.args, "dry_run", False)),
                  log=ctx.log).grade(subjects)  # fmt: skip
    ctx.log(
        "graded",
        stale=len(subjects),
        written=len(done.written),
        unchanged=done.unchanged,
        requests=repo.counts.requests,
    )
    if done.failures:
        raise GitHubError(
            "the autograders could not grade "
            + "; ".join(done.failures)
            + " (a notice is on each; the next event in the room grades them again)"
        )
    return 0


def _sender(payload: dict[str, Any]) -> dict[str, Any]:
    sender = payload.get("sender")
    return sender if isinstance(sender, dict) else {}


def _subject(payload: dict[str, Any]) -> int | None:
    """The issue or pull request the event is about (None: a malformed payload)."""
    for key in ("pull_request", "issue"):
        item = payload.get(key)
        if isinstance(item, dict) and isinstance(item.get("number"), int):
            return int(item["number"])
    return None
