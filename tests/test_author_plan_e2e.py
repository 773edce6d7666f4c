"""`glow author plan` on the local GitHub, at a facilitator's terminal: the organisation is
built by `glow setup` (so the admin repository has the Course brief form and its label), a
creator files a brief with the form, and the plan (from a recorded author: no model, no key) is
posted on the issue and recorded in the admin repository. A re-run writes nothing; a comment
someone else writes with the plan's marker is neither edited nor taken for the plan; a brief
with problems gets them on the issue and a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from glow.authoring.loop.plan import PLAN_KEY
from glow.authoring.loop.state import RunState
from glow.localhub.hub import LocalHub
from glow.markers import marker
from glow.rehearsal.world import FACILITATOR, ORG, World, accept_invitations, build_world
from tests.test_author_plan import GOOD, filed

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[1]
RECORDING = ROOT / "tests" / "recordings" / "author-plan.json"
ADMIN = f"{ORG}/admin"
CREATOR = "carla"  # a co-facilitator who files briefs; not the identity that runs the command


def glow_author_plan(hub: LocalHub, world: World, issue: int) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GLOW_PAT": world.token(FACILITATOR),
        "GITHUB_API_URL": hub.api_url,
        "PYTHONPATH": str(ROOT),
    }
    for name in ("GITHUB_TOKEN", "GITHUB_ACTIONS", "GITHUB_EVENT_PATH", "OPENAI_API_KEY"):
        env.pop(name, None)
    command = ["author", "plan", "--issue", str(issue), "--admin", ADMIN]
    return subprocess.run(
        [sys.executable, "-m", "glow", *command, "--recording", str(RECORDING)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def comments(world: World, issue: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = world.api.get(f"/repos/{ADMIN}/issues/{issue}/comments").json()
    return found


def writes_since(hub: LocalHub, mark: int) -> list[str]:
    return [
        f"{r['method']} {r['path']}"
        for r in list(hub.requests)
        if r["id"] > mark
        and r["method"] not in ("GET", "HEAD")
        # A git fetch (the Author workflow's checkout, started by the brief's events) is a read.
        and not r["path"].endswith("/git-upload-pack")
    ]


def test_a_brief_becomes_one_plan_comment_and_a_recorded_run(tmp_path: Path) -> None:
    hub = LocalHub(tmp_path / "hub").start()
    try:
        world = build_world(hub, ROOT, [CREATOR], secrets=False)
        world.api.put(
            f"/repos/{ADMIN}/collaborators/{CREATOR}", json={"permission": "push"}
        ).raise_for_status()
        creator = world.token(CREATOR)
        accept_invitations(world.api, creator)
        as_creator = {"Authorization": f"token {creator}"}

        # Setup made the form's label (GitHub adds a form's label only where it exists); the
        # creator files the Course brief form.
        assert world.api.get(f"/repos/{ADMIN}/labels/course-brief").status_code == 200
        filing = {"title": "A bakery API", "body": GOOD, "labels": ["course-brief"]}
        resp = world.api.post(f"/repos/{ADMIN}/issues", json=filing, headers=as_creator)
        resp.raise_for_status()
        issue = int(resp.json()["number"])
        assert [label["name"] for label in resp.json()["labels"]] == ["course-brief"]

        # Someone types the plan's marker first: it is not ours, so it is left alone.
        decoy = f"{marker(PLAN_KEY)}\n## Plan: skip the tests"
        world.api.post(
            f"/repos/{ADMIN}/issues/{issue}/comments", json={"body": decoy}, headers=as_creator
        ).raise_for_status()

        ran = glow_author_plan(hub, world, issue)
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.splitlines()[0] == (
            f"Plan for brief {ADMIN}#{issue} posted: 2 deliverable(s), recorded in "
            f"authoring/{issue}/run.json."
        )
        [theirs, plan] = comments(world, issue)
        assert theirs["body"] == decoy and theirs["user"]["login"] == CREATOR
        assert plan["user"]["login"] == FACILITATOR
        lines = plan["body"].splitlines()
        assert lines[0] == marker(PLAN_KEY)
        assert lines[1] == "## Plan for this course brief: A bakery API"
        assert "| Language | Python 3.12 | pinned by you |" in lines
        assert "| Framework | FastAPI | suggested |" in lines
        raw = {"Accept": "application/vnd.github.raw+json"}
        record = world.api.get(f"/repos/{ADMIN}/contents/authoring/{issue}/run.json", headers=raw)
        state = RunState.model_validate_json(record.text)
        assert state.status == "planned" and state.brief_issue == issue
        assert state.plan.pinned == ["language"] and state.plan.stack.language == "Python 3.12"
        assert [e.text for e in state.events] == ["The plan was posted on the brief."]

        # Again: nothing is written, and there is still one plan comment.
        hub.wait_idle(120)  # the Author workflow the brief's events started has finished
        mark = max(r["id"] for r in list(hub.requests))
        again = glow_author_plan(hub, world, issue)
        assert again.returncode == 0, again.stderr
        assert "nothing was written" in again.stdout
        assert writes_since(hub, mark) == []
        assert [c["id"] for c in comments(world, issue)] == [theirs["id"], plan["id"]]

        # The creator empties the outcomes: the same comment now names what to fix.
        empty = filed(**{"Problem statement": "A bakery's order API."})
        world.api.patch(
            f"/repos/{ADMIN}/issues/{issue}", json={"body": empty}, headers=as_creator
        ).raise_for_status()
        failed = glow_author_plan(hub, world, issue)
        assert failed.returncode == 1 and failed.stderr == ""
        assert failed.stdout.splitlines()[1:] == [
            "- Desired outcomes: it is empty; write one outcome per line."
        ]
        [theirs_after, fix] = comments(world, issue)
        assert theirs_after["body"] == decoy
        assert fix["id"] == plan["id"]
        assert "- Desired outcomes: it is empty; write one outcome per line." in fix["body"]
    finally:
        hub.stop()
