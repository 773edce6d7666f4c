"""Read a room's submissions and its files at a commit; write the verdict. With the provisioning
credential (the App), which reaches every room; the room's own job token never leaves it.

A room's files at the submitted commit come in one request: GitHub's tarball of that commit
(``GET /repos/{owner}/{repo}/tarball/{sha}``, a 302 to codeload that githubkit follows; on
github.com the redirect leaves the host, so httpx drops the Authorization header, and a
private repository's link carries its own short-lived token). ``unpack`` bounds what a hostile
room can make the grader write (400 files, 2 MB a file, 20 MB in all).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from glow.cohort.submissions.decide import SUBMITTED_LABEL, is_submitted
from glow.cohort.submissions.unpack import unpack
from glow.errors import GitHubError
from glow.github.repo import is_not_found

if TYPE_CHECKING:
    from glow.github import Repo


def search_submissions(repo: Repo, owner: str) -> dict[str, list[dict[str, Any]]]:
    """Every open issue labelled ``submitted`` in ``owner``'s repositories this credential can
    see, by repository: one search (a page of 100 per request), not one listing per room.

    GitHub's search index lags a little behind a new label: a submission it does not show yet
    waits for the next run, which finds it (the label stays on until a verdict is written)."""
    # Learning Rooms are private: is:private leaves out the organisation's public repositories.
    query = f"org:{owner} is:issue is:open is:private label:{SUBMITTED_LABEL}"
    found: dict[str, list[dict[str, Any]]] = {}
    # Oldest first: a run that stops at its time budget leaves the newest for the next run.
    params = {"q": query, "sort": "created", "order": "asc"}
    for item in repo.paginate("search/issues", params, key="items"):
        parts = str(item.get("repository_url") or "").rstrip("/").split("/")
        if len(parts) >= 2:
            found.setdefault(f"{parts[-2]}/{parts[-1]}".lower(), []).append(item)
    return found


def current_issue(repo: Repo, number: int) -> dict[str, Any] | None:
    """The issue as GitHub has it now, or None when it is gone or no longer labelled."""
    issue = repo.get_json(repo.url("issues", number))
    if not issue or issue.get("state") != "open" or not is_submitted(issue):
        return None
    return dict(issue)


def comments(repo: Repo, issue: int) -> list[dict[str, Any]]:
    return list(repo.paginate(repo.url("issues", issue, "comments"), {"per_page": 100}))


def fetch_commit(repo: Repo, sha: str, target: Path) -> None:
    """Write the room's files at ``sha`` under ``target`` (which exists and is empty)."""
    try:
        archive = repo.request("GET", repo.url("tarball", sha))
    except GitHubError as exc:
        if is_not_found(exc):
            raise GitHubError(f"{repo.full_name} has no commit {sha[:7]}", status=404) from exc
        raise
    unpack(archive.content, target, label=f"commit {sha[:7]}")
