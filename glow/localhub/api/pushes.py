"""Writing to a repository's git history from the REST API, and the events every write sends.

``commit_files`` makes one commit on a branch (the contents API, a repository's first commit);
``emit_push`` sends ``push`` (and ``create``, ``delete`` and ``pull_request.synchronize``) for
any ref that moved, whether through REST, a merge or ``git push`` over smart HTTP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glow.localhub import gitstore
from glow.localhub.api.pulldata import branch_moved
from glow.localhub.events import commit_for_push, push_payload, sender_login
from glow.localhub.routing import HubError, invalid

if TYPE_CHECKING:
    from glow.localhub.auth import Principal
    from glow.localhub.protocols import Hub

MALFORMED_PATH = "path contains a malformed path component"


def malformed_path(resource: str = "Commit") -> HubError:
    return HubError(
        422,
        MALFORMED_PATH,
        errors=[
            {"resource": resource, "field": "path", "code": "invalid", "message": MALFORMED_PATH}
        ],
    )


def check_message(message: str, resource: str = "Commit") -> str:
    """git refuses a NUL byte in a commit message; GitHub answers 422."""
    if "\0" in message:
        raise invalid(resource, "message", "invalid", "message must not contain a NUL byte")
    return message


def identity_for(hub: Hub, login: str | None) -> gitstore.Identity:
    acc = hub.account_or_ghost(login)
    return gitstore.Identity(
        acc.get("name") or acc["login"],
        f"{acc['id']}+{acc['login']}@users.noreply.localhub",
        hub.store.now_iso(),
    )


def commit_files(
    hub: Hub,
    repo: dict[str, Any],
    branch: str,
    files: dict[str, bytes | None],
    message: str,
    login: str | None,
    *,
    principal: Principal | None = None,
    committer: gitstore.Identity | None = None,
) -> tuple[str, str | None]:
    """One commit on ``branch`` setting (or deleting, for None) files; emits ``push``.

    Everything is checked before the first git write, so a rejected call changes nothing."""
    git_dir = hub.store.git_dir(repo)
    if not gitstore.valid_ref_name(branch):
        raise HubError(404, f"Branch {branch} not found")
    if not all(gitstore.valid_path(path) for path in files):
        raise malformed_path()
    check_message(message)
    with hub.store.lock:
        parent = gitstore.rev_parse(git_dir, f"refs/heads/{branch}")
        changes: dict[str, tuple[str, str] | None] = {}
        for path, data in files.items():
            changes[path] = None if data is None else ("100644", gitstore.hash_blob(git_dir, data))
        base_tree = gitstore.out(git_dir, "rev-parse", f"{parent}^{{tree}}") if parent else None
        tree = gitstore.build_tree(git_dir, base_tree, changes)
        who = identity_for(hub, login)
        sha = gitstore.commit_tree(
            git_dir, tree, [parent] if parent else [], message, who, committer
        )
        gitstore.update_ref(git_dir, f"refs/heads/{branch}", sha, parent or "0" * 40)
        repo["pushed_at"] = hub.store.now_iso()
        hub.store.mark_dirty()
    if principal is not None:
        emit_push(hub, repo, f"refs/heads/{branch}", parent or "0" * 40, sha, principal)
    return sha, parent


def emit_push(
    hub: Hub, repo: dict[str, Any], ref: str, before: str, after: str, principal: Principal
) -> None:
    git_dir = hub.store.git_dir(repo)
    commits = []
    zero = "0" * 40
    if after != zero:
        rev = after if before == zero else f"{before}..{after}"
        # A new branch lists only the commits no other branch has, as GitHub's push does.
        others = tuple(
            sha
            for name, sha in gitstore.refs(git_dir, "refs/heads/").items()
            if name != ref and before == zero
        )
        for sha in reversed(gitstore.log(git_dir, rev, limit=20, exclude=others)):
            info = gitstore.read_commit(git_dir, sha)
            parent = info.parents[0] if info and info.parents else gitstore.EMPTY_TREE
            files = gitstore.diff_files(git_dir, parent, sha)
            commits.append(commit_for_push(hub, repo, info, files))
    # A push that drops commits (a force push, or PATCH ref with force) says so.
    forced = zero not in (before, after) and gitstore.merge_base(git_dir, before, after) != before
    payload = push_payload(
        hub, repo, ref, before, after, commits, sender_login(principal), forced=forced
    )
    hub.emit(repo, "push", payload, principal, sha=after if after != zero else None, ref=ref)
    if ref.startswith("refs/heads/"):
        branch_moved(hub, repo, ref.removeprefix("refs/heads/"), before, after, principal)
    kind = "branch" if ref.startswith("refs/heads/") else "tag"
    short = ref.removeprefix("refs/heads/").removeprefix("refs/tags/")
    if before == zero and ref.startswith(("refs/heads/", "refs/tags/")):
        hub.emit(
            repo,
            "create",
            {
                "ref": short,
                "ref_type": kind,
                "master_branch": repo["default_branch"],
                "description": None,
                "pusher_type": "user",
            },
            principal,
            sha=after,
            ref=ref,
        )
    if after == zero and ref.startswith(("refs/heads/", "refs/tags/")):
        hub.emit(repo, "delete", {"ref": short, "ref_type": kind, "pusher_type": "user"}, principal)
