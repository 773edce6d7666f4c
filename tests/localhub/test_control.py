"""The control API under /_localhub/: logs, clock, config and account set-up."""

from __future__ import annotations

from tests.localhub.conftest import Hub, World


def test_request_and_delivery_logs_page_by_id(world: World) -> None:
    gh = world.gh
    mark = gh.control("GET", "requests")[-1]["id"]
    gh.ok("POST", "/repos/acme/demo/issues", world.token, json={"title": "logged"})
    gh.api("GET", "/repos/acme/nope", world.token)
    logged = [
        r for r in gh.control("GET", f"requests?since={mark}") if r["path"] != "/_localhub/requests"
    ]
    assert [(r["method"], r["status"]) for r in logged] == [("POST", 201), ("GET", 404)]
    first = logged[0]
    assert first["route"] == "/repos/{owner}/{repo}/issues"
    assert first["creates_content"] is True
    assert (first["kind"], first["login"]) == ("user", "alice")
    assert first["response"]["title"] == "logged"  # record_bodies=True
    deliveries = gh.control("GET", "deliveries")
    assert deliveries[-1]["event"] == "issues"
    assert gh.control("GET", f"deliveries?since={deliveries[-1]['id']}") == []


def test_clock_and_config(gh: Hub) -> None:
    before = gh.control("GET", "clock")
    after = gh.control("POST", "clock", {"advance_seconds": 90})
    assert after["offset_seconds"] == before["offset_seconds"] + 90
    assert after["now"] > before["now"]
    assert gh.http.post("/_localhub/clock", json={"advance_seconds": -1}).status_code == 422
    assert gh.http.post("/_localhub/clock", json={"advance_seconds": "1"}).status_code == 422
    config = gh.control("POST", "config", {"template_delay_seconds": 0})
    assert config["template_delay_seconds"] == 0
    assert gh.http.post("/_localhub/config", json={"nonsense": 1}).status_code == 422
    assert gh.http.post("/_localhub/config", json={"primary_limit_per_hour": -5}).status_code == 422
    assert gh.control("POST", "idle", {"timeout": 1}) == {"idle": True}


def test_account_setup_is_validated(gh: Hub) -> None:
    gh.user("alice")
    assert gh.http.post("/_localhub/users", json={"login": "alice"}).status_code == 422
    assert gh.http.post("/_localhub/users", json={"login": "ALICE"}).status_code == 422
    assert gh.http.post("/_localhub/users", json={"login": "-bad-"}).status_code == 422
    bad_org = {"login": "acme", "admins": ["ghost-user"]}
    assert gh.http.post("/_localhub/orgs", json=bad_org).status_code == 422
    assert gh.http.post("/_localhub/tokens", json={"login": "nobody"}).status_code == 422
    bad_level = {"login": "alice", "permissions": {"issues": "superuser"}}
    assert gh.http.post("/_localhub/tokens", json=bad_level).status_code == 422
    gh.org("acme", admins=["alice"])
    org = gh.ok("GET", "/orgs/acme")
    assert org["login"] == "acme"
    assert gh.ok("GET", "/users/acme")["type"] == "Organization"
    me = gh.ok("GET", "/user", gh.token("alice"))
    assert me["login"] == "alice"
    assert me["type"] == "User"


def test_the_runs_log_keeps_the_newest_snapshot_of_a_run(world: World) -> None:
    """Jobs of one run record from their own threads: a snapshot that arrives late must not
    overwrite a newer one in the hub's state."""
    from datetime import UTC, datetime

    from glow.localhub.runner import WorkflowRun
    from glow.localhub.runner_host import HubRunnerHost

    host = HubRunnerHost(world.gh.hub)
    now = datetime.now(UTC)
    run = WorkflowRun(
        7,
        "acme/demo",
        ".github/workflows/x.yml",
        "X",
        "push",
        "0" * 40,
        "main",
        "refs/heads/main",
        now,
        now,
    )
    older = run.snapshot()
    run.status, run.conclusion = "completed", "success"
    newer = run.snapshot()
    host.record_run(newer)
    host.record_run(older)
    [logged] = world.gh.control("GET", "runs")
    assert (logged["status"], logged["conclusion"]) == ("completed", "success")
