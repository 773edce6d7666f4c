"""Helpers shared by the endpoint modules: repository lookup with permissions, pagination."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from glow.localhub.auth import check_repo
from glow.localhub.routing import Ctx, HubError, Response, invalid

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub


def repo_for(
    hub: Hub, ctx: Ctx, scope: str = "metadata", level: str = "read", role: str = "read"
) -> dict[str, Any]:
    owner = ctx.params.get("owner") or ctx.params.get("template_owner") or ""
    name = ctx.params.get("repo") or ctx.params.get("template_repo") or ""
    repo = hub.store.repo(owner, name)
    check_repo(hub.store, ctx.principal, repo, scope, level, role)
    assert repo is not None
    return repo


ORG_ROLES = ("none", "member", "admin")


def org_for(hub: Hub, ctx: Ctx, scope: str, level: str, role: str = "admin") -> dict[str, Any]:
    """The organisation ``{org}`` if the principal may act on it: an owner (``admin``) or any
    member (``member``) with a personal token that grants ``scope`` at ``level``, or an
    installation on this organisation whose permissions do. Raises GitHub's answer otherwise:
    404 for no such organisation, 401 without a token, 403 for the rest (an organisation is
    public, so a stranger learns nothing from a 403)."""
    from glow.localhub.auth import LEVELS, org_role

    org = hub.store.account(ctx.params["org"])
    if org is None or org["type"] != "Organization":
        raise HubError(404, "Not Found")
    p = ctx.principal
    if p.kind == "anonymous":
        raise HubError(401, "Requires authentication")
    integration = "Resource not accessible by integration"
    if p.kind in ("app", "job"):  # a job token has no organisation permissions at all
        raise HubError(403, integration)
    if p.kind == "installation":
        inst = hub.store.data["installations"].get(str(p.token["installation_id"]))
        if inst is None or inst["account"].lower() != org["login"].lower():
            raise HubError(403, integration)
    perms = p.permissions
    if perms is not None and LEVELS.get(perms.get(scope, "none"), 0) < LEVELS[level]:
        raise HubError(403, p.message_403())
    if p.kind == "user":
        have = org_role(org, p.login)
        if ORG_ROLES.index(have) < ORG_ROLES.index(role):
            raise HubError(
                403,
                "Must have admin rights to Organization."
                if role == "admin"
                else "You must be a member of the organization.",
            )
    return org


def role_for(hub: Hub, ctx: Ctx, repo: dict[str, Any]) -> str:
    from glow.localhub.auth import effective_role

    return effective_role(hub.store, ctx.principal, repo)


def paginate(
    hub: Hub,
    ctx: Ctx,
    items: list[Any],
    *,
    wrap: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    per_page = ctx.q_int("per_page", 30)
    page = ctx.q_int("page", 1)
    if per_page < 1 or page < 1:
        raise invalid("Query", "per_page" if per_page < 1 else "page", "invalid")
    per_page = min(per_page, 100)
    total = len(items)
    last = max((total + per_page - 1) // per_page, 1)
    chunk = items[(page - 1) * per_page : page * per_page]
    headers = {}
    links = []
    base = {k: v[-1] for k, v in ctx.query.items()}

    def link(p: int, rel: str) -> str:
        query = urlencode({**base, "per_page": per_page, "page": p})
        return f'<{hub.urls.api}{ctx.path[len("/api/v3") :]}?{query}>; rel="{rel}"'

    if page < last:
        links += [link(page + 1, "next"), link(last, "last")]
    if page > 1:
        links += [link(1, "first"), link(page - 1, "prev")]
    if links:
        headers["link"] = ", ".join(links)
    body: Any = chunk if wrap is None else {"total_count": total, wrap: chunk, **(extra or {})}
    return Response(200, body, headers)


def bool_field(ctx: Ctx, name: str, resource: str) -> bool | None:
    value = ctx.body().get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise invalid(resource, name, "invalid", f"{name} must be a boolean")
    return value


def str_field(ctx: Ctx, name: str, resource: str, *, required: bool = False) -> str | None:
    value = ctx.field(name, str, required=required, resource=resource)
    if required and not value.strip():
        raise invalid(resource, name, "missing_field", f"{name} is missing")
    return value if value is None else str(value)


def touch(hub: Hub, repo: dict[str, Any]) -> None:
    repo["updated_at"] = hub.store.now_iso()
    hub.store.mark_dirty()


def forbidden(message: str) -> HubError:
    return HubError(403, message)


def require_author_or(
    hub: Hub, ctx: Ctx, repo: dict[str, Any], author: str | None, role: str
) -> str:
    """Authors may change their own issue, pull request or comment; others need ``role``.
    Returns the principal's role on the repository."""
    from glow.localhub.auth import ROLES

    actual = role_for(hub, ctx, repo)
    login = "github-actions[bot]" if ctx.principal.kind == "job" else ctx.principal.login
    mine = (login or "").lower() == (author or "").lower()
    if ROLES.index(actual) < ROLES.index(role) and not mine:
        raise HubError(403, ctx.principal.message_403())
    return actual


def since_param(ctx: Ctx, resource: str, name: str = "since") -> datetime | None:
    """A time query parameter (``since``, ``before``), ISO 8601 (``YYYY-MM-DDTHH:MM:SSZ``); a
    time without a zone is UTC. Compared as a time, not as text, so any ISO 8601 spelling works."""
    text = ctx.q(name)
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise invalid(resource, name, "invalid", f"{name} must be an ISO 8601 time") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def updated_since(item: dict[str, Any], since: datetime | None) -> bool:
    """ "Only show results that were last updated after the given time" (at or after, as the
    older docs said and GitHub answers)."""
    return since is None or datetime.fromisoformat(item["updated_at"]) >= since
