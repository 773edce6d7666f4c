"""The control API under ``/_localhub/`` for tests and rehearsals (a contract: see DESIGN.md).

Users, orgs, Apps and installations, tokens, fault injection, the clock, configuration, and the
request, delivery and run logs. JSON in and out; no authentication (loopback only).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from glow.localhub import shapes
from glow.localhub.api import actionsdata
from glow.localhub.api.accounts import validate_login
from glow.localhub.api.caches import cache_store, caches_of
from glow.localhub.api.webflow import web_commit
from glow.localhub.auth import new_token, parse_permissions
from glow.localhub.limits import parse_fault
from glow.localhub.routing import Ctx, HubError, Response, invalid, not_found
from glow.localhub.state import DEFAULT_CONFIG

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub


def _non_negative(value: Any) -> bool:
    """A JSON number: finite (Python's json reads NaN and Infinity), zero or more."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


def _logins(ctx: Ctx, store: Any, field_name: str) -> list[str]:
    """A list of existing users' logins; a bad entry is reported under its own field."""
    people = ctx.field(field_name, list, resource="Organization") or []
    for person in people:
        acc = store.account(person) if isinstance(person, str) else None
        if acc is None or acc["type"] != "User":
            raise invalid("Organization", field_name, "invalid", f"no such user: {person}")
    return people


def _since(ctx: Ctx, items: Any) -> list[dict[str, Any]]:
    since = ctx.q_int("since", 0)
    return [item for item in list(items) if item["id"] > since]


def register(hub: Hub) -> None:
    c = hub.control
    store = hub.store

    @c.route("POST", "/_localhub/users")
    def create_user(ctx: Ctx) -> Response:
        login = validate_login(ctx.body().get("login"))
        if store.account(login) is not None:
            raise HubError(
                422,
                "Validation Failed",
                errors=[{"resource": "User", "field": "login", "code": "already_exists"}],
            )
        name = ctx.field("name", str, resource="User")
        email = ctx.field("email", str, resource="User")
        acc = hub.create_account(login, "User", name=name, email=email)
        return Response(201, shapes.user(hub.urls, acc))

    def plan_field(ctx: Ctx) -> str:
        """``plan``: free (GitHub's for a new organisation), team or enterprise."""
        plan = ctx.body().get("plan", actionsdata.FREE)
        if plan not in actionsdata.PLANS:
            raise invalid(
                "Organization", "plan", "invalid", "plan must be free, team or enterprise"
            )
        return str(plan)

    @c.route("POST", "/_localhub/orgs")
    def create_org(ctx: Ctx) -> Response:
        login = validate_login(ctx.body().get("login"), "Organization")
        admins = _logins(ctx, store, "admins")
        members = _logins(ctx, store, "members")
        plan = plan_field(ctx)
        if store.account(login) is not None:
            raise HubError(
                422,
                "Validation Failed",
                errors=[{"resource": "Organization", "field": "login", "code": "already_exists"}],
            )
        acc = hub.create_account(
            login,
            "Organization",
            admins=[str(a) for a in admins],
            members=[str(m) for m in members],
            plan=plan,
        )
        return Response(201, shapes.organization(hub.urls, acc, 0, owner_view=True))

    @c.route("POST", "/_localhub/orgs/{org}/plan")
    def change_plan(ctx: Ctx) -> Response:
        """An organisation moves to another plan (as its owner would in its billing settings)."""
        org = store.account(ctx.params["org"])
        if org is None or org["type"] != "Organization":
            raise not_found()
        plan = plan_field(ctx)
        with store.lock:
            org["plan"] = plan
            store.mark_dirty()
        return Response(200, shapes.organization(hub.urls, org, 0, owner_view=True))

    @c.route("POST", "/_localhub/orgs/{org}/members")
    def add_member(ctx: Ctx) -> Response:
        org = store.account(ctx.params["org"])
        login = ctx.field("login", str, required=True, resource="Membership")
        role = ctx.body().get("role", "member")
        if role not in ("member", "admin"):
            raise invalid("Membership", "role", "invalid", "role must be member or admin")
        if org is None or org["type"] != "Organization" or store.account(login) is None:
            raise not_found()
        with store.lock:
            key = "admins" if role == "admin" else "members"
            if login not in org.setdefault(key, []):
                org[key].append(login)
            store.mark_dirty()
        return Response(
            200,
            {
                "login": org["login"],
                "admins": org.get("admins", []),
                "members": org.get("members", []),
            },
        )

    @c.route("POST", "/_localhub/tokens")
    def create_token(ctx: Ctx) -> Response:
        login = ctx.body().get("login")
        acc = store.account(str(login)) if login else None
        if acc is None or acc["type"] != "User":
            raise invalid("Token", "login", "invalid", f"no such user: {login}")
        perms = parse_permissions(ctx.body().get("permissions"), "Token")
        token = new_token(
            store,
            "ghp_",
            {"kind": "user", "login": acc["login"], "permissions": perms, "repo_ids": None},
        )
        return Response(201, {"token": token})

    @c.route("POST", "/_localhub/apps")
    def create_app(ctx: Ctx) -> Response:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        body = ctx.body()
        slug = body.get("slug")
        owner = store.account(str(body.get("owner")))
        if not isinstance(slug, str) or not slug or owner is None:
            raise invalid(
                "App",
                "slug" if owner else "owner",
                "invalid",
                "slug and an existing owner are required",
            )
        perms = parse_permissions(body.get("permissions") or {}, "App") or {}
        events = body.get("events") or []
        if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
            raise invalid("App", "events", "invalid", "events must be a list of event names")
        name = body.get("name")
        if name is not None and not isinstance(name, str):
            raise invalid("App", "name", "invalid", "name must be a string")
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ).decode()
        public_pem = (
            key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        app_id = store.next_id()
        app = {
            "id": app_id,
            "slug": slug,
            "name": name or slug,
            "owner": owner["login"],
            "client_id": f"Iv23li{app_id:010d}",
            "permissions": perms,
            "events": list(events),
            "public_key": public_pem,
            "created_at": store.now_iso(),
        }
        with store.lock:
            store.data["apps"][str(app_id)] = app
            store.mark_dirty()
        if store.account(f"{slug}[bot]") is None:
            hub.create_account(f"{slug}[bot]", "Bot")
        return Response(
            201,
            {
                "id": app_id,
                "slug": slug,
                "client_id": app["client_id"],
                "private_key": private_pem,
                "permissions": perms,
            },
        )

    @c.route("POST", "/_localhub/installations")
    def install(ctx: Ctx) -> Response:
        body = ctx.body()
        app = store.data["apps"].get(str(body.get("app_id")))
        account = store.account(str(body.get("account")))
        if app is None or account is None:
            raise invalid("Installation", "app_id" if app is None else "account", "invalid")
        selection = body.get("repository_selection", "all")
        if selection not in ("all", "selected"):
            raise invalid(
                "Installation",
                "repository_selection",
                "invalid",
                "repository_selection must be all or selected",
            )
        names = body.get("repositories") or []
        if not isinstance(names, list):
            raise invalid("Installation", "repositories", "invalid", "repositories must be a list")
        permissions = parse_permissions(body.get("permissions"), "Installation")
        repo_ids = []
        for name in names:
            repo = store.repo(account["login"], str(name))
            if repo is None:
                raise invalid("Installation", "repositories", "invalid", f"no such repo: {name}")
            repo_ids.append(repo["id"])
        inst = {
            "id": store.next_id(),
            "app_id": app["id"],
            "account": account["login"],
            "permissions": permissions or app["permissions"],
            "repository_selection": "selected" if repo_ids else selection,
            "repo_ids": repo_ids,
            "created_at": store.now_iso(),
        }
        with store.lock:
            store.data["installations"][str(inst["id"])] = inst
            store.mark_dirty()
        return Response(201, {"id": inst["id"], "app_id": app["id"], "account": account["login"]})

    def set_setting(ctx: Ctx, kind: str, resource: str) -> str:
        """A secret or variable of a repository (``repo``: owner/name) or an owner (``owner``,
        every repository of theirs), in the store the REST API and the runner share."""
        scope = str(ctx.body().get("repo") or ctx.body().get("owner") or "")
        name, value = ctx.body().get("name"), ctx.body().get("value")
        owner, _, repo = scope.partition("/")
        exists = store.repo(owner, repo) if repo else store.account(owner)
        if not exists or not isinstance(name, str) or not isinstance(value, str):
            raise invalid(
                resource, "repo", "invalid", "repo (owner/name) or owner, name and value needed"
            )
        actionsdata.put(store, kind, scope.lower(), name, value)
        return scope

    @c.route("POST", "/_localhub/secrets")
    def set_secret(ctx: Ctx) -> Response:
        scope = set_setting(ctx, "secrets", "Secret")
        return Response(201, {"repo": scope, "name": ctx.body()["name"]})

    @c.route("POST", "/_localhub/variables")
    def set_variable(ctx: Ctx) -> Response:
        """A configuration variable (``vars.NAME``) of a repository (owner/name) or an owner."""
        scope = set_setting(ctx, "variables", "Variable")
        return Response(201, {"scope": scope, "name": ctx.body()["name"]})

    @c.route("POST", "/_localhub/faults")
    def add_fault(ctx: Ctx) -> Response:
        fault = parse_fault(ctx.body())
        hub.limits.add_fault(fault)
        return Response(201, {"kind": fault.kind, "count": fault.remaining})

    @c.route("GET", "/_localhub/faults")
    def list_faults(ctx: Ctx) -> Response:
        return Response(
            200,
            [
                {
                    "kind": f.kind,
                    "remaining": f.remaining,
                    "status": f.status,
                    "method": f.method,
                    "path_prefix": f.path_prefix,
                    "body_contains": f.body_contains,
                    "delay_seconds": f.delay_seconds,
                    "when": f.when,
                }
                for f in hub.limits.faults
            ],
        )

    @c.route("DELETE", "/_localhub/faults")
    def clear_faults(ctx: Ctx) -> Response:
        hub.limits.clear_faults()
        return Response(204)

    @c.route("GET", "/_localhub/clock")
    def get_clock(ctx: Ctx) -> Response:
        return Response(200, {"now": store.now_iso(), "offset_seconds": store.data["clock_offset"]})

    @c.route("POST", "/_localhub/clock")
    def advance(ctx: Ctx) -> Response:
        seconds = ctx.body().get("advance_seconds")
        if not _non_negative(seconds):
            raise invalid(
                "Clock",
                "advance_seconds",
                "invalid",
                "advance_seconds must be a number of seconds, zero or more",
            )
        before, after = store.advance_clock(float(seconds or 0))
        if hub.runner is not None:
            from glow.localhub.runner_host import tick_schedules

            tick_schedules(hub, before, after)
        return Response(200, {"now": store.now_iso(), "offset_seconds": store.data["clock_offset"]})

    @c.route("GET", "/_localhub/config")
    def get_config(ctx: Ctx) -> Response:
        return Response(200, dict(store.config))

    @c.route("POST", "/_localhub/config")
    def set_config(ctx: Ctx) -> Response:
        for key, value in ctx.body().items():
            if key not in DEFAULT_CONFIG:
                raise invalid("Config", key, "invalid", f"unknown setting {key}")
            if not _non_negative(value):
                raise invalid("Config", key, "invalid", f"{key} must be a number, zero or more")
            store.config[key] = value
        store.mark_dirty()
        return Response(200, dict(store.config))

    @c.route("GET", "/_localhub/requests")
    def requests_log(ctx: Ctx) -> Response:
        return Response(200, _since(ctx, hub.requests))

    @c.route("GET", "/_localhub/deliveries")
    def deliveries_log(ctx: Ctx) -> Response:
        return Response(200, _since(ctx, hub.deliveries))

    @c.route("GET", "/_localhub/edits")
    def edits_log(ctx: Ctx) -> Response:
        """Every version of every issue, pull request and comment body (``api/bodies.py``)."""
        with store.lock:
            edits = list(store.data.get("edits", []))
        return Response(200, _since(ctx, edits))

    @c.route("GET", "/_localhub/runs")
    def runs_log(ctx: Ctx) -> Response:
        runs = sorted(store.data["runs"].values(), key=lambda run: run["id"])
        return Response(200, [run for run in runs if run["id"] > ctx.q_int("since", 0)])

    @c.route("GET", "/_localhub/caches")
    def caches_log(ctx: Ctx) -> Response:
        """actions/cache entries, of one repository (``repo=owner/name``) or of all."""
        wanted = ctx.q("repo")
        if not wanted:
            entries = cache_store(hub).entries()
            return Response(200, [{"repo": e.repo.split("#")[0], **e.api_json()} for e in entries])
        repo = store.repo(*wanted.partition("/")[::2])
        if repo is None:
            raise not_found()
        return Response(200, [{"repo": wanted, **e.api_json()} for e in caches_of(hub, repo)])

    @c.route("POST", "/_localhub/web/commit")
    def web_commit_route(ctx: Ctx) -> Response:
        """A commit as GitHub's web editor makes it (``api/webflow.py``)."""
        body = ctx.body()
        fields = {k: body.get(k) for k in ("login", "repo", "branch", "path", "message")}
        content = body.get("content")
        start = body.get("create_branch_from")
        for key, value in fields.items():
            if key != "message" and (not isinstance(value, str) or not value):
                raise invalid("WebCommit", key, "missing_field", f"{key} is required")
        if not isinstance(content, str) or not isinstance(start, str | None):
            raise invalid("WebCommit", "content", "invalid", "content must be a string")
        owner, _, name = str(fields["repo"]).partition("/")
        repo = store.repo(owner, name)
        if repo is None:
            raise not_found()
        message = fields["message"] if isinstance(fields["message"], str) else None
        result = web_commit(
            hub,
            repo,
            str(fields["login"]),
            str(fields["branch"]),
            {str(fields["path"]): content.encode()},
            message or f"Update {fields['path']}",
            start,
        )
        return Response(201, result)

    @c.route("POST", "/_localhub/idle")
    def idle(ctx: Ctx) -> Response:
        timeout = ctx.body().get("timeout", 60)
        if not _non_negative(timeout):
            raise invalid("Idle", "timeout", "invalid")
        return Response(200, {"idle": hub.wait_idle(float(timeout))})
