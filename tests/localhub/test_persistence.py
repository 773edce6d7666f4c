"""State survives a restart: a rehearsal can stop and resume on the same data directory."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import jwt

from tests.localhub.conftest import Hub, git


def test_everything_survives_a_restart(start_hub: Callable[..., Hub], tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = start_hub(data)
    first.user("alice")
    first.org("acme", admins=["alice"])
    token = first.token("alice")
    first.ok(
        "POST", "/orgs/acme/repos", token, json={"name": "demo", "private": True, "auto_init": True}
    )
    first.ok(
        "POST",
        "/repos/acme/demo/labels",
        token,
        json={"name": "status: blocked", "color": "b60205"},
    )
    first.ok(
        "POST",
        "/repos/acme/demo/issues",
        token,
        json={"title": "Register ada", "labels": ["status: blocked"]},
    )
    first.ok("POST", "/repos/acme/demo/issues/1/comments", token, json={"body": "noted"})
    first.put_file(token, "acme/demo", "roster.json", '{"ada": 1}\n')
    app = first.control("POST", "apps", {"slug": "glow", "owner": "acme", "permissions": {}})
    first.control("POST", "installations", {"app_id": app["id"], "account": "acme"})
    first.advance(3600)
    clock = first.control("GET", "clock")["offset_seconds"]
    first.stop()

    second = start_hub(data)
    assert second.ok("GET", "/users/alice")["login"] == "alice"
    assert second.ok("GET", "/orgs/acme")["login"] == "acme"
    repo = second.ok("GET", "/repos/acme/demo", token)  # the old token still works
    assert repo["private"] is True
    issue = second.ok("GET", "/repos/acme/demo/issues/1", token)
    assert issue["title"] == "Register ada"
    assert [label["name"] for label in issue["labels"]] == ["status: blocked"]
    assert second.ok("GET", "/repos/acme/demo/issues/1/comments", token)[0]["body"] == "noted"
    assert second.ok("GET", "/repos/acme/demo/labels/status: blocked", token)["color"] == "b60205"
    assert second.control("GET", "clock")["offset_seconds"] == clock
    # the App and its installation too (the clock moved an hour: sign with the hub's time)
    now = int(time.time() + clock)
    jwt_token = jwt.encode(
        {"iat": now - 60, "exp": now + 540, "iss": str(app["id"])},
        app["private_key"],
        algorithm="RS256",
    )
    inst = second.ok(
        "GET", "/orgs/acme/installation", headers={"authorization": f"Bearer {jwt_token}"}
    )
    assert inst["app_id"] == app["id"]
    # numbering continues where it stopped
    assert (
        second.ok("POST", "/repos/acme/demo/issues", token, json={"title": "next"})["number"] == 2
    )

    work = tmp_path / "clone"
    git(tmp_path, "clone", "-q", second.clone_url("acme/demo", token), str(work))
    assert (work / "roster.json").read_text() == '{"ada": 1}\n'
    assert git(work, "log", "--format=%s") == "write roster.json\nInitial commit"
