"""Files in a repository: sha-checked single-file writes and one-commit multi-file writes.

The admin repo's files are the roster of record, written by several bots: a blind overwrite
would lose a concurrent writer's change (glow-facts.md: "merged, never overwritten"). So a
single-file write re-reads and re-applies a pure ``update`` when GitHub reports the sha moved,
and a multi-file write is one commit whose ref update is not forced, retried from the top
when the branch moved. Neither writes anything when the content is already right.
"""

from __future__ import annotations

import base64
import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from glow.errors import GitHubError
from glow.github.backoff import github_message
from glow.gitsha import git_blob_sha

if TYPE_CHECKING:
    from glow.github.repo import Repo

log = logging.getLogger("glow.github")

WriteOutcome = Literal["created", "updated", "deleted", "unchanged"]
BLOB_MODES = frozenset({"100644", "100755"})
# Contention: jobs run side by side on GitHub, and a burst of registrations all commit to one
# branch. Each lost race waits a random time ("full jitter", so the losers spread out instead of
# colliding again), growing exponentially, until the budget is spent.
CONTENTION_BUDGET_S = 120.0
CONTENTION_BASE_S = 0.25
CONTENTION_CAP_S = 8.0


class Contention:
    """When to try again after another writer won the race, and when to give up."""

    def __init__(
        self,
        repo: Repo,
        *,
        budget_s: float = CONTENTION_BUDGET_S,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.repo = repo
        self.budget_s = budget_s
        self.jitter = jitter
        self.attempts = 0
        self._started = repo._clock()

    def again(self, what: str) -> None:
        """Wait before the next attempt at ``what``; when the budget would run out, raise a
        GitHubError that says so and how to go on."""
        self.attempts += 1
        ceiling = min(CONTENTION_CAP_S, CONTENTION_BASE_S * 2 ** min(self.attempts - 1, 16))
        delay = ceiling * self.jitter()
        if self.repo._clock() - self._started + delay > self.budget_s:
            raise GitHubError(
                f"{what} ({self.attempts} attempts in {self.budget_s:.0f} s); re-run to try again.",
                status=409,
            )
        log.info("github: %s (attempt %d); retrying in %.2f s", what, self.attempts, delay)
        self.repo._sleep(delay)


@dataclass(frozen=True)
class FileAt:
    """A text file as GitHub holds it: the sha is what a write must quote back."""

    path: str
    text: str
    sha: str


def _file_path(path: str) -> str:
    clean = path.strip("/")
    if not clean or any(part in ("", ".", "..") for part in clean.split("/")):
        raise ValueError(f"not a repository file path: {path!r}")
    return clean


def _decode(path: str, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        message = f"{path} is not UTF-8 text; GLOW reads and writes text files only"
        raise GitHubError(message) from None


def read_file(repo: Repo, path: str, ref: str | None = None) -> FileAt | None:
    """The text at ``path`` on ``ref`` (default branch when None), or None when absent."""
    clean = _file_path(path)
    data = repo.get_json(repo.url("contents", quote(clean)), {"ref": ref} if ref else None)
    if data is None:
        return None
    kind = "directory" if isinstance(data, list) else data.get("type")
    if kind != "file":
        raise GitHubError(f"{clean} in {repo.full_name} is a {kind}, not a file")
    sha = str(data["sha"])
    if data.get("encoding") == "base64":
        return FileAt(clean, _decode(clean, base64.b64decode(data.get("content") or "")), sha)
    # Files over 1 MB come back with encoding "none" and no content; the blob API has them.
    blob = repo.request("GET", repo.url("git", "blobs", sha)).json()
    return FileAt(clean, _decode(clean, base64.b64decode(blob.get("content") or "")), sha)


def _is_sha_conflict(exc: GitHubError, *, deleting: bool) -> bool:
    if exc.status == 409:
        return True
    if exc.status == 404 and deleting:  # someone deleted it first: re-read decides
        return True
    return exc.status == 422 and "sha" in github_message(exc).lower()


def write_file(
    repo: Repo,
    path: str,
    update: Callable[[str | None], str | None],
    message: str,
    *,
    branch: str | None = None,
    budget_s: float = CONTENTION_BUDGET_S,
) -> WriteOutcome:
    """Read the file, apply the pure ``update`` (None in: absent; None out: delete), write back.

    The write quotes the sha we read; when someone else wrote in between, GitHub answers 409
    (or 422 about the sha) and we read again and re-apply ``update`` to their version.
    """
    clean = _file_path(path)
    url = repo.url("contents", quote(clean))
    contention = Contention(repo, budget_s=budget_s)
    while True:
        current = read_file(repo, clean, branch)
        old = current.text if current else None
        new = update(old)
        if new == old:
            return "unchanged"
        body: dict[str, Any] = {"message": message}
        if branch:
            body["branch"] = branch
        try:
            if new is None:
                assert current is not None  # new != old, so the file exists
                repo.request("DELETE", url, json={**body, "sha": current.sha})
                return "deleted"
            body["content"] = base64.b64encode(new.encode("utf-8")).decode("ascii")
            if current is not None:
                body["sha"] = current.sha
            repo.request("PUT", url, json=body)
            return "updated" if current else "created"
        except GitHubError as exc:
            if not _is_sha_conflict(exc, deleting=new is None):
                raise
            contention.again(f"{clean} in {repo.full_name} kept changing while we wrote it")


def _tree_entries(
    repo: Repo,
    files: Mapping[str, str | None],
    existing: Mapping[str, tuple[str, str]],
    uploaded: set[str],
) -> list[dict[str, Any]]:
    """Tree entries for the paths whose content differs from the base tree (blobs uploaded)."""
    entries: list[dict[str, Any]] = []
    for path, text in files.items():
        mode, old_sha = existing.get(path, ("100644", None))
        mode = mode if mode in BLOB_MODES else "100644"
        if text is None:
            if old_sha is not None:
                entries.append({"path": path, "mode": mode, "type": "blob", "sha": None})
            continue
        data = text.encode("utf-8")
        sha = git_blob_sha(data)
        if sha == old_sha:
            continue
        if sha not in uploaded:
            content = base64.b64encode(data).decode("ascii")
            blob = repo.request(
                "POST", repo.url("git", "blobs"), json={"content": content, "encoding": "base64"}
            ).json()
            if blob.get("sha") != sha:
                raise GitHubError(f"GitHub stored {path} under an unexpected blob sha")
            uploaded.add(sha)
        entries.append({"path": path, "mode": mode, "type": "blob", "sha": sha})
    return entries


def _blob_text(repo: Repo, entry: tuple[str, str] | None) -> str | None:
    if entry is None:
        return None
    blob = repo.request("GET", repo.url("git", "blobs", entry[1])).json()
    return base64.b64decode(blob["content"]).decode("utf-8")


def commit_files(
    repo: Repo,
    files: Mapping[str, str | None]
    | Callable[[Mapping[str, str | None]], Mapping[str, str | None]],
    message: str,
    *,
    branch: str,
    read: tuple[str, ...] = (),
    budget_s: float = CONTENTION_BUDGET_S,
) -> str | None:
    """Write many files as ONE commit on ``branch``; a None value deletes that path.

    Returns the new commit's sha, or None when every file already had that content (no write
    at all: blob shas are computed locally and compared with the base tree). The ref moves
    without force; when another commit landed first (422, not a fast-forward) we start again
    from the new head so their change is kept.
    """
    static = None if callable(files) else {_file_path(p): t for p, t in files.items()}
    branch_path = quote(branch, safe="/")
    uploaded: set[str] = set()
    contention = Contention(repo, budget_s=budget_s)
    while True:
        ref = repo.get_json(repo.url("git", "ref", "heads", branch_path))
        if (
            ref is None
            and static
            and any(t is not None for t in static.values())
            and is_empty(repo)
        ):
            # GitHub's git data API refuses an empty repository ("Git Repository is empty.",
            # 409): the contents API makes its first commit, and the branch; the rest follows
            # as one commit on top.
            first = min(p for p, t in static.items() if t is not None)
            put_first_file(repo, first, static[first] or "", message, branch)
            continue
        if ref is None:
            raise GitHubError(f"Branch {branch!r} not found in {repo.full_name}", status=404)
        head = str(ref["object"]["sha"])
        base_tree = str(repo.request("GET", repo.url("git", "commits", head)).json()["tree"]["sha"])
        tree = repo.request(
            "GET", repo.url("git", "trees", base_tree), params={"recursive": "1"}
        ).json()
        # A truncated listing only costs extra uploads: unknown paths count as changed.
        existing = {
            str(e["path"]): (str(e["mode"]), str(e["sha"]))
            for e in tree.get("tree", [])
            if e.get("type") == "blob"
        }
        if static is None:
            # Read-modify-write: ``files`` sees the current text of ``read`` paths at this head
            # and is applied again from the new head when another commit lands first.
            current = {path: _blob_text(repo, existing.get(_file_path(path))) for path in read}
            wanted = {_file_path(p): t for p, t in files(current).items()}  # type: ignore[operator]
        else:
            wanted = static
        entries = _tree_entries(repo, wanted, existing, uploaded)
        if not entries:
            return None
        new_tree = repo.request(
            "POST", repo.url("git", "trees"), json={"base_tree": base_tree, "tree": entries}
        ).json()["sha"]
        if new_tree == base_tree:
            return None
        commit = repo.request(
            "POST",
            repo.url("git", "commits"),
            json={"message": message, "tree": new_tree, "parents": [head]},
        ).json()["sha"]
        try:
            repo.request(
                "PATCH",
                repo.url("git", "refs", "heads", branch_path),
                json={"sha": commit, "force": False},
            )
            return str(commit)
        except GitHubError as exc:
            if exc.status != 422:
                raise
            if refused_by_rule(exc):
                raise GitHubError(
                    f"GitHub refused to move {branch!r} in {repo.full_name}: "
                    f"{' '.join(github_message(exc).split())} A branch rule (a ruleset or "
                    "branch protection) stands in the way: add this identity to the rule's "
                    "bypass list, or make the change through a pull request",
                    status=422,
                ) from exc
            contention.again(
                f"Branch {branch!r} in {repo.full_name} kept moving while we committed"
            )


def refused_by_rule(exc: GitHubError) -> bool:
    """Whether a refused ref update is a branch rule's answer (a ruleset's "Repository rule
    violations found", classic protection's required status check), not a lost race."""
    message = github_message(exc).lower()
    return any(
        words in message
        for words in ("rule violation", "required status check", "protected branch")
    )


def is_empty(repo: Repo) -> bool:
    """Whether nothing was ever pushed to ``repo`` (no branch at all)."""
    return not repo.request("GET", repo.url("branches"), params={"per_page": 1}).json()


def put_first_file(repo: Repo, path: str, text: str, message: str, branch: str) -> None:
    """The first commit of an empty repository: one file through the contents API, which
    creates ``branch``."""
    repo.request(
        "PUT",
        repo.url("contents", quote(_file_path(path))),
        json={
            "message": message,
            "content": base64.b64encode(text.encode("utf-8")).decode("ascii"),
            "branch": branch,
        },
    )


def commit_onto(
    repo: Repo, parent: str, base_tree: str, files: Mapping[str, str], message: str
) -> str:
    """A new commit over ``parent`` whose tree is ``base_tree`` with ``files`` written (their
    text sent inline, so no blob uploads): two requests, no ref moved. The caller makes a branch
    of it or moves one, knowing what ``parent`` is (a fresh repository's first commit, say)."""
    entries = [
        {"path": _file_path(path), "mode": "100644", "type": "blob", "content": text}
        for path, text in files.items()
    ]
    tree = repo.request(
        "POST", repo.url("git", "trees"), json={"base_tree": base_tree, "tree": entries}
    ).json()["sha"]
    commit = repo.request(
        "POST",
        repo.url("git", "commits"),
        json={"message": message, "tree": tree, "parents": [parent]},
    ).json()["sha"]
    return str(commit)
