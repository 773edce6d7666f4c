"""GitHub Apps: the App itself (JWT), its installations and installation access tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glow.localhub import shapes
from glow.localhub.auth import LEVELS, new_token, parse_permissions
from glow.localhub.routing import Ctx, HubError, Response, invalid, not_found
from glow.localhub.state import iso

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub


def app_json(hub: Hub, app: dict[str, Any]) -> dict[str, Any]:
    owner = hub.account_or_ghost(app["owner"])
    return {
        "id": app["id"],
        "slug": app["slug"],
        "node_id": shapes.node_id("A", app["id"]),
        "client_id": app["client_id"],
        "owner": shapes.user(hub.urls, owner),
        "name": app["name"],
        "description": app.get("description", ""),
        "external_url": f"{hub.urls.web}/apps/{app['slug']}",
        "html_url": f"{hub.urls.web}/apps/{app['slug']}",
        "created_at": app["created_at"],
        "updated_at": app["created_at"],
        "permissions": app["permissions"],
        "events": app["events"],
        "installations_count": sum(
            1 for i in hub.store.data["installations"].values() if i["app_id"] == app["id"]
        ),
    }


def installation_json(hub: Hub, inst: dict[str, Any]) -> dict[str, Any]:
    app = hub.store.data["apps"][str(inst["app_id"])]
    account = hub.account_or_ghost(inst["account"])
    return {
        "id": inst["id"],
        "account": shapes.user(hub.urls, account),
        "repository_selection": inst["repository_selection"],
        "access_tokens_url": f"{hub.urls.api}/app/installations/{inst['id']}/access_tokens",
        "repositories_url": f"{hub.urls.api}/installation/repositories",
        "html_url": f"{hub.urls.web}/organizations/{account['login']}/settings/installations/"
        f"{inst['id']}",
        "app_id": app["id"],
        "app_slug": app["slug"],
        "client_id": app["client_id"],
        "target_id": account["id"],
        "target_type": account["type"],
        "permissions": inst["permissions"],
        "events": app["events"],
        "created_at": inst["created_at"],
        "updated_at": inst["created_at"],
        "single_file_name": None,
        "has_multiple_single_files": False,
        "single_file_paths": [],
        "suspended_by": None,
        "suspended_at": None,
    }


def _require_app(ctx: Ctx) -> dict[str, Any]:
    if ctx.principal.kind != "app":
        raise HubError(401, "A JSON web token could not be decoded")
    app: dict[str, Any] = ctx.principal.app
    return app


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    def installs_of(app: dict[str, Any]) -> list[dict[str, Any]]:
        return [i for i in store.data["installations"].values() if i["app_id"] == app["id"]]

    @r.route("GET", "/app")
    def get_app(ctx: Ctx) -> Response:
        return Response(200, app_json(hub, _require_app(ctx)))

    @r.route("GET", "/app/installations")
    def list_installations(ctx: Ctx) -> Response:
        from glow.localhub.api.common import paginate

        app = _require_app(ctx)
        return paginate(hub, ctx, [installation_json(hub, i) for i in installs_of(app)])

    def find_for(ctx: Ctx, account: str) -> Response:
        app = _require_app(ctx)
        inst = next((i for i in installs_of(app) if i["account"].lower() == account.lower()), None)
        if inst is None:
            raise not_found()
        return Response(200, installation_json(hub, inst))

    @r.route("GET", "/repos/{owner}/{repo}/installation")
    def repo_installation(ctx: Ctx) -> Response:
        if store.repo(ctx.params["owner"], ctx.params["repo"]) is None:
            _require_app(ctx)
            raise not_found()
        return find_for(ctx, ctx.params["owner"])

    @r.route("GET", "/orgs/{org}/installation")
    def org_installation(ctx: Ctx) -> Response:
        return find_for(ctx, ctx.params["org"])

    @r.route("GET", "/orgs/{org}/installations")
    def org_installations(ctx: Ctx) -> Response:
        """The Apps installed on an organisation, as its owners see them (an installation
        needs ``organization_administration: read``)."""
        from glow.localhub.api.common import org_for, paginate

        org = org_for(hub, ctx, "organization_administration", "read")
        installs = [
            installation_json(hub, inst)
            for inst in sorted(store.data["installations"].values(), key=lambda i: i["id"])
            if inst["account"].lower() == org["login"].lower()
        ]
        return paginate(hub, ctx, installs, wrap="installations")

    @r.route("GET", "/users/{username}/installation")
    def user_installation(ctx: Ctx) -> Response:
        return find_for(ctx, ctx.params["username"])

    @r.route("POST", "/app/installations/{installation_id}/access_tokens")
    def mint(ctx: Ctx) -> Response:
        app = _require_app(ctx)
        inst = store.data["installations"].get(ctx.params["installation_id"])
        if inst is None or inst["app_id"] != app["id"]:
            raise not_found()
        perms = dict(inst["permissions"])
        asked = ctx.field("permissions", dict, resource="InstallationToken")
        if asked:
            asked = parse_permissions(asked, "InstallationToken") or {}
            for scope, level in asked.items():
                if LEVELS[level] > LEVELS.get(perms.get(scope, "none"), 0):
                    raise HubError(
                        422,
                        f"The permissions requested are not granted to this "
                        f"installation: {scope}:{level}",
                    )
            perms = asked
        repo_ids = _selected_repos(hub, ctx, inst)
        expires = store.epoch() + 3600
        token = new_token(
            store,
            "ghs_",
            {
                "kind": "installation",
                "login": f"{app['slug']}[bot]",
                "permissions": perms,
                "installation_id": inst["id"],
                "repo_ids": repo_ids,
                "expires_at": expires,
            },
        )
        from datetime import UTC, datetime

        body: dict[str, Any] = {
            "token": token,
            "expires_at": iso(datetime.fromtimestamp(expires, UTC)),
            "permissions": perms,
            "repository_selection": "selected"
            if repo_ids is not None
            else inst["repository_selection"],
        }
        return Response(201, body)

    @r.route("GET", "/installation/repositories")
    def installation_repos(ctx: Ctx) -> Response:
        from glow.localhub.api.common import paginate
        from glow.localhub.auth import token_allows_repo
        from glow.localhub.events import repo_json

        if ctx.principal.kind != "installation":
            raise HubError(403, "This endpoint is for installation access tokens")
        inst = store.data["installations"][str(ctx.principal.token["installation_id"])]
        repos = [
            repo_json(hub, repo)
            for repo in store.repos_of(inst["account"])
            if token_allows_repo(ctx.principal, store, repo)
        ]
        return paginate(
            hub,
            ctx,
            repos,
            wrap="repositories",
            extra={"repository_selection": inst["repository_selection"]},
        )


# GitHub's answer when a token is asked for a repository the installation cannot reach (a name
# or id of another account's repository, of none, or outside a selected installation's list):
# 422 with this message and no ``errors`` array.
NOT_IN_INSTALLATION = (
    "There is at least one repository that does not exist or is not accessible to the parent "
    "installation."
)


def _selected_repos(hub: Hub, ctx: Ctx, inst: dict[str, Any]) -> list[int] | None:
    """The repository ids a new token may reach; ``None`` for all of the account's.

    "By default the installation access token has access to all repositories that the
    installation can access"; ``repositories`` and ``repository_ids`` narrow that, and only
    within it (docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app).
    """
    names = ctx.field("repositories", list, resource="InstallationToken")
    ids = ctx.field("repository_ids", list, resource="InstallationToken")
    if names is None and ids is None:
        if inst["repository_selection"] == "selected":
            return list(inst.get("repo_ids", []))
        return None
    if not all(isinstance(name, str) for name in names or []):
        raise invalid("InstallationToken", "repositories", "invalid", "repositories must be names")
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids or []):
        raise invalid(
            "InstallationToken", "repository_ids", "invalid", "repository_ids must be numbers"
        )
    reachable = {
        repo["id"]: repo
        for repo in hub.store.repos_of(inst["account"])
        if inst["repository_selection"] == "all" or repo["id"] in inst.get("repo_ids", [])
    }
    by_name = {repo["name"].lower(): ident for ident, repo in reachable.items()}
    selected: list[int] = []
    for name in names or []:
        if name.lower() not in by_name:
            raise HubError(422, NOT_IN_INSTALLATION)
        selected.append(by_name[name.lower()])
    for ident in ids or []:
        if ident not in reachable:
            raise HubError(422, NOT_IN_INSTALLATION)
        selected.append(ident)
    return sorted(set(selected))
