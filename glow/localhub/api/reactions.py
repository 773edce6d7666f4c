"""Reactions on issues, pull requests and issue comments, as GitHub's REST API has them.

``POST .../reactions {"content"}`` answers 201 with a new reaction, or 200 with the one the
same person already gave (GitHub never duplicates a person's reaction of one kind); a content
that is not one of GitHub's eight is 422. ``GET`` lists them, filtered by ``content``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glow.localhub.api.common import paginate, repo_for
from glow.localhub.api.issuedata import actor, get_issue
from glow.localhub.routing import Ctx, Response, invalid, not_found

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

CONTENTS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes")


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    def reaction_json(reaction: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": reaction["id"],
            "node_id": f"REA_{reaction['id']}",
            "user": hub.user_json(reaction["user"]),
            "content": reaction["content"],
            "created_at": reaction["created_at"],
        }

    def target(ctx: Ctx, repo: dict[str, Any]) -> dict[str, Any]:
        if "comment_id" in ctx.params:
            found: dict[str, Any] | None = repo["comments"].get(ctx.params["comment_id"])
            if found is None:
                raise not_found()
            return found
        return get_issue(repo, ctx.params["issue_number"])

    def listing(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "read", "read")
        wanted = ctx.q("content")
        found = [
            reaction_json(x)
            for x in target(ctx, repo).get("reactions", [])
            if not wanted or x["content"] == wanted
        ]
        return paginate(hub, ctx, found)

    def create(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "write", "read")
        content = ctx.body().get("content")
        if content not in CONTENTS:
            raise invalid("Reaction", "content", "invalid", f"content must be one of {CONTENTS}")
        login = actor(ctx.principal) or ""
        with store.lock:
            thing = target(ctx, repo)
            given = thing.setdefault("reactions", [])
            for reaction in given:
                if reaction["user"].lower() == login.lower() and reaction["content"] == content:
                    return Response(200, reaction_json(reaction))
            reaction = {
                "id": store.next_id(),
                "user": login,
                "content": content,
                "created_at": store.now_iso(),
            }
            given.append(reaction)
            store.mark_dirty()
        return Response(201, reaction_json(reaction))

    for path in (
        "/repos/{owner}/{repo}/issues/{issue_number}/reactions",
        "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
    ):
        r.route("GET", path)(listing)
        r.route("POST", path, creates_content=True)(create)
