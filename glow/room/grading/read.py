"""Read the evidence the autograders judge, from the room's current state (never an event's
payload, which may be stale). Reads only; ``write`` carries verdicts out.

The room at a glance costs three list calls (issues and pull requests of every state, every
comment of the room, the open pull requests; the last only when one is open); evidence is read
only for what ``plan`` found stale.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from glow.room.grading.decide import CommitFacts
from glow.room.grading.plan import RoomState
from glow.room.progression.copy import CONFLICT_COMMIT_BRANCH
from glow.room.pulls import learner_handle as learner_handle  # one reader, Gandalf's too

if TYPE_CHECKING:
    from glow.github import Repo

MAX_COMMITS = 20  # a learner's branch holds a handful; more is not a challenge's evidence
MERGEABLE_READS = 3  # GitHub computes mergeability in the background: a few bounded reads
MERGEABLE_WAIT = 2.0


def room_state(repo: Repo, handle: str | None) -> RoomState:
    issues = list(repo.paginate(repo.url("issues"), {"state": "all"}))
    comments = list(repo.paginate(repo.url("issues", "comments")))
    any_open_pull = any("pull_request" in i and i.get("state") == "open" for i in issues)
    pulls = list(repo.paginate(repo.url("pulls"), {"state": "open"})) if any_open_pull else []
    return RoomState(repo.full_name, repo.login(), handle, issues, comments, pulls)


def default_branch(repo: Repo, payload: dict[str, Any]) -> str:
    named = (payload.get("repository") or {}).get("default_branch")
    if isinstance(named, str) and named:
        return named
    info = repo.get_json(repo.url()) or {}
    return str(info.get("default_branch") or "main")


def room_files(repo: Repo, branch: str) -> list[str]:
    tree = repo.get_json(repo.url("git", "trees", branch), {"recursive": "1"}) or {}
    return [str(e["path"]) for e in tree.get("tree") or [] if e.get("type") == "blob"]


def _facts(item: dict[str, Any]) -> CommitFacts:
    commit = item.get("commit") or {}
    committer = commit.get("committer") or {}
    return CommitFacts(
        sha=str(item.get("sha") or ""),
        message=str(commit.get("message") or ""),
        files=tuple(str(f.get("filename")) for f in item.get("files") or []),
        committer_name=str(committer.get("name") or ""),
        committer_email=str(committer.get("email") or ""),
        committer_login=str((item.get("committer") or {}).get("login") or ""),
        verified=bool((commit.get("verification") or {}).get("verified")),
    )


def branch_commits(
    repo: Repo, branch: str, base: str, *, with_files: bool
) -> list[CommitFacts] | None:
    """The branch's commits that are not on ``base``, newest first; None when there is no
    such branch. ``with_files``: one more read per commit, for the files it changed."""
    if repo.get_json(repo.url("branches", branch)) is None:
        return None
    mine = repo.get_json(repo.url("commits"), {"sha": branch, "per_page": MAX_COMMITS}) or []
    theirs = repo.get_json(repo.url("commits"), {"sha": base, "per_page": 100}) or []
    on_base = {str(c.get("sha")) for c in theirs}
    own = [c for c in mine if str(c.get("sha")) not in on_base]
    if with_files:
        own = [repo.get_json(repo.url("commits", str(c["sha"]))) or c for c in own]
    return [_facts(c) for c in own]


def file_text(repo: Repo, path: str, ref: str) -> str | None:
    found = repo.read_file(path, ref)
    return found.text if found is not None else None


def is_seed_commit(repo: Repo, sha: str) -> bool:
    """True when ``sha`` is still the commit provisioning seeded the conflict practice with (its
    message is ``CONFLICT_COMMIT_BRANCH``): the learner has not touched the pull request yet."""
    if not sha:
        return False
    commit = repo.get_json(repo.url("commits", sha)) or {}
    message = str((commit.get("commit") or {}).get("message") or "")
    return message.strip() == CONFLICT_COMMIT_BRANCH


def mergeable(
    repo: Repo, number: int, *, sleep: Callable[[float], object] = time.sleep
) -> bool | None:
    """GitHub's ``mergeable`` for the pull request: None while it is still being computed after
    a few bounded reads (the grader then judges the file alone, and says so)."""
    for attempt in range(MERGEABLE_READS):
        repo.forget()  # GitHub computes it late: every read must reach GitHub
        pull = repo.get_json(repo.url("pulls", number)) or {}
        value = pull.get("mergeable")
        if isinstance(value, bool):
            return value
        if attempt + 1 < MERGEABLE_READS:
            sleep(MERGEABLE_WAIT)
    return None


def pull_files(repo: Repo, number: int) -> dict[str, str]:
    """Path -> status (added, modified, removed, renamed) of what the pull request changes."""
    return {
        str(f.get("filename")): str(f.get("status") or "")
        for f in repo.paginate(repo.url("pulls", number, "files"))
    }
