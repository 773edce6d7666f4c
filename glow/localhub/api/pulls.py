"""Pull requests: open, list, update, files and commits; the pull request's JSON and events
live in ``pulldata.py``, merging in ``merge.py``, reviews in ``reviews.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from glow.localhub import gitstore
from glow.localhub.api.commits import commit_json, diff_entry
from glow.localhub.api.common import paginate, repo_for, require_author_or, str_field
from glow.localhub.api.issuedata import apply_issue_update, new_issue
from glow.localhub.api.pulldata import emit_pull, get_pull, pull_json
from glow.localhub.routing import Ctx, HubError, Response, invalid

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub


def register(hub: Hub) -> None:
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
        iss = get_pull(repo, ctx.params["pull_number"])
        return Response(200, pull_json(hub, repo, iss, probe=True))

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
            diff_entry(hub, repo, f, pr["head_sha"], mb)
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
