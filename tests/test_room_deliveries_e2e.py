"""Each room bot and grader on the webhook payloads the local GitHub emits for a learner's real
actions (validated against GitHub's published schemas): pass, fail, duplicate delivery,
concurrent delivery and malformed input.

A room made by provisioning from learning-room-template/, with its workflow disabled (as a
person can on GitHub), so the learner's events are delivered but start no run: each test runs
`glow room` itself, as the room's job would, with the room's job token and the delivered
payload. Each handled run is held to its budget of requests in benchmarks/budgets.json. Concurrent
delivery is two `glow room` processes started at one moment on one payload
(outside the room's concurrency group, which serialises them on GitHub; see
test_room_concurrent_e2e.py for the group itself). Malformed input is a delivered payload with
the field the bot reads broken: it is logged, the run exits 0 and nothing is written."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from glow.cohort.model import room_name
from glow.cohort.registration.form import render_public
from glow.localhub.hub import LocalHub
from glow.localhub.runner_host import HubRunnerHost
from glow.markers import has_marker
from glow.rehearsal.journey import TODO_GOOD, TODO_WRONG
from glow.rehearsal.world import (
    COHORT,
    ORG,
    World,
    accept_invitations,
    build_world,
    file_registration,
)
from tests.schemas import WebhookValidator

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
LOGIN = "ada-lovelace"
ROOM = f"{ORG}/{room_name(COHORT, LOGIN)}"
BOT = "github-actions[bot]"
BUDGETS = {
    e["id"]: e for e in json.loads((ROOT / "benchmarks" / "budgets.json").read_text())["events"]
}


@dataclass
class Room:
    hub: LocalHub
    world: World
    learner: httpx.Client
    validator: WebhookValidator
    tmp: Path
    spent: list[dict[str, Any]] = field(default_factory=list)

    def capture(self, event: str, action: str | None, act: Callable[[], Any]) -> dict[str, Any]:
        """Do ``act`` as the learner and return the one delivery of ``event``/``action`` it
        made in the room, checked against GitHub's webhook schema."""
        before = max((d["id"] for d in list(self.hub.deliveries)), default=0)
        act()
        found = [
            d
            for d in list(self.hub.deliveries)
            if d["id"] > before
            and d["repository"] == ROOM
            and d["event"] == event
            and d["action"] == action
        ]
        assert len(found) == 1, (event, action, [(d["event"], d["action"]) for d in found])
        payload: dict[str, Any] = found[0]["payload"]
        self.validator.validate(event, payload)
        assert found[0]["triggers_workflows"]  # a learner's event: GitHub would start the job
        return payload

    def run(
        self, event: str, payload: dict[str, Any], copies: int = 1
    ) -> list[subprocess.CompletedProcess[str]]:
        """``glow room`` as the room's job runs it, ``copies`` processes started together."""
        path = self.tmp / f"event-{len(list(self.tmp.glob('event-*')))}.json"
        path.write_text(json.dumps(payload))
        token = HubRunnerHost(self.hub).mint_job_token(
            ROOM, {"contents": "read", "issues": "write", "pull_requests": "write"}
        )
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "GITHUB_EVENT_NAME": event,
            "GITHUB_EVENT_PATH": str(path),
            "GITHUB_REPOSITORY": ROOM,
            "GITHUB_API_URL": self.hub.api_url,
            "GITHUB_TOKEN": token,
        }
        mark = self.mark()
        gate = threading.Barrier(copies)
        done: list[subprocess.CompletedProcess[str]] = []

        def one() -> None:
            gate.wait()
            done.append(
                subprocess.run(
                    [sys.executable, "-m", "glow", "room"],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=120,
                )
            )

        threads = [threading.Thread(target=one) for _ in range(copies)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for proc in done:
            assert proc.returncode == 0, proc.stderr
            assert "Traceback" not in proc.stderr, proc.stderr
        self.spent = [r for r in list(self.hub.requests) if r["id"] > mark and r.get("route")]
        return done

    def deliver_again(self, event: str, payload: dict[str, Any]) -> None:
        """A duplicate delivery (GitHub redelivers; a re-run repeats the payload): nothing to
        do, nothing written, within the budget of a run with nothing to do."""
        mark = self.mark()
        self.run(event, payload)
        assert self.writes(mark) == []
        self.within("room-duplicate")

    def within(self, budget_id: str) -> None:
        """The last run's requests (and writes) within its budget in benchmarks/budgets.json."""
        budget = BUDGETS[budget_id]
        writes = [r for r in self.spent if r["method"] != "GET"]
        report = sorted(f"{r['method']} {r['route']}" for r in self.spent)
        assert 0 < len(self.spent) <= budget["requests"], (budget_id, len(self.spent), report)
        assert len(writes) <= budget.get("writes", len(writes)), (budget_id, report)

    def mark(self) -> int:
        return int(self.hub.requests[-1]["id"])

    def writes(self, mark: int) -> list[str]:
        return [
            f"{r['method']} {r['path']}"
            for r in list(self.hub.requests)
            if r["id"] > mark and r["method"] != "GET"
        ]

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = self.learner.request(method, f"/repos/{ROOM}/{path}", **kwargs)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def issues(self, key: str) -> list[dict[str, Any]]:
        """The room's issues that carry our marker ``key`` (any state)."""
        listed = self.call("GET", "issues", params={"state": "all", "per_page": 100})
        return [i for i in listed if has_marker(i["body"], key) and i["user"]["type"] == "Bot"]

    def ours(self, number: int, prefix: str) -> list[dict[str, Any]]:
        """The bot's comments on ``number`` whose marker starts with ``prefix``."""
        listed = self.call("GET", f"issues/{number}/comments", params={"per_page": 100})
        return [
            c
            for c in listed
            if c["user"]["login"] == BOT and c["body"].startswith(f"<!-- glow:{prefix}")
        ]

    def commit(self, branch: str, path: str, text: str) -> None:
        found = self.learner.get(f"/repos/{ROOM}/contents/{path}", params={"ref": branch})
        body = {
            "message": f"Edit {path}",
            "content": base64.b64encode(text.encode()).decode(),
            "branch": branch,
            **({"sha": found.json()["sha"]} if found.status_code == 200 else {}),
        }
        self.call("PUT", f"contents/{path}", json=body)


@pytest.fixture(scope="module")
def room(
    tmp_path_factory: pytest.TempPathFactory, webhook_validator: WebhookValidator
) -> Iterator[Room]:
    hub = LocalHub(tmp_path_factory.mktemp("hub"), runner_workers=2)
    hub.start()
    try:
        w = build_world(hub, ROOT, [LOGIN], {"cohorts": [{"id": COHORT, "capacity": 1}]})
        assert hub.wait_idle(300)
        token = w.post("tokens", {"login": LOGIN})["token"]
        learner = httpx.Client(
            base_url=hub.api_url, timeout=30, headers={"Authorization": f"token {token}"}
        )
        file_registration(w.api, token, LOGIN, render_public(COHORT, "day1-day2"))
        assert hub.wait_idle(300)
        accept_invitations(w.api, token)
        w.api.put(f"/repos/{ROOM}/actions/workflows/room.yml/disable").raise_for_status()
        yield Room(hub, w, learner, webhook_validator, tmp_path_factory.mktemp("events"))
    finally:
        hub.stop()


def test_progression_opens_each_next_challenge_once(room: Room) -> None:
    [one] = room.issues("challenge:1")
    # Fail: closed as not planned is no completion, so nothing opens.
    payload = room.capture(
        "issues",
        "closed",
        lambda: room.call(
            "PATCH",
            f"issues/{one['number']}",
            json={"state": "closed", "state_reason": "not_planned"},
        ),
    )
    room.run("issues", payload)
    assert room.issues("challenge:2") == []
    room.call("PATCH", f"issues/{one['number']}", json={"state": "open"})

    # Pass: closed as completed opens Challenge 2.
    payload = room.capture(
        "issues",
        "closed",
        lambda: room.call("PATCH", f"issues/{one['number']}", json={"state": "closed"}),
    )
    room.run("issues", payload)
    room.within("room-challenge-closed")
    [two] = room.issues("challenge:2")
    assert two["state"] == "open" and two["title"].startswith("Challenge 2:")

    room.deliver_again("issues", payload)

    # Concurrent delivery: two runs at once on "Challenge 2 closed" leave one open Challenge 3.
    payload = room.capture(
        "issues",
        "closed",
        lambda: room.call("PATCH", f"issues/{two['number']}", json={"state": "closed"}),
    )
    meeting = room.hub.meet("POST", f"/repos/{ROOM}/issues")  # both read the room, both open
    room.run("issues", payload, copies=2)
    assert meeting.met  # the two runs really raced
    threes = room.issues("challenge:3")
    assert len([i for i in threes if i["state"] == "open"]) == 1, threes
    for duplicate in [i for i in threes if i["state"] == "closed"]:
        assert duplicate["state_reason"] == "not_planned"  # not counted as completed

    # Malformed: the issue is not an object; logged, nothing written, exit 0.
    mark = room.mark()
    [proc] = room.run("issues", {**payload, "issue": "garbage"})
    assert room.writes(mark) == []
    assert proc.stderr.strip(), "a malformed payload is logged"


def test_help_answers_each_request_once(room: Room) -> None:
    [one] = room.issues("challenge:1")
    number = one["number"]
    # Fail: a comment that asks nothing gets no help answer.
    payload = room.capture(
        "issue_comment",
        "created",
        lambda: room.call("POST", f"issues/{number}/comments", json={"body": "I found it."}),
    )
    room.run("issue_comment", payload)
    assert room.ours(number, "help") == []

    # Pass: "help" as the first word is answered, once.
    payload = room.capture(
        "issue_comment",
        "created",
        lambda: room.call(
            "POST", f"issues/{number}/comments", json={"body": "help, where is the TODO?"}
        ),
    )
    room.run("issue_comment", payload)
    room.within("room-help-comment")
    asked = payload["comment"]["id"]
    assert [c["body"].split("\n", 1)[0] for c in room.ours(number, "help")] == [
        f"<!-- glow:help:{asked} -->"
    ]

    room.deliver_again("issue_comment", payload)

    # Concurrent delivery of a new request: one answer to it.
    payload = room.capture(
        "issue_comment",
        "created",
        lambda: room.call(
            "POST", f"issues/{number}/comments", json={"body": "@gandalf I am stuck again."}
        ),
    )
    meeting = room.hub.meet("POST", f"/repos/{ROOM}/issues/{number}/comments")
    room.run("issue_comment", payload, copies=2)
    assert meeting.met
    again = payload["comment"]["id"]
    assert len(room.ours(number, f"help:{again} ")) == 1

    # Malformed: the comment has no body or id; logged, nothing written.
    mark = room.mark()
    [proc] = room.run("issue_comment", {**payload, "comment": {"user": payload["sender"]}})
    assert room.writes(mark) == []
    assert proc.stderr.strip()


def open_pull(room: Room, branch: str, text: str, body: str) -> dict[str, Any]:
    main = room.call("GET", "git/ref/heads/main")["object"]["sha"]
    room.call("POST", "git/refs", json={"ref": f"refs/heads/{branch}", "sha": main})
    room.commit(branch, "docs/welcome.md", text)
    return room.capture(
        "pull_request",
        "opened",
        lambda: room.call(
            "POST",
            "pulls",
            json={"title": "Replace a TODO", "head": branch, "base": "main", "body": body},
        ),
    )


def headings(comments: list[dict[str, Any]]) -> list[str]:
    return [
        next(line for line in c["body"].splitlines() if line.startswith("## ")) for c in comments
    ]


def test_gandalf_and_the_content_checks_write_one_comment_each(room: Room) -> None:
    listed = room.call("GET", "issues", params={"state": "open", "per_page": 100})
    one = next(i for i in listed if i["user"]["type"] == "Bot" and "glow:challenge:" in i["body"])
    welcome = room.call("GET", "contents/docs/welcome.md", params={"ref": "main"})
    text = base64.b64decode(welcome["content"]).decode()
    # Fail: no closing keyword, and a bare web address in the Markdown.
    payload = open_pull(
        room,
        "learn/fix-todo",
        text + "\nSee https://example.com for more.\n",
        "This replaces a TODO on the welcome page.",
    )
    number = payload["number"]
    room.run("pull_request", payload)
    room.within("room-pull-request-opened")
    assert headings(room.ours(number, "gandalf")) == ["## Your pull request needs one change"]
    assert headings(room.ours(number, "content-check")) == ["## Your Markdown has one thing to fix"]

    # Pass: the learner links the issue and fixes the link; the same comments are rewritten.
    payload = room.capture(
        "pull_request",
        "edited",
        lambda: room.call(
            "PATCH",
            f"pulls/{number}",
            json={
                "body": f"This replaces a TODO on the welcome page.\n\nCloses #{one['number']}\n"
            },
        ),
    )
    room.run("pull_request", payload)
    assert headings(room.ours(number, "gandalf")) == ["## Your pull request is ready for review"]
    fixed = text + "\nSee [the example](https://example.com).\n"
    payload = room.capture(
        "pull_request",
        "synchronize",
        lambda: room.commit("learn/fix-todo", "docs/welcome.md", fixed),
    )
    room.run("pull_request", payload)
    assert headings(room.ours(number, "content-check")) == [
        "## Your Markdown passed the content checks"
    ]

    room.deliver_again("pull_request", payload)

    # Concurrent delivery of a new pull request: one comment of each kind.
    payload = open_pull(
        room,
        "learn/second",
        text + "\nOne more line.\n",
        "This adds one more line to the welcome page.",
    )
    meetings = [  # each pair of first comments (Gandalf's, the checks') is posted at once
        room.hub.meet("POST", f"/repos/{ROOM}/issues/{payload['number']}/comments")
        for _bot in ("gandalf", "content checks")
    ]
    room.run("pull_request", payload, copies=2)
    assert all(m.met for m in meetings)
    assert len(room.ours(payload["number"], "gandalf")) == 1
    assert len(room.ours(payload["number"], "content-check")) == 1

    # Malformed: the pull request is neither numbered nor an object.
    mark = room.mark()
    [proc] = room.run("pull_request", {**payload, "number": "x", "pull_request": []})
    assert room.writes(mark) == []
    assert proc.stderr.strip()


def test_the_issue_grader_grades_each_issue_once(room: Room) -> None:
    # Setup: Challenge 2 open (a facilitator's "start challenge 2", or reopened by the learner).
    if not room.issues("challenge:2"):
        last = next(d for d in reversed(list(room.hub.deliveries)) if d["repository"] == ROOM)
        dispatch = {
            "inputs": {"start_challenge": "2"},
            "ref": "refs/heads/main",
            "workflow": ".github/workflows/room.yml",
            "repository": last["payload"]["repository"],
            "sender": last["payload"]["sender"],
        }
        room.validator.validate("workflow_dispatch", dispatch)
        room.run("workflow_dispatch", dispatch)
    [two] = room.issues("challenge:2")
    room.call("PATCH", f"issues/{two['number']}", json={"state": "open"})
    # Fail: the form's Where and Why are missing.
    payload = room.capture(
        "issues",
        "opened",
        lambda: room.call("POST", "issues", json={"title": "A TODO", "body": TODO_WRONG}),
    )
    number = payload["issue"]["number"]
    room.run("issues", payload)
    room.within("room-issue-graded")
    [grade] = room.ours(number, "grade:")
    assert "needs revision" in headings([grade])[0].lower()

    # Pass: the learner completes the issue; the same comment now says pass.
    payload = room.capture(
        "issues",
        "edited",
        lambda: room.call("PATCH", f"issues/{number}", json={"body": TODO_GOOD}),
    )
    room.run("issues", payload)
    [grade] = room.ours(number, "grade:")
    assert "needs revision" not in headings([grade])[0].lower()

    room.deliver_again("issues", payload)

    # Concurrent delivery of a new issue: one grade comment.
    payload = room.capture(
        "issues",
        "opened",
        lambda: room.call("POST", "issues", json={"title": "Another TODO", "body": TODO_GOOD}),
    )
    meeting = room.hub.meet("POST", f"/repos/{ROOM}/issues/{payload['issue']['number']}/comments")
    room.run("issues", payload, copies=2)
    assert meeting.met
    assert len(room.ours(payload["issue"]["number"], "grade:")) == 1

    # Malformed: the issue has no number.
    mark = room.mark()
    [proc] = room.run("issues", {**payload, "issue": {"title": "no number"}})
    assert room.writes(mark) == []
    assert proc.stderr.strip()
