"""Collaborators and repository invitations: who may work on a repository, and how they join.

GitHub invites a user to a repository (201 with the invitation) unless no invitation is needed
(204: already a collaborator, or a member who can already see a private repository); at most
50 invitations a repository a day, each valid for 7 days.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glow.localhub.api.accounts import invitation_json
from glow.localhub.api.common import paginate, repo_for, str_field
from glow.localhub.auth import ROLE_ALIASES, permission_flags, user_role
from glow.localhub.routing import Ctx, HubError, Response, invalid, not_found

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

INVITES_PER_DAY = 50
INVITE_TTL = 7 * 24 * 3600


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    def collaborator_json(login: str, role: str) -> dict[str, Any]:
        role_name = {
            "read": "read",
            "triage": "triage",
            "write": "write",
            "maintain": "maintain",
            "admin": "admin",
        }[role]
        return {
            **hub.user_json(login),
            "permissions": permission_flags(role),
            "role_name": role_name,
        }

    @r.route("GET", "/repos/{owner}/{repo}/collaborators")
    def list_collaborators(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "metadata", "read", "read")
        people: dict[str, str] = {}
        owner = store.account(repo["owner"])
        if owner and owner["type"] == "Organization":
            for admin in owner.get("admins", []):
                people[admin.lower()] = "admin"
        elif owner:
            people[owner["login"].lower()] = "admin"
        people.update(repo.get("collaborators", {}))
        items = [
            collaborator_json((store.account(k) or {"login": k})["login"], v)
            for k, v in people.items()
        ]
        return paginate(hub, ctx, items)

    @r.route("GET", "/repos/{owner}/{repo}/collaborators/{username}")
    def is_collaborator(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "metadata", "read", "read")
        role = (
            user_role(store, ctx.params["username"], repo)
            if store.account(ctx.params["username"])
            else "none"
        )
        explicit = ctx.params["username"].lower() in repo.get("collaborators", {})
        if not explicit and role != "admin":
            raise not_found()
        return Response(204)

    @r.route("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission")
    def permission(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "metadata", "read", "read")
        if store.account(ctx.params["username"]) is None:
            raise not_found()
        role = user_role(store, ctx.params["username"], repo)
        legacy = {
            "admin": "admin",
            "maintain": "write",
            "write": "write",
            "triage": "read",
            "read": "read",
            "none": "none",
        }[role]
        user = collaborator_json(ctx.params["username"], role if role != "none" else "read")
        return Response(200, {"permission": legacy, "role_name": role, "user": user})

    @r.route("PUT", "/repos/{owner}/{repo}/collaborators/{username}", creates_content=True)
    def add_collaborator(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "administration", "write", "admin")
        invitee = store.account(ctx.params["username"])
        if invitee is None or invitee["type"] != "User":
            raise not_found()
        asked = str_field(ctx, "permission", "Collaborator") or "push"
        role = ROLE_ALIASES.get(asked)
        if role is None:
            raise invalid(
                "Collaborator",
                "permission",
                "invalid",
                "permission must be one of pull, triage, push, maintain, admin",
            )
        key = invitee["login"].lower()
        with store.lock:
            current = user_role(store, invitee["login"], repo)
            if (
                key in repo.get("collaborators", {})
                or (current != "none" and repo["private"])
                or key == repo["owner"].lower()
            ):
                if key in repo.get("collaborators", {}):
                    repo["collaborators"][key] = role
                    store.mark_dirty()
                return Response(204)
            pending = [
                inv for inv in store.data["invitations"].values() if inv["repo_id"] == repo["id"]
            ]
            existing = next((inv for inv in pending if inv["invitee"].lower() == key), None)
            if existing is not None and store.epoch() > existing["expires_at"]:
                # An expired invitation is replaced by a fresh one, as on GitHub.
                del store.data["invitations"][str(existing["id"])]
                existing = None
            if existing is not None:
                existing["role"] = role
                store.mark_dirty()
                return Response(201, invitation_json(hub, existing))
            # The limit counts invitations sent, accepted or not, in the last 24 hours.
            recent = [t for t in repo.get("invites_sent", []) if t > store.epoch() - 86400]
            if len(recent) >= INVITES_PER_DAY:
                raise HubError(
                    422,
                    "Validation Failed",
                    errors=[
                        {
                            "resource": "Repository",
                            "code": "custom",
                            "field": "invitations",
                            "message": "You have exceeded the limit of 50 invitations per "
                            "repository "
                            "per 24 hours",
                        }
                    ],
                )
            inv = {
                "id": store.next_id(),
                "repo_id": repo["id"],
                "invitee": invitee["login"],
                "inviter": ctx.principal.login or "ghost",
                "role": role,
                "created_at": store.now_iso(),
                "created_epoch": store.epoch(),
                "expires_at": store.epoch() + INVITE_TTL,
            }
            store.data["invitations"][str(inv["id"])] = inv
            repo["invites_sent"] = [*recent, inv["created_epoch"]]
            store.mark_dirty()
        return Response(201, invitation_json(hub, inv))

    @r.route("DELETE", "/repos/{owner}/{repo}/collaborators/{username}")
    def remove_collaborator(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "administration", "write", "admin")
        with store.lock:
            repo.get("collaborators", {}).pop(ctx.params["username"].lower(), None)
            store.mark_dirty()
        return Response(204)

    @r.route("GET", "/repos/{owner}/{repo}/invitations")
    def list_invitations(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "administration", "read", "admin")
        items = [
            invitation_json(hub, inv)
            for inv in store.data["invitations"].values()
            if inv["repo_id"] == repo["id"]
        ]
        return paginate(hub, ctx, items)
