"""Issues, labels and comments: listing, pagination, filters and who may change what."""

from __future__ import annotations

import re

from tests.localhub.conftest import World


def links(resp) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', resp.headers["link"])}


def test_pagination_links(world: World) -> None:
    gh = world.gh
    for n in range(5):
        gh.ok("POST", "/repos/acme/demo/issues", world.token, json={"title": f"issue {n}"})
    first = gh.api("GET", "/repos/acme/demo/issues?per_page=2&direction=asc", world.token)
    assert [i["number"] for i in first.json()] == [1, 2]
    rels = links(first)
    assert set(rels) == {"next", "last"}
    assert "page=3" in rels["last"]
    assert rels["next"].startswith(gh.hub.api_url + "/repos/acme/demo/issues?")
    assert "direction=asc" in rels["next"]  # the query is kept
    last = gh.http.get(rels["last"], headers={"authorization": f"token {world.token}"})
    assert [i["number"] for i in last.json()] == [5]
    assert set(links(last)) == {"first", "prev"}
    beyond = gh.api("GET", "/repos/acme/demo/issues?per_page=2&page=9", world.token)
    assert beyond.json() == []
    assert "link" not in gh.api("GET", "/repos/acme/demo/issues", world.token).headers


def test_issue_list_includes_pull_requests_and_filters(world: World) -> None:
    gh = world.gh
    gh.ok("POST", "/repos/acme/demo/issues", world.token, json={"title": "a", "labels": ["bug"]})
    gh.ok("POST", "/repos/acme/demo/issues", world.token, json={"title": "b"})
    gh.ok("PATCH", "/repos/acme/demo/issues/2", world.token, json={"state": "closed"})
    gh.branch_from(world.token, world.repo, "topic")
    gh.put_file(world.token, world.repo, "t.md", "t", branch="topic")
    gh.ok(
        "POST",
        "/repos/acme/demo/pulls",
        world.token,
        json={"title": "pr", "head": "topic", "base": "main"},
    )
    listed = gh.ok("GET", "/repos/acme/demo/issues", world.token)
    assert [(i["number"], "pull_request" in i) for i in listed] == [(3, True), (1, False)]
    assert [
        i["number"] for i in gh.ok("GET", "/repos/acme/demo/issues?state=closed", world.token)
    ] == [2]
    assert [
        i["number"] for i in gh.ok("GET", "/repos/acme/demo/issues?labels=bug", world.token)
    ] == [1]
    assert len(gh.ok("GET", "/repos/acme/demo/issues?state=all", world.token)) == 3
    # open_issues_count counts open pull requests too, as on GitHub
    assert gh.ok("GET", "/repos/acme/demo", world.token)["open_issues_count"] == 2
    closed = gh.ok("GET", "/repos/acme/demo/issues/2", world.token)
    assert closed["closed_by"]["login"] == "alice"
    assert closed["state_reason"] == "completed"


def test_who_may_do_what_on_a_public_repo(world: World) -> None:
    gh = world.gh
    gh.ok("POST", "/orgs/acme/repos", world.token, json={"name": "workshop", "private": False})
    gh.user("ada")
    ada = gh.token("ada")
    # anyone may read; writing needs authentication
    assert gh.api("GET", "/repos/acme/workshop").status_code == 200
    resp = gh.api("POST", "/repos/acme/workshop/issues", json={"title": "anon"})
    assert resp.status_code == 401
    assert resp.json()["message"] == "Requires authentication"
    # a non-collaborator may open issues, but the labels they ask for are dropped
    issue = gh.ok(
        "POST", "/repos/acme/workshop/issues", ada, json={"title": "Register me", "labels": ["bug"]}
    )
    assert issue["labels"] == []
    assert issue["author_association"] == "NONE"
    # ... may edit their own issue and comment, not someone else's
    gh.ok("PATCH", "/repos/acme/workshop/issues/1", ada, json={"body": "edited"})
    other = gh.ok("POST", "/repos/acme/workshop/issues", world.token, json={"title": "staff"})
    resp = gh.api(
        "PATCH", f"/repos/acme/workshop/issues/{other['number']}", ada, json={"title": "mine"}
    )
    assert resp.status_code == 403
    mine = gh.ok("POST", "/repos/acme/workshop/issues/1/comments", ada, json={"body": "hello"})
    staff = gh.ok(
        "POST", "/repos/acme/workshop/issues/1/comments", world.token, json={"body": "hi"}
    )
    assert mine["author_association"] == "NONE"
    assert staff["author_association"] == "OWNER"
    url = "/repos/acme/workshop/issues/comments"
    assert gh.api("PATCH", f"{url}/{staff['id']}", ada, json={"body": "x"}).status_code == 403
    assert gh.api("DELETE", f"{url}/{mine['id']}", ada).status_code == 204
    assert gh.api("POST", "/repos/acme/workshop/labels", ada, json={"name": "x"}).status_code == 403
    # staff label the issue and everyone sees the label
    gh.ok("POST", "/repos/acme/workshop/issues/1/labels", world.token, json={"labels": ["bug"]})
    assert [
        label["name"] for label in gh.ok("GET", "/repos/acme/workshop/issues/1", ada)["labels"]
    ] == ["bug"]
    assert gh.ok("GET", "/repos/acme/workshop/issues/1", ada)["comments"] == 1


def test_labels_crud_and_issue_labels(world: World) -> None:
    gh = world.gh
    created = gh.api(
        "POST",
        "/repos/acme/demo/labels",
        world.token,
        json={"name": "status: ready", "color": "#0E8A16", "description": "Ready"},
    )
    assert created.status_code == 201
    assert created.json()["color"] == "0e8a16"
    assert " " not in created.json()["url"]
    got = gh.ok("GET", "/repos/acme/demo/labels/status%3A%20ready", world.token)
    assert got["description"] == "Ready"
    gh.ok("POST", "/repos/acme/demo/issues", world.token, json={"title": "t"})
    gh.ok(
        "PUT", "/repos/acme/demo/issues/1/labels", world.token, json={"labels": ["status: ready"]}
    )
    gh.ok(
        "PATCH",
        "/repos/acme/demo/labels/status: ready",
        world.token,
        json={"new_name": "status: done"},
    )
    names = [
        label["name"] for label in gh.ok("GET", "/repos/acme/demo/issues/1/labels", world.token)
    ]
    assert names == ["status: done"]
    resp = gh.api("DELETE", "/repos/acme/demo/issues/1/labels/nope", world.token)
    assert resp.status_code == 404
    assert gh.api("DELETE", "/repos/acme/demo/labels/status: done", world.token).status_code == 204
    assert gh.ok("GET", "/repos/acme/demo/issues/1", world.token)["labels"] == []


def test_issue_labels_take_a_bare_array(world: World) -> None:
    gh = world.gh
    gh.ok("POST", "/repos/acme/demo/issues", world.token, json={"title": "t"})
    added = gh.ok("POST", "/repos/acme/demo/issues/1/labels", world.token, json=["bug", "question"])
    assert [label["name"] for label in added] == ["bug", "question"]
    replaced = gh.ok(
        "PUT", "/repos/acme/demo/issues/1/labels", world.token, json=[{"name": "wontfix"}]
    )
    assert [label["name"] for label in replaced] == ["wontfix"]
    assert gh.events()[-3:] == ["issues.unlabeled", "issues.unlabeled", "issues.labeled"]
