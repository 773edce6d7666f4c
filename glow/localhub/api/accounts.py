"""Users, organisations, the rate-limit endpoint and repository invitations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glow.localhub import shapes
from glow.localhub.api.common import org_for
from glow.localhub.auth import require_user
from glow.localhub.routing import Ctx, HubError, Response, invalid, not_found

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    def public_count(login: str) -> int:
        return sum(1 for repo in store.repos_of(login) if not repo["private"])

    @r.route("GET", "/user")
    def get_authenticated(ctx: Ctx) -> Response:
        login = require_user(ctx.principal)
        if ctx.principal.kind in ("installation", "job"):
            raise HubError(403, "Resource not accessible by integration")
        acc = hub.account_or_ghost(login)
        data = shapes.public_user(hub.urls, acc, public_count(login))
        owned_private = sum(1 for repo in store.repos_of(login) if repo["private"])
        data.update(
            private_gists=0,
            total_private_repos=owned_private,
            owned_private_repos=owned_private,
            disk_usage=0,
            collaborators=0,
            two_factor_authentication=True,
            user_view_type="private",
        )
        return Response(200, data)

    @r.route("GET", "/users/{username}")
    def get_user(ctx: Ctx) -> Response:
        acc = store.account(ctx.params["username"])
        if acc is None:
            raise not_found()
        return Response(200, shapes.public_user(hub.urls, acc, public_count(acc["login"])))

    @r.route("GET", "/orgs/{org}")
    def get_org(ctx: Ctx) -> Response:
        acc = store.account(ctx.params["org"])
        if acc is None or acc["type"] != "Organization":
            raise not_found()
        # GitHub shows the plan to an owner, or an App with the "Organization plan" permission.
        try:
            org_for(hub, ctx, "organization_plan", "read")
            owner_view = True
        except HubError:
            owner_view = False
        return Response(
            200,
            shapes.organization(hub.urls, acc, public_count(acc["login"]), owner_view=owner_view),
        )

    @r.route("GET", "/rate_limit")
    def rate_limit(ctx: Ctx) -> Response:
        def usage(resource: str) -> dict[str, int]:
            key, limit = hub.limits.bucket(ctx.principal, resource)
            try:
                headers = hub.limits.primary_headers(
                    key, limit, store.epoch(), charge=False, resource=resource
                )
            except HubError as over:  # over the limit: reported, not refused
                headers = over.headers
            return {
                "limit": limit,
                "remaining": int(headers["x-ratelimit-remaining"]),
                "reset": int(headers["x-ratelimit-reset"]),
                "used": int(headers["x-ratelimit-used"]),
            }

        core = usage("core")
        return Response(
            200,
            {
                # Search is counted apart, per minute (``limits``); GraphQL is not served.
                "resources": {"core": core, "search": usage("search"), "graphql": dict(core)},
                "rate": core,
            },
        )

    @r.route("GET", "/user/repository_invitations")
    def my_invitations(ctx: Ctx) -> Response:
        login = require_user(ctx.principal).lower()
        items = [
            invitation_json(hub, inv)
            for inv in store.data["invitations"].values()
            if inv["invitee"].lower() == login
        ]
        from glow.localhub.api.common import paginate

        return paginate(hub, ctx, items)

    @r.route("PATCH", "/user/repository_invitations/{invitation_id}")
    def accept(ctx: Ctx) -> Response:
        login = require_user(ctx.principal)
        with store.lock:
            inv = store.data["invitations"].get(ctx.params["invitation_id"])
            if inv is None or inv["invitee"].lower() != login.lower():
                raise not_found()
            if store.epoch() > inv["expires_at"]:
                raise HubError(
                    422,
                    "Invitation has expired",
                    errors=[
                        {"resource": "RepositoryInvitation", "field": "expired", "code": "invalid"}
                    ],
                )
            repo = store.repo_by_id(inv["repo_id"])
            if repo is not None:
                repo.setdefault("collaborators", {})[login.lower()] = inv["role"]
            del store.data["invitations"][ctx.params["invitation_id"]]
            store.mark_dirty()
        return Response(204)

    @r.route("DELETE", "/user/repository_invitations/{invitation_id}")
    def decline(ctx: Ctx) -> Response:
        login = require_user(ctx.principal)
        with store.lock:
            inv = store.data["invitations"].get(ctx.params["invitation_id"])
            if inv is None or inv["invitee"].lower() != login.lower():
                raise not_found()
            del store.data["invitations"][ctx.params["invitation_id"]]
            store.mark_dirty()
        return Response(204)


PERMISSION_NAMES = {
    "read": "read",
    "triage": "triage",
    "write": "write",
    "maintain": "maintain",
    "admin": "admin",
}


def invitation_json(hub: Hub, inv: dict[str, Any]) -> dict[str, Any]:
    repo = hub.store.repo_by_id(inv["repo_id"])
    if repo is None:
        raise not_found()
    from glow.localhub.events import repo_json

    full = repo_json(hub, repo)
    minimal = {k: v for k, v in full.items() if k not in ("permissions",)}
    return {
        "id": inv["id"],
        "node_id": shapes.node_id("RI", inv["id"]),
        "repository": minimal,
        "invitee": hub.user_json(inv["invitee"]),
        "inviter": hub.user_json(inv["inviter"]),
        "permissions": PERMISSION_NAMES.get(inv["role"], "write"),
        "created_at": inv["created_at"],
        "expired": hub.store.epoch() > inv["expires_at"],
        "url": f"{hub.urls.api}/user/repository_invitations/{inv['id']}",
        "html_url": f"{hub.urls.web}/{repo['full_name']}/invitations",
    }


def validate_login(login: Any, resource: str = "User") -> str:
    import re

    if not isinstance(login, str) or not re.fullmatch(
        r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}", login
    ):
        raise invalid(
            resource, "login", "invalid", "login must be 1 to 39 letters, digits or single hyphens"
        )
    return login
