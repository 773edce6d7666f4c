"""Read a room's submissions and its files at a commit; write the verdict. With the provisioning
credential (the App), which reaches every room; the room's own job token never leaves it.

A room's files at the submitted commit come through the git data API: one tree listing
(recursive) and one blob per file. A project is small (a cap of 400 files and 2 MB a file keeps
a hostile room from making the grader fetch without end).
"""

from __future__ import annotations

import base64
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from glow.cohort.submissions.decide import SUBMITTED_LABEL
from glow.errors import GitHubError

if TYPE_CHECKING:
    from glow.github import Repo

MAX_FILES = 400
MAX_BYTES = 2_000_000


class RoomTooLarge(Exception):
    pass


def search_submissions(repo: Repo, owner: str) -> dict[str, list[dict[str, Any]]]:
    """Every open issue labelled ``submitted`` in ``owner``'s repositories this credential can
    see, by repository: one search (a page of 100 per request), not one listing per room.

    GitHub's search index lags a little behind a new label: a submission it does not show yet
    waits for the next run, which finds it (the label stays on until a verdict is written)."""
    # Learning Rooms are private: is:private leaves out the organisation's public repositories.
    query = f"org:{owner} is:issue is:open is:private label:{SUBMITTED_LABEL}"
    found: dict[str, list[dict[str, Any]]] = {}
    for item in repo.paginate("search/issues", {"q": query}, key="items"):
        parts = str(item.get("repository_url") or "").rstrip("/").split("/")
        if len(parts) >= 2:
            found.setdefault(f"{parts[-2]}/{parts[-1]}".lower(), []).append(item)
    return found


def current_issue(repo: Repo, number: int) -> dict[str, Any] | None:
    """The issue as GitHub has it now, or None when it is gone or no longer labelled."""
    issue = repo.get_json(repo.url("issues", number))
    if not issue or issue.get("state") != "open":
        return None
    labels = {str(label.get("name", "")).lower() for label in issue.get("labels") or []}
    return dict(issue) if SUBMITTED_LABEL in labels else None


def comments(repo: Repo, issue: int) -> list[dict[str, Any]]:
    return list(repo.paginate(repo.url("issues", issue, "comments"), {"per_page": 100}))


def fetch_commit(repo: Repo, sha: str, target: Path) -> None:
    """Write the room's files at ``sha`` under ``target`` (which exists and is empty)."""
    tree = repo.get_json(repo.url("git", "trees", sha), {"recursive": "1"})
    if not tree:
        raise GitHubError(f"{repo.full_name} has no commit {sha[:7]}", status=404)
    blobs = [e for e in tree.get("tree", []) if e.get("type") == "blob"]
    if len(blobs) > MAX_FILES or tree.get("truncated"):
        raise RoomTooLarge(f"more than {MAX_FILES} files at commit {sha[:7]}")
    for entry in blobs:
        path = PurePosixPath(str(entry["path"]))
        if path.is_absolute() or ".." in path.parts or path.parts[:1] == (".git",):
            continue
        if int(entry.get("size") or 0) > MAX_BYTES:
            raise RoomTooLarge(f"{path} is larger than {MAX_BYTES // 1_000_000} MB")
        blob = repo.get_json(repo.url("git", "blobs", entry["sha"]))
        content = base64.b64decode(blob["content"]) if blob else b""
        destination = target.joinpath(*path.parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(content)
        if entry.get("mode") == "100755":
            destination.chmod(0o755)


def take_label_off(repo: Repo, issue: int) -> None:
    try:
        repo.request("DELETE", repo.url("issues", issue, "labels", SUBMITTED_LABEL))
    except GitHubError as exc:
        if exc.status != 404:
            raise
