"""Merging a pull request (merge or squash), and closing the issues it names with a keyword."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glow.keywords import closing_references
from glow.localhub import gitstore
from glow.localhub.api.common import repo_for, str_field
from glow.localhub.api.issuedata import actor, issue_json, set_state
from glow.localhub.api.pulldata import emit_pull, get_pull
from glow.localhub.api.pushes import emit_push, identity_for
from glow.localhub.api.rules import refusal
from glow.localhub.api.statuses import unmet_checks
from glow.localhub.routing import Ctx, HubError, Response, invalid

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub


def register(hub: Hub) -> None:
    @hub.router.route("PUT", "/repos/{owner}/{repo}/pulls/{pull_number}/merge")
    def merge(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "write", "write")
        return do_merge(hub, ctx, repo)


def do_merge(hub: Hub, ctx: Ctx, repo: dict[str, Any]) -> Response:
    store = hub.store
    git_dir = store.git_dir(repo)
    method = str_field(ctx, "merge_method", "PullRequest") or "merge"
    if method not in ("merge", "squash", "rebase"):
        raise invalid("PullRequest", "merge_method", "invalid")
    with store.lock:
        iss = get_pull(repo, ctx.params["pull_number"])
        pr = iss["pull"]
        if iss["state"] != "open" or pr.get("merged"):
            raise HubError(405, "Pull Request is not mergeable")
        expected = str_field(ctx, "sha", "PullRequest")
        if expected and expected != pr["head_sha"]:
            raise HubError(409, "Head branch was modified. Review and try the merge again.")
        # A protected base's required status checks must say success on the head first.
        unmet = unmet_checks(hub, ctx, repo, pr["base_ref"], pr["head_sha"])
        if unmet:
            raise HubError(405, unmet)
        ruled = refusal(
            store, ctx.principal, repo, f"refs/heads/{pr['base_ref']}", pr["head_sha"], merge=True
        )
        if ruled is not None:
            raise HubError(405, ruled.message())
        base_ref = f"refs/heads/{pr['base_ref']}"
        base_sha = gitstore.rev_parse(git_dir, base_ref)
        if base_sha is None:
            raise HubError(405, "Pull Request is not mergeable")
        tree = gitstore.merge_trees(git_dir, base_sha, pr["head_sha"])
        if tree is None:
            raise HubError(405, "Pull Request is not mergeable")
        title = str_field(ctx, "commit_title", "PullRequest") or (
            f"Merge pull request #{iss['number']} from {repo['owner']}/{pr['head_ref']}"
            if method == "merge"
            else f"{iss['title']} (#{iss['number']})"
        )
        message = title + "\n\n" + (str_field(ctx, "commit_message", "PullRequest") or iss["title"])
        parents = [base_sha, pr["head_sha"]] if method == "merge" else [base_sha]
        who = identity_for(hub, actor(ctx.principal))
        sha = gitstore.commit_tree(git_dir, tree, parents, message + "\n", who)
        gitstore.update_ref(git_dir, base_ref, sha, base_sha)
        pr.update(
            merged=True,
            merged_at=store.now_iso(),
            merged_by=actor(ctx.principal),
            merge_commit_sha=sha,
            base_sha=base_sha,
        )
        set_state(hub, repo, iss, "closed", None, ctx.principal)
        iss["updated_at"] = store.now_iso()
        repo["pushed_at"] = store.now_iso()
        store.mark_dirty()
    emit_push(hub, repo, base_ref, base_sha, sha, ctx.principal)
    emit_pull(hub, repo, iss, "closed", ctx.principal)
    if pr["base_ref"] == repo["default_branch"]:
        close_linked(hub, ctx, repo, iss)
    return Response(
        200, {"sha": sha, "merged": True, "message": "Pull Request successfully merged"}
    )


def close_linked(hub: Hub, ctx: Ctx, repo: dict[str, Any], iss: dict[str, Any]) -> None:
    """Merging into the default branch closes the issues the PR names with a closing keyword."""
    text = f"{iss['title']}\n{iss.get('body') or ''}"
    for number in closing_references(text, repo["full_name"]):
        target = repo["issues"].get(str(number))
        if target is None or target.get("pull") or target["state"] != "open":
            continue
        with hub.store.lock:
            set_state(hub, repo, target, "closed", "completed", ctx.principal)
            target["updated_at"] = hub.store.now_iso()
            hub.store.mark_dirty()
        hub.emit(
            repo,
            "issues",
            {"action": "closed", "issue": issue_json(hub, repo, target)},
            ctx.principal,
        )
