"""Pull requests: open, list, update, files and commits; merging lives in ``merge.py``,
reviews in ``reviews.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glow.localhub import gitstore, shapes
from glow.localhub.api.common import paginate, repo_for, require_author_or, str_field
from glow.localhub.api.contents import commit_json, diff_entry
from glow.localhub.api.issues import (
    apply_issue_update,
    issue_json,
    new_issue,
)
from glow.localhub.events import repo_json
from glow.localhub.routing import Ctx, HubError, Response, invalid, not_found

if TYPE_CHECKING:
    from glow.localhub.auth import Principal
    from glow.localhub.hub import LocalHub


def get_pull(repo: dict[str, Any], number: str) -> dict[str, Any]:
    iss = repo["issues"].get(number)
    if iss is None or not iss.get("pull"):
        raise not_found()
    return iss


def _branch_side(hub: LocalHub, repo: dict[str, Any], ref: str, sha: str) -> dict[str, Any]:
    return {
        "label": f"{repo['owner']}:{ref}",
        "ref": ref,
        "sha": sha,
        "user": hub.user_json(repo["owner"]),
        "repo": repo_json(hub, repo),
    }


def pull_json(
    hub: LocalHub, repo: dict[str, Any], iss: dict[str, Any], *, full: bool = True
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
        "locked": False,
        "title": iss["title"],
        "user": base["user"],
        "body": iss.get("body"),
        "labels": base["labels"],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": iss["created_at"],
        "updated_at": iss["updated_at"],
        "closed_at": iss.get("closed_at"),
        "merged_at": pr.get("merged_at"),
        "merge_commit_sha": pr.get("merge_commit_sha"),
        "assignee": None,
        "assignees": [],
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
        mergeable = (
            None
            if merged or iss["state"] == "closed"
            else (gitstore.merge_trees(git_dir, base_sha, pr["head_sha"]) is not None)
        )
        mb = gitstore.merge_base(git_dir, base_sha, pr["head_sha"]) or base_sha
        files = gitstore.diff_files(git_dir, mb, pr["head_sha"])
        data.update(
            {
                "merged": merged,
                "mergeable": mergeable,
                "rebaseable": mergeable,
                "mergeable_state": "unknown"
                if mergeable is None
                else ("clean" if mergeable else "dirty"),
                "merged_by": hub.user_json(pr["merged_by"]) if pr.get("merged_by") else None,
                "comments": iss.get("comments", 0),
                "review_comments": 0,
                "maintainer_can_modify": False,
                "commits": len(gitstore.log(git_dir, f"{mb}..{pr['head_sha']}")),
                "additions": sum(f.additions for f in files),
                "deletions": sum(f.deletions for f in files),
                "changed_files": len(files),
            }
        )
    return data


def emit_pull(
    hub: LocalHub,
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
    hub: LocalHub, repo: dict[str, Any], branch: str, before: str, after: str, principal: Principal
) -> None:
    """A push to a pull request's head branch is a ``synchronize``."""
    for iss in list(repo["issues"].values()):
        pr = iss.get("pull")
        if pr and iss["state"] == "open" and pr["head_ref"] == branch and after != "0" * 40:
            pr["head_sha"] = after
            iss["updated_at"] = hub.store.now_iso()
            hub.store.mark_dirty()
            emit_pull(hub, repo, iss, "synchronize", principal, before=before, after=after)


def register(hub: LocalHub) -> None:
    r = hub.router
    store = hub.store

    @r.route("POST", "/repos/{owner}/{repo}/pulls", creates_content=True)
    def create(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "pull_requests", "write", "read")
        title = str_field(ctx, "title", "PullRequest", required=True) or ""
        head = (str_field(ctx, "head", "PullRequest", required=True) or "").split(":")[-1]
        base = str_field(ctx, "base", "PullRequest", required=True) or ""
        git_dir = store.git_dir(repo)
        branches = gitstore.branches(git_dir)
        if head not in branches:
            raise invalid("PullRequest", "head", "invalid")
        if base not in branches:
            raise invalid("PullRequest", "base", "invalid")
        if gitstore.merge_base(git_dir, branches[base], branches[head]) == branches[head]:
            raise HubError(
                422,
                "Validation Failed",
                errors=[
                    {
                        "resource": "PullRequest",
                        "code": "custom",
                        "message": f"No commits between {base} and {head}",
                    }
                ],
            )
        for other in repo["issues"].values():
            pr = other.get("pull")
            if (
                pr
                and other["state"] == "open"
                and pr["head_ref"] == head
                and pr["base_ref"] == base
            ):
                raise HubError(
                    422,
                    "Validation Failed",
                    errors=[
                        {
                            "resource": "PullRequest",
                            "code": "custom",
                            "message": f"A pull request already exists for {repo['owner']}:{head}.",
                        }
                    ],
                )
        pull = {
            "head_ref": head,
            "head_sha": branches[head],
            "base_ref": base,
            "base_sha": branches[base],
            "merged": False,
            "merged_at": None,
            "merged_by": None,
            "merge_commit_sha": None,
            "draft": bool(ctx.body().get("draft")),
        }
        iss = new_issue(
            hub, repo, ctx.principal, title, str_field(ctx, "body", "PullRequest"), [], pull=pull
        )
        emit_pull(hub, repo, iss, "opened", ctx.principal)
        return Response(
            201,
            pull_json(hub, repo, iss),
            {"location": f"{hub.urls.api}/repos/{repo['full_name']}/pulls/{iss['number']}"},
        )

    @r.route("GET", "/repos/{owner}/{repo}/pulls")
    def list_pulls(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "pull_requests", "read", "read")
        state = ctx.q("state", "open")
        if state not in ("open", "closed", "all"):
            raise invalid("PullRequest", "state", "invalid")
        head = (ctx.q("head") or "").split(":")[-1]
        base = ctx.q("base") or ""
        items = [
            i
            for i in repo["issues"].values()
            if i.get("pull")
            and (state == "all" or i["state"] == state)
            and (not head or i["pull"]["head_ref"] == head)
            and (not base or i["pull"]["base_ref"] == base)
        ]
        items.sort(key=lambda i: i["number"], reverse=ctx.q("direction", "desc") != "asc")
        return paginate(hub, ctx, [pull_json(hub, repo, i, full=False) for i in items])

    @r.route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}")
    def get(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "pull_requests", "read", "read")
        return Response(200, pull_json(hub, repo, get_pull(repo, ctx.params["pull_number"])))

    @r.route("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}")
    def update(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "pull_requests", "write", "read")
        with store.lock:
            iss = get_pull(repo, ctx.params["pull_number"])
            require_author_or(hub, ctx, repo, iss["user"], "write")
            if iss["pull"].get("merged") and ctx.body().get("state") == "open":
                raise HubError(
                    422,
                    "Validation Failed",
                    errors=[
                        {
                            "resource": "PullRequest",
                            "code": "custom",
                            "field": "state",
                            "message": "Cannot reopen a merged pull request",
                        }
                    ],
                )
            events = apply_issue_update(
                hub, repo, iss, ctx, can_label=False, resource="PullRequest"
            )
        for action, extra in events:
            emit_pull(hub, repo, iss, action, ctx.principal, **extra)
        return Response(200, pull_json(hub, repo, iss))

    @r.route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files")
    def files(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "pull_requests", "read", "read")
        iss = get_pull(repo, ctx.params["pull_number"])
        pr = iss["pull"]
        git_dir = store.git_dir(repo)
        base_sha = (
            pr["base_sha"]
            if pr.get("merged")
            else (gitstore.rev_parse(git_dir, f"refs/heads/{pr['base_ref']}") or pr["base_sha"])
        )
        mb = gitstore.merge_base(git_dir, base_sha, pr["head_sha"]) or base_sha
        entries = [
            diff_entry(hub, repo, f, pr["head_sha"])
            for f in gitstore.diff_files(git_dir, mb, pr["head_sha"])
        ]
        return paginate(hub, ctx, entries)

    @r.route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/commits")
    def commits(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "pull_requests", "read", "read")
        pr = get_pull(repo, ctx.params["pull_number"])["pull"]
        git_dir = store.git_dir(repo)
        mb = gitstore.merge_base(git_dir, pr["base_sha"], pr["head_sha"]) or pr["base_sha"]
        shas = list(reversed(gitstore.log(git_dir, f"{mb}..{pr['head_sha']}")))
        return paginate(
            hub,
            ctx,
            [
                commit_json(hub, repo, gitstore.read_commit(git_dir, s))  # type: ignore[arg-type]
                for s in shas
            ],
        )

    @r.route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/merge")
    def is_merged(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "pull_requests", "read", "read")
        if not get_pull(repo, ctx.params["pull_number"])["pull"].get("merged"):
            return Response(404)  # documented without a body: "not merged"
        return Response(204)

    from glow.localhub.api.merge import register_merge
    from glow.localhub.api.reviews import register_reviews

    register_merge(hub)
    register_reviews(hub)
