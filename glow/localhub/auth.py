"""Tokens and permissions: PATs, App JWTs, installation tokens and per-job GITHUB_TOKENs.

Each token has a permission set that is enforced; a private repository is 404 to anyone who may
not see it, as on GitHub. A job token carries ``kind == "job"``: events it causes start no
workflow runs (except workflow_dispatch and repository_dispatch).
"""

from __future__ import annotations

import base64
import secrets
import time
from dataclasses import dataclass
from typing import Any

from glow.localhub.routing import HubError, invalid, not_found
from glow.localhub.state import Store

LEVELS = {"none": 0, "read": 1, "write": 2, "admin": 3}
ROLES = ["none", "read", "triage", "write", "maintain", "admin"]
# GitHub's collaborator permission names in the REST API.
ROLE_ALIASES = {
    "pull": "read",
    "push": "write",
    "triage": "triage",
    "maintain": "maintain",
    "admin": "admin",
    "read": "read",
    "write": "write",
}
SCOPES = (
    "actions",
    "actions_variables",
    "administration",
    "checks",
    "contents",
    "issues",
    "members",
    "metadata",
    "pull_requests",
    "statuses",
    "secrets",
    "workflows",
    "organization_actions_variables",
    "organization_administration",
    "organization_secrets",
)


@dataclass
class Principal:
    kind: str  # anonymous | user | app | installation | job
    login: str | None = None
    token: dict[str, Any] | None = None
    app: dict[str, Any] | None = None

    @property
    def is_job(self) -> bool:
        return self.kind == "job"

    @property
    def permissions(self) -> dict[str, str] | None:
        return None if self.token is None else self.token.get("permissions")

    def message_403(self) -> str:
        if self.kind in ("installation", "job"):
            return "Resource not accessible by integration"
        return "Resource not accessible by personal access token"


ANONYMOUS = Principal("anonymous")


def normalize_permissions(perms: dict[str, str] | None) -> dict[str, str] | None:
    """A permission map with GitHub's scope spelling (``pull_requests``); metadata is read.

    Lenient about scope names (a job's ``permissions:`` names scopes the hub does not enforce);
    requests from outside go through ``parse_permissions`` first."""
    if perms is None:
        return None
    out: dict[str, str] = {}
    for scope, level in perms.items():
        key = scope.replace("-", "_")
        if not isinstance(level, str) or level not in LEVELS:
            raise HubError(422, f"Invalid permission level {level!r} for {scope!r}")
        out[key] = level
    out.setdefault("metadata", "read")
    return out


GRANTABLE = ("read", "write")


def parse_permissions(
    value: Any, resource: str, field_name: str = "permissions"
) -> dict[str, str] | None:
    """A requested permission map, checked: an object of known scopes (``SCOPES``, dashes or
    underscores) to ``read`` or ``write``; anything else is a 422 naming the field."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid(resource, field_name, "invalid", f"{field_name} must be an object")
    for scope, level in value.items():
        if scope.replace("-", "_") not in SCOPES:
            raise invalid(
                resource, field_name, "invalid", f"{scope!r} is not a known permission scope"
            )
        if not isinstance(level, str) or level not in GRANTABLE:
            raise invalid(
                resource, field_name, "invalid", f"permission {scope!r} must be read or write"
            )
    return normalize_permissions(value)


def new_token(store: Store, prefix: str, record: dict[str, Any]) -> str:
    token = prefix + secrets.token_hex(18)
    with store.lock:
        store.data["tokens"][token] = record
        store.mark_dirty()
    return token


def authenticate(store: Store, header: str | None) -> Principal:
    if not header:
        return ANONYMOUS
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "basic":
        try:
            _, _, value = base64.b64decode(value).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            raise HubError(401, "Bad credentials") from None
    elif scheme.lower() not in ("token", "bearer"):
        raise HubError(401, "Bad credentials")
    if value.count(".") == 2 and value.startswith("eyJ"):
        return _app_principal(store, value)
    record = store.data["tokens"].get(value)
    if record is None:
        raise HubError(401, "Bad credentials")
    expires = record.get("expires_at")
    if expires is not None and store.epoch() >= expires:
        raise HubError(401, "Bad credentials")
    return Principal(record["kind"], record.get("login"), record)


def _app_principal(store: Store, token: str) -> Principal:
    import jwt  # only the server verifies App JWTs; keep bot start-up free of it

    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise HubError(401, "A JSON web token could not be decoded") from None
    issuer = str(claims.get("iss", ""))
    app = next(
        (
            a
            for a in store.data["apps"].values()
            if str(a["id"]) == issuer or a.get("client_id") == issuer
        ),
        None,
    )
    if app is None:
        raise HubError(401, "A JSON web token could not be decoded")
    try:
        jwt.decode(
            token,
            app["public_key"],
            algorithms=["RS256"],
            options={"verify_iat": False, "verify_exp": False},
        )
    except jwt.PyJWTError:
        raise HubError(401, "A JSON web token could not be decoded") from None
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, int | float) or not isinstance(exp, int | float):
        raise HubError(
            401, "'Issued at' claim ('iat') and 'Expiration time' claim ('exp') are required"
        )
    if exp - iat > 600 + 1:
        raise HubError(401, "'Expiration time' claim ('exp') is too far in the future")
    # A client signs with its own clock, which knows nothing of the hub's simulated one: a JWT
    # current by either clock is accepted, so advancing the hub's clock does not lock Apps out.
    problem = None
    for now in (store.epoch(), time.time()):
        problem = _jwt_time_problem(iat, exp, now)
        if problem is None:
            return Principal("app", f"{app['slug']}[bot]", None, app)
    raise HubError(401, problem or "A JSON web token could not be decoded")


def _jwt_time_problem(iat: float, exp: float, now: float) -> str | None:
    if exp <= now:
        return (
            "'Expiration time' claim ('exp') must be a numeric value "
            "representing the future time at which the assertion expires"
        )
    if exp > now + 600 + 60:
        return "'Expiration time' claim ('exp') is too far in the future"
    if iat > now + 60:
        return (
            "'Issued at' claim ('iat') must be an Integer representing the "
            "time that the assertion was issued"
        )
    return None


# -- repository access -----------------------------------------------------------------------


def user_role(store: Store, login: str | None, repo: dict[str, Any]) -> str:
    if login is None:
        return "read" if not repo["private"] else "none"
    owner = store.account(repo["owner"])
    key = login.lower()
    if repo["owner"].lower() == key:
        return "admin"
    role = "none"
    if owner and owner["type"] == "Organization":
        if key in (a.lower() for a in owner.get("admins", [])):
            return "admin"
        if key in (m.lower() for m in owner.get("members", [])):
            # the base permission (read), or more through a team
            granted = team_role(owner, key, repo["id"]) or "read"
            role = granted if ROLES.index(granted) > ROLES.index("read") else "read"
    collab = repo.get("collaborators", {}).get(key)
    if collab and ROLES.index(collab) > ROLES.index(role):
        role = collab
    if role == "none" and not repo["private"]:
        role = "read"
    return role


def org_role(org: dict[str, Any], login: str | None) -> str:
    """``admin`` for an owner, ``member`` for a member, else ``none``."""
    key = (login or "").lower()
    if key and key in (a.lower() for a in org.get("admins", [])):
        return "admin"
    if key and key in (m.lower() for m in org.get("members", [])):
        return "member"
    return "none"


def team_role(org: dict[str, Any], key: str, repo_id: int) -> str | None:
    """The highest role an organisation member has on a repository through its teams
    (``api/teams.py`` keeps them on the organisation: ``org["teams"][slug]``, members by
    lower-cased login, repositories by id)."""
    best: str | None = None
    for team in (org.get("teams") or {}).values():
        if key not in team.get("members", {}):
            continue
        granted = team.get("repos", {}).get(str(repo_id))
        if granted and (best is None or ROLES.index(granted) > ROLES.index(best)):
            best = granted
    return best


def token_allows_repo(p: Principal, store: Store, repo: dict[str, Any]) -> bool:
    if p.token is None:
        return p.kind in ("anonymous", "user")
    if p.kind == "job":
        return bool(p.token.get("repo_id") == repo["id"])
    if p.kind == "installation":
        inst = store.data["installations"].get(str(p.token.get("installation_id")))
        if inst is None or inst["account"].lower() != repo["owner"].lower():
            return False
    repo_ids = p.token.get("repo_ids")
    return repo_ids is None or repo["id"] in repo_ids


def effective_role(store: Store, p: Principal, repo: dict[str, Any]) -> str:
    if p.kind == "app":
        return "none"
    if p.kind in ("installation", "job"):
        if token_allows_repo(p, store, repo):
            return "admin"
        return "read" if not repo["private"] else "none"
    if not token_allows_repo(p, store, repo):
        return "read" if not repo["private"] else "none"
    return user_role(store, p.login, repo)


def scope_level(p: Principal, scope: str, store: Store, repo: dict[str, Any]) -> int:
    perms = p.permissions
    if perms is None:
        return LEVELS["admin"]
    if not token_allows_repo(p, store, repo):
        return (
            LEVELS["read"]
            if not repo["private"] and scope in ("metadata", "contents", "issues", "pull_requests")
            else 0
        )
    return LEVELS.get(perms.get(scope, "none"), 0)


def check_repo(
    store: Store,
    p: Principal,
    repo: dict[str, Any] | None,
    scope: str = "metadata",
    level: str = "read",
    role: str = "read",
) -> str:
    """Raise GitHub's answer unless ``p`` may act on ``repo``; returns the principal's role."""
    if repo is None:
        raise not_found()
    actual = effective_role(store, p, repo)
    if actual == "none":
        raise not_found()
    if p.kind == "anonymous" and level != "read":
        raise HubError(401, "Requires authentication")
    if scope_level(p, scope, store, repo) < LEVELS[level]:
        raise HubError(403, p.message_403())
    if ROLES.index(actual) < ROLES.index(role):
        if p.kind == "anonymous":
            raise HubError(401, "Requires authentication")
        raise HubError(
            403, "Must have admin rights to Repository." if role == "admin" else p.message_403()
        )
    if level == "write" and repo.get("archived") and scope != "administration":
        raise HubError(403, "Repository was archived so is read-only.")
    return actual


def require_user(p: Principal) -> str:
    if p.kind == "anonymous":
        raise HubError(401, "Requires authentication")
    if p.login is None:
        raise HubError(403, p.message_403())
    return p.login


def permission_flags(role: str) -> dict[str, bool]:
    idx = ROLES.index(role)
    return {
        "admin": idx >= 5,
        "maintain": idx >= 4,
        "push": idx >= 3,
        "triage": idx >= 2,
        "pull": idx >= 1,
    }
