"""Each Learning Room of a teardown: its state read, and with --apply archived (read-only,
nothing deleted); one line said per room."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from glow.cohort.teardown.copy import (
    ALREADY_ARCHIVED,
    ARCHIVED,
    FAILED,
    MISSING,
    MISSING_DETAIL,
    WHO,
    WOULD_ARCHIVE,
)

if TYPE_CHECKING:
    from glow.cohort.teardown.decide import Outcome, Room
    from glow.github import Repo

State = Literal["active", "archived", "missing"]


def room_state(repo: Repo) -> State:
    data = repo.get_json(repo.url())
    if data is None:
        return "missing"
    return "archived" if data.get("archived") else "active"


def handle_room(repo: Repo, room: Room, *, apply: bool) -> Outcome | None:
    """Inspect one room (``repo``, its adapter) and, with ``apply``, archive it; None for a dry
    run's "would archive"."""
    from glow.cohort.teardown.decide import Outcome
    from glow.errors import GitHubError

    who = WHO.format(repo=room.repo, handle=room.handle)
    try:
        state = room_state(repo)
        if state == "missing":
            print(MISSING.format(who=who))
            return Outcome(room, "missing", MISSING_DETAIL)
        if state == "archived":
            print(ALREADY_ARCHIVED.format(who=who))
            return Outcome(room, "already-archived")
        if not apply:
            print(WOULD_ARCHIVE.format(who=who))
            return None
        repo.request("PATCH", repo.url(), json={"archived": True})
    except GitHubError as exc:
        print(FAILED.format(who=who, error=exc))
        return Outcome(room, "error", str(exc))
    print(ARCHIVED.format(who=who))
    return Outcome(room, "archived")
