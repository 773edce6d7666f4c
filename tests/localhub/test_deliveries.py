"""Webhook-shaped deliveries: every one names its repository and sender (and org)."""

from __future__ import annotations

from pathlib import Path

from tests.localhub.conftest import World, git


def make_activity(world: World, repo: str, tmp_path: Path) -> None:
    gh, token = world.gh, world.token
    gh.ok("POST", f"/repos/{repo}/issues", token, json={"title": "bug", "labels": ["bug"]})
    gh.ok("POST", f"/repos/{repo}/issues/1/labels", token, json={"labels": ["question"]})
    gh.ok("DELETE", f"/repos/{repo}/issues/1/labels/question", token)
    comment = gh.ok("POST", f"/repos/{repo}/issues/1/comments", token, json={"body": "hi"})
    gh.ok("PATCH", f"/repos/{repo}/issues/comments/{comment['id']}", token, json={"body": "hey"})
    gh.ok("PATCH", f"/repos/{repo}/issues/1", token, json={"title": "Bug", "state": "closed"})
    gh.ok("PATCH", f"/repos/{repo}/issues/1", token, json={"state": "open"})
    work = tmp_path / repo.replace("/", "-")
    git(tmp_path, "clone", "-q", gh.clone_url(repo, token), str(work))
    git(work, "checkout", "-q", "-b", "topic")
    (work / "topic.md").write_text("topic\n")
    git(work, "add", "topic.md")
    git(work, "commit", "-q", "-m", "topic")
    git(work, "push", "-q", "origin", "topic")
    pull = gh.ok(
        "POST",
        f"/repos/{repo}/pulls",
        token,
        json={"title": "Topic", "head": "topic", "base": "main", "body": "Fixes #1"},
    )
    (work / "topic.md").write_text("topic 2\n")
    git(work, "commit", "-q", "-am", "topic 2")
    git(work, "push", "-q", "origin", "topic")
    gh.ok("PUT", f"/repos/{repo}/pulls/{pull['number']}/merge", token)
    gh.api("POST", f"/repos/{repo}/dispatches", token, json={"event_type": "go"})


def test_every_delivery_names_repository_sender_and_org(world: World, tmp_path: Path) -> None:
    gh = world.gh
    make_activity(world, "acme/demo", tmp_path)
    gh.ok("POST", "/user/repos", world.token, json={"name": "own", "auto_init": True})
    make_activity(world, "alice/own", tmp_path)

    deliveries = gh.deliveries()
    kinds = {f"{d['event']}.{d['action']}" for d in deliveries}
    assert {
        "issues.opened",
        "issues.labeled",
        "issues.unlabeled",
        "issues.edited",
        "issues.closed",
        "issues.reopened",
        "issue_comment.created",
        "issue_comment.edited",
        "push.None",
        "create.None",
        "pull_request.opened",
        "pull_request.synchronize",
        "pull_request.closed",
        "repository_dispatch.go",
    } <= kinds
    guids = [d["guid"] for d in deliveries]
    assert len(set(guids)) == len(guids)
    for d in deliveries:
        payload = d["payload"]
        where = f"{d['event']}.{d['action']} on {d['repository']}"
        assert payload["repository"]["full_name"] == d["repository"], where
        assert payload["repository"]["owner"]["login"] == d["repository"].split("/")[0], where
        assert payload["sender"]["login"] == d["sender"] == "alice", where
        assert payload["sender"]["type"] == "User", where
        if d["repository"].startswith("acme/"):
            assert payload["organization"]["login"] == "acme", where
        else:
            assert "organization" not in payload, where
        if d["action"] is not None and d["event"] != "repository_dispatch":
            assert payload["action"] == d["action"], where


def test_payloads_carry_the_objects_they_are_about(world: World, tmp_path: Path) -> None:
    gh = world.gh
    make_activity(world, "acme/demo", tmp_path)
    by_kind = {}
    for d in gh.deliveries():
        by_kind.setdefault(f"{d['event']}.{d['action']}", d["payload"])
    assert by_kind["issues.opened"]["issue"]["number"] == 1
    assert by_kind["issues.opened"]["issue"]["labels"][0]["name"] == "bug"
    assert by_kind["issues.labeled"]["label"]["name"] == "question"
    assert by_kind["issues.edited"]["changes"] == {"title": {"from": "bug"}}
    assert by_kind["issue_comment.edited"]["changes"] == {"body": {"from": "hi"}}
    assert by_kind["issue_comment.created"]["comment"]["body"] == "hi"
    assert by_kind["create.None"]["ref"] == "topic"
    assert by_kind["create.None"]["ref_type"] == "branch"
    push = by_kind["push.None"]
    assert push["ref"] == "refs/heads/topic"
    assert push["created"] is True
    assert push["pusher"]["name"] == "alice"
    assert [c["added"] for c in push["commits"]] == [["topic.md"]]
    opened = by_kind["pull_request.opened"]["pull_request"]
    assert opened["head"]["ref"] == "topic"
    assert opened["base"]["ref"] == "main"
    assert by_kind["repository_dispatch.go"]["branch"] == "main"
