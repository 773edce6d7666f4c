"""Locking a conversation: who may lock, what the issue shows, who may still comment."""

from __future__ import annotations

from tests.localhub.conftest import World
from tests.localhub.test_apps import installation_token, make_app


def opened(world: World) -> tuple[str, str]:
    """An issue by bob (a read collaborator) on acme/demo: (bob's token, issue path)."""
    gh = world.gh
    gh.user("bob")
    bob = gh.token("bob")
    gh.control("POST", "orgs/acme/members", {"login": "bob"})  # org members may read
    number = gh.ok("POST", "/repos/acme/demo/issues", bob, json={"title": "Help"})["number"]
    return bob, f"/repos/acme/demo/issues/{number}"


def test_lock_and_unlock_show_on_the_issue_and_send_events(world: World) -> None:
    gh = world.gh
    bob, issue = opened(world)
    since = gh.last_delivery_id()
    resp = gh.api("PUT", f"{issue}/lock", world.token, json={"lock_reason": "resolved"})
    assert resp.status_code == 204
    assert resp.content == b""
    shown = gh.ok("GET", issue, bob)
    assert (shown["locked"], shown["active_lock_reason"]) == (True, "resolved")
    # locking again changes nothing and sends nothing
    assert gh.api("PUT", f"{issue}/lock", world.token).status_code == 204
    assert gh.api("DELETE", f"{issue}/lock", world.token).status_code == 204
    shown = gh.ok("GET", issue, bob)
    assert (shown["locked"], shown["active_lock_reason"]) == (False, None)
    assert gh.events(since) == ["issues.locked", "issues.unlocked"]
    locked_event = gh.deliveries(since)[0]["payload"]["issue"]
    assert (locked_event["locked"], locked_event["active_lock_reason"]) == (True, "resolved")


def test_a_lock_needs_push_access_and_a_documented_reason(world: World) -> None:
    gh = world.gh
    bob, issue = opened(world)
    refused = gh.api("PUT", f"{issue}/lock", bob)  # the author, with read access only
    assert refused.status_code == 403
    bad = gh.api("PUT", f"{issue}/lock", world.token, json={"lock_reason": "boring"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "lock_reason"
    assert gh.ok("GET", issue, bob)["locked"] is False
    # no body at all, or JSON null, locks without a reason
    assert gh.api("PUT", f"{issue}/lock", world.token, content=b"null").status_code == 204
    assert gh.ok("GET", issue, bob)["active_lock_reason"] is None
    assert gh.api("PUT", "/repos/acme/demo/issues/99/lock", world.token).status_code == 404


def test_a_locked_conversation_takes_comments_only_from_people_with_write_access(
    world: World,
) -> None:
    gh = world.gh
    bob, issue = opened(world)
    bot = installation_token(world, make_app(world))
    gh.ok("PUT", f"{issue}/lock", world.token, json={"lock_reason": "too heated"})
    for token in (bob, bot):
        resp = gh.api("POST", f"{issue}/comments", token, json={"body": "one more thing"})
        assert resp.status_code == 403
        assert resp.json()["message"] == "Unable to create comment because issue is locked."
    assert gh.api(
        "POST", f"{issue}/comments", world.token, json={"body": "Closing this."}
    ).is_success
    gh.ok("DELETE", f"{issue}/lock", world.token)
    assert gh.api("POST", f"{issue}/comments", bob, json={"body": "thanks"}).is_success
    assert [c["body"] for c in gh.ok("GET", f"{issue}/comments", bob)] == [
        "Closing this.",
        "thanks",
    ]


def test_a_pull_requests_conversation_locks_too(world: World) -> None:
    gh = world.gh
    gh.branch_from(world.token, world.repo, "topic")
    gh.put_file(world.token, world.repo, "t.md", "t", branch="topic")
    pr = gh.ok(
        "POST",
        "/repos/acme/demo/pulls",
        world.token,
        json={"title": "t", "head": "topic", "base": "main"},
    )
    since = gh.last_delivery_id()
    gh.ok(
        "PUT",
        f"/repos/acme/demo/issues/{pr['number']}/lock",
        world.token,
        json={"lock_reason": "spam"},
    )
    pull = gh.ok("GET", f"/repos/acme/demo/pulls/{pr['number']}", world.token)
    assert (pull["locked"], pull["active_lock_reason"]) == (True, "spam")
    assert gh.events(since) == ["pull_request.locked"]
