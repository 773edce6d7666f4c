"""The acceptance path: githubkit drives the local GitHub from repository to merged PR."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from githubkit import GitHub, TokenAuthStrategy

from tests.localhub.conftest import Hub, git


def in_order(seen: list[str], wanted: list[str]) -> bool:
    """``wanted`` is a subsequence of ``seen``."""
    it = iter(seen)
    return all(any(event == w for event in it) for w in wanted)


def test_githubkit_full_life_cycle(gh: Hub, tmp_path: Path) -> None:
    gh.user("alice")
    gh.org("acme", admins=["alice"])
    token = gh.token("alice")
    kit = GitHub(TokenAuthStrategy(token), base_url=gh.hub.api_url + "/", auto_retry=False)
    rest = kit.rest

    repo = rest.repos.create_in_org("acme", name="demo", private=True, auto_init=True).parsed_data
    assert repo.full_name == "acme/demo"
    assert repo.private is True
    assert repo.default_branch == "main"

    issue = rest.issues.create("acme", "demo", title="Broken link", body="On page 2").parsed_data
    assert issue.number == 1
    assert issue.state == "open"
    labels = rest.issues.add_labels("acme", "demo", 1, labels=["bug"]).parsed_data
    assert [label.name for label in labels] == ["bug"]

    first = rest.issues.create_comment("acme", "demo", 1, body="Looking").parsed_data
    rest.issues.create_comment("acme", "demo", 1, body="Second")
    rest.issues.create_comment("acme", "demo", 1, body="Third")
    edited = rest.issues.update_comment("acme", "demo", first.id, body="Looking now").parsed_data
    assert edited.body == "Looking now"

    page = rest.issues.list_comments("acme", "demo", 1, per_page=1)
    assert len(page.parsed_data) == 1
    assert 'rel="next"' in page.headers["link"]
    bodies = [
        c.body
        for c in rest.paginate(
            rest.issues.list_comments, owner="acme", repo="demo", issue_number=1, per_page=1
        )
    ]
    assert bodies == ["Looking now", "Second", "Third"]

    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", gh.clone_url("acme/demo", token), str(work))
    assert (work / "README.md").exists()
    git(work, "checkout", "-q", "-b", "fix-link")
    (work / "page2.md").write_text("fixed link\n")
    git(work, "add", "page2.md")
    git(work, "commit", "-q", "-m", "Fix the link")
    git(work, "push", "-q", "origin", "fix-link")

    pull = rest.pulls.create(
        "acme", "demo", title="Fix the link", head="fix-link", base="main", body="Closes #1"
    ).parsed_data
    assert pull.number == 2
    files = rest.pulls.list_files("acme", "demo", pull.number).parsed_data
    assert [(f.filename, f.status) for f in files] == [("page2.md", "added")]

    merged = rest.pulls.merge("acme", "demo", pull.number).parsed_data
    assert merged.merged is True

    closed = rest.issues.get("acme", "demo", 1).parsed_data
    assert closed.state == "closed"
    assert closed.state_reason == "completed"
    main = rest.repos.get_branch("acme", "demo", "main").parsed_data
    assert main.commit.sha == merged.sha
    assert len(main.commit.parents) == 2

    git(work, "fetch", "-q", "origin")
    assert git(work, "rev-parse", "origin/main") == merged.sha
    assert git(work, "show", "origin/main:page2.md") == "fixed link"

    events = gh.events()
    assert in_order(
        events,
        [
            "issues.opened",
            "issues.labeled",
            "issue_comment.created",
            "issue_comment.edited",
            "push",
            "pull_request.opened",
            "pull_request.closed",
            "issues.closed",
        ],
    ), events
    closing = next(
        d for d in gh.deliveries() if d["event"] == "pull_request" and d["action"] == "closed"
    )
    assert closing["payload"]["pull_request"]["merged"] is True
    push = next(d for d in gh.deliveries() if d["event"] == "push")
    assert push["payload"]["ref"] == "refs/heads/fix-link"
    assert push["payload"]["commits"][0]["message"] == "Fix the link"


def test_githubkit_parses_every_answer_glow_uses(gh: Hub) -> None:
    """githubkit validates each answer against GitHub's models (API version 2026-03-10)."""
    gh.user("alice")
    gh.user("bob")
    gh.org("acme", admins=["alice"])
    kit = GitHub(
        TokenAuthStrategy(gh.token("alice")), base_url=gh.hub.api_url + "/", auto_retry=False
    )
    r = kit.rest
    main_sha = lambda: r.git.get_ref("acme", "demo", "heads/main").parsed_data.object_.sha  # noqa: E731
    calls: list[tuple[str, Callable[[], Any]]] = [
        ("create org repo", lambda: r.repos.create_in_org("acme", name="demo", auto_init=True)),
        ("get user", lambda: r.users.get_authenticated()),
        ("get user by name", lambda: r.users.get_by_username("bob")),
        ("get org", lambda: r.orgs.get("acme")),
        ("get repo", lambda: r.repos.get("acme", "demo")),
        ("list org repos", lambda: r.repos.list_for_org("acme")),
        (
            "create user repo",
            lambda: r.repos.create_for_authenticated_user(
                name="tmpl", is_template=True, auto_init=True
            ),
        ),
        ("update repo", lambda: r.repos.update("acme", "demo", description="d")),
        (
            "put file",
            lambda: r.repos.create_or_update_file_contents(
                "acme", "demo", "a/b.md", message="m", content="eA=="
            ),
        ),
        ("get file", lambda: r.repos.get_content("acme", "demo", "a/b.md")),
        ("get dir", lambda: r.repos.get_content("acme", "demo", "a")),
        ("get root", lambda: r.repos.get_content("acme", "demo", "")),
        ("get readme", lambda: r.repos.get_readme("acme", "demo")),
        ("list branches", lambda: r.repos.list_branches("acme", "demo")),
        ("get branch", lambda: r.repos.get_branch("acme", "demo", "main")),
        ("list commits", lambda: r.repos.list_commits("acme", "demo", path="a/b.md")),
        ("get commit", lambda: r.repos.get_commit("acme", "demo", "main")),
        ("get ref", lambda: r.git.get_ref("acme", "demo", "heads/main")),
        ("matching refs", lambda: r.git.list_matching_refs("acme", "demo", "heads/")),
        ("get tree", lambda: r.git.get_tree("acme", "demo", "main", recursive="1")),
        ("get git commit", lambda: r.git.get_commit("acme", "demo", main_sha())),
        ("create blob", lambda: r.git.create_blob("acme", "demo", content="hi", encoding="utf-8")),
        (
            "get blob",
            lambda: r.git.get_blob(
                "acme",
                "demo",
                r.git.create_blob("acme", "demo", content="hey").parsed_data.sha,
            ),
        ),
        ("list labels", lambda: r.issues.list_labels_for_repo("acme", "demo")),
        ("create label", lambda: r.issues.create_label("acme", "demo", name="x y", color="ff0000")),
        ("get label", lambda: r.issues.get_label("acme", "demo", "x y")),
        ("update label", lambda: r.issues.update_label("acme", "demo", "x y", description="z")),
        ("create issue", lambda: r.issues.create("acme", "demo", title="t", labels=["bug"])),
        ("list issues", lambda: r.issues.list_for_repo("acme", "demo", state="all")),
        (
            "update issue",
            lambda: r.issues.update("acme", "demo", 1, state="closed", state_reason="not_planned"),
        ),
        ("issue labels", lambda: r.issues.list_labels_on_issue("acme", "demo", 1)),
        ("set labels", lambda: r.issues.set_labels("acme", "demo", 1, labels=["bug"])),
        ("remove label", lambda: r.issues.remove_label("acme", "demo", 1, "bug")),
        ("create comment", lambda: r.issues.create_comment("acme", "demo", 1, body="c")),
        ("repo comments", lambda: r.issues.list_comments_for_repo("acme", "demo")),
        ("add collaborator", lambda: r.repos.add_collaborator("acme", "demo", "bob")),
        ("list invitations", lambda: r.repos.list_invitations("acme", "demo")),
        ("list collaborators", lambda: r.repos.list_collaborators("acme", "demo")),
        (
            "collaborator permission",
            lambda: r.repos.get_collaborator_permission_level("acme", "demo", "alice"),
        ),
        ("rate limit", lambda: r.rate_limit.get()),
        (
            "create ref",
            lambda: r.git.create_ref("acme", "demo", ref="refs/heads/topic", sha=main_sha()),
        ),
        (
            "put file on branch",
            lambda: r.repos.create_or_update_file_contents(
                "acme", "demo", "t.md", message="m", content="eA==", branch="topic"
            ),
        ),
        (
            "create pull",
            lambda: r.pulls.create("acme", "demo", title="p", head="topic", base="main"),
        ),
        ("list pulls", lambda: r.pulls.list("acme", "demo")),
        ("get pull", lambda: r.pulls.get("acme", "demo", 2)),
        ("pull commits", lambda: r.pulls.list_commits("acme", "demo", 2)),
        ("update pull", lambda: r.pulls.update("acme", "demo", 2, body="b")),
        ("list reviews", lambda: r.pulls.list_reviews("acme", "demo", 2)),
        (
            "generate",
            lambda: r.repos.create_using_template(
                "alice", "tmpl", name="gen", owner="acme", private=True
            ),
        ),
        ("dispatch", lambda: r.repos.create_dispatch_event("acme", "demo", event_type="x")),
        ("delete ref", lambda: r.git.delete_ref("acme", "demo", "heads/topic")),
    ]
    failures = {}
    for name, call in calls:
        try:
            resp = call()
            if resp.status_code != 204:
                assert resp.parsed_data is not None
        except Exception as exc:  # collect them all: one run shows every mismatch
            failures[name] = repr(exc)[:400]
    assert not failures, failures
