"""The organisation as setup and the go-live gate read it, and the writes setup makes: small
adapters over the REST API with the facilitator's token (through `glow.github.Repo`, so every
request has backoff and the token's write budget)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from glow.cohort.setup.decide import (
    ROLES,
    Installation,
    Names,
    RepoState,
    Role,
    Team,
    VariableScope,
)
from glow.errors import GitHubError

if TYPE_CHECKING:
    from githubkit import GitHub

    from glow.github import Repo

PERMISSION_ORDER = ("admin", "maintain", "push", "triage", "pull")


class Org:
    """One organisation behind one client; ``writes`` counts what it changed."""

    def __init__(self, gh: GitHub[Any], names: Names) -> None:
        from glow.github import Repo

        self.names = names
        self.gh = gh
        # Org-level routes go through a Repo for its backoff, counting and budget.
        self.api: Repo = Repo(gh, names.org, names.workshop)

    @property
    def writes(self) -> int:
        return self.api.counts.writes

    def repo(self, role: Role) -> Repo:
        from glow.github import Repo

        return Repo(self.gh, self.names.org, self.names.repo(role), pacer=self.api.pacer)

    def org_url(self, *parts: str) -> str:
        return "/".join(["orgs", quote(self.names.org, safe=""), *parts])

    # Reading -----------------------------------------------------------------------------------

    def check_org(self) -> dict[str, Any]:
        """The organisation, or a GlowError saying it is not there or not the token's to manage."""
        from glow.errors import GlowError

        found = self.api.get_json(self.org_url())
        if found is None:
            raise GlowError(
                f"organisation {self.names.org!r} not found: check --org, and that the token "
                "(GLOW_PAT) belongs to one of its owners"
            )
        return dict(found)

    def repo_state(self, role: Role) -> RepoState:
        repo = self.repo(role)
        info = repo.get_json(repo.url())
        if info is None:
            return RepoState(exists=False)
        branches = repo.request("GET", repo.url("branches"), params={"per_page": 1}).json()
        return RepoState(
            exists=True,
            private=bool(info.get("private")),
            is_template=bool(info.get("is_template")),
            empty=not branches,
            archived=bool(info.get("archived")),
        )

    def repo_states(self) -> dict[Role, RepoState]:
        return {role: self.repo_state(role) for role in ROLES}

    def variables_url(self, scope: VariableScope) -> str:
        if scope == "org":
            return self.org_url("actions", "variables")
        return self.repo(scope).url("actions", "variables")

    def variables(self, scope: VariableScope) -> dict[str, str]:
        """The organisation's variables (``org``), or a repository's own."""
        try:
            listed = list(self.api.paginate(self.variables_url(scope), key="variables"))
        except GitHubError as exc:
            if exc.status == 404 and scope != "org":
                return {}  # a repository not made yet (a dry run)
            raise
        return {str(v["name"]): str(v.get("value", "")) for v in listed}

    def secrets(self, role: Role) -> frozenset[str]:
        repo = self.repo(role)
        try:
            return frozenset(
                str(s["name"])
                for s in self.api.paginate(repo.url("actions", "secrets"), key="secrets")
            )
        except GitHubError as exc:
            if exc.status == 404:
                return frozenset()
            raise

    def org_secrets(self) -> frozenset[str]:
        try:
            listed = self.api.paginate(self.org_url("actions", "secrets"), key="secrets")
            return frozenset(str(s["name"]) for s in listed)
        except GitHubError as exc:
            if exc.status in (403, 404):
                return frozenset()
            raise

    def plan(self) -> str | None:
        """The organisation's plan (``free``, ``team``...), as GitHub shows it to an owner;
        None where there is none (GitHub Enterprise Server). Reads the organisation, so a
        missing one or a token not its owner's is one clear line first (``check_org``)."""
        found = (self.check_org().get("plan") or {}).get("name")
        return str(found).lower() if found else None

    def installations(self) -> list[Installation]:
        return [
            Installation(
                id=int(i["id"]),
                app_slug=str(i.get("app_slug") or ""),
                permissions={str(k): str(v) for k, v in (i.get("permissions") or {}).items()},
                repository_selection=str(i.get("repository_selection") or "all"),
            )
            for i in self.api.paginate(self.org_url("installations"), key="installations")
        ]

    def team(self, people: tuple[str, ...] = ()) -> Team | None:
        """The facilitators' team: which of ``people`` are on it (active, or invited and not
        yet in the organisation: a pending membership is not asked for again) and its access."""
        slug = self.names.team
        if self.api.get_json(self.org_url("teams", slug)) is None:
            return None
        members = frozenset(
            login.lower()
            for login in people
            if self.api.get_json(self.org_url("teams", slug, "memberships", quote(login, safe="")))
        )
        access: dict[Role, str] = {}
        by_name = {self.names.repo(role).lower(): role for role in ROLES}
        for repo in self.api.paginate(self.org_url("teams", slug, "repos")):
            role = by_name.get(str(repo.get("name", "")).lower())
            perms = repo.get("permissions") or {}
            owner = str(repo.get("owner", {}).get("login", "")).lower()
            if role is not None and owner == self.names.org.lower():
                access[role] = next((p for p in PERMISSION_ORDER if perms.get(p)), "none")
        return Team(slug=slug, members=members, access=access)

    def head(self, role: Role) -> str | None:
        """The default branch's head commit, or None while nothing was pushed."""
        repo = self.repo(role)
        info = repo.get_json(repo.url()) or {}
        branch = quote(str(info.get("default_branch") or "main"), safe="")
        try:
            found = repo.get_json(repo.url("commits", branch))
        except GitHubError as exc:
            if exc.status != 409:  # "Git Repository is empty."
                raise
            return None
        return str(found["sha"]) if found else None

    def login(self) -> str:
        return self.api.login()

    def labels(self, role: Role) -> frozenset[str]:
        """The repository's label names (none for a repository not made yet: a dry run)."""
        try:
            return frozenset(
                str(label["name"]) for label in self.api.paginate(self.repo(role).url("labels"))
            )
        except GitHubError as exc:
            if exc.status == 404:
                return frozenset()
            raise

    # Writing -----------------------------------------------------------------------------------

    def create_repo(self, role: Role) -> None:
        private = role != "workshop"
        self.api.request(
            "POST",
            self.org_url("repos"),
            json={
                "name": self.names.repo(role),
                "private": private,
                "visibility": "private" if private else "public",
                "is_template": role == "template",
                "auto_init": False,
                "description": {
                    "workshop": "GLOW workshop: register here, with the issue form",
                    "admin": "GLOW admin: rosters, dashboard and watchdog (private)",
                    "template": "GLOW Learning Room template",
                }[role],
            },
        )

    def make_template(self, role: Role) -> None:
        repo = self.repo(role)
        repo.request("PATCH", repo.url(), json={"is_template": True})

    def set_variable(self, scope: VariableScope, name: str, value: str, *, exists: bool) -> None:
        url = self.variables_url(scope)
        body = {"name": name, "value": value, **({"visibility": "all"} if scope == "org" else {})}
        if exists:
            self.api.request("PATCH", f"{url}/{name}", json=body)
        else:
            self.api.request("POST", url, json=body)

    def create_label(self, role: Role, name: str, color: str, description: str) -> None:
        try:
            self.api.request(
                "POST",
                self.repo(role).url("labels"),
                json={"name": name, "color": color, "description": description},
            )
        except GitHubError as exc:
            if exc.status != 422:  # already_exists: made since we read the labels
                raise

    def create_team(self) -> None:
        self.api.request(
            "POST",
            self.org_url("teams"),
            json={
                "name": self.names.team,
                "description": "GLOW facilitators: watch the admin repository for alerts",
                "privacy": "closed",
            },
        )

    def add_member(self, login: str) -> None:
        self.api.request(
            "PUT",
            self.org_url("teams", self.names.team, "memberships", quote(login, safe="")),
            json={"role": "member"},
        )

    def grant_team(self, role: Role, permission: str) -> None:
        self.api.request(
            "PUT",
            self.org_url(
                "teams",
                self.names.team,
                "repos",
                quote(self.names.org, safe=""),
                self.names.repo(role),
            ),
            json={"permission": permission},
        )
