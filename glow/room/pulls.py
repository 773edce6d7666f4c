"""Reading a room's pull requests and the bots' comments on them: the adapter Gandalf and the
content checks share.

A room's runs are serialised and GitHub replaces a pending run with a newer one, so a run does
what a dropped run would have done: it finds every open learner pull request whose bot comment
is missing or judged an older state, from two list calls (the pulls and the room's comments).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from glow.errors import GitHubError
from glow.room.progression.decide import LEARNER_FILE, LearnerFacts, parse_learner_file

if TYPE_CHECKING:
    from glow.bot.context import Context
    from glow.github import Repo

_ISSUE_NUMBER = re.compile(r"/issues/(\d+)$")


def learner_facts(repo: Repo) -> LearnerFacts:
    """``.glow/learner.yml`` (written by provisioning): the learner's handle and the workshop's
    facts; the defaults when the file is missing or unreadable (never a crash)."""
    try:
        found = repo.read_file(LEARNER_FILE)
    except (GitHubError, ValueError):
        return LearnerFacts()
    return parse_learner_file(found.text if found is not None else None)


def learner_handle(repo: Repo) -> str | None:
    """The learner's handle from ``.glow/learner.yml``, or None when the file is missing or
    unreadable (the sender stands in)."""
    return learner_facts(repo).handle


def event_pull_number(ctx: Context) -> int | None:
    """The pull request number a ``pull_request`` event names, or None (malformed payload)."""
    payload = ctx.event.payload if ctx.event else {}
    number = payload.get("number")
    if not isinstance(number, int):
        pull = payload.get("pull_request")
        number = pull.get("number") if isinstance(pull, Mapping) else None
    return number if isinstance(number, int) and number > 0 else None


def pull_event(ctx: Context, who: str) -> tuple[Repo, int | None] | None:
    """The room and the pull request number a bot's run is about (None for an event that is
    not a pull request's: the run only catches up on stale comments). None, logged, when a
    ``pull_request`` event names no pull request (a malformed payload)."""
    number = event_pull_number(ctx)
    if number is None and ctx.event is not None and ctx.event.name == "pull_request":
        ctx.log(f"{who}: the event names no pull request, ignored")
        return None
    return ctx.repo(ctx.event.repository if ctx.event else ""), number


def list_pulls(repo: Repo, state: str) -> list[dict[str, Any]]:
    """Every pull request of the room in ``state`` (open or all), as the list API has it."""
    return [
        p
        for p in repo.paginate(repo.url("pulls"), {"state": state})
        if isinstance(p, dict) and isinstance(p.get("number"), int)
    ]


def our_comments(repo: Repo, key: str) -> dict[int, dict[str, Any]]:
    """Our comment for ``key`` on each issue or pull request of the room (the oldest, when an
    earlier fault left two), by number: one list call over the whole room."""
    from glow.room.rules import our_comments as ours

    listed = [c for c in repo.paginate(repo.url("issues", "comments")) if isinstance(c, dict)]
    return {number: dict(c) for number, c in ours(listed, repo.login(), key).items()}


def upsert_once(repo: Repo, number: int, key: str, body: str) -> str:
    """Upsert our one comment; after creating it, settle once more, so two runs that both found
    no comment and both posted end with one (the oldest kept, the other deleted)."""
    outcome = repo.upsert_comment(number, key, body)
    if outcome == "created":
        repo.upsert_comment(number, key, body)
    return outcome


def changed_files(repo: Repo, number: int) -> list[dict[str, Any]]:
    """The files a pull request changes (``filename``, ``status``), as GitHub lists them."""
    return [
        f
        for f in repo.paginate(repo.url("pulls", number, "files"))
        if isinstance(f, dict) and isinstance(f.get("filename"), str)
    ]
