"""progression's handlers: closing a challenge opens what it unlocks; a workflow_dispatch with
``start_challenge`` opens that challenge. Both run the same convergence from the room's current
state (a run GitHub replaced is made up for by the next one), so the event's payload is only a
trigger: a stale or malformed payload changes nothing."""

from __future__ import annotations

from glow.bot.context import Context
from glow.bot.router import Router
from glow.errors import ConfigError
from glow.room.events import EVENTS
from glow.room.progression import copy
from glow.room.progression.decide import Marked, duplicates, marked_items, plan, valid_start
from glow.room.progression.room import (
    ChallengeFiles,
    Room,
    read_learner,
    room_items,
    seed_practice,
)

router: Router[Context] = Router()


def start_input(context: Context) -> int | None:
    """The facilitator's start_challenge (flag, or the dispatch's input); None when absent.
    Raises ConfigError (one line, exit 2) when it is not a challenge number."""
    value = getattr(context.args, "start_challenge", None)
    if (
        value in (None, "")
        and context.event is not None
        and context.event.name == "workflow_dispatch"
    ):
        value = (context.event.payload.get("inputs") or {}).get("start_challenge")
    if value in (None, ""):
        return None
    number = valid_start(value)
    if number is None:
        raise ConfigError(copy.BAD_START.format(value=str(value)))
    return number


@router.register_keys(EVENTS)
def progress(context: Context) -> int:
    """Make the room hold every challenge the learner has reached, once each."""
    start = start_input(context)
    if context.event is None:
        raise ConfigError("glow room runs on a room event (GITHUB_EVENT_NAME and its payload)")
    repo = context.repo(context.event.repository)
    facts = read_learner(repo)
    own = [repo.login()]
    items = room_items(repo)
    marked = marked_items(items, facts.handle, own)
    files = ChallengeFiles(repo, context.log)
    wanted = plan(marked, facts.path, files, start=start)
    for problem in wanted.problems:
        context.log(problem)
    if wanted.empty:
        context.log("progression: nothing to do", path=facts.path)
        return 0
    if getattr(context.args, "dry_run", False):
        context.log("progression (dry run): would open", challenges=wanted.create)
        return 0
    room = Room(repo, facts, context.log)
    for number, keep in wanted.close_duplicates:
        room.close_duplicate(number, keep)
        context.log("closed a duplicate challenge issue", issue=number, kept=keep)
    opened: list[int] = []
    for number in wanted.create:
        challenge = files(number)
        assert challenge is not None  # plan() only creates challenges it could read
        unlocks = [
            n
            for n in challenge.unlocks
            if (then := files(n)) is not None and facts.path in then.paths
        ]
        issue = room.open_issue(challenge.title, challenge.issue_body(unlocks))
        marked.append(Marked(challenge.marker_key, issue, True, False, False, tuple(unlocks)))
        opened.append(issue)
        context.log("opened a challenge", challenge=number, issue=issue)
    if opened:
        # Settle once more, as comments do: a run started beside ours (outside the room's
        # concurrency group) may have opened the same challenge; the older issue is kept.
        repo.forget()
        for number, keep in duplicates(marked_items(room_items(repo), facts.handle, own), opened):
            room.close_duplicate(number, keep)
            marked = [m for m in marked if m.number != number]
            context.log(
                "closed our copy of a challenge another run opened", issue=number, kept=keep
            )
    done = seed_practice(
        room,
        marked,
        peer=wanted.peer_issue,
        conflict=wanted.conflict_pr,
        review=wanted.review_pr,
    )
    for line in done:
        context.log("seeded practice material", what=line)
    return 0
