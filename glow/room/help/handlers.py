"""help's handlers: a comment in any room issue or pull request. Each run answers every
unanswered help request of the room (one list of the room's recent comments), so a run GitHub
replaced is made up for by the next comment's run; a re-run writes nothing."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from glow.bot.context import Context
from glow.bot.router import Router
from glow.room.events import EVENTS
from glow.room.help.copy import answer
from glow.room.help.decide import HELP_KEY, unanswered
from glow.room.pulls import upsert_once

router: Router[Context] = Router()

# How far back a run looks for requests a replaced run did not answer.
LOOK_BACK = timedelta(days=2)


@router.register_keys(EVENTS)
def answer_help(context: Context) -> int:
    """Answer every help request of the room that has no answer yet."""
    if context.event is None:
        return 0
    repo = context.repo(context.event.repository)
    since = (datetime.now(UTC) - LOOK_BACK).strftime("%Y-%m-%dT%H:%M:%SZ")
    comments = list(repo.paginate(repo.url("issues", "comments"), {"since": since}))
    waiting = unanswered(comments, [repo.login()])
    if not waiting:
        context.log("help: no unanswered request")
        return 0
    facilitators = os.environ.get("GLOW_FACILITATORS", "")
    pulls = _pull_numbers(context)
    for request in waiting:
        url = request.url or f"#issuecomment-{request.comment_id}"
        body = answer(request.author, url, facilitators, pull=request.issue in pulls)
        if getattr(context.args, "dry_run", False):
            context.log("help (dry run): would answer", issue=request.issue)
            continue
        # Settled after creating: two runs that both answered leave one answer.
        outcome = upsert_once(repo, request.issue, HELP_KEY, body)
        context.log("help: answered", issue=request.issue, outcome=outcome)
    return 0


def _pull_numbers(context: Context) -> set[int]:
    """The event's own issue, when it is a pull request (others are named "issue")."""
    assert context.event is not None
    issue = context.event.payload.get("issue")
    if (
        isinstance(issue, dict)
        and issue.get("pull_request")
        and isinstance(issue.get("number"), int)
    ):
        return {int(issue["number"])}
    return set()
