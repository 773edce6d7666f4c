"""Issues: create, list, read and update, with the events GitHub delivers for each change.

Labels and comments have their own modules; the issue as state is ``issuedata.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glow.localhub.api.assignees import can_assign, checked, requested
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
    LOCK_REASONS,
    apply_issue_update,
    get_issue,
    issue_json,
    label_names,
    new_issue,
    set_lock,
)
from glow.localhub.api.pulldata import emit_issue
from glow.localhub.auth import ROLES
from glow.localhub.routing import Ctx, Response, invalid, parse_json

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    @r.route("POST", "/repos/{owner}/{repo}/issues", creates_content=True)
    def create_issue(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "write", "read")
        title = ctx.field("title", (str, int), required=True, resource="Issue")
        if not str(title).strip():
            raise invalid("Issue", "title", "missing_field", "title is missing")
        body = str_field(ctx, "body", "Issue")
        labels = label_names(ctx, "Issue")
        if ROLES.index(role_for(hub, ctx, repo)) < ROLES.index("triage"):
            labels = []  # GitHub silently drops labels from people who cannot triage
        wanted = requested(ctx)
        people = checked(hub, ctx, repo, wanted) if wanted else []
        iss = new_issue(hub, repo, ctx.principal, str(title), body, labels)
        if people:
            with store.lock:
                iss["assignees"] = people
                store.mark_dirty()
        emit_issue(hub, repo, iss, "opened", ctx.principal)
        return Response(
            201,
            issue_json(hub, repo, iss),
            {"location": f"{hub.urls.api}/repos/{repo['full_name']}/issues/{iss['number']}"},
        )

    @r.route("GET", "/repos/{owner}/{repo}/issues")
    def list_issues(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "read", "read")
        items = filter_issues(repo, ctx)
        return paginate(hub, ctx, [issue_json(hub, repo, i) for i in items])

    @r.route("GET", "/repos/{owner}/{repo}/issues/{issue_number}")
    def read_issue(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "read", "read")
        return Response(200, issue_json(hub, repo, get_issue(repo, ctx.params["issue_number"])))

    @r.route("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}")
    def update_issue(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "write", "read")
        with store.lock:
            iss = get_issue(repo, ctx.params["issue_number"])
            role = require_author_or(hub, ctx, repo, iss["user"], "triage")
            wanted = requested(ctx)
            if wanted is not None and can_assign(hub, ctx, repo):
                iss["assignees"] = checked(hub, ctx, repo, wanted)
            events = apply_issue_update(hub, repo, iss, ctx, can_label=ROLES.index(role) >= 2)
        for action, extra in events:
            emit_issue(hub, repo, iss, action, ctx.principal, **extra)
        return Response(200, issue_json(hub, repo, iss))

    @r.route("PUT", "/repos/{owner}/{repo}/issues/{issue_number}/lock")
    def lock(ctx: Ctx) -> Response:
        """ "Users with push access can lock an issue or pull request's conversation"; 204, and
        ``issues.locked`` (``pull_request.locked``) when it was not locked before."""
        repo = repo_for(hub, ctx, "issues", "write", "write")
        # The body is optional and may be JSON null (the description marks it nullable).
        body = parse_json(ctx.raw_body) if ctx.raw_body.strip() else None
        if body is not None:
            ctx.body()  # an array or a string is GitHub's 400
        reason = ctx.field("lock_reason", str, resource="Issue") if body else None
        if reason is not None and reason not in LOCK_REASONS:
            raise invalid(
                "Issue",
                "lock_reason",
                "invalid",
                "lock_reason must be one of off-topic, too heated, resolved, spam",
            )
        with store.lock:
            iss = get_issue(repo, ctx.params["issue_number"])
            newly = set_lock(hub, iss, True, reason)
        if newly:
            emit_issue(hub, repo, iss, "locked", ctx.principal)
        return Response(204)

    @r.route("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/lock")
    def unlock(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "write", "write")
        with store.lock:
            iss = get_issue(repo, ctx.params["issue_number"])
            newly = set_lock(hub, iss, False)
        if newly:
            emit_issue(hub, repo, iss, "unlocked", ctx.principal)
        return Response(204)


def filter_issues(repo: dict[str, Any], ctx: Ctx) -> list[dict[str, Any]]:
    state = ctx.q("state", "open")
    if state not in ("open", "closed", "all"):
        raise invalid("Issue", "state", "invalid", "state must be open, closed or all")
    wanted = [w.strip().lower() for w in (ctx.q("labels") or "").split(",") if w.strip()]
    creator = (ctx.q("creator") or "").lower()
    since = since_param(ctx, "Issue")
    items = [
        i
        for i in repo["issues"].values()
        if (state == "all" or i["state"] == state)
        and all(w in i["labels"] for w in wanted)
        and (not creator or (i["user"] or "").lower() == creator)
        and updated_since(i, since)
    ]
    sort = ctx.q("sort", "created")
    if sort not in ("created", "updated", "comments"):
        raise invalid("Issue", "sort", "invalid", "sort must be created, updated or comments")
    key = {"created": "created_at", "updated": "updated_at", "comments": "comments"}[sort]
    items.sort(key=lambda i: (i[key], i["number"]), reverse=ctx.q("direction", "desc") != "asc")
    return items
