"""Practice branches a room's challenges use, seeded by provisioning (it holds contents write;
the room's own job token is read-only on contents, so the room's bots only open pull requests
from these branches when the challenge opens):

- ``practice/merge-conflict`` (Challenge 7): one line of ``docs/conflict-practice.md`` changed
  on the branch, and the same line changed differently on the default branch afterwards, so the
  pull request from it conflicts for real (GitHub's ``mergeable_state`` is ``dirty``).
- ``practice/peer-review`` (Challenge 12): ``docs/review-me.md`` with a section to review.

Each step reads first and writes only what is missing, in an order that converges after a crash
part-way (the branch is made before the default branch moves). A room generated in this very
visit is the template's copy, so ``seed_fresh`` writes it all without reading: three git data
commits (the two branches, then the default branch with the learner's facts), none of them a
content-creating request, where the contents API would take five.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from glow.cohort.provisioning.copy import LEARNER_FACTS_NOTE
from glow.errors import GitHubError
from glow.github.files import commit_onto
from glow.github.repo import Repo
from glow.room.progression import copy
from glow.room.progression.decide import (
    CONFLICT_BRANCH,
    CONFLICT_FILE,
    REVIEW_BRANCH,
    REVIEW_FILE,
    conflict_versions,
    review_version,
)

PRACTICE_FILES = (CONFLICT_FILE, REVIEW_FILE)


def _head(repo: Repo, branch: str) -> str | None:
    ref = repo.get_json(repo.url("git", "ref", "heads", branch))
    return str(ref["object"]["sha"]) if ref else None


def _branch_from(repo: Repo, branch: str, base: str) -> bool:
    """Create ``branch`` at the head of ``base`` unless it exists; True when created."""
    if _head(repo, branch) is not None:
        return False
    sha = _head(repo, base)
    if sha is None:
        return False
    repo.request("POST", repo.url("git", "refs"), json={"ref": f"refs/heads/{branch}", "sha": sha})
    return True


def _text(repo: Repo, path: str, branch: str) -> str | None:
    found = repo.read_file(path, branch)
    return found.text if found else None


def _conflict_made(repo: Repo, default_branch: str) -> bool:
    """True once the default branch holds the conflict's last step (our commit to the practice
    file): from then on the file and the branch are the learner's to resolve and merge, and a
    re-run (``provision --verify``) must never put the conflict back."""
    commits = repo.get_json(
        repo.url("commits"), {"sha": default_branch, "path": CONFLICT_FILE, "per_page": 100}
    )
    first_line = copy.CONFLICT_COMMIT_MAIN.split("\n", 1)[0]
    return any(
        isinstance(c, dict)
        and str((c.get("commit") or {}).get("message") or "").split("\n", 1)[0] == first_line
        for c in commits or []
    )


def seed_branches(repo: Repo, default_branch: str) -> list[str]:
    """Make both practice branches exist as the challenges need them; what was written."""
    done: list[str] = []
    if not _conflict_made(repo, default_branch):
        done += _seed_conflict(repo, default_branch)
    if _branch_from(repo, REVIEW_BRANCH, default_branch):
        done.append(REVIEW_BRANCH)
    current = _text(repo, REVIEW_FILE, REVIEW_BRANCH)
    wanted = review_version(current)
    if current != wanted:
        repo.write_file(REVIEW_FILE, lambda _old: wanted, copy.REVIEW_COMMIT, branch=REVIEW_BRANCH)
        done.append(f"{REVIEW_FILE} on {REVIEW_BRANCH}")
    return done


def _seed_conflict(repo: Repo, default_branch: str) -> list[str]:
    """The branch first (its version of the line), then the default branch's: converges after
    a crash part-way, since only the last step marks the conflict as made."""
    done: list[str] = []
    main_text = _text(repo, CONFLICT_FILE, default_branch)
    _base, theirs, ours = conflict_versions(main_text)
    if _branch_from(repo, CONFLICT_BRANCH, default_branch):
        done.append(CONFLICT_BRANCH)
    if _text(repo, CONFLICT_FILE, CONFLICT_BRANCH) != theirs:
        repo.write_file(
            CONFLICT_FILE, lambda _old: theirs, copy.CONFLICT_COMMIT_BRANCH, branch=CONFLICT_BRANCH
        )
        done.append(f"{CONFLICT_FILE} on {CONFLICT_BRANCH}")
    if main_text != ours:
        repo.write_file(
            CONFLICT_FILE, lambda _old: ours, copy.CONFLICT_COMMIT_MAIN, branch=default_branch
        )
        done.append(f"{CONFLICT_FILE} on {default_branch}")
    return done


def seed_fresh(
    repo: Repo,
    default_branch: str,
    tree: str,
    template: Mapping[str, str | None],
    extra: Mapping[str, str],
) -> list[str]:
    """A room just generated from the template (its tree ``tree``, the template's practice
    texts ``template``): both practice branches off its first commit, then one commit on the
    default branch with the conflict's other side and ``extra`` (the learner's facts). Nine
    writes, no reads but the head; the default branch moves last, so a crash part-way leaves
    what ``seed_branches`` finishes."""
    head = _head(repo, default_branch)
    if head is None:
        raise GitHubError(f"Branch {default_branch!r} not found in {repo.full_name}", status=404)
    _base, theirs, ours = conflict_versions(template.get(CONFLICT_FILE))
    branches = (
        (CONFLICT_BRANCH, CONFLICT_FILE, theirs, copy.CONFLICT_COMMIT_BRANCH),
        (REVIEW_BRANCH, REVIEW_FILE, review_version(template.get(REVIEW_FILE)), copy.REVIEW_COMMIT),
    )
    for branch, path, text, message in branches:
        sha = commit_onto(repo, head, tree, {path: text}, message)
        ref = {"ref": f"refs/heads/{branch}", "sha": sha}
        repo.request("POST", repo.url("git", "refs"), json=ref)
    message = f"{copy.CONFLICT_COMMIT_MAIN}\n\n{LEARNER_FACTS_NOTE}"
    sha = commit_onto(repo, head, tree, {CONFLICT_FILE: ours, **extra}, message)
    repo.request(
        "PATCH",
        repo.url("git", "refs", "heads", quote(default_branch, safe="/")),
        json={"sha": sha, "force": False},
    )
    return [CONFLICT_BRANCH, REVIEW_BRANCH, f"{CONFLICT_FILE} on {default_branch}", *extra]
