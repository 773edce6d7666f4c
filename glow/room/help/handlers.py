"""help's handlers: every room event. Each run answers every unanswered help request of the
room (one list of the room's recent comments, and the room's issue listing every behaviour
reads, so it costs nothing extra), so a run GitHub replaced is made up for by the next run; a
re-run writes nothing."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from glow.bot.context import Context
from glow.bot.router import Router
from glow.room.events import EVENTS
from glow.room.help.copy import answer
from glow.room.help.decide import unanswered
from glow.room.progression.decide import facilitators_to_mention
from glow.room.pulls import learner_facts, upsert_once

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
    # The same listing (and parameters) as grading's: the run's read cache answers it once.
    issues = [i for i in repo.paginate(repo.url("issues"), {"state": "all"}) if isinstance(i, dict)]
    facts = learner_facts(repo)
    waiting = unanswered(comments, [repo.login()], learner=facts.handle, issues=issues, since=since)
    if not waiting:
        context.log("help: no unanswered request")
        return 0
    # An organisation variable reaches a private room only on a paid plan: on Free the
    # workshop's GLOW_FACILITATORS comes from the learner file provisioning wrote.
    facilitators = facilitators_to_mention(os.environ.get("GLOW_FACILITATORS"), facts)
    pulls = {i.get("number") for i in issues if i.get("pull_request")}
    for request in waiting:
        url = request.url or (
            f"#issuecomment-{request.comment_id}" if request.comment_id else f"#{request.issue}"
        )
        body = answer(request.author, url, facilitators, pull=request.issue in pulls)
        if getattr(context.args, "dry_run", False):
            context.log("help (dry run): would answer", issue=request.issue)
            continue
        # Settled after creating: two runs that both answered leave one answer.
        outcome = upsert_once(repo, request.issue, request.key, body)
        context.log("help: answered", issue=request.issue, outcome=outcome)
    return 0
