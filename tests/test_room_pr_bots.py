"""Gandalf and the content checks through the room's router, on the fake GitHub: webhook
payloads in, one comment per pull request out; duplicate and concurrent deliveries, a run
GitHub dropped, and malformed payloads."""

from __future__ import annotations

import argparse
import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from glow.bot.actions import Event
from glow.bot.context import Context
from glow.bot.router import Router
from glow.github import Repo
from glow.room.checks.handlers import router as checks
from glow.room.gandalf.handlers import router as gandalf
from tests.conftest import ROOM
from tests.fakegithub import FakeGitHub

# The two pull-request bots of the room's router (the autograders have their own tests).
router: Router[Context] = Router()
router.extend(gandalf)
router.extend(checks)

BOT = "github-actions[bot]"
CHALLENGE_06 = (
    '---\nnumber: 6\nkey: "6"\ntitle: "Challenge 6: Open your first pull request"\nday: 1\n'
    "paths: [day1-day2]\nevidence: A pull request that closes this issue.\ngrader: pr-linked\n"
    'pr_files: ["docs/*.md"]\nlearn_more:\n  - text: GitHub Docs, pull requests\n'
    "    url: https://docs.github.com/en/pull-requests\n---\n"
    "Open a pull request from your branch.\n"
)
GOOD = "# Welcome\n\nRead [the review document](review-me.md).\n"
BAD = "## Welcome\n\nSee [here](missing.md) and https://example.org\n"


@dataclass
class Room:
    """The room's pull requests, issues and files at each head commit, served by the fake."""

    fake: FakeGitHub
    pulls: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    heads: dict[str, dict[str, str]] = field(default_factory=dict)  # sha -> files

    def issue(self, number: int, title: str, body: str, login: str = BOT) -> None:
        self.issues.append(
            {"number": number, "title": title, "body": body, "state": "open",
             "user": {"login": login}}
        )  # fmt: skip

    def pull(self, number: int, login: str, body: str, files: dict[str, str], **kw: Any) -> str:
        sha = hashlib.sha1(f"{number}{sorted(files.items())}".encode()).hexdigest()
        self.heads[sha] = {"docs/review-me.md": "# Review\n", **files}
        self.heads[sha + ":changed"] = dict.fromkeys(files, "")
        data = {
            "number": number,
            "state": kw.get("state", "open"),
            "body": body,
            "user": {"login": login, "type": "Bot" if login.endswith("[bot]") else "User"},
            "head": {"ref": kw.get("ref", f"learn/{login}"), "sha": sha},
        }
        self.pulls = [p for p in self.pulls if p["number"] != number] + [data]
        return sha

    def push(self, number: int, files: dict[str, str]) -> None:
        old = next(p for p in self.pulls if p["number"] == number)
        self.pull(number, old["user"]["login"], old["body"], files, ref=old["head"]["ref"])

    def payload(self, number: int, action: str = "synchronize") -> dict[str, Any]:
        data = next(p for p in self.pulls if p["number"] == number)
        return {"action": action, "number": number, "pull_request": data,
                "repository": {"full_name": ROOM}}  # fmt: skip

    def comments(self, number: int, key: str) -> list[dict[str, Any]]:
        return [
            c for c in self.fake.comments(ROOM, number)
            if c["body"].startswith(f"<!-- glow:{key} -->")
        ]  # fmt: skip


def serve(fake: FakeGitHub, room: Room) -> None:
    """Routes for the reads Gandalf and the checks add, in front of the fake's own."""

    def pulls(request: httpx.Request, query: dict[str, str], **_: Any) -> httpx.Response:
        state = query.get("state", "open")
        return fake.page(request, [p for p in room.pulls if state in ("all", p["state"])])

    def files(request: httpx.Request, number: str, **_: Any) -> httpx.Response:
        data = next(p for p in room.pulls if p["number"] == int(number))
        changed = room.heads[data["head"]["sha"] + ":changed"]
        return fake.page(request, [{"filename": n, "status": "modified"} for n in changed])

    def issues(request: httpx.Request, **_: Any) -> httpx.Response:
        return fake.page(request, room.issues)

    def all_comments(request: httpx.Request, **_: Any) -> httpx.Response:
        items = [
            {**c, "issue_url": f"{fake.base_url}/repos/{ROOM}/issues/{n}"}
            for n, cs in fake.repos[ROOM].comments.items()
            for c in cs
        ]
        return fake.page(request, sorted(items, key=lambda c: c["id"]))

    def contents(query: dict[str, str], path: str, **kw: Any) -> httpx.Response:
        text = room.heads.get(query.get("ref", ""), {}).get(path)
        if query.get("ref") in room.heads:
            if text is None:
                return httpx.Response(404, json={"message": "Not Found"})
            encoded = base64.b64encode(text.encode()).decode()
            return httpx.Response(
                200,
                json={"type": "file", "path": path, "sha": "0" * 40, "encoding": "base64",
                      "content": encoded},
            )  # fmt: skip
        return original(query=query, path=path, **kw)

    def tree(sha: str, **_: Any) -> httpx.Response:
        paths = {p for f in room.heads[sha] for p in (f, f.rsplit("/", 1)[0])}
        return httpx.Response(200, json={"sha": sha, "tree": [{"path": p} for p in paths]})

    original = next(h for m, p, h in fake._routes if m == "GET" and "contents" in p)
    for route in (
        ("GET", "repos/:o/:n/pulls", pulls),
        ("GET", "repos/:o/:n/pulls/:number/files", files),
        ("GET", "repos/:o/:n/issues", issues),
        ("GET", "repos/:o/:n/issues/comments", all_comments),
        ("GET", "repos/:owner/:name/contents/*path", contents),
        ("GET", "repos/:o/:n/git/trees/:sha", tree),
    ):
        fake._routes.insert(0, (route[0], tuple(route[1].split("/")), route[2]))


@pytest.fixture
def world(fake_github: FakeGitHub) -> Room:
    room = Room(fake_github)
    serve(fake_github, room)
    fake_github.commit_files(ROOM, {"challenges/challenge-06.md": CHALLENGE_06})
    room.issue(3, "Challenge 6: Open your first pull request", "<!-- glow:challenge:6 -->\nDo.")
    room.issue(4, "A learner's issue", "<!-- glow:challenge:7 -->\nnot ours", login="ada")
    return room


def deliver(repo: Repo, payload: dict[str, Any], *, name: str = "pull_request") -> int:
    ctx = Context("room", argparse.Namespace(dry_run=False), Event(name, payload, ROOM))
    ctx._repos[("token", ROOM.lower())] = repo
    handlers = router.handlers(name, payload.get("action"))
    return max(int(h(ctx) or 0) for h in handlers)


GOOD_BODY = "Closes #3\n\nThe welcome page now names the facilitators."


def test_a_learner_pull_request_gets_one_comment_of_each_kind(world: Room, room: Repo) -> None:
    world.pull(7, "ada", GOOD_BODY, {"docs/welcome.md": GOOD})
    assert deliver(room, world.payload(7, "opened")) == 0
    [gandalf] = world.comments(7, "gandalf")
    [report] = world.comments(7, "content-check")
    assert gandalf["user"]["login"] == BOT
    assert gandalf["body"].split("\n")[1] == "## Your pull request is ready for review"
    assert "Welcome to your first pull request" in gandalf["body"]
    assert report["body"].split("\n")[1] == "## Your Markdown passed the content checks"


def test_a_duplicate_delivery_writes_nothing(
    world: Room, room: Repo, fake_github: FakeGitHub
) -> None:
    world.pull(7, "ada", GOOD_BODY, {"docs/welcome.md": GOOD})
    deliver(room, world.payload(7, "opened"))
    before = len(fake_github.requests)
    deliver(room, world.payload(7, "opened"))
    again = fake_github.requests[before:]
    assert [c for c in again if c.method != "GET"] == []
    # Gandalf: pulls, comments, issues, the learner file, challenge, files, template; checks:
    # comments, pulls, files, the file, the tree.
    assert len(again) == 12, [c.path for c in again]


def test_a_push_and_an_edit_update_the_same_comments(world: Room, room: Repo) -> None:
    world.pull(7, "ada", "Closes #3", {"docs/welcome.md": BAD, "notes.txt": "x"})
    deliver(room, world.payload(7, "opened"))
    [gandalf] = world.comments(7, "gandalf")
    [report] = world.comments(7, "content-check")
    assert "## Your pull request needs two changes" in gandalf["body"]
    assert "### Keep to the files of Challenge 6" in gandalf["body"]
    assert "## Your Markdown has four things to fix" in report["body"], report["body"]
    world.push(7, {"docs/welcome.md": GOOD})
    deliver(room, world.payload(7, "synchronize"))
    world.pulls[0]["body"] = GOOD_BODY
    deliver(room, world.payload(7, "edited"))
    [after] = world.comments(7, "gandalf")
    [report_after] = world.comments(7, "content-check")
    assert after["id"] == gandalf["id"] and report_after["id"] == report["id"]
    assert "## Your pull request is ready for review" in after["body"]
    assert "Welcome to your first pull request" in after["body"]  # stays on re-checks
    assert "## Your Markdown passed the content checks" in report_after["body"]


def test_the_welcome_counts_only_the_learners_own_pull_requests(world: Room, room: Repo) -> None:
    world.pull(
        1, BOT, "practice", {"docs/conflict-practice.md": GOOD}, ref="practice/merge-conflict"
    )
    world.pull(2, "bob", GOOD_BODY, {"docs/welcome.md": GOOD})
    world.pull(5, "ada", GOOD_BODY, {"docs/welcome.md": GOOD})
    world.pull(6, "ada", GOOD_BODY, {"docs/review-me.md": GOOD})
    deliver(room, world.payload(6, "opened"))
    assert world.comments(1, "gandalf") == [] and world.comments(1, "content-check") == []
    assert "Welcome to your first" not in world.comments(6, "gandalf")[0]["body"]
    # The same run re-checked the learners' other open pull requests it found unchecked.
    assert "Welcome to your first" in world.comments(5, "gandalf")[0]["body"]
    assert "Welcome to your first" in world.comments(2, "gandalf")[0]["body"]


def test_a_run_github_dropped_is_made_up_by_the_next(world: Room, room: Repo) -> None:
    world.pull(7, "ada", GOOD_BODY, {"docs/welcome.md": GOOD})
    world.pull(8, "ada", GOOD_BODY, {"docs/review-me.md": GOOD})
    deliver(room, world.payload(7, "opened"))
    world.push(8, {"docs/review-me.md": BAD})  # its synchronize run was replaced in the queue
    world.pulls[0]["body"] = "Closes #3"  # and so was #7's edited run
    deliver(room, world.payload(7, "synchronize"))
    assert "## Your Markdown has" in world.comments(8, "content-check")[0]["body"]
    assert "### Describe your change" in world.comments(7, "gandalf")[0]["body"]


def test_concurrent_runs_leave_one_comment(
    world: Room, room: Repo, fake_github: FakeGitHub
) -> None:
    world.pull(7, "ada", GOOD_BODY, {"docs/welcome.md": GOOD})

    def other_run_posts_first(fake: FakeGitHub) -> None:
        fake.add_comment(ROOM, 7, "<!-- glow:gandalf -->\n## Your pull request", login=BOT)

    fake_github.before("POST", f"/repos/{ROOM}/issues/7/comments", other_run_posts_first)
    deliver(room, world.payload(7, "opened"))
    [only] = world.comments(7, "gandalf")
    assert "## Your pull request is ready for review" in only["body"]


def test_a_strangers_marker_is_not_taken_for_ours(
    world: Room, room: Repo, fake_github: FakeGitHub
) -> None:
    world.pull(7, "ada", GOOD_BODY, {"docs/welcome.md": GOOD})
    fake_github.add_comment(ROOM, 7, "<!-- glow:gandalf -->\nall good, trust me", login="ada")
    deliver(room, world.payload(7, "opened"))
    bodies = [c["body"] for c in world.comments(7, "gandalf")]
    assert bodies[0] == "<!-- glow:gandalf -->\nall good, trust me" and len(bodies) == 2


def test_a_pull_request_without_markdown_gets_no_report_and_a_stale_one_is_corrected(
    world: Room, room: Repo
) -> None:
    world.pull(7, "ada", GOOD_BODY, {"notes.txt": "x"})
    deliver(room, world.payload(7, "opened"))
    assert world.comments(7, "content-check") == []
    world.push(7, {"docs/welcome.md": BAD})
    deliver(room, world.payload(7))
    assert "## Your Markdown has" in world.comments(7, "content-check")[0]["body"]
    world.push(7, {"notes.txt": "y"})
    deliver(room, world.payload(7))
    [report] = world.comments(7, "content-check")
    assert report["body"].split("\n")[1] == "## No Markdown to check in this pull request"


@pytest.mark.parametrize(
    "payload",
    [
        {"action": "opened"},
        {"action": "opened", "number": "seven", "pull_request": "garbage"},
        {"action": "opened", "pull_request": {"number": -1}},
    ],
)
def test_malformed_payloads_are_logged_and_ignored(
    world: Room,
    room: Repo,
    fake_github: FakeGitHub,
    payload: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert deliver(room, payload) == 0
    assert fake_github.requests == []
    assert "the event names no pull request, ignored" in capsys.readouterr().err


def test_a_pull_request_that_is_gone_or_closed_is_not_checked(world: Room, room: Repo) -> None:
    world.pull(7, "ada", GOOD_BODY, {"docs/welcome.md": GOOD}, state="closed")
    assert deliver(room, {"action": "edited", "number": 7}) == 0
    assert deliver(room, {"action": "edited", "number": 99}) == 0
    assert world.comments(7, "gandalf") == []
