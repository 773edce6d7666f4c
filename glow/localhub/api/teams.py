"""Teams of an organisation: create, list, get, members, and the repositories they reach.

A team lives on its organisation (``org["teams"][slug]``: members by lower-cased login with
their team role, repositories by id with the team's role there). ``auth.user_role`` gives each
member of the organisation the highest role a team of theirs has on a repository, so a team's
access is real: a member reads, pushes to or administers a private repository through it.
Someone added to a team who is not yet a member of the organisation is ``pending`` (GitHub
invites them) and gets nothing through it until they are a member.

Who may: any member of the organisation creates a team (and becomes its maintainer) and lists
the teams (secret ones only when an owner or on the team); owners and the team's maintainers
add people; owners, and maintainers who administer the repository, give the team a repository.
An App's installation needs ``members`` (``administration`` to give a repository).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from glow.localhub import shapes
from glow.localhub.api.common import org_for, paginate
from glow.localhub.auth import (
    ROLE_ALIASES,
    check_repo,
    org_role,
    permission_flags,
    user_role,
)
from glow.localhub.events import repo_json
from glow.localhub.routing import Ctx, HubError, Response, invalid, not_found

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

REPOSITORY_JSON = "application/vnd.github.v3.repository+json"


def slug_of(name: str) -> str:
    """GitHub's slug: lower-case, each run of other characters one hyphen."""
    return re.sub(r"[^a-z0-9_]+", "-", name.lower()).strip("-")


def teams_of(org: dict[str, Any]) -> dict[str, dict[str, Any]]:
    teams: dict[str, dict[str, Any]] = org.setdefault("teams", {})
    return teams


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    def team_json(org: dict[str, Any], team: dict[str, Any], *, full: bool) -> dict[str, Any]:
        api = f"{hub.urls.api}/organizations/{org['id']}/team/{team['id']}"
        body: dict[str, Any] = {
            "id": team["id"],
            "node_id": shapes.node_id("T", team["id"]),
            "url": api,
            "html_url": f"{hub.urls.web}/orgs/{org['login']}/teams/{team['slug']}",
            "name": team["name"],
            "slug": team["slug"],
            "description": team["description"],
            "privacy": team["privacy"],
            "notification_setting": team["notification_setting"],
            "permission": team["permission"],
            "members_url": f"{api}/members{{/member}}",
            "repositories_url": f"{api}/repos",
            "parent": None,
            "type": "organization",
            "organization_id": org["id"],
        }
        if full:
            active = [login for login in team["members"] if is_member(org, login)]
            body.update(
                members_count=len(active),
                repos_count=len(team["repos"]),
                created_at=team["created_at"],
                updated_at=team["updated_at"],
                organization=shapes.organization(hub.urls, org, 0),
            )
        return body

    def is_member(org: dict[str, Any], login: str) -> bool:
        return org_role(org, login) != "none"

    def sees(ctx: Ctx, org: dict[str, Any], team: dict[str, Any]) -> bool:
        """A secret team is visible to owners, its members and the organisation's Apps."""
        login = ctx.principal.login or ""
        return (
            team["privacy"] == "closed"
            or ctx.principal.kind == "installation"
            or org_role(org, login) == "admin"
            or login.lower() in team["members"]
        )

    def find_team(ctx: Ctx, level: str, role: str = "member") -> tuple[dict[str, Any], Any]:
        org = org_for(hub, ctx, "members", level, role)
        team = teams_of(org).get(ctx.params["team_slug"].lower())
        if team is None or not sees(ctx, org, team):
            raise not_found()
        return org, team

    def may_manage(ctx: Ctx, org: dict[str, Any], team: dict[str, Any]) -> bool:
        """Owners, the team's maintainers and installations (their scope already checked)."""
        if ctx.principal.kind == "installation":
            return True
        login = (ctx.principal.login or "").lower()
        return org_role(org, login) == "admin" or team["members"].get(login) == "maintainer"

    @r.route("POST", "/orgs/{org}/teams")
    def create_team(ctx: Ctx) -> Response:
        org = org_for(hub, ctx, "members", "write", "member")
        name = ctx.field("name", str, required=True, resource="Team")
        slug = slug_of(name)
        if not slug:
            raise invalid("Team", "name", "invalid", "name must hold a letter or a digit")
        description = ctx.field("description", str, resource="Team") or ""
        privacy = ctx.field("privacy", str, resource="Team") or "secret"
        notify = ctx.field("notification_setting", str, resource="Team")
        permission = ctx.field("permission", str, resource="Team") or "pull"
        maintainers = ctx.field("maintainers", list, resource="Team") or []
        repo_names = ctx.field("repo_names", list, resource="Team") or []
        if privacy not in ("secret", "closed"):
            raise invalid("Team", "privacy", "invalid", "privacy must be secret or closed")
        if permission not in ("pull", "push"):
            raise invalid("Team", "permission", "invalid", "permission must be pull or push")
        if notify not in (None, "notifications_enabled", "notifications_disabled"):
            raise invalid("Team", "notification_setting", "invalid")
        people = [store.account(m) if isinstance(m, str) else None for m in maintainers]
        if any(acc is None or acc["type"] != "User" for acc in people):
            raise invalid("Team", "maintainers", "invalid", "maintainers must be users")
        repos = [store.repo(org["login"], n) if isinstance(n, str) else None for n in repo_names]
        if any(repo is None for repo in repos):
            raise invalid("Team", "repo_names", "invalid", "repo_names must be the org's")
        if slug in teams_of(org) or any(
            t["name"].lower() == name.lower() for t in teams_of(org).values()
        ):
            raise invalid("Team", "name", "already_exists", "Name must be unique for this org")
        now = store.now_iso()
        members = {acc["login"].lower(): "maintainer" for acc in people if acc}
        if ctx.principal.kind == "user" and ctx.principal.login:
            members[ctx.principal.login.lower()] = "maintainer"  # the creator maintains it
        team = {
            "id": store.next_id(),
            "name": name,
            "slug": slug,
            "description": description,
            "privacy": privacy,
            "notification_setting": notify or "notifications_enabled",
            "permission": permission,
            "created_at": now,
            "updated_at": now,
            "members": members,
            "repos": {str(repo["id"]): ROLE_ALIASES[permission] for repo in repos if repo},
        }
        teams_of(org)[slug] = team
        store.mark_dirty()
        return Response(201, team_json(org, team, full=True))

    @r.route("GET", "/orgs/{org}/teams")
    def list_teams(ctx: Ctx) -> Response:
        org = org_for(hub, ctx, "members", "read", "member")
        items = [
            team_json(org, team, full=False)
            for team in sorted(teams_of(org).values(), key=lambda t: t["name"].lower())
            if sees(ctx, org, team)
        ]
        return paginate(hub, ctx, items)

    @r.route("GET", "/orgs/{org}/teams/{team_slug}")
    def get_team(ctx: Ctx) -> Response:
        org, team = find_team(ctx, "read")
        return Response(200, team_json(org, team, full=True))

    @r.route("PUT", "/orgs/{org}/teams/{team_slug}/memberships/{username}")
    def add_member(ctx: Ctx) -> Response:
        org, team = find_team(ctx, "write")
        if not may_manage(ctx, org, team):
            raise HubError(403, "You must be an organization owner or team maintainer.")
        person = store.account(ctx.params["username"])
        if person is None:
            raise not_found()
        if person["type"] != "User":
            raise invalid("TeamMember", "username", "invalid", "only users may join a team")
        role = ctx.field("role", str, resource="TeamMember") or "member"
        if role not in ("member", "maintainer"):
            raise invalid("TeamMember", "role", "invalid", "role must be member or maintainer")
        team["members"][person["login"].lower()] = role
        team["updated_at"] = store.now_iso()
        store.mark_dirty()
        return Response(200, membership_json(org, team, person["login"]))

    @r.route("GET", "/orgs/{org}/teams/{team_slug}/memberships/{username}")
    def get_membership(ctx: Ctx) -> Response:
        """A person's membership: active, or pending until they join the organisation; 404
        when they are not on the team."""
        org, team = find_team(ctx, "read")
        login = ctx.params["username"]
        if login.lower() not in team["members"]:
            return Response(404)  # documented without a body: not on the team
        return Response(200, membership_json(org, team, login))

    def membership_json(org: dict[str, Any], team: dict[str, Any], login: str) -> dict[str, Any]:
        return {
            "url": f"{hub.urls.api}/organizations/{org['id']}/team/{team['id']}/memberships/"
            f"{login}",
            "role": team["members"][login.lower()],
            "state": "active" if is_member(org, login) else "pending",
        }

    @r.route("GET", "/orgs/{org}/teams/{team_slug}/members")
    def list_members(ctx: Ctx) -> Response:
        org, team = find_team(ctx, "read")
        wanted = ctx.q("role") or "all"
        if wanted not in ("member", "maintainer", "all"):
            raise invalid("TeamMember", "role", "invalid", "role must be member, maintainer or all")
        logins = [
            login
            for login, role in sorted(team["members"].items())
            if is_member(org, login) and wanted in ("all", role)
        ]
        items = [
            hub.user_json((store.account(login) or {"login": login})["login"]) for login in logins
        ]
        return paginate(hub, ctx, items)

    def org_repo(ctx: Ctx, org: dict[str, Any]) -> dict[str, Any]:
        """The repository ``{owner}/{repo}``, which must be the organisation's and visible."""
        repo = store.repo(ctx.params["owner"], ctx.params["repo"])
        check_repo(store, ctx.principal, repo, "metadata", "read", "read")
        assert repo is not None
        if repo["owner"].lower() != org["login"].lower():
            raise not_found()
        return repo

    @r.route("PUT", "/orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}")
    def add_repo(ctx: Ctx) -> Response:
        org, team = find_team(ctx, "read")
        repo = store.repo(ctx.params["owner"], ctx.params["repo"])
        check_repo(store, ctx.principal, repo, "administration", "write", "admin")
        assert repo is not None
        if repo["owner"].lower() != org["login"].lower():
            raise invalid("Team", "repo", "invalid", "the repository must be the organization's")
        if ctx.principal.kind == "user" and not may_manage(ctx, org, team):
            raise HubError(403, "You must be an organization owner or team maintainer.")
        asked = ctx.field("permission", str, resource="Team") or team["permission"]
        role = ROLE_ALIASES.get(asked)
        if role is None:
            raise invalid(
                "Team",
                "permission",
                "invalid",
                "permission must be one of pull, triage, push, maintain, admin",
            )
        team["repos"][str(repo["id"])] = role
        team["updated_at"] = store.now_iso()
        store.mark_dirty()
        return Response(204)

    @r.route("GET", "/orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}")
    def check_team_repo(ctx: Ctx) -> Response:
        org, team = find_team(ctx, "read")
        repo = org_repo(ctx, org)
        role = team["repos"].get(str(repo["id"]))
        if role is None:
            return Response(404)  # documented without a body: the team has no access
        if REPOSITORY_JSON not in (ctx.headers.get("accept") or ""):
            return Response(204)
        owner = hub.account_or_ghost(repo["owner"])
        body = shapes.full_repository(hub.urls, repo, owner, permissions=permission_flags(role))
        body["role_name"] = role
        return Response(200, body)

    @r.route("GET", "/orgs/{org}/teams/{team_slug}/repos")
    def list_team_repos(ctx: Ctx) -> Response:
        _org, team = find_team(ctx, "read")
        items = []
        for ident, role in team["repos"].items():
            repo = store.repo_by_id(int(ident))
            if repo is None:
                continue
            viewer = ctx.principal.login if ctx.principal.kind == "user" else None
            if repo["private"] and viewer and user_role(store, viewer, repo) == "none":
                continue
            body = repo_json(hub, repo)
            body.update(permissions=permission_flags(role), role_name=role)
            items.append(body)
        return paginate(hub, ctx, items)
