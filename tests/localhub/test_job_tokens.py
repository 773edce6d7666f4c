"""Per-job GITHUB_TOKENs and which events may start workflows (checked at the event layer)."""

from __future__ import annotations

import time

import jwt

from glow.localhub.runner_host import HubRunnerHost
from tests.localhub.conftest import World


def last(world: World, event: str) -> dict:  # type: ignore[type-arg]
    return [d for d in world.gh.deliveries() if d["event"] == event][-1]


def app_installation_token(world: World) -> str:
    gh = world.gh
    app = gh.control(
        "POST",
        "apps",
        {"slug": "glow-bot", "owner": "acme", "permissions": {"issues": "write"}},
    )
    gh.control("POST", "installations", {"app_id": app["id"], "account": "acme"})
    now = int(time.time())
    token = jwt.encode(
        {"iat": now - 60, "exp": now + 540, "iss": str(app["id"])},
        app["private_key"],
        algorithm="RS256",
    )
    headers = {"authorization": f"Bearer {token}"}
    inst = gh.ok("GET", "/orgs/acme/installation", headers=headers)
    return gh.ok("POST", f"/app/installations/{inst['id']}/access_tokens", headers=headers)["token"]


def test_events_from_a_job_token_trigger_no_workflows(world: World) -> None:
    gh = world.gh
    job = HubRunnerHost(gh.hub).mint_job_token("acme/demo", {"issues": "write"})
    issue = gh.ok("POST", "/repos/acme/demo/issues", job, json={"title": "from a workflow"})
    assert issue["user"]["login"] == "github-actions[bot]"
    delivery = last(world, "issues")
    assert delivery["action"] == "opened"
    assert delivery["sender"] == "github-actions[bot]"
    assert delivery["triggers_workflows"] is False
    gh.ok("POST", "/repos/acme/demo/issues/1/comments", job, json={"body": "hi"})
    assert last(world, "issue_comment")["triggers_workflows"] is False


def test_events_from_a_pat_or_an_app_trigger_workflows(world: World) -> None:
    gh = world.gh
    gh.ok("POST", "/repos/acme/demo/issues", world.token, json={"title": "by a person"})
    assert last(world, "issues")["triggers_workflows"] is True
    app_token = app_installation_token(world)
    gh.ok("POST", "/repos/acme/demo/issues", app_token, json={"title": "by an app"})
    delivery = last(world, "issues")
    assert delivery["sender"] == "glow-bot[bot]"
    assert delivery["triggers_workflows"] is True


def test_repository_dispatch_from_a_job_token_triggers_workflows(world: World) -> None:
    gh = world.gh
    job = HubRunnerHost(gh.hub).mint_job_token("acme/demo", {"contents": "write"})
    resp = gh.api(
        "POST",
        "/repos/acme/demo/dispatches",
        job,
        json={"event_type": "provision", "client_payload": {"learner": "ada"}},
    )
    assert resp.status_code == 204
    delivery = last(world, "repository_dispatch")
    assert delivery["action"] == "provision"
    assert delivery["payload"]["client_payload"] == {"learner": "ada"}
    assert delivery["triggers_workflows"] is True


def test_job_token_permissions_and_repository_are_enforced(world: World) -> None:
    gh = world.gh
    gh.ok("POST", "/orgs/acme/repos", world.token, json={"name": "admin", "private": True})
    job = HubRunnerHost(gh.hub).mint_job_token("acme/demo", {"issues": "write"})
    resp = gh.api(
        "PUT",
        "/repos/acme/demo/contents/x.md",
        job,
        json={"message": "m", "content": "eA=="},
    )
    assert resp.status_code == 403
    assert resp.json()["message"] == "Resource not accessible by integration"
    assert gh.api("GET", "/repos/acme/admin", job).status_code == 404
    resp = gh.api("POST", "/repos/acme/admin/issues", job, json={"title": "x"})
    assert resp.status_code == 404
    # a job token is not a user and cannot create repositories
    assert gh.api("GET", "/user", job).status_code == 403
    assert gh.api("POST", "/orgs/acme/repos", job, json={"name": "x"}).status_code == 403


def test_revoked_and_expired_job_tokens_are_401(world: World) -> None:
    gh = world.gh
    host = HubRunnerHost(gh.hub)
    revoked = host.mint_job_token("acme/demo", {"issues": "read"})
    host.revoke_token(revoked)
    assert gh.api("GET", "/repos/acme/demo/issues", revoked).status_code == 401
    expiring = host.mint_job_token("acme/demo", {"issues": "read"})
    assert gh.api("GET", "/repos/acme/demo/issues", expiring).status_code == 200
    gh.advance(24 * 3600 + 1)
    assert gh.api("GET", "/repos/acme/demo/issues", expiring).status_code == 401
