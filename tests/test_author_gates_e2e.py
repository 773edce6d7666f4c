"""The brief's gates and timeline on the local GitHub: a recorded run waits at gate 1 in the
private admin repository; a `/approve` from someone with read access changes nothing (no
request writes anything), an organisation owner's and a maintainer's move the run through gates
1 and 2 and the timeline comment says so, a writer's refused `/approve` gets one reply, and a
stranger's comment carrying the timeline's marker is never taken for ours or edited."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from glow.authoring.loop.gates import REPLY_KEY, apply_comment
from glow.authoring.loop.state import RunState
from glow.authoring.loop.store import read_run, save_run
from glow.authoring.loop.timeline import TIMELINE_KEY, post_timeline, timeline_path
from glow.github import Repo, WritePacer
from glow.github.client import installation_client
from glow.localhub.hub import LocalHub
from glow.markers import has_marker, marker
from glow.rehearsal.world import ORG, RepoSpec, World, accept_invitations, build_world
from tests.authoring_loop_states import HIDDEN_TEST, awaiting

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[1]
ADMIN = f"{ORG}/admin"


class Brief:
    """The admin repository with a brief issue, its people, and the authoring bot (the App)."""

    def __init__(self, hub: LocalHub) -> None:
        self.hub = hub
        self.world: World = build_world(
            hub, ROOT, ["reader", "maintainer"], repos={"admin": RepoSpec()}, secrets=False
        )
        # An organisation member: the base permission, read, on the private admin repository.
        self.world.post(f"orgs/{ORG}/members", {"login": "reader"})
        # An outside collaborator invited with the maintain role, who accepts.
        self.as_("facilitator", "PUT", f"/repos/{ADMIN}/collaborators/maintainer",
                 {"permission": "maintain"})  # fmt: skip
        accept_invitations(self.world.api, self.world.token("maintainer"))
        app = self.world.app
        gh = installation_client(app["id"], app["private_key"], ORG, hub.api_url)
        self.bot = Repo(gh, ORG, "admin", pacer=WritePacer(0))
        self.number = int(
            self.as_("facilitator", "POST", f"/repos/{ADMIN}/issues",
                     {"title": "[BRIEF] Ledger basics", "body": "A ledger course."})["number"]
        )  # fmt: skip

    def timed(self, state: RunState) -> RunState:
        """``state`` with its node executions in the hour before the local GitHub's now, one a
        minute, so a comment made now comes after them in the timeline."""
        now = datetime.fromisoformat(self.world.get("clock")["now"])
        executions = [
            x.model_copy(update={"started_at": (now - timedelta(minutes=60 - i)).isoformat()})
            for i, x in enumerate(state.executions)
        ]
        return state.model_copy(update={"executions": executions})

    def as_(self, who: str, method: str, path: str, body: Any = None) -> Any:
        auth = {"Authorization": f"token {self.world.token(who)}"}
        resp = self.world.api.request(method, path, json=body, headers=auth)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def say(self, who: str, body: str) -> dict[str, Any]:
        path = f"/repos/{ADMIN}/issues/{self.number}/comments"
        comment: dict[str, Any] = self.as_(who, "POST", path, {"body": body})
        return comment

    def posted(self) -> str:
        """The request a comment on the brief makes (the person's own, in these tests)."""
        return f"POST /api/v3/repos/{ADMIN}/issues/{self.number}/comments"

    def comments(self) -> list[dict[str, Any]]:
        path = f"/repos/{ADMIN}/issues/{self.number}/comments"
        found: list[dict[str, Any]] = self.as_("facilitator", "GET", path)
        return found

    def ours(self, key: str) -> list[dict[str, Any]]:
        return [
            c
            for c in self.comments()
            if has_marker(c["body"], key) and c["user"]["login"] == self.bot.login()
        ]

    def mark(self) -> int:
        return max(r["id"] for r in self.world.get("requests"))

    def writes_since(self, mark: int) -> list[str]:
        return [
            f"{r['method']} {r['path']}"
            for r in self.world.get("requests")
            if r["id"] > mark and r["method"] != "GET" and r["path"].startswith("/api/")
            and not r["path"].endswith("/access_tokens")  # the App's token, minted once an hour
        ]  # fmt: skip


def timeline_lines(brief: Brief) -> list[str]:
    [comment] = brief.ours(TIMELINE_KEY)
    return [line for line in comment["body"].splitlines()[1:] if line.strip()]


def test_only_writers_move_the_gates_and_the_timeline_follows(tmp_path: Path) -> None:
    hub = LocalHub(tmp_path / "hub").start()
    try:
        brief = Brief(hub)
        # A reader posts a comment that starts with the timeline's marker, before we post ours.
        planted = brief.say("reader", f"{marker(TIMELINE_KEY)}\n## Authoring timeline: approved!")
        state = brief.timed(awaiting(1, brief_issue=brief.number))
        save_run(brief.bot, state, "Authoring run of the brief")
        assert post_timeline(brief.bot, state, template=f"{ORG}/template") == (
            "created",
            "created",
        )
        lines = timeline_lines(brief)
        assert lines[0] == "## Authoring timeline: Ledger basics"
        assert lines[1].startswith("The run is waiting for gate 1 (spec review): comment")
        # Unchanged: nothing is written again.
        mark = brief.mark()
        assert post_timeline(brief.bot, state, template=f"{ORG}/template") == (
            "unchanged",
            "unchanged",
        )
        assert brief.writes_since(mark) == []

        # Read access only: nothing changes, nobody is answered, nothing is written.
        mark = brief.mark()
        assert apply_comment(brief.bot, brief.number, brief.say("reader", "/approve")) is None
        assert brief.writes_since(mark) == [brief.posted()]
        assert read_run(brief.bot, brief.number) == state
        assert brief.ours(REPLY_KEY) == []

        # The organisation's owner approves gate 1; the run and the timeline say gate 2.
        decision = apply_comment(brief.bot, brief.number, brief.say("facilitator", "/Approve"))
        assert decision is not None and decision.outcome == "approved"
        recorded = read_run(brief.bot, brief.number)
        assert recorded is not None and (recorded.status, recorded.gate) == ("awaiting_gate", 2)
        lines = timeline_lines(brief)
        assert lines[1].startswith("The run is waiting for gate 2 (progression review)")
        assert (
            lines[-1].startswith("| ")
            and "Gate 1 (spec review) approved. (by facilitator)" in (lines[-1])
        )

        # A maintainer approves gate 2.
        decision = apply_comment(brief.bot, brief.number, brief.say("maintainer", "/approve"))
        assert decision is not None and decision.state.gate == 3
        assert timeline_lines(brief)[1].startswith("The run is waiting for gate 3")

        # A writer's command that cannot be honoured is answered once, heading first.
        refused = apply_comment(brief.bot, brief.number, brief.say("maintainer", "/reject"))
        assert refused is not None and refused.outcome == "rejected"
        refused = apply_comment(brief.bot, brief.number, brief.say("maintainer", "/approve"))
        assert refused is not None and refused.outcome == "refused"
        [reply] = brief.ours(REPLY_KEY)
        reply_lines = [line for line in reply["body"].splitlines()[1:] if line]
        assert reply_lines[0] == "## Gate command not applied"
        assert reply_lines[1].startswith("Nothing was approved: the draft was rejected")
        mark = brief.mark()
        apply_comment(brief.bot, brief.number, brief.say("maintainer", "/approve"))
        assert brief.writes_since(mark) == [brief.posted()]
        assert len(brief.ours(REPLY_KEY)) == 1

        # The stranger's marked comment was never edited, and ours is the only timeline.
        edits = [e for e in brief.world.get("edits") if e["comment_id"] == planted["id"]]
        assert len(edits) == 1
        [kept] = [c for c in brief.comments() if c["id"] == planted["id"]]
        assert kept["body"] == planted["body"]
        assert len(brief.ours(TIMELINE_KEY)) == 1

        # The stored timeline holds the decisions, never a file of the bundle.
        stored = brief.bot.read_file(timeline_path(brief.number))
        assert stored is not None and "needs_revision" in stored.text
        assert HIDDEN_TEST not in stored.text and HIDDEN_TEST not in timeline_lines(brief)[-1]
    finally:
        hub.stop()


def test_the_permission_route_answers_as_github_does(tmp_path: Path) -> None:
    hub = LocalHub(tmp_path / "hub").start()
    try:
        brief = Brief(hub)
        api: httpx.Client = brief.world.api

        def answer(login: str) -> tuple[int, str, str]:
            resp = api.get(f"/repos/{ADMIN}/collaborators/{login}/permission")
            body = resp.json()
            return resp.status_code, body.get("permission", ""), body.get("role_name", "")

        assert answer("facilitator") == (200, "admin", "admin")
        assert answer("maintainer") == (200, "write", "maintain")  # legacy: maintain is write
        assert answer("reader") == (200, "read", "read")
        assert answer("nobody-at-all")[0] == 404
    finally:
        hub.stop()
