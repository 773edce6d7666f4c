"""Errors look like GitHub's: status, ``message``, ``errors`` and ``documentation_url``."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.localhub.conftest import World


def assert_validation(resp, code: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    assert resp.status_code == 422, resp.text
    body = resp.json()
    assert body["message"]
    assert body["documentation_url"].startswith("https://docs.github.com/")
    assert isinstance(body["errors"], list) and body["errors"]
    if code is not None:
        assert body["errors"][0]["code"] == code
    return body


def test_duplicate_repository_name_is_422(world: World) -> None:
    resp = world.gh.api("POST", "/orgs/acme/repos", world.token, json={"name": "demo"})
    body = assert_validation(resp)
    assert body["errors"][0]["field"] == "name"
    assert "already exists" in body["errors"][0]["message"]


def test_missing_issue_title_is_422(world: World) -> None:
    resp = world.gh.api("POST", "/repos/acme/demo/issues", world.token, json={"body": "no title"})
    body = assert_validation(resp, "missing_field")
    assert body["errors"][0] == {
        "resource": "Issue",
        "field": "title",
        "code": "missing_field",
        "message": "title is missing",
    }


def test_duplicate_label_is_422(world: World) -> None:
    resp = world.gh.api(
        "POST", "/repos/acme/demo/labels", world.token, json={"name": "BUG", "color": "ff0000"}
    )
    body = assert_validation(resp, "already_exists")
    assert body["errors"][0]["resource"] == "Label"


def test_creating_an_existing_ref_is_422(world: World) -> None:
    gh = world.gh
    sha = gh.branch_from(world.token, world.repo, "topic")
    resp = gh.api(
        "POST",
        "/repos/acme/demo/git/refs",
        world.token,
        json={"ref": "refs/heads/topic", "sha": sha},
    )
    # GitHub answers this one with a message only (no ``errors`` array).
    assert resp.status_code == 422
    assert resp.json()["message"] == "Reference already exists"


def test_unknown_repository_issue_and_route_are_404(world: World) -> None:
    gh = world.gh
    for path in (
        "/repos/acme/nope",
        "/repos/nobody/demo/issues",
        "/repos/acme/demo/issues/99",
        "/repos/acme/demo/issues/comments/12345",
        "/repos/acme/demo/no-such-thing",
        "/no/such/route",
    ):
        resp = gh.api("GET", path, world.token)
        assert resp.status_code == 404, path
        assert resp.json()["message"] == "Not Found"
    # A known path with a method it does not have is also 404, as on GitHub.
    assert gh.api("DELETE", "/repos/acme/demo/issues/1", world.token).status_code == 404
    assert gh.http.get("/_localhub/no-such-thing").status_code == 404


def test_bad_token_is_401_bad_credentials(world: World) -> None:
    resp = world.gh.api("GET", "/repos/acme/demo", "ghp_" + "0" * 36)
    assert resp.status_code == 401
    assert resp.json()["message"] == "Bad credentials"
    resp = world.gh.api("GET", "/user", headers={"authorization": "Bearer not-a-token"})
    assert resp.status_code == 401


def test_token_with_issues_read_cannot_comment(world: World) -> None:
    gh = world.gh
    gh.ok("POST", "/repos/acme/demo/issues", world.token, json={"title": "t"})
    reader = gh.token("alice", {"issues": "read"})
    assert gh.api("GET", "/repos/acme/demo/issues/1", reader).status_code == 200
    resp = gh.api("POST", "/repos/acme/demo/issues/1/comments", reader, json={"body": "hi"})
    assert resp.status_code == 403
    assert resp.json()["message"] == "Resource not accessible by personal access token"
    # and a token without contents cannot read files
    assert gh.api("GET", "/repos/acme/demo/contents/README.md", reader).status_code == 403


def test_malformed_json_is_400(world: World) -> None:
    for raw in (b'{"title": ', b"[1, 2]", b"\xff\xfe"):
        resp = world.gh.api(
            "POST",
            "/repos/acme/demo/issues",
            world.token,
            content=raw,
            headers={"content-type": "application/json"},
        )
        assert resp.status_code == 400, raw
        assert resp.json()["message"] == "Problems parsing JSON"


def test_wrong_types_are_422_not_500(world: World) -> None:
    gh = world.gh
    cases = [
        ("POST", "/repos/acme/demo/issues", {"title": "t", "labels": "bug"}),
        ("POST", "/repos/acme/demo/issues", {"title": ["t"]}),
        ("POST", "/repos/acme/demo/labels", {"name": "x", "color": "zzzzzz"}),
        ("POST", "/orgs/acme/repos", {"name": "has space"}),
        ("POST", "/orgs/acme/repos", {"name": "ok", "private": "yes"}),
        ("POST", "/repos/acme/demo/git/refs", {"ref": "refs/heads/x", "sha": "nothex"}),
        ("POST", "/repos/acme/demo/pulls", {"title": "t", "head": "nope", "base": "main"}),
        ("GET", "/repos/acme/demo/issues?per_page=abc", None),
    ]
    for method, path, body in cases:
        resp = gh.api(method, path, world.token, json=body)
        assert resp.status_code == 422, (path, body, resp.text)


def test_unsupported_api_version_is_400(world: World) -> None:
    headers = {"x-github-api-version": "1999-01-01"}
    resp = world.gh.api("GET", "/repos/acme/demo", world.token, headers=headers)
    assert resp.status_code == 400
    for version in ("2022-11-28", "2026-03-10"):
        resp = world.gh.api(
            "GET", "/repos/acme/demo", world.token, headers={"x-github-api-version": version}
        )
        assert resp.status_code == 200


def test_concurrent_writes_never_500_and_keep_numbering(world: World) -> None:
    gh = world.gh
    gh.config(content_creation_per_minute=1000)
    gh.ok("POST", "/repos/acme/demo/issues", world.token, json={"title": "thread"})
    headers = {"authorization": f"token {world.token}"}

    def work(n: int) -> tuple[int, int, int]:
        with httpx.Client(base_url=gh.hub.api_url, headers=headers, timeout=30) as client:
            issue = client.post("/repos/acme/demo/issues", json={"title": f"t{n}"})
            file = client.put(
                f"/repos/acme/demo/contents/f{n}.md", json={"message": "m", "content": "eA=="}
            )
            comment = client.post("/repos/acme/demo/issues/1/comments", json={"body": str(n)})
            return issue.status_code, file.status_code, comment.status_code

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(16)))
    assert set(results) == {(201, 201, 201)}
    issues = gh.ok("GET", "/repos/acme/demo/issues?per_page=100", world.token)
    assert sorted(i["number"] for i in issues) == list(range(1, 18))
    commits = gh.ok("GET", "/repos/acme/demo/commits?per_page=100", world.token)
    assert len(commits) == 17
    assert gh.ok("GET", "/repos/acme/demo/issues/1", world.token)["comments"] == 16


def test_a_bad_field_in_an_issue_update_is_422_and_nothing_changes(world: World) -> None:
    gh = world.gh
    issue = gh.api("POST", "/repos/acme/demo/issues", world.token, json={"title": "before"})
    url = f"/repos/acme/demo/issues/{issue.json()['number']}"
    for bad in (
        {"title": "after", "state": "bogus"},
        {"title": "after", "state_reason": "because"},
        {"title": "after", "assignees": "ada"},
        {"title": "after", "milestone": "x"},
        {"title": "after", "labels": [""]},
    ):
        body = assert_validation(gh.api("PATCH", url, world.token, json=bad))
        assert body["errors"][0]["field"] in bad, bad
        after = gh.api("GET", url, world.token).json()
        assert (after["title"], after["state"]) == ("before", "open"), bad
