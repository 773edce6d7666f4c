"""What the Learning Room relies on, as GitHub does it: late mergeability, web-editor commits,
``synchronize`` on every kind of push, closing keywords, assignees of a pending invitee."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.localhub.conftest import World, git


def readme_sha(world: World, ref: str = "main") -> str:
    return str(
        world.gh.ok("GET", f"/repos/acme/demo/contents/README.md?ref={ref}", world.token)["sha"]
    )


def open_pull(world: World, head: str, body: str = "") -> dict[str, Any]:
    return dict(
        world.gh.ok(
            "POST",
            "/repos/acme/demo/pulls",
            world.token,
            json={"title": f"From {head}", "head": head, "base": "main", "body": body},
        )
    )


def conflict(world: World) -> int:
    gh = world.gh
    gh.branch_from(world.token, world.repo, "clash")
    gh.put_file(
        world.token, world.repo, "README.md", "theirs\n", branch="clash", sha=readme_sha(world)
    )
    gh.put_file(world.token, world.repo, "README.md", "ours\n", sha=readme_sha(world))
    return int(open_pull(world, "clash")["number"])


def pull(world: World, number: int) -> dict[str, Any]:
    return dict(world.gh.ok("GET", f"/repos/acme/demo/pulls/{number}", world.token))


def test_mergeability_is_unknown_on_the_first_get_and_real_on_the_next(world: World) -> None:
    number = conflict(world)
    first = pull(world, number)
    assert (first["mergeable"], first["mergeable_state"]) == (None, "unknown")
    second = pull(world, number)
    assert (second["mergeable"], second["mergeable_state"]) == (False, "dirty")
    # the opened event and the list carry no computed answer, as GitHub's do
    opened = [d for d in world.gh.deliveries() if d["event"] == "pull_request"][-1]
    assert opened["payload"]["pull_request"]["mergeable"] is None
    listed = world.gh.ok("GET", "/repos/acme/demo/pulls", world.token)[0]
    assert listed.get("mergeable") is None


def test_a_delay_keeps_mergeability_unknown_until_it_has_passed(world: World) -> None:
    world.gh.config(mergeability_delay_seconds=600)
    number = conflict(world)
    for _ in range(3):
        assert pull(world, number)["mergeable_state"] == "unknown"
    world.gh.advance(601)
    assert pull(world, number)["mergeable_state"] == "dirty"


def test_moving_the_base_or_head_recomputes_mergeability_late(world: World) -> None:
    gh = world.gh
    gh.branch_from(world.token, world.repo, "topic")
    gh.put_file(world.token, world.repo, "topic.md", "topic\n", branch="topic")
    number = int(open_pull(world, "topic")["number"])
    pull(world, number)
    assert pull(world, number)["mergeable_state"] == "clean"
    # the base moves: a conflicting change to the same file lands on main
    gh.put_file(world.token, world.repo, "topic.md", "main's own\n")
    assert pull(world, number)["mergeable_state"] == "unknown"
    assert pull(world, number)["mergeable_state"] == "dirty"
    # the head moves: the learner resolves it on the branch (both sides now agree)
    sha = gh.ok("GET", "/repos/acme/demo/contents/topic.md?ref=topic", world.token)["sha"]
    gh.put_file(world.token, world.repo, "topic.md", "main's own\n", branch="topic", sha=sha)
    assert pull(world, number)["mergeable_state"] == "unknown"
    assert pull(world, number)["mergeable_state"] == "clean"


def commit_of(world: World, sha: str) -> dict[str, Any]:
    return dict(world.gh.ok("GET", f"/repos/acme/demo/commits/{sha}", world.token))


def test_a_web_editor_commit_is_committed_and_verified_by_github(world: World) -> None:
    gh = world.gh
    gh.user("lee")
    since = gh.last_delivery_id()
    made = gh.control(
        "POST",
        "web/commit",
        {
            "login": "lee",
            "repo": "acme/demo",
            "branch": "learn/lee",
            "create_branch_from": "main",
            "path": "docs/welcome.md",
            "content": "Hello\n",
            "message": "Fill in the welcome",
        },
    )
    commit = commit_of(world, made["sha"])
    assert commit["commit"]["committer"]["name"] == "GitHub"
    assert commit["commit"]["committer"]["email"] == "noreply@github.com"
    assert commit["committer"]["login"] == "web-flow"
    assert commit["author"]["login"] == "lee"
    assert commit["commit"]["verification"]["verified"] is True
    assert commit["commit"]["verification"]["reason"] == "valid"
    git_commit = gh.ok("GET", f"/repos/acme/demo/git/commits/{made['sha']}", world.token)
    assert git_commit["verification"]["verified"] is True
    assert gh.events(since) == ["push", "create"]
    push = gh.deliveries(since)[0]["payload"]
    assert push["ref"] == "refs/heads/learn/lee" and push["created"] is True
    assert push["pusher"]["name"] == "lee" and push["sender"]["login"] == "lee"
    assert push["head_commit"]["committer"]["username"] == "web-flow"
    # a contents API commit stays the token user's own, unsigned
    put = gh.put_file(world.token, world.repo, "notes.md", "n\n")
    rest = commit_of(world, put["commit"]["sha"])
    assert rest["committer"]["login"] == "alice"
    assert rest["commit"]["verification"]["verified"] is False


def test_a_git_push_keeps_the_pushers_committer(world: World, tmp_path: Path) -> None:
    gh = world.gh
    work = tmp_path / "clone"
    git(tmp_path, "clone", gh.clone_url(world.repo, world.token), str(work))
    (work / "local.md").write_text("made locally\n")
    git(work, "add", "local.md")
    git(work, "commit", "-m", "Local commit")
    git(work, "push", "origin", "HEAD:main")
    sha = git(work, "rev-parse", "HEAD")
    commit = commit_of(world, sha)
    assert commit["commit"]["committer"]["email"] == "alice@example.com"
    assert commit["commit"]["verification"]["verified"] is False


def test_every_kind_of_push_to_a_head_branch_synchronizes_its_pull_request(
    world: World, tmp_path: Path
) -> None:
    gh = world.gh
    gh.branch_from(world.token, world.repo, "topic")
    gh.put_file(world.token, world.repo, "topic.md", "one\n", branch="topic")
    number = int(open_pull(world, "topic")["number"])

    def synchronized(since: int) -> list[dict[str, Any]]:
        return [
            d["payload"]
            for d in gh.deliveries(since)
            if d["event"] == "pull_request" and d["action"] == "synchronize"
        ]

    since = gh.last_delivery_id()
    sha = gh.ok("GET", "/repos/acme/demo/contents/topic.md?ref=topic", world.token)["sha"]
    gh.put_file(world.token, world.repo, "topic.md", "two\n", branch="topic", sha=sha)
    (event,) = synchronized(since)
    assert event["number"] == number and event["before"] != event["after"]

    gh.user("lee")
    since = gh.last_delivery_id()
    web = gh.control(
        "POST",
        "web/commit",
        {"login": "lee", "repo": "acme/demo", "branch": "topic", "path": "t.md", "content": "t"},
    )
    (event,) = synchronized(since)
    assert event["after"] == web["sha"] and event["sender"]["login"] == "lee"

    work = tmp_path / "clone"
    git(tmp_path, "clone", "--branch", "topic", gh.clone_url(world.repo, world.token), str(work))
    (work / "topic.md").write_text("three\n")
    git(work, "commit", "-am", "Three")
    since = gh.last_delivery_id()
    git(work, "push", "origin", "topic")
    (event,) = synchronized(since)
    assert event["before"] == web["sha"] and event["after"] == git(work, "rev-parse", "HEAD")


def test_merging_closes_the_linked_issue_as_completed_by_the_merger(world: World) -> None:
    gh = world.gh
    issue = gh.ok("POST", "/repos/acme/demo/issues", world.token, json={"title": "Challenge 6"})
    gh.branch_from(world.token, world.repo, "topic")
    gh.put_file(world.token, world.repo, "topic.md", "one\n", branch="topic")
    number = open_pull(world, "topic", body=f"This closes #{issue['number']}.")["number"]
    since = gh.last_delivery_id()
    gh.ok("PUT", f"/repos/acme/demo/pulls/{number}/merge", world.token)
    closed = gh.ok("GET", f"/repos/acme/demo/issues/{issue['number']}", world.token)
    assert closed["state"] == "closed" and closed["state_reason"] == "completed"
    assert closed["closed_by"]["login"] == "alice"
    issue_events = [d for d in gh.deliveries(since) if d["event"] == "issues"]
    assert [(d["action"], d["payload"]["sender"]["login"]) for d in issue_events] == [
        ("closed", "alice")
    ]
    assert issue_events[0]["payload"]["issue"]["state_reason"] == "completed"


def test_a_pending_invitee_is_not_assignable_and_github_says_so(world: World) -> None:
    gh = world.gh
    gh.user("lee")
    gh.ok(
        "PUT", "/repos/acme/demo/collaborators/lee", world.token, json={"permission": "push"}
    )  # invited, not accepted
    assert gh.api("GET", "/repos/acme/demo/assignees/lee", world.token).status_code == 404
    assert gh.api("GET", "/repos/acme/demo/assignees/alice", world.token).status_code == 204
    refused = gh.api(
        "POST",
        "/repos/acme/demo/issues",
        world.token,
        json={"title": "Challenge 1", "assignees": ["lee"]},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"value": "lee", "resource": "Issue", "field": "assignees", "code": "invalid"}
    ]
    assert gh.ok("GET", "/repos/acme/demo/issues", world.token) == []  # nothing was made
    # the way that never fails: create unassigned, then add (a pending invitee is ignored)
    issue = gh.ok("POST", "/repos/acme/demo/issues", world.token, json={"title": "Challenge 1"})
    added = gh.ok(
        "POST",
        f"/repos/acme/demo/issues/{issue['number']}/assignees",
        world.token,
        json={"assignees": ["lee", "alice"]},
    )
    assert [a["login"] for a in added["assignees"]] == ["alice"]
    # once lee accepts, lee can be assigned
    lee = gh.token("lee")
    (invite,) = gh.ok("GET", "/user/repository_invitations", lee)
    gh.ok("PATCH", f"/user/repository_invitations/{invite['id']}", lee)
    assert gh.api("GET", "/repos/acme/demo/assignees/lee", world.token).status_code == 204
    made = gh.ok(
        "POST",
        "/repos/acme/demo/issues",
        world.token,
        json={"title": "Challenge 2", "assignees": ["lee"]},
    )
    assert made["assignee"]["login"] == "lee"
    assert "lee" in [u["login"] for u in gh.ok("GET", "/repos/acme/demo/assignees", world.token)]
    # someone without push access: GitHub silently drops the assignees
    gh.user("guest")
    gh.ok("PUT", "/repos/acme/demo/collaborators/guest", world.token, json={"permission": "pull"})
    guest = gh.token("guest")
    (ginv,) = gh.ok("GET", "/user/repository_invitations", guest)
    gh.ok("PATCH", f"/user/repository_invitations/{ginv['id']}", guest)
    dropped = gh.ok(
        "POST", "/repos/acme/demo/issues", guest, json={"title": "Q", "assignees": ["alice"]}
    )
    assert dropped["assignees"] == []


def test_inline_review_comments_with_a_suggestion_anchor_to_the_diff(world: World) -> None:
    gh = world.gh
    gh.branch_from(world.token, world.repo, "practice/peer-review")
    gh.put_file(
        world.token,
        world.repo,
        "docs/review-me.md",
        "# Review me\n\nThis line has a typo teh.\nLast line.\n",
        branch="practice/peer-review",
    )
    number = open_pull(world, "practice/peer-review")["number"]
    gh.user("lee")
    gh.ok("PUT", "/repos/acme/demo/collaborators/lee", world.token, json={"permission": "push"})
    lee = gh.token("lee")
    (invite,) = gh.ok("GET", "/user/repository_invitations", lee)
    gh.ok("PATCH", f"/user/repository_invitations/{invite['id']}", lee)
    since = gh.last_delivery_id()
    suggestion = "Fix the typo.\n```suggestion\nThis line has a typo the.\n```"
    single = gh.ok(
        "POST",
        f"/repos/acme/demo/pulls/{number}/comments",
        lee,
        json={"body": suggestion, "path": "docs/review-me.md", "line": 3, "side": "RIGHT"},
    )
    assert single["line"] == 3 and single["side"] == "RIGHT"
    assert single["diff_hunk"].startswith("@@ ") and single["diff_hunk"].endswith("typo teh.")
    assert single["pull_request_review_id"]
    review = gh.ok(
        "POST",
        f"/repos/acme/demo/pulls/{number}/reviews",
        lee,
        json={
            "event": "REQUEST_CHANGES",
            "body": "Two small things.",
            "comments": [{"path": "docs/review-me.md", "line": 4, "body": "End with a summary."}],
        },
    )
    assert review["state"] == "CHANGES_REQUESTED"
    listed = gh.ok("GET", f"/repos/acme/demo/pulls/{number}/comments", world.token)
    assert [c["body"] for c in listed] == [suggestion, "End with a summary."]
    assert listed[1]["pull_request_review_id"] == review["id"]
    states = [r["state"] for r in gh.ok("GET", f"/repos/acme/demo/pulls/{number}/reviews", lee)]
    assert states == ["COMMENTED", "CHANGES_REQUESTED"]
    assert gh.events(since) == [
        "pull_request_review_comment.created",
        "pull_request_review.submitted",
        "pull_request_review_comment.created",
        "pull_request_review.submitted",
    ]
    # a line outside the diff, or a file the PR does not touch, is GitHub's 422
    outside = gh.api(
        "POST",
        f"/repos/acme/demo/pulls/{number}/comments",
        lee,
        json={"body": "x", "path": "docs/review-me.md", "line": 40},
    )
    assert outside.status_code == 422
    assert outside.json()["errors"][0]["field"] == "pull_request_review_thread.line"
    untouched = gh.api(
        "POST",
        f"/repos/acme/demo/pulls/{number}/comments",
        lee,
        json={"body": "x", "path": "README.md", "line": 1},
    )
    assert untouched.status_code == 422
    assert len(gh.ok("GET", f"/repos/acme/demo/pulls/{number}/comments", lee)) == 2


def test_a_branch_whose_name_has_a_slash_is_found_by_name(ada_room: httpx.Client) -> None:
    """GitHub answers GET /branches/learn/ada for the branch learn/ada (the room's branch names
    have slashes); the autograders read a learner's branch this way."""
    api = ada_room
    main = api.get("/repos/ada/room/git/ref/heads/main").json()["object"]["sha"]
    api.post(
        "/repos/ada/room/git/refs", json={"ref": "refs/heads/learn/ada", "sha": main}
    ).raise_for_status()
    found = api.get("/repos/ada/room/branches/learn/ada")
    assert found.status_code == 200
    assert found.json()["name"] == "learn/ada"
    assert found.json()["commit"]["sha"] == main
    assert api.get("/repos/ada/room/branches/learn/bob").status_code == 404


def test_a_reaction_is_given_once_per_person_and_kind(ada_room: httpx.Client) -> None:
    """Challenge 3 asks for a reaction: GitHub answers 201 for a new one, 200 for the same
    person's same reaction again, 422 for a kind it does not have."""
    api = ada_room
    issue = api.post("/repos/ada/room/issues", json={"title": "Peer issue"}).json()
    url = f"/repos/ada/room/issues/{issue['number']}/reactions"
    first = api.post(url, json={"content": "+1"})
    assert first.status_code == 201 and first.json()["user"]["login"] == "ada"
    again = api.post(url, json={"content": "+1"})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert api.post(url, json={"content": "thumbs"}).status_code == 422
    api.post(url, json={"content": "heart"}).raise_for_status()
    assert [r["content"] for r in api.get(url).json()] == ["+1", "heart"]
    assert [r["content"] for r in api.get(url, params={"content": "heart"}).json()] == ["heart"]
    comment = api.post(
        f"/repos/ada/room/issues/{issue['number']}/comments", json={"body": "Same here"}
    ).json()
    on_comment = f"/repos/ada/room/issues/comments/{comment['id']}/reactions"
    assert api.post(on_comment, json={"content": "eyes"}).status_code == 201
    assert api.get("/repos/ada/room/issues/comments/999999/reactions").status_code == 404


def test_changed_files_carry_their_patch_which_review_comments_anchor_to(
    ada_room: httpx.Client,
) -> None:
    """GitHub lists a pull request's files with a ``patch`` (the unified diff from its first
    hunk); a reviewer's inline comment goes on a line that patch shows."""
    import base64

    from glow.rehearsal.journey import first_added_line

    api = ada_room
    main = api.get("/repos/ada/room/git/ref/heads/main").json()["object"]["sha"]
    api.post("/repos/ada/room/git/refs", json={"ref": "refs/heads/edit", "sha": main})
    text = "line one\nline two\nline three\n"
    api.put(
        "/repos/ada/room/contents/notes.md",
        json={
            "message": "Add notes",
            "branch": "edit",
            "content": base64.b64encode(text.encode()).decode(),
        },
    ).raise_for_status()
    pr = api.post(
        "/repos/ada/room/pulls", json={"title": "Notes", "head": "edit", "base": "main"}
    ).json()
    [changed] = api.get(f"/repos/ada/room/pulls/{pr['number']}/files").json()
    assert changed["patch"].startswith("@@ -0,0 +1,3 @@")
    assert "+line two" in changed["patch"]
    line = first_added_line(changed["patch"])
    assert line == 1
    review = api.post(
        f"/repos/ada/room/pulls/{pr['number']}/reviews",
        json={
            "event": "COMMENT",
            "comments": [{"path": "notes.md", "line": 2, "side": "RIGHT", "body": "Nice"}],
        },
    )
    assert review.status_code == 200, review.text


@pytest.fixture
def ada_room(tmp_path: Path) -> Iterator[httpx.Client]:
    """ada's repository ``ada/room`` on a local GitHub without a runner; ada's API client."""
    from glow.localhub.hub import LocalHub

    hub = LocalHub(tmp_path, runner=False)
    hub.start()
    try:
        control = httpx.Client(base_url=hub.url)
        control.post("/_localhub/users", json={"login": "ada"}).raise_for_status()
        token = control.post("/_localhub/tokens", json={"login": "ada"}).json()["token"]
        api = httpx.Client(base_url=hub.api_url, headers={"Authorization": f"token {token}"})
        api.post("/user/repos", json={"name": "room", "auto_init": True}).raise_for_status()
        yield api
    finally:
        hub.stop()
