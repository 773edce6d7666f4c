"""Assignees: who may be assigned an issue, and assigning them, as GitHub does.

A person is assignable when they are the owner, a member of the owning organisation or a
collaborator who has accepted the invitation (a pending invitee is not: ``GET
/assignees/{login}`` is 404). Creating or updating an issue with a login that is not
assignable is GitHub's 422 (``field: assignees``, ``code: invalid``, ``value: login``), unless
the caller has no push access, whose assignees GitHub silently drops. ``POST
/issues/{n}/assignees`` silently ignores anyone not assignable: a bot that must never get a 422
adds assignees that way, or checks ``GET /assignees/{login}`` first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glow.localhub.api.common import paginate, repo_for, role_for
from glow.localhub.api.issuedata import association, get_issue, issue_json
from glow.localhub.auth import ROLES
from glow.localhub.routing import Ctx, HubError, Response, invalid, not_found

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

MAX_ASSIGNEES = 10


def assignable(hub: Hub, repo: dict[str, Any], login: str) -> bool:
    acc = hub.store.account(login)
    if acc is None or acc.get("type") != "User":
        return False
    return association(hub, repo, acc["login"]) in ("OWNER", "MEMBER", "COLLABORATOR")


def can_assign(hub: Hub, ctx: Ctx, repo: dict[str, Any]) -> bool:
    return ROLES.index(role_for(hub, ctx, repo)) >= ROLES.index("write")


def requested(ctx: Ctx, resource: str = "Issue") -> list[str] | None:
    """``assignees`` (or the older single ``assignee``) of the request; None when absent."""
    body = ctx.body()
    names = body.get("assignees")
    if names is None and "assignee" in body:
        one = body.get("assignee")
        names = [] if one is None else [one]
    if names is None:
        return None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise invalid(resource, "assignees", "invalid", "assignees must be an array of logins")
    return list(dict.fromkeys(names))


def checked(hub: Hub, ctx: Ctx, repo: dict[str, Any], names: list[str]) -> list[str]:
    """The logins to store for a create or update: 422 for one that cannot be assigned."""
    if not can_assign(hub, ctx, repo):
        return []  # GitHub silently drops assignees from people without push access
    bad = [n for n in names if not assignable(hub, repo, n)]
    if bad:
        raise HubError(
            422,
            "Validation Failed",
            errors=[
                {"value": n, "resource": "Issue", "field": "assignees", "code": "invalid"}
                for n in bad
            ],
        )
    return [hub.account_or_ghost(n)["login"] for n in names][:MAX_ASSIGNEES]


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    @r.route("GET", "/repos/{owner}/{repo}/assignees")
    def list_assignees(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "read", "read")
        owner = store.account(repo["owner"]) or {}
        people = (
            ([repo["owner"]] if owner.get("type") == "User" else [])
            + owner.get("admins", [])
            + owner.get("members", [])
            + list(repo.get("collaborators", {}))
        )
        logins = [p for p in dict.fromkeys(p.lower() for p in people) if assignable(hub, repo, p)]
        return paginate(hub, ctx, [hub.user_json(p) for p in sorted(logins)])

    @r.route("GET", "/repos/{owner}/{repo}/assignees/{assignee}")
    def check(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "read", "read")
        if not assignable(hub, repo, ctx.params["assignee"]):
            raise not_found()
        return Response(204)

    @r.route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/assignees")
    def add(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "write", "read")
        names = requested(ctx) or []
        with store.lock:
            iss = get_issue(repo, ctx.params["issue_number"])
            if can_assign(hub, ctx, repo):
                current = list(iss.get("assignees", []))
                for name in names:
                    if assignable(hub, repo, name) and len(current) < MAX_ASSIGNEES:
                        login = hub.account_or_ghost(name)["login"]
                        if login not in current:
                            current.append(login)
                if current != iss.get("assignees", []):
                    iss["assignees"] = current
                    iss["updated_at"] = store.now_iso()
                    store.mark_dirty()
        return Response(201, issue_json(hub, repo, iss))

    @r.route("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/assignees")
    def remove(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "write", "read")
        names = {n.lower() for n in requested(ctx) or []}
        with store.lock:
            iss = get_issue(repo, ctx.params["issue_number"])
            if can_assign(hub, ctx, repo) and names:
                kept = [a for a in iss.get("assignees", []) if a.lower() not in names]
                if kept != iss.get("assignees", []):
                    iss["assignees"] = kept
                    iss["updated_at"] = store.now_iso()
                    store.mark_dirty()
        return Response(200, issue_json(hub, repo, iss))
