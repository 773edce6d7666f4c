"""POST /repos/{template_owner}/{template_repo}/generate: 201 first, files a moment later."""

from __future__ import annotations

import time

from tests.localhub.conftest import World


def make_template(world: World) -> None:
    gh = world.gh
    gh.ok(
        "POST",
        "/orgs/acme/repos",
        world.token,
        json={"name": "room-template", "private": True, "auto_init": True, "is_template": True},
    )
    gh.put_file(world.token, "acme/room-template", "challenges/01.md", "# Challenge 1\n")


def test_generate_answers_before_the_files_arrive(world: World) -> None:
    gh = world.gh
    make_template(world)
    gh.config(template_delay_seconds=1.0)
    resp = gh.api(
        "POST",
        "/repos/acme/room-template/generate",
        world.token,
        json={"owner": "acme", "name": "room-ada", "private": True},
    )
    assert resp.status_code == 201, resp.text
    repo = resp.json()
    assert repo["full_name"] == "acme/room-ada"
    assert repo["private"] is True
    assert repo["template_repository"]["full_name"] == "acme/room-template"

    path = "/repos/acme/room-ada/contents/challenges/01.md"
    assert gh.api("GET", path, world.token).status_code == 404
    deadline = time.monotonic() + 5
    while (resp := gh.api("GET", path, world.token)).status_code == 404:
        assert time.monotonic() < deadline, "template files never arrived"
        time.sleep(0.1)
    assert resp.status_code == 200

    commits = gh.ok("GET", "/repos/acme/room-ada/commits", world.token)
    assert len(commits) == 1
    assert commits[0]["parents"] == []
    tree = gh.ok("GET", "/repos/acme/room-ada/git/trees/main?recursive=1", world.token)
    files = sorted(e["path"] for e in tree["tree"] if e["type"] == "blob")
    assert files == ["README.md", "challenges/01.md"]
    assert gh.ok("GET", "/repos/acme/room-ada", world.token)["default_branch"] == "main"
    assert gh.hub.wait_idle(5)


def test_generate_name_clash_is_422(world: World) -> None:
    gh = world.gh
    make_template(world)
    gh.config(template_delay_seconds=0)
    body = {"owner": "acme", "name": "demo"}
    resp = gh.api("POST", "/repos/acme/room-template/generate", world.token, json=body)
    assert resp.status_code == 422
    assert resp.json()["errors"]


def test_generate_from_a_non_template_is_422(world: World) -> None:
    body = {"owner": "acme", "name": "copy"}
    resp = world.gh.api("POST", "/repos/acme/demo/generate", world.token, json=body)
    assert resp.status_code == 422
    assert "not a template" in resp.json()["errors"][0]["message"]
    assert world.gh.api("GET", "/repos/acme/copy", world.token).status_code == 404


def test_generate_needs_read_access_to_the_template(world: World) -> None:
    gh = world.gh
    make_template(world)
    gh.user("mallory")
    outsider = gh.token("mallory")
    body = {"owner": "mallory", "name": "stolen"}
    resp = gh.api("POST", "/repos/acme/room-template/generate", outsider, json=body)
    assert resp.status_code == 404
