"""Lists of repositories (the authenticated user's, a user's, an organisation's) and a repository
by its id, with the filters, sort orders and pagination GitHub documents for each.

GitHub's REST description (``repos/list-for-authenticated-user``, ``repos/list-for-user``,
``repos/list-for-org``): ``sort`` is ``created``, ``updated``, ``pushed`` or ``full_name``, and
``direction`` defaults to ``asc`` for ``full_name`` and to ``desc`` otherwise. The user's own list
defaults to ``full_name``, an organisation's to ``created`` (newest first).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from glow.localhub.api.common import paginate, since_param
from glow.localhub.api.repos import repo_response
from glow.localhub.auth import check_repo, effective_role, require_user, token_allows_repo
from glow.localhub.routing import Ctx, HubError, Response, invalid, not_found

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

SORTS = {"created": "created_at", "updated": "updated_at", "pushed": "pushed_at"}
AFFILIATIONS = ("owner", "collaborator", "organization_member")
# ``type`` on /user/repos is shorthand for a visibility or an affiliation.
USER_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "all": ("all", AFFILIATIONS),
    "owner": ("all", ("owner",)),
    "public": ("public", AFFILIATIONS),
    "private": ("private", AFFILIATIONS),
    "member": ("all", ("collaborator", "organization_member")),
}


def choice(ctx: Ctx, name: str, allowed: tuple[str, ...], default: str) -> str:
    value = ctx.q(name) or default
    if value not in allowed:
        raise invalid("Repository", name, "invalid", f"{name} must be one of {', '.join(allowed)}")
    return value


def ordered(ctx: Ctx, repos: list[dict[str, Any]], default_sort: str) -> list[dict[str, Any]]:
    sort = choice(ctx, "sort", ("created", "updated", "pushed", "full_name"), default_sort)
    default_direction = "asc" if sort == "full_name" else "desc"
    descending = choice(ctx, "direction", ("asc", "desc"), default_direction) == "desc"
    if sort == "full_name":
        key: Callable[[dict[str, Any]], Any] = lambda repo: repo["full_name"].lower()  # noqa: E731
    else:
        field = SORTS[sort]
        # A repository never pushed to sorts by its creation, as its ``pushed_at`` shows.
        key = lambda repo: (repo.get(field) or repo["created_at"], repo["id"])  # noqa: E731
    return sorted(repos, key=key, reverse=descending)


def affiliations_of(hub: Hub, login: str, repo: dict[str, Any]) -> set[str]:
    """How a user is tied to a repository: its owner, a collaborator, a member of its org."""
    key = login.lower()
    found = set()
    if repo["owner"].lower() == key:
        found.add("owner")
    if key in repo.get("collaborators", {}):
        found.add("collaborator")
    owner = hub.store.account(repo["owner"])
    if owner and owner["type"] == "Organization":
        people = owner.get("admins", []) + owner.get("members", [])
        if key in (person.lower() for person in people):
            found.add("organization_member")
    return found


def updated_between(repo: dict[str, Any], since: datetime | None, before: datetime | None) -> bool:
    updated = datetime.fromisoformat(repo["updated_at"])
    return (since is None or updated >= since) and (before is None or updated < before)


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    def page_of(ctx: Ctx, repos: list[dict[str, Any]]) -> Response:
        return paginate(hub, ctx, [repo_response(hub, ctx, repo) for repo in repos])

    @r.route("GET", "/user/repos")
    def list_mine(ctx: Ctx) -> Response:
        """Repositories the user has explicit permission to: owned, as a collaborator, or
        through an organisation's membership (not every public repository)."""
        login = require_user(ctx.principal)
        if ctx.principal.kind in ("installation", "job", "app"):
            raise HubError(403, "Resource not accessible by integration")
        given_type = ctx.q("type")
        if given_type is not None and (
            ctx.q("visibility") is not None or ctx.q("affiliation") is not None
        ):
            # "Will cause a 422 error if used in the same request as visibility or affiliation."
            raise invalid(
                "Repository",
                "type",
                "invalid",
                "If you specify visibility or affiliation, you cannot specify type.",
            )
        if given_type is not None:
            visibility, wanted = USER_TYPES[choice(ctx, "type", tuple(USER_TYPES), "all")]
        else:
            visibility = choice(ctx, "visibility", ("all", "public", "private"), "all")
            names = (ctx.q("affiliation") or ",".join(AFFILIATIONS)).split(",")
            wanted = tuple(name.strip() for name in names if name.strip())
            if not wanted or any(name not in AFFILIATIONS for name in wanted):
                raise invalid(
                    "Repository",
                    "affiliation",
                    "invalid",
                    "affiliation must list owner, collaborator or organization_member",
                )
        since = since_param(ctx, "Repository")
        before = since_param(ctx, "Repository", "before")
        repos = [
            repo
            for repo in store.data["repos"].values()
            # A fine-grained token lists only the repositories it was granted.
            if token_allows_repo(ctx.principal, store, repo)
            and affiliations_of(hub, login, repo) & set(wanted)
            and visibility in ("all", "private" if repo["private"] else "public")
            and updated_between(repo, since, before)
        ]
        return page_of(ctx, ordered(ctx, repos, "full_name"))

    @r.route("GET", "/users/{username}/repos")
    def list_for_user(ctx: Ctx) -> Response:
        """A user's public repositories: owned (``type=owner``, the default), where they are a
        collaborator (``member``) or both (``all``). An organisation's login lists its own."""
        account = store.account(ctx.params["username"])
        if account is None:
            raise not_found()
        kind = choice(ctx, "type", ("all", "owner", "member"), "owner")
        wanted = {"all": {"owner", "collaborator"}, "owner": {"owner"}}.get(kind, {"collaborator"})
        repos = [
            repo
            for repo in store.data["repos"].values()
            if not repo["private"] and affiliations_of(hub, account["login"], repo) & wanted
        ]
        return page_of(ctx, ordered(ctx, repos, "full_name"))

    @r.route("GET", "/orgs/{org}/repos")
    def list_for_org(ctx: Ctx) -> Response:
        """An organisation's repositories that the caller can see. The local GitHub has no forks:
        ``forks`` lists none and ``sources`` lists all; ``member`` lists those the caller can
        reach as a member or collaborator."""
        org = store.account(ctx.params["org"])
        if org is None or org["type"] != "Organization":
            raise not_found()
        kind = choice(
            ctx, "type", ("all", "public", "private", "forks", "sources", "member"), "all"
        )
        login = ctx.principal.login if ctx.principal.kind == "user" else None
        repos = [
            repo
            for repo in store.repos_of(org["login"])
            if effective_role(store, ctx.principal, repo) != "none"
            and kind != "forks"
            and (kind != "public" or not repo["private"])
            and (kind != "private" or repo["private"])
            and (kind != "member" or (login is not None and affiliations_of(hub, login, repo)))
        ]
        return page_of(ctx, ordered(ctx, repos, "created"))

    @r.route("GET", "/repositories/{repository_id}")
    def by_id(ctx: Ctx) -> Response:
        """A repository by its id, which survives renames and transfers: undocumented in the
        REST description but served by GitHub and used by clients (PyGithub's
        ``get_repo(id)``, octokit's ``GET /repositories/{id}``)."""
        ident = ctx.params["repository_id"]
        repo = store.repo_by_id(int(ident)) if ident.isdigit() and len(ident) < 19 else None
        check_repo(store, ctx.principal, repo)
        assert repo is not None
        return Response(200, repo_response(hub, ctx, repo))
