"""Issue, pull request and comment bodies: GitHub's size limit and every version's history."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.localhub.conftest import Hub, World

LIMIT = 65_536


def too_long(resource: str) -> dict[str, Any]:
    return {
        "resource": resource,
        "code": "custom",
        "field": "body",
        "message": "body is too long (maximum is 65536 characters)",
    }


def open_pull(world: World, body: str | None = None) -> Any:
    gh = world.gh
    gh.branch_from(world.token, world.repo, "topic")
    gh.put_file(world.token, world.repo, "t.md", "t", branch="topic")
    payload = {"title": "pr", "head": "topic", "base": "main"}
    if body is not None:
        payload["body"] = body
    return gh.api("POST", "/repos/acme/demo/pulls", world.token, json=payload)


def test_bodies_over_65536_characters_are_refused_on_create_and_update(world: World) -> None:
    gh, token = world.gh, world.token
    longest, over = "x" * LIMIT, "x" * (LIMIT + 1)
    # the limit counts characters, not bytes
    issue = gh.ok(
        "POST", "/repos/acme/demo/issues", token, json={"title": "t", "body": "é" * LIMIT}
    )
    comment = gh.ok("POST", "/repos/acme/demo/issues/1/comments", token, json={"body": longest})
    assert open_pull(world, longest).status_code == 201
    refused = [
        ("POST", "/repos/acme/demo/issues", {"title": "t", "body": over}, "Issue"),
        ("PATCH", "/repos/acme/demo/issues/1", {"body": over}, "Issue"),
        ("POST", "/repos/acme/demo/issues/1/comments", {"body": over}, "IssueComment"),
        (
            "PATCH",
            f"/repos/acme/demo/issues/comments/{comment['id']}",
            {"body": over},
            "IssueComment",
        ),
        ("PATCH", "/repos/acme/demo/pulls/2", {"body": over}, "PullRequest"),
    ]
    for method, path, body, resource in refused:
        resp = gh.api(method, path, token, json=body)
        assert resp.status_code == 422, (path, resp.text[:200])
        answer = resp.json()
        assert answer["message"] == "Validation Failed"
        assert answer["errors"] == [too_long(resource)]
        assert answer["documentation_url"].startswith("https://docs.github.com/")
    gh.ok("DELETE", "/repos/acme/demo/git/refs/heads/topic", token)
    gh.branch_from(token, world.repo, "other")
    gh.put_file(token, world.repo, "o.md", "o", branch="other")
    resp = gh.api(
        "POST",
        "/repos/acme/demo/pulls",
        token,
        json={"title": "pr", "head": "other", "base": "main", "body": over},
    )
    assert resp.status_code == 422 and resp.json()["errors"] == [too_long("PullRequest")]
    # nothing refused was kept, and exactly the limit is fine on update too
    assert gh.ok("GET", "/repos/acme/demo/issues/1", token)["body"] == issue["body"]
    assert len(gh.ok("GET", "/repos/acme/demo/issues", token, params={"state": "all"})) == 2
    gh.ok("PATCH", "/repos/acme/demo/issues/1", token, json={"body": longest})
    gh.ok("PATCH", "/repos/acme/demo/pulls/2", token, json={"body": longest[:-1]})
    assert (
        gh.api("POST", "/repos/acme/demo/issues/1/comments", token, json={"body": over}).status_code
        == 422
    )
    assert len(gh.ok("GET", "/repos/acme/demo/issues/1/comments", token)) == 1


def edits(gh: Hub, since: int = 0) -> list[dict[str, Any]]:
    return gh.control("GET", f"edits?since={since}")


def test_every_version_of_every_body_is_kept(
    world: World, start_hub: Callable[..., Hub], tmp_path: Path
) -> None:
    gh, token = world.gh, world.token
    gh.ok(
        "POST", "/repos/acme/demo/issues", token, json={"title": "t", "body": "my phone 555-0100"}
    )
    gh.ok("PATCH", "/repos/acme/demo/issues/1", token, json={"body": "redacted"})
    gh.ok("PATCH", "/repos/acme/demo/issues/1", token, json={"title": "only the title"})
    gh.ok("POST", "/repos/acme/demo/issues", token, json={"title": "no body"})
    comment = gh.ok("POST", "/repos/acme/demo/issues/1/comments", token, json={"body": "c1"})
    gh.user("bob")
    gh.control("POST", "orgs/acme/members", {"login": "bob", "role": "admin"})
    bob = gh.token("bob")
    path = f"/repos/acme/demo/issues/comments/{comment['id']}"
    gh.ok("PATCH", path, bob, json={"body": "c2"})
    gh.ok("PATCH", path, bob, json={"body": "c2"})  # unchanged: no new version
    assert open_pull(world, "p1").status_code == 201
    gh.ok("PATCH", "/repos/acme/demo/pulls/3", token, json={"body": "p2"})
    gh.ok("DELETE", path, token)  # a deleted comment's versions were public: they stay

    versions = edits(gh)
    assert [
        (v["kind"], v["number"], v["comment_id"], v["body"], v["editor"]) for v in versions
    ] == [
        ("issue", 1, None, "my phone 555-0100", "alice"),
        ("issue", 1, None, "redacted", "alice"),
        ("issue", 2, None, "", "alice"),
        ("comment", 1, comment["id"], "c1", "alice"),
        ("comment", 1, comment["id"], "c2", "bob"),
        ("pull_request", 3, None, "p1", "alice"),
        ("pull_request", 3, None, "p2", "alice"),
    ]
    assert {v["repo"] for v in versions} == {"acme/demo"}
    assert [v["id"] for v in versions] == sorted({v["id"] for v in versions})
    assert all(v["at"].endswith("Z") for v in versions)
    # the private string is gone from the issue, not from its history
    assert "555-0100" not in gh.ok("GET", "/repos/acme/demo/issues/1", token)["body"]
    assert any("555-0100" in v["body"] for v in versions)
    assert edits(gh, since=versions[4]["id"]) == versions[5:]

    gh.stop()  # the history persists like the rest of the state
    again = start_hub(tmp_path / "hub")
    assert edits(again) == versions
    again.ok("PATCH", "/repos/acme/demo/issues/2", token, json={"body": "later"})
    assert [v["id"] for v in edits(again, since=versions[-1]["id"])] == [versions[-1]["id"] + 1]
