"""The autograders through their router on the fake GitHub: webhook-shaped payloads in, one
upserted comment per family per thing out; duplicate delivery writes nothing, concurrent
delivery leaves one comment, malformed input is logged and ignored, a run that cannot read its
evidence posts a blameless notice and fails."""

from __future__ import annotations

import argparse
from typing import Any

import httpx
import pytest

from glow.bot.actions import Event
from glow.bot.context import Context
from glow.errors import GitHubError
from glow.github import Repo
from glow.room.grading.handlers import grade, router
from glow.room.progression.copy import CONFLICT_COMMIT_BRANCH
from tests.conftest import ROOM
from tests.fakegithub import FakeGitHub

BOT = "github-actions[bot]"
LEARNER = {"login": "ada", "type": "User"}
CH2 = "<!-- glow:challenge:2 -->\nFile an issue about a TODO."
CH6 = "<!-- glow:challenge:6 -->\nOpen a pull request."


class Room:
    """Issues, pull requests and their files, served beside the fake's own endpoints."""

    def __init__(self, fake: FakeGitHub) -> None:
        self.fake = fake
        self.issues: list[dict[str, Any]] = []
        self.pulls: dict[int, dict[str, Any]] = {}
        self.files: dict[int, list[dict[str, str]]] = {}
        routes = [
            ("GET", "repos/:owner/:name/issues", self._issues),
            ("GET", "repos/:owner/:name/issues/comments", self._all_comments),
            ("GET", "repos/:owner/:name/pulls", self._pulls),
            ("GET", "repos/:owner/:name/pulls/:n", self._pull),
            ("GET", "repos/:owner/:name/pulls/:n/files", self._files),
            ("GET", "repos/:owner/:name/git/trees/:sha", self._tree),
            ("GET", "repos/:owner/:name/commits/*ref", self._commit),
        ]
        for method, pattern, handler in reversed(routes):
            fake._routes.insert(0, (method, tuple(pattern.split("/")), handler))  # type: ignore[arg-type]

    def issue(self, number: int, body: str, user: dict[str, str], state: str = "open") -> None:
        self.issues = [i for i in self.issues if i["number"] != number]
        self.issues.append({"number": number, "body": body, "user": user, "state": state})

    def pull(self, number: int, body: str, ref: str, files: dict[str, str], **extra: Any) -> None:
        head = self.fake.head(ROOM, ref) if ref in self.fake.repos[ROOM].refs else "0" * 40
        self.pulls[number] = {
            "number": number,
            "body": body,
            "user": extra.pop("user", LEARNER),
            "state": "open",
            "head": {"ref": ref, "sha": head},
            "base": {"ref": "main", "sha": self.fake.head(ROOM)},
            **extra,
        }
        self.files[number] = [{"filename": p, "status": s} for p, s in files.items()]
        self.issue(number, body, self.pulls[number]["user"])
        self.issues[-1]["pull_request"] = {}

    def _issues(self, request: httpx.Request, **_: Any) -> httpx.Response:
        return self.fake.page(request, self.issues)

    def _all_comments(self, request: httpx.Request, **_: Any) -> httpx.Response:
        state = self.fake.repos[ROOM]
        every = [
            {**c, "issue_url": f"https://ghe.example.test/api/v3/repos/{ROOM}/issues/{n}"}
            for n, cs in state.comments.items()
            for c in cs
        ]
        return self.fake.page(request, sorted(every, key=lambda c: c["id"]))

    def _pulls(self, request: httpx.Request, **_: Any) -> httpx.Response:
        return self.fake.page(request, list(self.pulls.values()))

    def _pull(self, n: str, **_: Any) -> httpx.Response:
        return httpx.Response(200, json=self.pulls[int(n)])

    def _tree(
        self, request: httpx.Request, query: dict[str, str], sha: str, **_: Any
    ) -> httpx.Response:
        """GitHub lists a tree by a branch name too; the shared fake only by tree sha."""
        refs = self.fake.repos[ROOM].refs
        tree = self.fake.commits[refs[sha]]["tree"] if sha in refs else sha
        from tests.fakegithub_routes import _get_tree

        return _get_tree(self.fake, query=query, sha=tree)

    def _commit(self, ref: str, **_: Any) -> httpx.Response:
        """A commit by sha or branch name, as GitHub's ``commits/{ref}`` answers."""
        sha = self.fake.repos[ROOM].refs.get(ref, ref)
        if sha not in self.fake.commits:
            return httpx.Response(404, json={"message": "No commit found for SHA: " + ref})
        message = self.fake.commits[sha]["message"]
        return httpx.Response(200, json={"sha": sha, "commit": {"message": message}})

    def _files(self, request: httpx.Request, n: str, **_: Any) -> httpx.Response:
        return self.fake.page(request, self.files[int(n)])


@pytest.fixture
def world(fake_github: FakeGitHub) -> Room:
    return Room(fake_github)


def deliver(repo: Repo, name: str, payload: dict[str, Any]) -> int:
    payload.setdefault("repository", {"full_name": ROOM, "default_branch": "main"})
    ctx = Context("room", argparse.Namespace(dry_run=False), Event(name, payload, ROOM))
    ctx._repos[("token", ROOM.lower())] = repo
    handlers = router.handlers(name, payload.get("action"))
    assert handlers == [grade]
    return int(grade(ctx) or 0)


def comments(fake: FakeGitHub, number: int, key: str) -> list[dict[str, Any]]:
    return [c for c in fake.comments(ROOM, number) if c["body"].startswith(f"<!-- glow:{key} -->")]


ISSUE_OK = "### What\n\nA TODO.\n\n### Where\n\ndocs/welcome.md\n\n### Why\n\nUnfinished.\n"


def test_an_issue_is_graded_on_open_and_regraded_on_edit(
    fake_github: FakeGitHub, world: Room, room: Repo
) -> None:
    fake_github.commit_files(ROOM, {"docs/welcome.md": "TODO\n"})
    world.issue(1, CH2, {"login": BOT, "type": "Bot"})
    world.issue(3, "What: a TODO\nWhy: unfinished", LEARNER)
    deliver(room, "issues", {"action": "opened", "issue": {"number": 3}, "sender": LEARNER})
    [first] = comments(fake_github, 3, "grade:issue-filed")
    assert "needs revision" in first["body"].split("\n")[1]
    world.issue(3, ISSUE_OK, LEARNER)
    deliver(room, "issues", {"action": "edited", "issue": {"number": 3}, "sender": LEARNER})
    [again] = comments(fake_github, 3, "grade:issue-filed")
    assert again["id"] == first["id"] and "passed" in again["body"].split("\n")[1]
    assert comments(fake_github, 1, "grade:issue-filed") == []  # the challenge issue is ours


INTAKE = (
    "### Screen reader or tools\n\nNVDA\n\n### Accessibility needs\n\n_No response_\n\n"
    "### Contact (optional)\n\n_No response_\n"
)
HELP = "### Where are you stuck?\n\nChallenge 4.\n\n### Your screen reader or tools\n\nJAWS\n"


@pytest.mark.parametrize(
    ("body", "labels"),
    [
        (INTAKE, []),  # a room generated from the template has none of its labels
        (INTAKE, [{"name": "intake"}]),
        (HELP, []),
        ("I am stuck on the branch step.", [{"name": "help"}]),
    ],
)
def test_the_rooms_own_forms_are_not_graded_as_challenge_2(
    fake_github: FakeGitHub, world: Room, room: Repo, body: str, labels: list[dict[str, str]]
) -> None:
    """The private intake and an "Ask for help" issue are the learner talking to the workshop:
    no "Challenge 2 ... needs revision" on them, while the learner's own issue is graded."""
    fake_github.commit_files(ROOM, {"docs/welcome.md": "TODO\n"})
    world.issue(1, CH2, {"login": BOT, "type": "Bot"})
    world.issue(3, body, LEARNER)
    world.issues[-1]["labels"] = labels
    world.issue(4, ISSUE_OK, LEARNER)
    deliver(room, "issues", {"action": "opened", "issue": {"number": 3}, "sender": LEARNER})
    assert comments(fake_github, 3, "grade:issue-filed") == []
    [graded] = comments(fake_github, 4, "grade:issue-filed")
    assert "passed" in graded["body"].split("\n")[1]


def test_a_duplicate_delivery_writes_nothing(
    fake_github: FakeGitHub, world: Room, room: Repo
) -> None:
    world.issue(1, CH2, {"login": BOT, "type": "Bot"})
    world.issue(3, ISSUE_OK, LEARNER)
    event = {"action": "opened", "issue": {"number": 3}, "sender": LEARNER}
    deliver(room, "issues", dict(event))
    writes = len(fake_github.writes())
    deliver(room, "issues", dict(event))
    assert len(fake_github.writes()) == writes


def test_concurrent_deliveries_leave_one_comment(
    fake_github: FakeGitHub, world: Room, room: Repo
) -> None:
    """Two runs both found no grade comment; the other one posts first, between our read and
    our POST. The run that created a duplicate settles on the oldest, so one comment is left."""
    fake_github.commit_files(ROOM, {"docs/welcome.md": "TODO\n"})
    world.issue(1, CH2, {"login": BOT, "type": "Bot"})
    world.issue(3, ISSUE_OK, LEARNER)

    def other_run_posts_first(fake: FakeGitHub) -> None:
        fake.add_comment(ROOM, 3, "<!-- glow:grade:issue-filed -->\n## Challenge 2", login=BOT)

    fake_github.before("POST", f"/repos/{ROOM}/issues/3/comments", other_run_posts_first)
    deliver(room, "issues", {"action": "opened", "issue": {"number": 3}, "sender": LEARNER})
    assert len(comments(fake_github, 3, "grade:issue-filed")) == 1
    deliver(room, "issues", {"action": "edited", "issue": {"number": 3}, "sender": LEARNER})
    [only] = comments(fake_github, 3, "grade:issue-filed")
    assert "passed" in only["body"].split("\n")[1].lower()


@pytest.mark.parametrize(
    "payload",
    [
        {"action": "opened"},
        {"action": "opened", "issue": "garbage"},
        {"action": "opened", "issue": {"number": "x"}},
    ],
)
def test_a_malformed_payload_is_logged_and_grades_only_what_is_stale(
    fake_github: FakeGitHub,
    world: Room,
    room: Repo,
    payload: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert deliver(room, "issues", payload) == 0
    assert "names no issue or pull request" in capsys.readouterr().err
    assert fake_github.writes() == []


def test_a_bots_event_is_ignored(fake_github: FakeGitHub, room: Repo) -> None:
    sender = {"login": BOT, "type": "Bot"}
    assert deliver(room, "issues", {"action": "opened", "sender": sender}) == 0
    assert fake_github.requests == []


def test_a_pr_is_graded_for_its_closing_keyword_by_the_shared_rule(
    fake_github: FakeGitHub, world: Room, room: Repo
) -> None:
    world.issue(2, CH6, {"login": BOT, "type": "Bot"})
    world.pull(5, "Closes#2", "learn/ada", {"docs/welcome.md": "modified"})
    deliver(
        room, "pull_request", {"action": "opened", "pull_request": {"number": 5}, "sender": LEARNER}
    )
    [c] = comments(fake_github, 5, "grade:pr-linked")
    assert "needs revision" in c["body"]
    world.pull(5, "Closes #2", "learn/ada", {"docs/welcome.md": "modified"})
    deliver(
        room, "pull_request", {"action": "edited", "pull_request": {"number": 5}, "sender": LEARNER}
    )
    [c] = comments(fake_github, 5, "grade:pr-linked")
    assert "Passed: your description closes #2 (Challenge 6)" in c["body"]


def test_the_conflict_grader_reads_only_the_practice_file(
    fake_github: FakeGitHub, world: Room, room: Repo
) -> None:
    fake_github.repos[ROOM].refs["practice/merge-conflict"] = fake_github.head(ROOM)
    fake_github.commit_files(
        ROOM,
        {"docs/conflict-practice.md": "resolved\n", "docs/sample.md": "<<<<<<< a\n=======\n"},
        branch="practice/merge-conflict",
    )
    world.pull(
        8,
        "Practice",
        "practice/merge-conflict",
        {},
        user={"login": BOT, "type": "Bot"},
        mergeable=True,
    )
    fake_github.before("GET", "/contents/docs/conflict-practice.md", lambda _: None)
    _at_sha(fake_github, world, 8)
    deliver(room, "issue_comment", {"action": "created", "issue": {"number": 8}, "sender": LEARNER})
    [c] = comments(fake_github, 8, "grade:conflict-resolved")
    assert "Passed" in c["body"]
    assert not [r for r in fake_github.requests if "sample.md" in r.path]


def _at_sha(fake: FakeGitHub, world: Room, number: int) -> None:
    """The fake serves contents by branch; grade at the branch name the PR's head points to."""
    world.pulls[number]["head"]["sha"] = world.pulls[number]["head"]["ref"]


def test_a_run_that_cannot_read_its_evidence_posts_a_blameless_notice_and_fails(
    fake_github: FakeGitHub, world: Room, room: Repo
) -> None:
    fake_github.commit_files(ROOM, {"docs/capstone-plan-template.md": "## Mission\nTODO: x\n"})
    world.issue(16, "<!-- glow:challenge:16 -->\nCapstone.", {"login": BOT, "type": "Bot"})
    world.pull(20, "Closes #16", "cap", {"docs/capstone/ada.md": "added"})
    fake_github.fail("GET", "/pulls/20/files", 502, times=10)
    with pytest.raises(GitHubError, match="could not grade"):
        deliver(
            room,
            "pull_request",
            {"action": "opened", "pull_request": {"number": 20}, "sender": LEARNER},
        )
    [note] = comments(fake_github, 20, "grade-problem:issue-template")
    assert "not something you did" in note["body"] and "502" in note["body"]


def test_the_challenge_issue_provisioning_posted_counts_as_the_workshops(
    fake_github: FakeGitHub, world: Room, room: Repo
) -> None:
    """A Day-2-only learner's Challenge 10 issue is posted by the provisioning App, not the job
    token: the graders still take it as the challenge's issue (the learner's copy would not)."""
    fake_github.commit_files(ROOM, {"docs/welcome.md": "TODO\n"})
    world.issue(1, CH2, {"login": "glow-provisioner[bot]", "type": "Bot"})
    world.issue(3, "What: a TODO\nWhy: unfinished", LEARNER)
    deliver(room, "issues", {"action": "opened", "issue": {"number": 3}, "sender": LEARNER})
    [graded] = comments(fake_github, 3, "grade:issue-filed")
    assert "needs revision" in graded["body"].split("\n")[1]


@pytest.mark.parametrize("mergeable", [False, None, True])
def test_the_conflict_practice_is_not_graded_before_the_learner_starts(
    fake_github: FakeGitHub, world: Room, room: Repo, mergeable: bool | None
) -> None:
    """As seeded, the practice pull request's head is provisioning's commit: nothing of the
    learner's to grade, so no verdict greets them before they begin, whatever GitHub says of its
    mergeability (it may still be computing it, or not yet see the conflict)."""
    fake_github.repos[ROOM].refs["practice/merge-conflict"] = fake_github.head(ROOM)
    fake_github.commit_files(
        ROOM,
        {"docs/conflict-practice.md": "Meeting place: the hall\n"},
        branch="practice/merge-conflict",
    )
    _as_seeded(fake_github, "practice/merge-conflict")
    world.pull(
        8,
        "Practice",
        "practice/merge-conflict",
        {},
        user={"login": BOT, "type": "Bot"},
        mergeable=mergeable,
    )
    _at_sha(fake_github, world, 8)
    deliver(room, "issue_comment", {"action": "created", "issue": {"number": 8}, "sender": LEARNER})
    assert comments(fake_github, 8, "grade:conflict-resolved") == []
    # The learner's first attempt leaves a marker: now there is something to grade.
    fake_github.commit_files(
        ROOM,
        {"docs/conflict-practice.md": "Meeting place: the hall\n=======\n"},
        branch="practice/merge-conflict",
    )
    deliver(room, "issue_comment", {"action": "created", "issue": {"number": 8}, "sender": LEARNER})
    [graded] = comments(fake_github, 8, "grade:conflict-resolved")
    assert "needs revision" in graded["body"].split("\n")[1]


def _as_seeded(fake: FakeGitHub, branch: str) -> None:
    """Give the branch's head commit the message provisioning seeds the practice with."""
    head = fake.head(ROOM, branch)
    commit = fake.commits[head]
    seeded = fake._store_commit(commit["tree"], commit["parents"], CONFLICT_COMMIT_BRANCH)
    fake.repos[ROOM].refs[branch] = seeded
