"""An organisation's and a repository's settings through GitHub's REST API on the local GitHub:
Actions variables and secrets, teams, the organisation's App installations, and workflows'
state; who may call each (owners, repository admins, Apps by their permissions, never a job's
token), in GitHub's shapes (checked against `@octokit/openapi`), in the store workflows read."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from nacl.public import PublicKey, SealedBox

from glow.localhub.hub import LocalHub
from glow.localhub.runner_host import HubRunnerHost

WORKFLOW = """name: Hello
on:
  workflow_dispatch:
jobs:
  hi:
    runs-on: ubuntu-latest
    steps:
      - run: echo "greeting=${{ vars.GREETING }} org=${{ vars.ORG_WIDE }} secret=$TOKEN"
        env:
          TOKEN: ${{ secrets.TOKEN }}
"""

APP_PERMISSIONS = {
    "actions_variables": "write",
    "administration": "write",
    "members": "write",
    "metadata": "read",
    "organization_actions_variables": "write",
    "organization_administration": "read",
    "organization_secrets": "read",
    "secrets": "write",
}


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@dataclass
class World:
    hub: LocalHub
    ctl: httpx.Client
    clients: dict[str, httpx.Client]
    app: dict[str, Any]
    installation: int

    def __getattr__(self, name: str) -> httpx.Client:
        return self.clients[name]

    def as_token(self, token: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.hub.api_url, headers={"Authorization": f"token {token}"}, timeout=30
        )

    def app_token(self, permissions: dict[str, str] | None = None) -> httpx.Client:
        now = int(time.time())
        signed = jwt.encode(
            {"iat": now - 60, "exp": now + 540, "iss": str(self.app["id"])},
            self.app["private_key"],
            algorithm="RS256",
        )
        minted = httpx.post(
            f"{self.hub.api_url}/app/installations/{self.installation}/access_tokens",
            headers={"Authorization": f"Bearer {signed}"},
            json={"permissions": permissions} if permissions else {},
        )
        minted.raise_for_status()
        return self.as_token(minted.json()["token"])

    def job_token(self, repo: str) -> httpx.Client:
        every = {"actions": "write", "contents": "write", "issues": "write"}
        return self.as_token(HubRunnerHost(self.hub).mint_job_token(repo, every))


def build(path: Path, *, runner: bool, plan: str = "team") -> World:
    hub = LocalHub(path, runner=runner).start()
    ctl = httpx.Client(base_url=hub.url, timeout=30)
    for login in ("owner", "member", "outsider", "newcomer"):
        ctl.post("/_localhub/users", json={"login": login}).raise_for_status()
    # A paid plan: an organisation's variables reach its private repositories.
    ctl.post(
        "/_localhub/orgs",
        json={"login": "org", "admins": ["owner"], "members": ["member"], "plan": plan},
    ).raise_for_status()
    ctl.post("/_localhub/orgs", json={"login": "other", "admins": ["outsider"]}).raise_for_status()
    tokens = {
        login: ctl.post("/_localhub/tokens", json={"login": login}).json()["token"]
        for login in ("owner", "member", "outsider", "newcomer")
    }
    clients = {
        login: httpx.Client(
            base_url=hub.api_url, headers={"Authorization": f"token {token}"}, timeout=30
        )
        for login, token in tokens.items()
    }
    clients["anonymous"] = httpx.Client(base_url=hub.api_url, timeout=30)
    owner = clients["owner"]
    for name, private in (("room", True), ("public", False)):
        owner.post(
            "/orgs/org/repos", json={"name": name, "private": private, "auto_init": True}
        ).raise_for_status()
    app = ctl.post(
        "/_localhub/apps",
        json={
            "slug": "glow-setup",
            "owner": "owner",
            "events": ["issues"],
            "permissions": APP_PERMISSIONS,
        },
    ).json()
    inst = ctl.post("/_localhub/installations", json={"app_id": app["id"], "account": "org"})
    return World(hub, ctl, clients, app, inst.json()["id"])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = build(tmp_path_factory.mktemp("settings"), runner=False)
    yield w
    w.hub.stop()


def ok(resp: httpx.Response, status: int, validator: Any | None = None) -> Any:
    assert resp.status_code == status, (resp.request.method, resp.request.url, resp.text[:300])
    if validator is not None:
        validator.validate_http_response(resp)
    return resp.json() if resp.content else None


# -- Actions variables ------------------------------------------------------------------------


def test_an_owner_manages_organisation_variables_in_githubs_shapes(
    world: World, openapi_validator: Any
) -> None:
    url = "/orgs/org/actions/variables"
    body = {"name": "cohort_name", "value": "spring", "visibility": "private"}
    assert ok(world.owner.post(url, json=body), 201, openapi_validator) == {}
    ok(world.owner.post(url, json=body), 409)
    listed = ok(world.owner.get(url), 200, openapi_validator)
    [entry] = [v for v in listed["variables"] if v["name"] == "COHORT_NAME"]
    assert (entry["value"], entry["visibility"]) == ("spring", "private")
    assert listed["total_count"] == len(listed["variables"])

    world.ctl.post("/_localhub/clock", json={"advance_seconds": 120}).raise_for_status()
    change = {"value": "autumn", "visibility": "selected", "selected_repository_ids": [1]}
    ok(world.owner.patch(f"{url}/COHORT_NAME", json=change), 204)
    got = ok(world.owner.get(f"{url}/cohort_name"), 200, openapi_validator)
    assert (got["value"], got["visibility"]) == ("autumn", "selected")
    assert got["selected_repositories_url"].endswith(
        "/orgs/org/actions/variables/COHORT_NAME/repositories"
    )
    assert got["created_at"] == entry["created_at"] < got["updated_at"]

    ok(world.owner.delete(f"{url}/COHORT_NAME"), 204)
    ok(world.owner.get(f"{url}/COHORT_NAME"), 404)
    ok(world.owner.patch(f"{url}/COHORT_NAME", json={"value": "x"}), 404)


def test_organisation_variables_need_an_owner_or_an_app_allowed_to(world: World) -> None:
    url = "/orgs/org/actions/variables"
    body = {"name": "BY_APP", "value": "1", "visibility": "all"}
    assert ok(world.member.get(url), 403)["message"] == "Must have admin rights to Organization."
    ok(world.outsider.post(url, json=body), 403)
    ok(world.anonymous.get(url), 401)
    ok(world.owner.get("/orgs/nowhere/actions/variables"), 404)
    ok(world.job_token("org/room").get(url), 403)
    ok(world.app_token().post(url, json=body), 201)
    narrowed = world.app_token({"metadata": "read", "members": "read"})
    assert ok(narrowed.get(url), 403)["message"] == "Resource not accessible by integration"
    ok(world.owner.post(url, json={**body, "visibility": "everyone"}), 422)
    ok(world.owner.post(url, json={**body, "name": "GITHUB_TOKEN"}), 422)
    ok(world.owner.post(url, json={"name": "NO_VISIBILITY", "value": "1"}), 422)


def test_a_repository_admin_manages_its_variables(world: World, openapi_validator: Any) -> None:
    url = "/repos/org/room/actions/variables"
    ok(world.owner.post(url, json={"name": "room_label", "value": "blue"}), 201, openapi_validator)
    ok(world.owner.post(url, json={"name": "ROOM_LABEL", "value": "again"}), 409)
    listed = ok(world.owner.get(url), 200, openapi_validator)
    assert [(v["name"], v["value"]) for v in listed["variables"]] == [("ROOM_LABEL", "blue")]
    ok(world.owner.patch(f"{url}/ROOM_LABEL", json={"name": "ROOM_COLOUR", "value": "red"}), 204)
    ok(world.owner.get(f"{url}/ROOM_LABEL"), 404)
    got = ok(world.owner.get(f"{url}/ROOM_COLOUR"), 200, openapi_validator)
    assert got["value"] == "red"

    # a member reads the private repository but does not administer it; a stranger cannot see it
    assert ok(world.member.get(url), 403)["message"] == "Must have admin rights to Repository."
    ok(world.outsider.get(url), 404)
    ok(world.anonymous.get("/repos/org/public/actions/variables"), 401)
    ok(world.job_token("org/room").get(url), 403)
    ok(world.app_token().delete(f"{url}/ROOM_COLOUR"), 204)
    ok(world.owner.get(f"{url}/ROOM_COLOUR"), 404)


def test_a_repository_made_again_under_a_deleted_ones_name_starts_without_its_settings(
    world: World,
) -> None:
    made = {"name": "scratch", "private": True}
    ok(world.owner.post("/orgs/org/repos", json=made), 201)
    ok(
        world.owner.post(
            "/repos/org/scratch/actions/variables", json={"name": "OLD", "value": "1"}
        ),
        201,
    )
    ok(world.owner.delete("/repos/org/scratch"), 204)
    ok(world.owner.post("/orgs/org/repos", json=made), 201)
    assert ok(world.owner.get("/repos/org/scratch/actions/variables"), 200)["total_count"] == 0


def test_secrets_are_listed_without_their_values(world: World, openapi_validator: Any) -> None:
    world.ctl.post(
        "/_localhub/secrets", json={"repo": "org/room", "name": "api_key", "value": "s3cr3t"}
    ).raise_for_status()
    world.ctl.post(
        "/_localhub/secrets", json={"owner": "org", "name": "ORG_KEY", "value": "hidden"}
    ).raise_for_status()
    listed = ok(world.owner.get("/repos/org/room/actions/secrets"), 200, openapi_validator)
    assert [s["name"] for s in listed["secrets"]] == ["API_KEY"]
    one = ok(world.owner.get("/repos/org/room/actions/secrets/API_KEY"), 200, openapi_validator)
    org = ok(world.owner.get("/orgs/org/actions/secrets"), 200, openapi_validator)
    assert [(s["name"], s["visibility"]) for s in org["secrets"]] == [("ORG_KEY", "all")]
    for answer in (listed, one, org):
        assert "s3cr3t" not in str(answer) and "hidden" not in str(answer)
    ok(world.owner.get("/repos/org/room/actions/secrets/NOPE"), 404)
    ok(world.member.get("/repos/org/room/actions/secrets"), 403)
    ok(world.member.get("/orgs/org/actions/secrets"), 403)
    ok(world.job_token("org/room").get("/repos/org/room/actions/secrets"), 403)
    ok(world.app_token().get("/orgs/org/actions/secrets"), 200)


def test_a_secret_sealed_with_the_repositorys_key_reaches_its_workflows(
    world: World, openapi_validator: Any
) -> None:
    key = ok(world.owner.get("/repos/org/room/actions/secrets/public-key"), 200, openapi_validator)
    sealed = SealedBox(PublicKey(base64.b64decode(key["key"]))).encrypt(b"from-setup")
    body = {"encrypted_value": base64.b64encode(sealed).decode(), "key_id": key["key_id"]}
    url = "/repos/org/room/actions/secrets/SETUP_TOKEN"
    ok(world.owner.put(url, json=body), 201, openapi_validator)
    ok(world.owner.put(url, json=body), 204)
    assert HubRunnerHost(world.hub).secrets("org/room")["SETUP_TOKEN"] == "from-setup"
    ok(world.owner.put(url, json={**body, "key_id": "1"}), 422)
    ok(world.owner.put(url, json={**body, "encrypted_value": b64("not sealed")}), 422)
    ok(world.member.put(url, json=body), 403)


# -- teams ------------------------------------------------------------------------------------


def test_an_owner_makes_a_team_and_lists_it(world: World, openapi_validator: Any) -> None:
    body = {"name": "Facilitators", "description": "Run the cohort", "privacy": "closed"}
    team = ok(world.owner.post("/orgs/org/teams", json=body), 201, openapi_validator)
    assert (team["slug"], team["privacy"], team["permission"]) == ("facilitators", "closed", "pull")
    ok(world.owner.post("/orgs/org/teams", json=body), 422)
    ok(world.member.post("/orgs/org/teams", json={"name": "Helpers"}), 201)  # secret by default
    ok(world.outsider.post("/orgs/org/teams", json={"name": "Intruders"}), 403)
    ok(world.job_token("org/room").get("/orgs/org/teams"), 403)

    as_owner = ok(world.owner.get("/orgs/org/teams"), 200, openapi_validator)
    assert {t["slug"] for t in as_owner} >= {"facilitators", "helpers"}
    got = ok(world.owner.get("/orgs/org/teams/facilitators"), 200, openapi_validator)
    assert got["id"] == team["id"]
    ok(world.owner.get("/orgs/org/teams/nobody"), 404)
    # the member who made the secret team maintains it and sees it; another member would not
    helpers = ok(world.owner.get("/orgs/org/teams/helpers/members"), 200, openapi_validator)
    assert [u["login"] for u in helpers] == ["member"]


def test_team_members_get_the_teams_access_to_a_private_repository(
    world: World, openapi_validator: Any
) -> None:
    ok(world.owner.post("/orgs/org/teams", json={"name": "Writers", "privacy": "closed"}), 201)
    readme = {"message": "edit", "content": b64("by a team member\n")}
    path = "/repos/org/room/contents/TEAM.md"
    ok(world.member.put(path, json=readme), 403)  # the base permission is read

    joined = world.owner.put("/orgs/org/teams/writers/memberships/member", json={})
    assert ok(joined, 200, openapi_validator)["state"] == "active"
    ok(world.member.put("/orgs/org/teams/writers/memberships/member", json={}), 403)
    invited = ok(world.owner.put("/orgs/org/teams/writers/memberships/newcomer", json={}), 200)
    assert (invited["role"], invited["state"]) == ("member", "pending")
    ok(world.owner.put("/orgs/org/teams/writers/memberships/nobody-here", json={}), 404)

    grant = "/orgs/org/teams/writers/repos/org/room"
    ok(world.owner.get(grant), 404)
    ok(world.owner.put(grant, json={"permission": "push"}), 204)
    ok(world.owner.put(grant, json={"permission": "owner"}), 422)
    ok(world.member.put(grant, json={"permission": "admin"}), 403)
    ok(world.owner.get(grant), 204)
    ok(world.owner.get("/orgs/org/teams/writers/repos/org/public"), 404)
    accept = {"Accept": "application/vnd.github.v3.repository+json"}
    repo = ok(world.owner.get(grant, headers=accept), 200, openapi_validator)
    assert repo["permissions"]["push"] and not repo["permissions"]["admin"]
    listed = ok(world.owner.get("/orgs/org/teams/writers/repos"), 200, openapi_validator)
    assert [(r["full_name"], r["role_name"]) for r in listed] == [("org/room", "write")]

    ok(world.member.put(path, json=readme), 201)
    permission = ok(world.owner.get("/repos/org/room/collaborators/member/permission"), 200)
    assert permission["role_name"] == "write"
    # the owner who made the team maintains it; the invitee is still pending
    members = ok(world.owner.get("/orgs/org/teams/writers/members"), 200)
    assert [u["login"] for u in members] == ["member", "owner"]
    maintainers = world.owner.get("/orgs/org/teams/writers/members", params={"role": "maintainer"})
    assert [u["login"] for u in ok(maintainers, 200)] == ["owner"]
    ok(world.newcomer.get("/repos/org/room"), 404)
    world.ctl.post("/_localhub/orgs/org/members", json={"login": "newcomer"}).raise_for_status()
    ok(world.newcomer.put("/repos/org/room/contents/NEW.md", json=readme), 201)


def test_an_app_with_members_permission_manages_teams(world: World) -> None:
    bot = world.app_token()
    ok(bot.post("/orgs/org/teams", json={"name": "Bots made this", "privacy": "secret"}), 201)
    ok(
        bot.put("/orgs/org/teams/bots-made-this/memberships/member", json={"role": "maintainer"}),
        200,
    )
    ok(bot.put("/orgs/org/teams/bots-made-this/repos/org/public", json={}), 204)
    narrowed = world.app_token({"metadata": "read"})
    ok(narrowed.post("/orgs/org/teams", json={"name": "Not allowed"}), 403)


# -- installations and workflows --------------------------------------------------------------


def test_an_owner_sees_the_apps_installed_on_the_organisation(
    world: World, openapi_validator: Any
) -> None:
    found = ok(world.owner.get("/orgs/org/installations"), 200, openapi_validator)
    [inst] = found["installations"]
    assert found["total_count"] == 1
    assert (inst["id"], inst["app_slug"], inst["app_id"]) == (
        world.installation,
        "glow-setup",
        world.app["id"],
    )
    assert inst["permissions"]["members"] == "write" and inst["events"] == ["issues"]
    assert inst["repository_selection"] == "all"
    ok(world.member.get("/orgs/org/installations"), 403)
    ok(world.outsider.get("/orgs/org/installations"), 403)
    ok(world.app_token().get("/orgs/org/installations"), 200)


def test_a_disabled_workflow_shows_its_state_and_takes_no_dispatch(
    world: World, openapi_validator: Any
) -> None:
    ok(
        world.owner.put(
            "/repos/org/public/contents/.github/workflows/hello.yml",
            json={"message": "workflow", "content": b64(WORKFLOW)},
        ),
        201,
    )
    base = "/repos/org/public/actions/workflows"
    listed = ok(world.owner.get(base), 200, openapi_validator)
    [flow] = listed["workflows"]
    assert flow["state"] == "active"
    by_id = ok(world.owner.get(f"{base}/{flow['id']}"), 200, openapi_validator)
    assert by_id == ok(world.owner.get(f"{base}/hello.yml"), 200)
    ok(world.owner.get(f"{base}/missing.yml"), 404)

    ok(world.owner.put(f"{base}/hello.yml/disable"), 204)
    assert ok(world.owner.get(f"{base}/hello.yml"), 200)["state"] == "disabled_manually"
    ok(world.owner.post(f"{base}/hello.yml/dispatches", json={"ref": "main"}), 422)
    ok(world.owner.put(f"{base}/{flow['id']}/enable"), 204)
    assert ok(world.owner.get(base), 200)["workflows"][0]["state"] == "active"
    ok(world.owner.post(f"{base}/hello.yml/dispatches", json={"ref": "main"}), 204)


# -- what workflows see ---------------------------------------------------------------------


@pytest.mark.e2e
def test_workflows_see_variables_and_secrets_set_through_rest(tmp_path: Path) -> None:
    w = build(tmp_path, runner=True)
    try:
        owner = w.owner
        ok(
            owner.post(
                "/orgs/org/actions/variables",
                json={"name": "ORG_WIDE", "value": "private-only", "visibility": "private"},
            ),
            201,
        )
        ok(
            owner.post(
                "/repos/org/room/actions/variables", json={"name": "GREETING", "value": "hi"}
            ),
            201,
        )
        key = ok(owner.get("/repos/org/room/actions/secrets/public-key"), 200)
        sealed = SealedBox(PublicKey(base64.b64decode(key["key"]))).encrypt(b"pssst")
        ok(
            owner.put(
                "/repos/org/room/actions/secrets/TOKEN",
                json={
                    "encrypted_value": base64.b64encode(sealed).decode(),
                    "key_id": key["key_id"],
                },
            ),
            201,
        )
        for repo in ("room", "public"):
            ok(
                owner.put(
                    f"/repos/org/{repo}/contents/.github/workflows/hello.yml",
                    json={"message": "workflow", "content": b64(WORKFLOW)},
                ),
                201,
            )
        logs = dispatch_hello(w, "room", "public")
        # the private room sees the org's private-only variable, its own, and a masked secret
        assert "greeting=hi org=private-only secret=***" in logs["room"]
        assert "greeting= org= secret=" in logs["public"]
    finally:
        w.hub.stop()


def dispatch_hello(w: World, *repos: str) -> dict[str, str]:
    """Run hello.yml in each repository; the log of each one's latest run."""
    assert w.hub.runner is not None
    for repo in repos:
        dispatched = w.owner.post(
            f"/repos/org/{repo}/actions/workflows/hello.yml/dispatches", json={"ref": "main"}
        )
        ok(dispatched, 204)
    assert w.hub.wait_idle(120)
    return {repo: w.hub.runner.runs(f"org/{repo}")[-1].log for repo in repos}


@pytest.mark.e2e
def test_on_the_free_plan_organisation_variables_reach_only_public_repositories(
    tmp_path: Path,
) -> None:
    """GitHub Free: "organization secrets and variables cannot be used by private repositories";
    a paid plan lets them (as each one's visibility says). A repository's own always reach."""
    w = build(tmp_path, runner=True, plan="free")
    try:
        for name, value in (("ORG_WIDE", "everywhere"), ("GREETING", "org-hi")):
            body = {"name": name, "value": value, "visibility": "all"}
            ok(w.owner.post("/orgs/org/actions/variables", json=body), 201)
        for repo in ("room", "public"):
            body = {"message": "workflow", "content": b64(WORKFLOW)}
            ok(
                w.owner.put(f"/repos/org/{repo}/contents/.github/workflows/hello.yml", json=body),
                201,
            )
        logs = dispatch_hello(w, "room", "public")
        assert "greeting= org= secret=" in logs["room"]
        assert "greeting=org-hi org=everywhere secret=" in logs["public"]

        ok(
            w.owner.post(
                "/repos/org/room/actions/variables", json={"name": "GREETING", "value": "own"}
            ),
            201,
        )
        assert "greeting=own org= secret=" in dispatch_hello(w, "room")["room"]

        upgraded = w.ctl.post("/_localhub/orgs/org/plan", json={"plan": "team"})
        assert ok(upgraded, 200)["plan"]["name"] == "team"
        assert "greeting=own org=everywhere secret=" in dispatch_hello(w, "room")["room"]
    finally:
        w.hub.stop()


def test_an_organisations_plan_shows_to_its_owners_only(
    world: World, openapi_validator: Any
) -> None:
    """GitHub's organisation shows ``plan`` to an owner (or an App allowed to read it); a new
    organisation is on Free."""
    assert ok(world.owner.get("/orgs/org"), 200, openapi_validator)["plan"]["name"] == "team"
    assert "plan" not in ok(world.member.get("/orgs/org"), 200)
    assert "plan" not in ok(world.anonymous.get("/orgs/org"), 200)
    assert ok(world.outsider.get("/orgs/other"), 200)["plan"]["name"] == "free"
    ok(
        world.ctl.post(
            "/_localhub/orgs", json={"login": "gold", "admins": ["owner"], "plan": "gold"}
        ),
        422,
    )
    ok(world.ctl.post("/_localhub/orgs/nobody/plan", json={"plan": "team"}), 404)
    ok(world.ctl.post("/_localhub/orgs/org/plan", json={"plan": "premium"}), 422)
