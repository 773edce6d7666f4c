"""Gandalf's handlers, on one router: every change to a learner's pull request (opened, edited,
a push, reopened) re-checks it and rewrites its one comment when the text changed; the same run
re-checks any other open learner pull request whose comment a dropped run left stale.

Help requests on pull requests (``help``, an ``@gandalf`` mention) are the help behaviour's:
Gandalf never answers them, so a learner gets one answer."""

from __future__ import annotations

from glow.bot.context import Context
from glow.bot.router import Router
from glow.room.events import EVENTS

router: Router[Context] = Router()


@router.register_keys(EVENTS)
def check_pulls(ctx: Context) -> int:
    """Check the event's pull request as GitHub has it now, and every stale one."""
    from glow.markers import normalise_body
    from glow.room.gandalf.copy import COMMENT_KEY
    from glow.room.gandalf.decide import Pull, comment_body, judge
    from glow.room.gandalf.read import RoomReader
    from glow.room.pulls import list_pulls, our_comments, pull_event, upsert_once
    from glow.room.rules import is_learner_pull, judged

    found = pull_event(ctx, "gandalf")
    if found is None:
        return 0
    # Any other event: only the catching up (a replaced run may have left a comment stale).
    repo, number = found
    pulls = list_pulls(repo, "all")
    comments = our_comments(repo, COMMENT_KEY)
    targets: list[Pull] = []
    for data in pulls:
        pull = Pull.from_json(data)
        if pull is None or pull.state != "open" or not is_learner_pull(data):
            continue
        current = comments.get(pull.number)
        if pull.number == number or judged((current or {}).get("body"), COMMENT_KEY) != (
            pull.fingerprint
        ):
            targets.append(pull)
    if number is not None and not any(p.number == number for p in targets):
        ctx.log("gandalf: not an open learner pull request, nothing to check", pull=number)
    reader = RoomReader(repo, pulls, ctx.log)
    for pull in targets:
        body = comment_body(judge(reader.facts(pull)), pull)
        existing = comments.get(pull.number)
        if existing and normalise_body(existing.get("body")) == normalise_body(body):
            ctx.log("gandalf: comment current", pull=pull.number)
            continue
        if getattr(ctx.args, "dry_run", False):
            print(f"would write Gandalf's comment on #{pull.number}:\n{body}")
            continue
        outcome = upsert_once(repo, pull.number, COMMENT_KEY, body)
        ctx.log(f"gandalf: comment {outcome}", pull=pull.number)
    return 0
