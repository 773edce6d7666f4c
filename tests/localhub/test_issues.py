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


def test_repository_comments_honour_since_sort_and_direction(world: World) -> None:
    gh, token = world.gh, world.token
    for title in ("one", "two"):
        gh.ok("POST", "/repos/acme/demo/issues", token, json={"title": title})
    ids = []
    for number, text in ((1, "c1"), (2, "c2"), (1, "c3")):
        ids.append(
            gh.ok("POST", f"/repos/acme/demo/issues/{number}/comments", token, json={"body": text})[
                "id"
            ]
        )
        gh.advance(60)
    c1, c2, c3 = ids
    third = gh.ok("GET", f"/repos/acme/demo/issues/comments/{c3}", token)["created_at"]
    gh.ok("PATCH", f"/repos/acme/demo/issues/comments/{c1}", token, json={"body": "c1 edited"})

    def listed(query: str) -> list[int]:
        return [c["id"] for c in gh.ok("GET", f"/repos/acme/demo/issues/comments?{query}", token)]

    assert listed("") == [c1, c2, c3]  # "ordered by ascending ID" by default
    assert listed("direction=desc") == [c1, c2, c3]  # ignored without sort
    assert listed("sort=created") == [c1, c2, c3]
    assert listed("sort=created&direction=desc") == [c3, c2, c1]
    assert listed("sort=updated") == [c2, c3, c1]
    assert listed("sort=updated&direction=desc") == [c1, c3, c2]
    assert listed(f"since={third}") == [c1, c3]  # updated at or after
    assert listed(f"since={third.replace('Z', '%2B00:00')}&sort=updated") == [c3, c1]
    page = gh.api(
        "GET", "/repos/acme/demo/issues/comments?sort=updated&direction=desc&per_page=2", token
    )
    assert [c["id"] for c in page.json()] == [c1, c3] and 'rel="next"' in page.headers["link"]
    assert listed("sort=updated&direction=desc&per_page=2&page=2") == [c2]
    # the one issue's list honours since too, in ascending ID order
    assert [
        c["id"] for c in gh.ok("GET", f"/repos/acme/demo/issues/1/comments?since={third}", token)
    ] == [c1, c3]
    for query, field in (
        ("sort=comments", "sort"),
        ("sort=created&direction=up", "direction"),
        ("since=yesterday", "since"),
    ):
        resp = gh.api("GET", f"/repos/acme/demo/issues/comments?{query}", token)
        assert resp.status_code == 422, query
        assert resp.json()["errors"][0]["field"] == field


def test_an_issue_says_who_closed_it_and_why(world: World) -> None:
    from glow.localhub.runner_host import HubRunnerHost

    gh, token = world.gh, world.token
    gh.ok("POST", "/repos/acme/demo/issues", token, json={"title": "t"})
    opened = gh.ok("GET", "/repos/acme/demo/issues/1", token)
    assert (opened["closed_by"], opened["state_reason"]) == (None, None)
    job = HubRunnerHost(gh.hub).mint_job_token("acme/demo", {"issues": "write"})
    gh.ok(
        "PATCH",
        "/repos/acme/demo/issues/1",
        job,
        json={"state": "closed", "state_reason": "not_planned"},
    )
    closed = gh.ok("GET", "/repos/acme/demo/issues/1", token)
    assert closed["closed_by"]["login"] == "github-actions[bot]"
    assert (closed["state"], closed["state_reason"]) == ("closed", "not_planned")
    gh.ok("PATCH", "/repos/acme/demo/issues/1", token, json={"state": "open"})
    reopened = gh.ok("GET", "/repos/acme/demo/issues/1", token)
    assert (reopened["closed_by"], reopened["state_reason"]) == (None, "reopened")
    gh.ok("PATCH", "/repos/acme/demo/issues/1", token, json={"state": "closed"})
    again = gh.ok("GET", "/repos/acme/demo/issues/1", token)
    assert (again["closed_by"]["login"], again["state_reason"]) == ("alice", "completed")
    # the bots read /user only with a user's token; a job or installation token is refused
    resp = gh.api("GET", "/user", job)
    assert resp.status_code == 403
    assert resp.json()["message"] == "Resource not accessible by integration"
