"""Issue comments (on issues and pull requests alike), with the ``issue_comment`` events."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from glow.localhub import shapes
from glow.localhub.api.bodies import check_body, record_version
from glow.localhub.api.common import (
    paginate,
    repo_for,
    require_author_or,
    role_for,
    since_param,
    str_field,
    updated_since,
)
from glow.localhub.api.issuedata import (
    LOCKED_MESSAGE,
    actor,
    association,
    get_issue,
    issue_json,
    may_comment,
)
from glow.localhub.routing import Ctx, HubError, Response, invalid, not_found

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub


def repo_comments_order(ctx: Ctx) -> Callable[[dict[str, Any]], tuple[str, int]]:
    """The sort key for a repository's comments, from ``sort`` and ``direction``.

    GitHub's OpenAPI description: "By default, issue comments are ordered by ascending ID";
    ``sort`` is ``created`` (the default) or ``updated``; ``direction`` is ``asc`` or ``desc``,
    "Ignored without the ``sort`` parameter". With ``sort`` and no ``direction`` GitHub answers
    in ascending order (the description names no default).
    """
    sort, direction = ctx.q("sort"), ctx.q("direction")
    if sort is not None and sort not in ("created", "updated"):
        raise invalid("IssueComment", "sort", "invalid", "sort must be created or updated")
    if direction is not None and direction not in ("asc", "desc"):
        raise invalid("IssueComment", "direction", "invalid", "direction must be asc or desc")
    field = "updated_at" if sort == "updated" else "created_at"
    return lambda c: (c[field], c["id"])


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    def comment_out(repo: dict[str, Any], com: dict[str, Any]) -> dict[str, Any]:
        return shapes.comment(hub.urls, repo["full_name"], com, hub.account_or_ghost(com["user"]))

    def emit_comment(
        repo: dict[str, Any], com: dict[str, Any], action: str, ctx: Ctx, **extra: Any
    ) -> None:
        iss = repo["issues"][str(com["issue_number"])]
        hub.emit(
            repo,
            "issue_comment",
            {
                "action": action,
                "issue": issue_json(hub, repo, iss),
                "comment": comment_out(repo, com),
                **extra,
            },
            ctx.principal,
        )

    def get_comment(repo: dict[str, Any], ident: str) -> dict[str, Any]:
        com: dict[str, Any] | None = repo["comments"].get(ident)
        if com is None:
            raise not_found()
        return com

    @r.route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
    def list_comments(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "read", "read")
        number = int(get_issue(repo, ctx.params["issue_number"])["number"])
        since = since_param(ctx, "IssueComment")
        items = [
            c
            for c in repo["comments"].values()
            if c["issue_number"] == number and updated_since(c, since)
        ]
        items.sort(key=lambda c: c["id"])  # "Issue comments are ordered by ascending ID."
        return paginate(hub, ctx, [comment_out(repo, c) for c in items])

    @r.route("GET", "/repos/{owner}/{repo}/issues/comments")
    def list_repo_comments(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "read", "read")
        since = since_param(ctx, "IssueComment")
        items = [c for c in repo["comments"].values() if updated_since(c, since)]
        descending = ctx.q("sort") is not None and ctx.q("direction") == "desc"
        items.sort(key=repo_comments_order(ctx), reverse=descending)
        return paginate(hub, ctx, [comment_out(repo, c) for c in items])

    @r.route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", creates_content=True)
    def create_comment(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "write", "read")
        body = str_field(ctx, "body", "IssueComment", required=True)
        check_body(body, "IssueComment")
        with store.lock:
            iss = get_issue(repo, ctx.params["issue_number"])
            if not may_comment(ctx.principal, role_for(hub, ctx, repo), iss):
                raise HubError(403, LOCKED_MESSAGE)
            now = store.now_iso()
            login = actor(ctx.principal)
            com = {
                "id": store.next_id(),
                "issue_number": iss["number"],
                "body": body,
                "user": login,
                "created_at": now,
                "updated_at": now,
                "author_association": association(hub, repo, login),
            }
            repo["comments"][str(com["id"])] = com
            record_version(hub, repo, "comment", iss["number"], body, login, comment_id=com["id"])
            iss["comments"] = iss.get("comments", 0) + 1
            iss["updated_at"] = now
            store.mark_dirty()
        emit_comment(repo, com, "created", ctx)
        return Response(
            201,
            comment_out(repo, com),
            {"location": f"{hub.urls.api}/repos/{repo['full_name']}/issues/comments/{com['id']}"},
        )

    @r.route("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}")
    def read_comment(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "read", "read")
        return Response(200, comment_out(repo, get_comment(repo, ctx.params["comment_id"])))

    def may_change(ctx: Ctx, repo: dict[str, Any], com: dict[str, Any]) -> None:
        require_author_or(hub, ctx, repo, com["user"], "write")

    @r.route("PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}")
    def update_comment(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "write", "read")
        body = str_field(ctx, "body", "IssueComment", required=True)
        check_body(body, "IssueComment")
        with store.lock:
            com = get_comment(repo, ctx.params["comment_id"])
            may_change(ctx, repo, com)
            old = com["body"]
            changed = old != body
            if changed:
                com["body"] = body
                editor = actor(ctx.principal)
                number = com["issue_number"]
                record_version(hub, repo, "comment", number, body, editor, comment_id=com["id"])
                com["updated_at"] = store.now_iso()
                store.mark_dirty()
        if changed:
            emit_comment(repo, com, "edited", ctx, changes={"body": {"from": old}})
        return Response(200, comment_out(repo, com))

    @r.route("DELETE", "/repos/{owner}/{repo}/issues/comments/{comment_id}")
    def delete_comment(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "write", "read")
        with store.lock:
            com = get_comment(repo, ctx.params["comment_id"])
            may_change(ctx, repo, com)
            del repo["comments"][ctx.params["comment_id"]]
            iss = repo["issues"].get(str(com["issue_number"]))
            if iss:
                iss["comments"] = max(iss.get("comments", 1) - 1, 0)
            store.mark_dirty()
        emit_comment(repo, com, "deleted", ctx)
        return Response(204)
