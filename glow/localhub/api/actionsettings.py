"""Actions variables and secrets of an organisation and of a repository.

Variables: list, create (409 when the name exists), get, update (rename too) and delete, for an
organisation (its owners; ``visibility`` all, private or selected decides which repositories'
workflows see it) and a repository (its admins). Secrets: listed and read without their values
(GitHub never shows one); a repository's is set through its public key with a libsodium sealed
box (PyNaCl, which the ``test`` extra brings). Everything shares the store the control API
writes and the runner reads (``actionsdata.py``). Tokens need ``actions_variables`` or
``secrets`` (``organization_*`` for an organisation); a job's token has neither, as on GitHub.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

from glow.localhub.api import actionsdata
from glow.localhub.api.common import org_for, paginate, repo_for
from glow.localhub.routing import Ctx, HubError, Response, invalid, not_found

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub


def _name(ctx: Ctx, resource: str, *, required: bool) -> str | None:
    name = ctx.field("name", str, required=required, resource=resource)
    if name is not None and not actionsdata.valid_name(name):
        raise invalid(
            resource,
            "name",
            "invalid",
            "name may hold only letters, digits and underscores, and may not start with a "
            "digit or GITHUB_",
        )
    return None if name is None else str(name).upper()


def _visibility(ctx: Ctx, *, required: bool) -> tuple[str | None, list[int] | None]:
    visibility = ctx.field("visibility", str, required=required, resource="Variable")
    if visibility is not None and visibility not in actionsdata.VISIBILITIES:
        raise invalid(
            "Variable", "visibility", "invalid", "visibility must be all, private or selected"
        )
    ids = ctx.field("selected_repository_ids", list, resource="Variable")
    if ids is not None and not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise invalid(
            "Variable", "selected_repository_ids", "invalid", "selected_repository_ids are numbers"
        )
    return visibility, ids


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    def org_entry_json(
        org: dict[str, Any], kind: str, name: str, value: str, meta: dict[str, Any]
    ) -> dict[str, Any]:
        body = repo_entry_json(kind, name, value, meta)
        body["visibility"] = meta.get("visibility", "all")
        if body["visibility"] == "selected":
            body["selected_repositories_url"] = (
                f"{hub.urls.api}/orgs/{org['login']}/actions/{kind}/{name}/repositories"
            )
        return body

    def repo_entry_json(kind: str, name: str, value: str, meta: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {"name": name.upper()}
        if kind == "variables":  # a secret's value never leaves the store
            body["value"] = value
        body.update(created_at=meta["created_at"], updated_at=meta["updated_at"])
        return body

    # -- organisation variables --------------------------------------------------------------
    def org_scope(ctx: Ctx, level: str, kind: str = "variables") -> tuple[dict[str, Any], str]:
        scope = "organization_actions_variables" if kind == "variables" else "organization_secrets"
        org = org_for(hub, ctx, scope, level)
        return org, actionsdata.scope_of(org["login"])

    def org_listing(ctx: Ctx, kind: str) -> Response:
        """An organisation's variables or secrets (names and times; a secret's value never)."""
        org, scope = org_scope(ctx, "read", kind)
        items = [
            org_entry_json(org, kind, *entry) for entry in actionsdata.listing(store, kind, scope)
        ]
        return paginate(hub, ctx, items, wrap=kind)

    @r.route("GET", "/orgs/{org}/actions/variables")
    def list_org_variables(ctx: Ctx) -> Response:
        return org_listing(ctx, "variables")

    @r.route("POST", "/orgs/{org}/actions/variables")
    def create_org_variable(ctx: Ctx) -> Response:
        _org, scope = org_scope(ctx, "write")
        name = _name(ctx, "Variable", required=True) or ""
        value = ctx.field("value", str, required=True, resource="Variable")
        visibility, ids = _visibility(ctx, required=True)
        if actionsdata.find(store, "variables", scope, name) is not None:
            raise HubError(409, "Already exists - Variable already exists")
        actionsdata.put(
            store, "variables", scope, name, value, visibility=visibility, selected=ids or []
        )
        return Response(201, {})

    def org_variable(ctx: Ctx, level: str) -> tuple[dict[str, Any], str, str]:
        org, scope = org_scope(ctx, level)
        key = actionsdata.find(store, "variables", scope, ctx.params["name"])
        if key is None:
            raise not_found()
        return org, scope, key

    @r.route("GET", "/orgs/{org}/actions/variables/{name}")
    def get_org_variable(ctx: Ctx) -> Response:
        org, scope, key = org_variable(ctx, "read")
        meta = actionsdata.meta(store, "variables", scope, key)
        value = store.data["variables"][scope][key]
        return Response(200, org_entry_json(org, "variables", key, value, meta))

    @r.route("PATCH", "/orgs/{org}/actions/variables/{name}")
    def update_org_variable(ctx: Ctx) -> Response:
        _org, scope, key = org_variable(ctx, "write")
        visibility, ids = _visibility(ctx, required=False)
        update(ctx, scope, key, visibility=visibility, selected=ids)
        return Response(204)

    @r.route("DELETE", "/orgs/{org}/actions/variables/{name}")
    def delete_org_variable(ctx: Ctx) -> Response:
        _org, scope, key = org_variable(ctx, "write")
        actionsdata.remove(store, "variables", scope, key)
        return Response(204)

    def update(
        ctx: Ctx,
        scope: str,
        key: str,
        *,
        visibility: str | None = None,
        selected: list[int] | None = None,
    ) -> None:
        """PATCH: a new value, a new name (409 if taken), a new visibility, in any mix."""
        new_name = _name(ctx, "Variable", required=False) or key
        value = ctx.field("value", str, resource="Variable")
        taken = actionsdata.find(store, "variables", scope, new_name)
        if taken is not None and taken != key:
            raise HubError(409, "Already exists - Variable already exists")
        meta = dict(actionsdata.meta(store, "variables", scope, key))
        old_value = store.data["variables"][scope][key]
        if new_name.upper() != key.upper():
            actionsdata.remove(store, "variables", scope, key)
        actionsdata.put(
            store,
            "variables",
            scope,
            new_name,
            old_value if value is None else value,
            visibility=visibility or meta.get("visibility"),
            selected=selected if selected is not None else meta.get("selected_repository_ids"),
        )
        actionsdata.meta(store, "variables", scope, new_name)["created_at"] = meta["created_at"]

    # -- repository variables ----------------------------------------------------------------
    def repo_scope(ctx: Ctx, scope: str, level: str) -> str:
        repo = repo_for(hub, ctx, scope, level, "admin")
        return actionsdata.scope_of(repo["full_name"])

    # The App permission each kind needs on a repository.
    permission = {"variables": "actions_variables", "secrets": "secrets"}

    def repo_listing(ctx: Ctx, kind: str) -> Response:
        scope = repo_scope(ctx, permission[kind], "read")
        items = [repo_entry_json(kind, *entry) for entry in actionsdata.listing(store, kind, scope)]
        return paginate(hub, ctx, items, wrap=kind)

    def repo_entry(ctx: Ctx, kind: str, level: str, param: str) -> tuple[str, str]:
        """The repository's scope and the stored name of the variable or secret the path
        names, or 404."""
        scope = repo_scope(ctx, permission[kind], level)
        key = actionsdata.find(store, kind, scope, ctx.params[param])
        if key is None:
            raise not_found()
        return scope, key

    @r.route("GET", "/repos/{owner}/{repo}/actions/variables")
    def list_repo_variables(ctx: Ctx) -> Response:
        return repo_listing(ctx, "variables")

    @r.route("POST", "/repos/{owner}/{repo}/actions/variables")
    def create_repo_variable(ctx: Ctx) -> Response:
        scope = repo_scope(ctx, "actions_variables", "write")
        name = _name(ctx, "Variable", required=True) or ""
        value = ctx.field("value", str, required=True, resource="Variable")
        if actionsdata.find(store, "variables", scope, name) is not None:
            raise HubError(409, "Already exists - Variable already exists")
        actionsdata.put(store, "variables", scope, name, value)
        return Response(201, {})

    def repo_variable(ctx: Ctx, level: str) -> tuple[str, str]:
        return repo_entry(ctx, "variables", level, "name")

    @r.route("GET", "/repos/{owner}/{repo}/actions/variables/{name}")
    def get_repo_variable(ctx: Ctx) -> Response:
        scope, key = repo_variable(ctx, "read")
        meta = actionsdata.meta(store, "variables", scope, key)
        value = store.data["variables"][scope][key]
        return Response(200, repo_entry_json("variables", key, value, meta))

    @r.route("PATCH", "/repos/{owner}/{repo}/actions/variables/{name}")
    def update_repo_variable(ctx: Ctx) -> Response:
        scope, key = repo_variable(ctx, "write")
        update(ctx, scope, key)
        return Response(204)

    @r.route("DELETE", "/repos/{owner}/{repo}/actions/variables/{name}")
    def delete_repo_variable(ctx: Ctx) -> Response:
        scope, key = repo_variable(ctx, "write")
        actionsdata.remove(store, "variables", scope, key)
        return Response(204)

    # -- secrets -----------------------------------------------------------------------------
    @r.route("GET", "/orgs/{org}/actions/secrets")
    def list_org_secrets(ctx: Ctx) -> Response:
        return org_listing(ctx, "secrets")

    @r.route("GET", "/repos/{owner}/{repo}/actions/secrets")
    def list_repo_secrets(ctx: Ctx) -> Response:
        return repo_listing(ctx, "secrets")

    @r.route("GET", "/repos/{owner}/{repo}/actions/secrets/public-key")
    def repo_public_key(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "secrets", "read", "admin")
        key = sealing_key(hub, repo)
        return Response(200, {"key_id": key["key_id"], "key": key["public"]})

    @r.route("GET", "/repos/{owner}/{repo}/actions/secrets/{secret_name}")
    def get_repo_secret(ctx: Ctx) -> Response:
        scope, key = repo_entry(ctx, "secrets", "read", "secret_name")
        meta = actionsdata.meta(store, "secrets", scope, key)
        return Response(200, repo_entry_json("secrets", key, "", meta))

    @r.route("PUT", "/repos/{owner}/{repo}/actions/secrets/{secret_name}")
    def put_repo_secret(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "secrets", "write", "admin")
        name = ctx.params["secret_name"]
        if not actionsdata.valid_name(name):
            raise invalid(
                "Secret",
                "name",
                "invalid",
                "name may hold only letters, digits and underscores, and may not start with a "
                "digit or GITHUB_",
            )
        sealed = ctx.field("encrypted_value", str, required=True, resource="Secret")
        key_id = ctx.field("key_id", str, required=True, resource="Secret")
        key = sealing_key(hub, repo)
        if key_id != key["key_id"]:
            raise invalid("Secret", "key_id", "invalid", "key_id is not the repository's key")
        value = unseal(key["private"], sealed)
        scope = actionsdata.scope_of(repo["full_name"])
        created = actionsdata.put(store, "secrets", scope, name.upper(), value)
        return Response(201, {}) if created else Response(204)

    @r.route("DELETE", "/repos/{owner}/{repo}/actions/secrets/{secret_name}")
    def delete_repo_secret(ctx: Ctx) -> Response:
        scope, key = repo_entry(ctx, "secrets", "write", "secret_name")
        actionsdata.remove(store, "secrets", scope, key)
        return Response(204)


def sealing_key(hub: Hub, repo: dict[str, Any]) -> dict[str, str]:
    """The repository's Curve25519 key pair for secrets (made on first use): ``key_id``, and
    ``public`` and ``private`` in base64, as GitHub shows its public key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    found: dict[str, str] | None = repo.get("secrets_key")
    if found is not None:
        return found
    private = X25519PrivateKey.generate()
    raw = serialization.Encoding.Raw
    public = private.public_key().public_bytes(raw, serialization.PublicFormat.Raw)
    secret = private.private_bytes(
        raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    made = {
        "key_id": str(hub.store.next_id()),
        "public": base64.b64encode(public).decode(),
        "private": base64.b64encode(secret).decode(),
    }
    repo["secrets_key"] = made
    hub.store.mark_dirty()
    return made


def unseal(private_b64: str, sealed_b64: str) -> str:
    """Open a libsodium sealed box (``crypto_box_seal``) as GitHub does; 422 when it cannot be
    opened. Needs PyNaCl, which the ``test`` extra installs (through PyGithub)."""
    try:
        from nacl.exceptions import CryptoError
        from nacl.public import PrivateKey, SealedBox
    except ImportError:
        raise HubError(
            422, "Setting a secret on the local GitHub needs PyNaCl: pip install pynacl"
        ) from None
    try:
        sealed = base64.b64decode(sealed_b64, validate=True)
        opened = SealedBox(PrivateKey(base64.b64decode(private_b64))).decrypt(sealed)
        return opened.decode()
    except (binascii.Error, CryptoError, UnicodeDecodeError, ValueError):
        raise invalid(
            "Secret", "encrypted_value", "invalid", "encrypted_value is not sealed with the key"
        ) from None
