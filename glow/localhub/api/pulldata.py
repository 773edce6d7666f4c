"""Pull requests as state and as events: the pull request's JSON, the ``pull_request`` event,
and what a push to its head branch does (``synchronize``).

A pull request is an issue with a ``pull`` record: an event on such an issue is a
``pull_request`` event, which ``emit_issue`` decides for the issue, label and lock routes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glow.localhub import gitstore, shapes
from glow.localhub.api.issuedata import issue_json
from glow.localhub.api.required import unmet_contexts
from glow.localhub.events import repo_json
from glow.localhub.routing import not_found

if TYPE_CHECKING:
    from glow.localhub.auth import Principal
    from glow.localhub.protocols import Hub


def get_pull(repo: dict[str, Any], number: str) -> dict[str, Any]:
    iss: dict[str, Any] | None = repo["issues"].get(number)
    if iss is None or not iss.get("pull"):
        raise not_found()
    return iss


def _branch_side(hub: Hub, repo: dict[str, Any], ref: str, sha: str) -> dict[str, Any]:
    return {
        "label": f"{repo['owner']}:{ref}",
        "ref": ref,
        "sha": sha,
        "user": hub.user_json(repo["owner"]),
        "repo": repo_json(hub, repo),
    }


def mergeability(
    hub: Hub, repo: dict[str, Any], iss: dict[str, Any], base_sha: str, *, probe: bool
) -> bool | None:
    """GitHub's late mergeability: ``None`` until a background job has merged head into base.

    ``probe`` (a GET of the one pull request) starts the job when none is running for the
    current base and head, as GitHub's GET does; the answer is there once
    ``mergeability_delay_seconds`` of the hub's clock have passed since it started (with 0,
    on the next GET). Events and other answers only report what is already known."""
    pr = iss["pull"]
    if pr.get("merged") or iss["state"] == "closed":
        return None
    store = hub.store
    key = [base_sha, pr["head_sha"]]
    with store.lock:
        check = pr.get("merge_check")
        if not check or check.get("key") != key:
            if probe:
                pr["merge_check"] = {"key": key, "started": store.epoch(), "result": None}
                store.mark_dirty()
            return None
        if check.get("result") is None:
            delay = float(store.config.get("mergeability_delay_seconds", 0))
            if not probe or store.epoch() - float(check["started"]) < delay:
                return None
            tree = gitstore.merge_trees(store.git_dir(repo), base_sha, pr["head_sha"])
            check["result"] = tree is not None
            store.mark_dirty()
        return bool(check["result"])


def pull_json(
    hub: Hub,
    repo: dict[str, Any],
    iss: dict[str, Any],
    *,
    full: bool = True,
    probe: bool = False,
) -> dict[str, Any]:
    pr = iss["pull"]
    full_name = repo["full_name"]
    base = issue_json(hub, repo, iss)
    api = f"{hub.urls.api}/repos/{full_name}"
    num = iss["number"]
    git_dir = hub.store.git_dir(repo)
    base_sha = gitstore.rev_parse(git_dir, f"refs/heads/{pr['base_ref']}") or pr["base_sha"]
    data: dict[str, Any] = {
        "url": f"{api}/pulls/{num}",
        "id": iss["id"] + 1,
        "node_id": shapes.node_id("PR", iss["id"]),
        "html_url": f"{hub.urls.web}/{full_name}/pull/{num}",
        "diff_url": f"{hub.urls.web}/{full_name}/pull/{num}.diff",
        "patch_url": f"{hub.urls.web}/{full_name}/pull/{num}.patch",
        "issue_url": f"{api}/issues/{num}",
        "commits_url": f"{api}/pulls/{num}/commits",
        "review_comments_url": f"{api}/pulls/{num}/comments",
        "review_comment_url": f"{api}/pulls/comments{{/number}}",
        "comments_url": f"{api}/issues/{num}/comments",
        "statuses_url": f"{api}/statuses/{pr['head_sha']}",
        "number": num,
        "state": iss["state"],
        "locked": bool(iss.get("locked", False)),
        "title": iss["title"],
        "user": base["user"],
        "body": iss.get("body"),
        "labels": base["labels"],
        "milestone": None,
        "active_lock_reason": iss.get("active_lock_reason"),
        "created_at": iss["created_at"],
        "updated_at": iss["updated_at"],
        "closed_at": iss.get("closed_at"),
        "merged_at": pr.get("merged_at"),
        "merge_commit_sha": pr.get("merge_commit_sha"),
        "assignee": base["assignee"],
        "assignees": base["assignees"],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": _branch_side(hub, repo, pr["head_ref"], pr["head_sha"]),
        "base": _branch_side(hub, repo, pr["base_ref"], base_sha),
        "_links": {
            k: {"href": v}
            for k, v in {
                "self": f"{api}/pulls/{num}",
                "html": f"{hub.urls.web}/{full_name}/pull/{num}",
                "issue": f"{api}/issues/{num}",
                "comments": f"{api}/issues/{num}/comments",
                "review_comments": f"{api}/pulls/{num}/comments",
                "review_comment": f"{api}/pulls/comments{{/number}}",
                "commits": f"{api}/pulls/{num}/commits",
                "statuses": f"{api}/statuses/{pr['head_sha']}",
            }.items()
        },
        "author_association": base["author_association"],
        "auto_merge": None,
        "draft": pr.get("draft", False),
    }
    if full:
        merged = bool(pr.get("merged"))
        mergeable = mergeability(hub, repo, iss, base_sha, probe=probe)
        blocked = bool(unmet_contexts(repo, pr["base_ref"], pr["head_sha"]))
        mb = gitstore.merge_base(git_dir, base_sha, pr["head_sha"]) or base_sha
        files = gitstore.diff_files(git_dir, mb, pr["head_sha"])
        data.update(
            {
                "merged": merged,
                "mergeable": mergeable,
                "rebaseable": mergeable,
                "mergeable_state": "unknown"
                if mergeable is None
                else ("dirty" if not mergeable else "blocked" if blocked else "clean"),
                "merged_by": hub.user_json(pr["merged_by"]) if pr.get("merged_by") else None,
                "comments": iss.get("comments", 0),
                "review_comments": sum(
                    1 for c in repo.get("review_comments", {}).values() if c["number"] == num
                ),
                "maintainer_can_modify": False,
                "commits": len(gitstore.log(git_dir, f"{mb}..{pr['head_sha']}")),
                "additions": sum(f.additions for f in files),
                "deletions": sum(f.deletions for f in files),
                "changed_files": len(files),
            }
        )
    return data


def emit_pull(
    hub: Hub,
    repo: dict[str, Any],
    iss: dict[str, Any],
    action: str,
    principal: Principal,
    **extra: Any,
) -> None:
    hub.emit(
        repo,
        "pull_request",
        {
            "action": action,
            "number": iss["number"],
            "pull_request": pull_json(hub, repo, iss),
            **extra,
        },
        principal,
        sha=iss["pull"]["head_sha"],
        ref=f"refs/pull/{iss['number']}/merge",
    )


def branch_moved(
    hub: Hub, repo: dict[str, Any], branch: str, before: str, after: str, principal: Principal
) -> None:
    """A push to a pull request's head branch is a ``synchronize``."""
    for iss in list(repo["issues"].values()):
        pr = iss.get("pull")
        if pr and iss["state"] == "open" and pr["head_ref"] == branch and after != "0" * 40:
            pr["head_sha"] = after
            iss["updated_at"] = hub.store.now_iso()
            hub.store.mark_dirty()
            emit_pull(hub, repo, iss, "synchronize", principal, before=before, after=after)


def emit_issue(
    hub: Hub,
    repo: dict[str, Any],
    iss: dict[str, Any],
    action: str,
    principal: Principal,
    **extra: Any,
) -> None:
    """The event for a change to an issue: ``issues``, or ``pull_request`` for a pull request."""
    if iss.get("pull"):
        emit_pull(hub, repo, iss, action, principal, **extra)
        return
    hub.emit(
        repo,
        "issues",
        {"action": action, "issue": issue_json(hub, repo, iss), **extra},
        principal,
    )
