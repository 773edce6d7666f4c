"""Pull requests: validation, mergeability, merging, synchronize and closing keywords."""

from __future__ import annotations

from typing import Any

from tests.localhub.conftest import World


def feature(world: World, branch: str, path: str = "feature.md", text: str = "new\n") -> None:
    world.gh.branch_from(world.token, world.repo, branch)
    world.gh.put_file(world.token, world.repo, path, text, branch=branch)


def open_pull(world: World, head: str, body: str = "", base: str = "main") -> Any:
    return world.gh.api(
        "POST",
        "/repos/acme/demo/pulls",
        world.token,
        json={"title": f"From {head}", "head": head, "base": base, "body": body},
    )


def readme_sha(world: World, ref: str = "main") -> str:
    return world.gh.ok("GET", f"/repos/acme/demo/contents/README.md?ref={ref}", world.token)["sha"]


def test_duplicate_and_empty_pull_requests_are_422(world: World) -> None:
    feature(world, "topic")
    assert open_pull(world, "topic").status_code == 201
    duplicate = open_pull(world, "topic")
    assert duplicate.status_code == 422
    assert "already exists" in duplicate.json()["errors"][0]["message"]
    world.gh.branch_from(world.token, world.repo, "same-as-main")
    empty = open_pull(world, "same-as-main")
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["message"] == "No commits between main and same-as-main"
    # ``owner:branch`` is accepted for head, as on GitHub
    feature(world, "other", "other.md")
    resp = world.gh.api(
        "POST",
        "/repos/acme/demo/pulls",
        world.token,
        json={"title": "t", "head": "acme:other", "base": "main"},
    )
    assert resp.status_code == 201
    assert resp.json()["head"]["ref"] == "other"


def test_conflict_is_not_mergeable(world: World) -> None:
    gh = world.gh
    gh.branch_from(world.token, world.repo, "clash")
    gh.put_file(
        world.token, world.repo, "README.md", "theirs\n", branch="clash", sha=readme_sha(world)
    )
    gh.put_file(world.token, world.repo, "README.md", "ours\n", sha=readme_sha(world))
    number = open_pull(world, "clash").json()["number"]
    # the first GET starts GitHub's background mergeability job (test_room_fidelity.py)
    assert gh.ok("GET", f"/repos/acme/demo/pulls/{number}", world.token)["mergeable"] is None
    pull = gh.ok("GET", f"/repos/acme/demo/pulls/{number}", world.token)
    assert pull["mergeable"] is False
    assert pull["mergeable_state"] == "dirty"
    resp = gh.api("PUT", f"/repos/acme/demo/pulls/{number}/merge", world.token)
    assert resp.status_code == 405
    assert resp.json()["message"] == "Pull Request is not mergeable"
    assert gh.ok("GET", f"/repos/acme/demo/pulls/{number}", world.token)["state"] == "open"


def test_merge_with_a_stale_sha_is_409(world: World) -> None:
    gh = world.gh
    feature(world, "topic")
    pull = open_pull(world, "topic").json()
    old_head = pull["head"]["sha"]
    sha = gh.ok("GET", "/repos/acme/demo/contents/feature.md?ref=topic", world.token)["sha"]
    gh.put_file(world.token, world.repo, "feature.md", "newer\n", branch="topic", sha=sha)
    resp = gh.api(
        "PUT", f"/repos/acme/demo/pulls/{pull['number']}/merge", world.token, json={"sha": old_head}
    )
    assert resp.status_code == 409
    fresh = gh.ok("GET", f"/repos/acme/demo/pulls/{pull['number']}", world.token)
    assert fresh["head"]["sha"] != old_head
    merged = gh.api(
        "PUT",
        f"/repos/acme/demo/pulls/{pull['number']}/merge",
        world.token,
        json={"sha": fresh["head"]["sha"], "merge_method": "squash"},
    )
    assert merged.status_code == 200
    main = gh.ok("GET", "/repos/acme/demo/commits/main", world.token)
    assert len(main["parents"]) == 1  # squash
    assert main["sha"] == merged.json()["sha"]
    again = gh.api("PUT", f"/repos/acme/demo/pulls/{pull['number']}/merge", world.token)
    assert again.status_code == 405
    assert (
        gh.api("GET", f"/repos/acme/demo/pulls/{pull['number']}/merge", world.token).status_code
        == 204
    )


def test_push_to_the_head_branch_is_synchronize(world: World) -> None:
    gh = world.gh
    feature(world, "topic")
    pull = open_pull(world, "topic").json()
    mark = gh.last_delivery_id()
    sha = gh.ok("GET", "/repos/acme/demo/contents/feature.md?ref=topic", world.token)["sha"]
    gh.put_file(world.token, world.repo, "feature.md", "more\n", branch="topic", sha=sha)
    events = gh.events(mark)
    assert events == ["push", "pull_request.synchronize"]
    sync = gh.deliveries(mark)[-1]["payload"]
    assert sync["number"] == pull["number"]
    assert sync["before"] == pull["head"]["sha"]
    assert sync["after"] == sync["pull_request"]["head"]["sha"] != pull["head"]["sha"]
    commits = gh.ok("GET", f"/repos/acme/demo/pulls/{pull['number']}/commits", world.token)
    assert len(commits) == 2


def test_closing_keywords_close_issues_on_merge_to_default(world: World) -> None:
    gh = world.gh
    for n in range(1, 6):
        gh.ok("POST", "/repos/acme/demo/issues", world.token, json={"title": f"issue {n}"})
    feature(world, "fix")
    body = (
        "Fixes #1\nAlso closes: #2 and Resolves acme/demo#3.\n"
        "Mentions #4 without a keyword. Fixes other/repo#5"
    )
    pull = open_pull(world, "fix", body).json()
    mark = gh.last_delivery_id()
    gh.ok("PUT", f"/repos/acme/demo/pulls/{pull['number']}/merge", world.token)
    states = {
        n: gh.ok("GET", f"/repos/acme/demo/issues/{n}", world.token)["state"] for n in range(1, 6)
    }
    assert states == {1: "closed", 2: "closed", 3: "closed", 4: "open", 5: "open"}
    assert gh.events(mark) == [
        "push",
        "pull_request.closed",
        "issues.closed",
        "issues.closed",
        "issues.closed",
    ]
    repo = gh.ok("GET", "/repos/acme/demo", world.token)
    assert repo["open_issues_count"] == 2


def test_closing_keywords_do_nothing_on_another_base(world: World) -> None:
    gh = world.gh
    gh.ok("POST", "/repos/acme/demo/issues", world.token, json={"title": "bug"})
    gh.branch_from(world.token, world.repo, "develop")
    feature(world, "fix")
    pull = open_pull(world, "fix", "Closes #1", base="develop").json()
    gh.ok("PUT", f"/repos/acme/demo/pulls/{pull['number']}/merge", world.token)
    assert gh.ok("GET", "/repos/acme/demo/issues/1", world.token)["state"] == "open"


def test_reviews(world: World) -> None:
    gh = world.gh
    feature(world, "topic")
    number = open_pull(world, "topic").json()["number"]
    url = f"/repos/acme/demo/pulls/{number}/reviews"
    own = gh.api("POST", url, world.token, json={"event": "APPROVE"})
    assert own.status_code == 422
    assert "your own pull request" in str(own.json()["errors"])
    gh.user("rev")
    gh.control("POST", "orgs/acme/members", {"login": "rev"})
    reviewer = gh.token("rev")
    approved = gh.api("POST", url, reviewer, json={"event": "APPROVE", "body": "ok"})
    assert approved.status_code == 200
    assert approved.json()["state"] == "APPROVED"
    no_body = gh.api("POST", url, reviewer, json={"event": "REQUEST_CHANGES"})
    assert no_body.status_code == 422
    assert [r["state"] for r in gh.ok("GET", url, world.token)] == ["APPROVED"]
    delivery = [d for d in gh.deliveries() if d["event"] == "pull_request_review"][-1]
    assert delivery["payload"]["review"]["state"] == "approved"


def test_close_and_reopen_a_pull_request(world: World) -> None:
    gh = world.gh
    feature(world, "topic")
    number = open_pull(world, "topic").json()["number"]
    url = f"/repos/acme/demo/pulls/{number}"
    assert gh.ok("PATCH", url, world.token, json={"state": "closed"})["state"] == "closed"
    assert gh.api("PUT", f"{url}/merge", world.token).status_code == 405
    assert gh.ok("PATCH", url, world.token, json={"state": "open"})["state"] == "open"
    listed = gh.ok("GET", "/repos/acme/demo/pulls?state=open", world.token)
    assert [p["number"] for p in listed] == [number]
    assert gh.events()[-2:] == ["pull_request.closed", "pull_request.reopened"]
