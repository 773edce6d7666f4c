"""Pull request reviews, with the ``pull_request_review`` event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glow.localhub import shapes
from glow.localhub.api.common import paginate, repo_for, str_field
from glow.localhub.api.issuedata import actor, association
from glow.localhub.api.pulldata import get_pull, pull_json
from glow.localhub.routing import Ctx, HubError, Response, invalid

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    def review_json(
        repo: dict[str, Any], iss: dict[str, Any], rev: dict[str, Any]
    ) -> dict[str, Any]:
        api = f"{hub.urls.api}/repos/{repo['full_name']}/pulls/{iss['number']}"
        html = (
            f"{hub.urls.web}/{repo['full_name']}/pull/{iss['number']}#pullrequestreview-{rev['id']}"
        )
        return {
            "id": rev["id"],
            "node_id": shapes.node_id("PRR", rev["id"]),
            "user": hub.user_json(rev["user"]),
            "body": rev["body"],
            "state": rev["state"],
            "commit_id": rev["commit_id"],
            "html_url": html,
            "pull_request_url": api,
            "submitted_at": rev["submitted_at"],
            "author_association": rev["association"],
            "_links": {"html": {"href": html}, "pull_request": {"href": api}},
        }

    @r.route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews")
    def list_reviews(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "pull_requests", "read", "read")
        iss = get_pull(repo, ctx.params["pull_number"])
        items = [rev for rev in repo.get("reviews", {}).values() if rev["number"] == iss["number"]]
        return paginate(hub, ctx, [review_json(repo, iss, rev) for rev in items])

    @r.route("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", creates_content=True)
    def create_review(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "pull_requests", "write", "read")
        event = str_field(ctx, "event", "PullRequestReview") or "PENDING"
        states = {
            "APPROVE": "APPROVED",
            "REQUEST_CHANGES": "CHANGES_REQUESTED",
            "COMMENT": "COMMENTED",
            "PENDING": "PENDING",
        }
        if event not in states:
            raise invalid("PullRequestReview", "event", "invalid")
        body = str_field(ctx, "body", "PullRequestReview") or ""
        with store.lock:
            iss = get_pull(repo, ctx.params["pull_number"])
            login = actor(ctx.principal)
            if (
                event in ("APPROVE", "REQUEST_CHANGES")
                and (login or "").lower() == (iss["user"] or "").lower()
            ):
                verb = "approve" if event == "APPROVE" else "request changes on"
                # GitHub answers this one with a list of plain strings, not error objects.
                own: list[Any] = [f"Review Can not {verb} your own pull request"]
                raise HubError(422, "Unprocessable Entity", errors=own)
            if event in ("REQUEST_CHANGES", "COMMENT") and not body.strip():
                raise invalid(
                    "PullRequestReview",
                    "body",
                    "missing_field",
                    "Body is required for this review event",
                )
            rev = {
                "id": store.next_id(),
                "number": iss["number"],
                "user": login,
                "body": body,
                "state": states[event],
                "commit_id": iss["pull"]["head_sha"],
                "submitted_at": store.now_iso() if event != "PENDING" else None,
                "association": association(hub, repo, login),
            }
            repo.setdefault("reviews", {})[str(rev["id"])] = rev
            store.mark_dirty()
        if event != "PENDING":
            out = review_json(repo, iss, rev)
            hub.emit(
                repo,
                "pull_request_review",
                {
                    "action": "submitted",
                    "review": {**out, "state": out["state"].lower()},
                    "pull_request": pull_json(hub, repo, iss, full=False),
                },
                ctx.principal,
                sha=iss["pull"]["head_sha"],
            )
        return Response(200, review_json(repo, iss, rev))
