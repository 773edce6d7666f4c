"""GitHub App authentication: RS256 JWTs, installations and installation access tokens."""

from __future__ import annotations

import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from githubkit import AppAuthStrategy, GitHub

from tests.localhub.conftest import World


def make_app(world: World) -> dict[str, Any]:
    gh = world.gh
    app = gh.control(
        "POST",
        "apps",
        {
            "slug": "glow-provisioner",
            "owner": "acme",
            "permissions": {"administration": "write", "issues": "write", "contents": "write"},
            "events": ["issues", "push"],
        },
    )
    gh.control("POST", "installations", {"app_id": app["id"], "account": "acme"})
    return app


def app_jwt(app: dict[str, Any], **claims: Any) -> str:
    now = int(time.time())
    body = {"iat": now - 60, "exp": now + 540, "iss": str(app["id"]), **claims}
    return jwt.encode(body, app["private_key"], algorithm="RS256")


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def installation_token(world: World, app: dict[str, Any]) -> str:
    gh = world.gh
    headers = bearer(app_jwt(app))
    inst = gh.ok("GET", "/orgs/acme/installation", headers=headers)
    resp = gh.api("POST", f"/app/installations/{inst['id']}/access_tokens", headers=headers)
    assert resp.status_code == 201, resp.text
    return resp.json()["token"]


def test_app_jwt_by_id_and_by_client_id(world: World) -> None:
    gh = world.gh
    app = make_app(world)
    for issuer in (str(app["id"]), app["client_id"]):
        me = gh.ok("GET", "/app", headers=bearer(app_jwt(app, iss=issuer)))
        assert me["id"] == app["id"]
        assert me["slug"] == "glow-provisioner"
    inst = gh.ok("GET", "/orgs/acme/installation", headers=bearer(app_jwt(app)))
    assert inst["app_id"] == app["id"]
    assert inst["account"]["login"] == "acme"
    assert (
        gh.api("GET", "/orgs/nowhere/installation", headers=bearer(app_jwt(app))).status_code == 404
    )
    listed = gh.ok("GET", "/app/installations", headers=bearer(app_jwt(app)))
    assert [i["id"] for i in listed] == [inst["id"]]


def test_installation_token_acts_in_its_org_only(world: World) -> None:
    gh = world.gh
    app = make_app(world)
    gh.user("bob")
    gh.org("elsewhere", admins=["bob"])
    bob = gh.token("bob")
    gh.ok("POST", "/orgs/elsewhere/repos", bob, json={"name": "secret", "private": True})

    token = installation_token(world, app)
    created = gh.ok("POST", "/orgs/acme/repos", token, json={"name": "room-1", "private": True})
    assert created["full_name"] == "acme/room-1"
    issue = gh.ok("POST", "/repos/acme/demo/issues", token, json={"title": "from the app"})
    assert issue["user"]["login"] == "glow-provisioner[bot]"
    assert issue["user"]["type"] == "Bot"

    assert gh.api("GET", "/repos/elsewhere/secret", token).status_code == 404
    resp = gh.api("POST", "/repos/elsewhere/secret/issues", token, json={"title": "x"})
    assert resp.status_code == 404
    resp = gh.api("POST", "/orgs/elsewhere/repos", token, json={"name": "nope"})
    assert resp.status_code == 403
    # an installation token is not a user
    resp = gh.api("GET", "/user", token)
    assert resp.status_code == 403
    assert resp.json()["message"] == "Resource not accessible by integration"
    repos = gh.ok("GET", "/installation/repositories", token)
    assert {r["full_name"] for r in repos["repositories"]} == {"acme/demo", "acme/room-1"}


def test_installation_token_narrowed_to_fewer_permissions(world: World) -> None:
    gh = world.gh
    app = make_app(world)
    headers = bearer(app_jwt(app))
    inst = gh.ok("GET", "/orgs/acme/installation", headers=headers)
    url = f"/app/installations/{inst['id']}/access_tokens"
    narrow = gh.api("POST", url, headers=headers, json={"permissions": {"issues": "read"}})
    assert narrow.status_code == 201
    token = narrow.json()["token"]
    assert gh.api("GET", "/repos/acme/demo/issues", token).status_code == 200
    resp = gh.api("POST", "/repos/acme/demo/issues", token, json={"title": "x"})
    assert resp.status_code == 403
    assert resp.json()["message"] == "Resource not accessible by integration"
    wider = gh.api("POST", url, headers=headers, json={"permissions": {"members": "write"}})
    assert wider.status_code == 422


def test_bad_jwts_are_401(world: World) -> None:
    gh = world.gh
    app = make_app(world)
    now = int(time.time())
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other_pem = stranger.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    bad = {
        "expired": app_jwt(app, iat=now - 700, exp=now - 100),
        "wrong key": jwt.encode(
            {"iat": now - 60, "exp": now + 540, "iss": str(app["id"])}, other_pem, algorithm="RS256"
        ),
        "exp too far": app_jwt(app, iat=now - 60, exp=now + 660),
        "unknown issuer": app_jwt(app, iss="999999"),
        "no exp": jwt.encode(
            {"iat": now, "iss": str(app["id"])}, app["private_key"], algorithm="RS256"
        ),
        "HS256": jwt.encode(
            {"iat": now - 60, "exp": now + 540, "iss": str(app["id"])}, "s" * 32, algorithm="HS256"
        ),
    }
    for name, token in bad.items():
        resp = gh.api("GET", "/app", headers=bearer(token))
        assert resp.status_code == 401, name
        assert resp.json()["message"], name
    # a JWT is not an installation token: it cannot use repository endpoints
    resp = gh.api("GET", "/repos/acme/demo/issues", headers=bearer(app_jwt(app)))
    assert resp.status_code in (401, 403, 404)
    # and a PAT is not an App
    assert gh.api("GET", "/app", world.token).status_code == 401


def test_githubkit_app_auth_reaches_the_installation(world: World) -> None:
    app = make_app(world)
    kit = GitHub(
        AppAuthStrategy(app["id"], app["private_key"]),
        base_url=world.gh.hub.api_url + "/",
        auto_retry=False,
    )
    inst = kit.rest.apps.get_org_installation("acme").parsed_data
    as_inst = kit.with_auth(kit.auth.as_installation(inst.id))
    issue = as_inst.rest.issues.create("acme", "demo", title="via githubkit").parsed_data
    assert issue.user is not None and issue.user.login == "glow-provisioner[bot]"


def test_app_jwts_still_work_after_the_clock_moves(world: World) -> None:
    """Clients sign JWTs by their own clock; the hub's simulated clock must not lock them out."""
    gh = world.gh
    app = make_app(world)
    gh.advance(2 * 24 * 3600)
    assert gh.api("GET", "/app", headers=bearer(app_jwt(app))).status_code == 200
    token = installation_token(world, app)
    assert gh.api("GET", "/repos/acme/demo", token).status_code == 200
    # installation tokens live one hour of the hub's clock
    gh.advance(3601)
    assert gh.api("GET", "/repos/acme/demo", token).status_code == 401


def test_installation_on_selected_repositories(world: World) -> None:
    gh = world.gh
    gh.ok("POST", "/orgs/acme/repos", world.token, json={"name": "admin", "private": True})
    app = gh.control(
        "POST", "apps", {"slug": "room-bot", "owner": "acme", "permissions": {"issues": "write"}}
    )
    gh.control(
        "POST", "installations", {"app_id": app["id"], "account": "acme", "repositories": ["demo"]}
    )
    token = installation_token(world, app)
    assert gh.api("POST", "/repos/acme/demo/issues", token, json={"title": "ok"}).status_code == 201
    assert gh.api("GET", "/repos/acme/admin", token).status_code == 404
    repos = gh.ok("GET", "/installation/repositories", token)
    assert repos["repository_selection"] == "selected"
    assert [r["full_name"] for r in repos["repositories"]] == ["acme/demo"]
    # without administration:write an installation cannot create repositories
    assert gh.api("POST", "/orgs/acme/repos", token, json={"name": "x"}).status_code == 403


def test_selected_installation_reaches_only_its_repositories(world: World) -> None:
    """An installation on selected repositories: tokens are minted for those only; other
    private repositories of the account are 404, and public ones are read-only (403)."""
    gh = world.gh
    for name, private in (("admin", True), ("site", False), ("open-room", False)):
        gh.ok("POST", "/orgs/acme/repos", world.token, json={"name": name, "private": private})
    app = gh.control(
        "POST",
        "apps",
        {
            "slug": "room-bot",
            "owner": "acme",
            "permissions": {"issues": "write", "contents": "write"},
        },
    )
    gh.control(
        "POST",
        "installations",
        {"app_id": app["id"], "account": "acme", "repositories": ["demo", "open-room"]},
    )
    headers = bearer(app_jwt(app))
    inst = gh.ok("GET", "/orgs/acme/installation", headers=headers)
    assert inst["repository_selection"] == "selected" and inst["app_slug"] == "room-bot"
    url = f"/app/installations/{inst['id']}/access_tokens"
    admin_id = gh.ok("GET", "/repos/acme/admin", world.token)["id"]
    demo_id = gh.ok("GET", "/repos/acme/demo", world.token)["id"]
    for body in (
        {"repositories": ["admin"]},
        {"repositories": ["demo", "site"]},
        {"repositories": ["no-such-repo"]},
        {"repository_ids": [admin_id]},
        {"repository_ids": [demo_id, 999999999]},
    ):
        resp = gh.api("POST", url, headers=headers, json=body)
        assert resp.status_code == 422, (body, resp.text)
        assert resp.json()["message"] == (
            "There is at least one repository that does not exist or is not accessible to the "
            "parent installation."
        )
    for body, field in (
        ({"repositories": [5]}, "repositories"),
        ({"repository_ids": ["x"]}, "repository_ids"),
    ):
        resp = gh.api("POST", url, headers=headers, json=body)
        assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == field
    narrowed = gh.api("POST", url, headers=headers, json={"repository_ids": [demo_id]})
    assert narrowed.status_code == 201 and narrowed.json()["repository_selection"] == "selected"
    listed = gh.ok("GET", "/installation/repositories", narrowed.json()["token"])
    assert [r["full_name"] for r in listed["repositories"]] == ["acme/demo"]

    token = installation_token(world, app)
    listed = gh.ok("GET", "/installation/repositories", token)
    assert sorted(r["full_name"] for r in listed["repositories"]) == ["acme/demo", "acme/open-room"]
    assert listed["total_count"] == 2 and listed["repository_selection"] == "selected"
    # installed: reads and writes
    assert (
        gh.api("POST", "/repos/acme/open-room/issues", token, json={"title": "hi"}).status_code
        == 201
    )
    # another private repository of the account does not exist for this token
    assert gh.api("GET", "/repos/acme/admin", token).status_code == 404
    assert gh.api("POST", "/repos/acme/admin/issues", token, json={"title": "x"}).status_code == 404
    # a public repository it is not installed on can be read, not written
    assert gh.api("GET", "/repos/acme/site", token).status_code == 200
    for method, path, body in (
        ("POST", "/repos/acme/site/issues", {"title": "x"}),
        ("PUT", "/repos/acme/site/contents/x.txt", {"message": "x", "content": "eA=="}),
        ("POST", "/repos/acme/site/labels", {"name": "x"}),
    ):
        resp = gh.api(method, path, token, json=body)
        assert resp.status_code == 403, (path, resp.text)
        assert resp.json()["message"] == "Resource not accessible by integration"


def test_installation_on_all_repositories_reaches_every_one(world: World) -> None:
    gh = world.gh
    gh.ok("POST", "/orgs/acme/repos", world.token, json={"name": "admin", "private": True})
    app = make_app(world)
    headers = bearer(app_jwt(app))
    inst = gh.ok("GET", "/orgs/acme/installation", headers=headers)
    assert inst["repository_selection"] == "all"
    url = f"/app/installations/{inst['id']}/access_tokens"
    resp = gh.api("POST", url, headers=headers, json={"repositories": ["admin"]})
    assert resp.status_code == 201, resp.text
    assert gh.api("GET", "/repos/acme/admin", resp.json()["token"]).status_code == 200
    assert gh.api("GET", "/repos/acme/demo", resp.json()["token"]).status_code == 404
    token = installation_token(world, app)
    for repo in ("demo", "admin"):
        assert (
            gh.api("POST", f"/repos/acme/{repo}/issues", token, json={"title": "x"}).status_code
            == 201
        )
