"""End to end on the local GitHub with its runner: a learner's pull request in a room made from
learning-room-template/ starts the room's one workflow (room.yml), Gandalf and the content
checks each write one comment, and a push updates the same comments."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from glow.localhub.hub import LocalHub
from glow.localhub.runner_host import HubRunnerHost
from glow.rehearsal.world import push_tree, staged

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[1]
ROOM = "org/room"
CHALLENGE_06 = (
    '---\nnumber: 6\nkey: "6"\ntitle: "Challenge 6: Open your first pull request"\nday: 1\n'
    "paths: [day1-day2]\nevidence: A pull request that closes this issue.\ngrader: pr-linked\n"
    'pr_files: ["docs/*.md"]\nlearn_more:\n  - text: GitHub Docs, pull requests\n'
    "    url: https://docs.github.com/en/pull-requests\n---\n"
    "Open a pull request from your branch.\n"
)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalHub]:
    # The runner finds `glow` on PATH: this checkout's, whatever is installed.
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "glow").write_text(
        f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m glow "$@"\n'
    )
    (shim / "glow").chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim}{os.pathsep}{os.environ['PATH']}")
    started = LocalHub(tmp_path / "hub", runner=True).start()
    try:
        yield started
    finally:
        started.stop()


def test_a_learner_pull_request_gets_one_gandalf_comment_updated_by_a_push(
    hub: LocalHub, tmp_path: Path, webhook_validator: Any
) -> None:
    ctl = httpx.Client(base_url=hub.url, timeout=30)
    for login in ("facilitator", "ada"):
        ctl.post("/_localhub/users", json={"login": login}).raise_for_status()
    ctl.post("/_localhub/orgs", json={"login": "org", "admins": ["facilitator"]})
    token = {
        who: ctl.post("/_localhub/tokens", json={"login": who}).json()["token"]
        for who in ("facilitator", "ada")
    }

    def api(who: str) -> httpx.Client:
        return httpx.Client(
            base_url=hub.api_url, timeout=30, headers={"Authorization": f"token {token[who]}"}
        )

    staff, ada = api("facilitator"), api("ada")
    staff.post("/orgs/org/repos", json={"name": "room", "private": True}).raise_for_status()
    source = staged(ROOT / "learning-room-template", {})
    (source / "docs").mkdir(exist_ok=True)
    (source / "docs" / "welcome.md").write_text("# Welcome\n\nTODO: say hello.\n")
    (source / "challenges" / "challenge-06.md").write_text(CHALLENGE_06)
    push_tree(hub.url, token["facilitator"], ROOM, source)
    head = staff.get(f"/repos/{ROOM}/commits/main").json()["sha"]
    ctl.post(
        "/_localhub/variables",
        json={"repo": ROOM, "name": "GLOW_INSTALL", "value": f"git+{hub.url}/{ROOM}@{head}"},
    ).raise_for_status()
    invite = staff.put(f"/repos/{ROOM}/collaborators/ada", json={"permission": "push"}).json()
    ada.patch(f"/user/repository_invitations/{invite['id']}").raise_for_status()
    # The progression bot's challenge issue, written with a job token as the room's bot does.
    bot = HubRunnerHost(hub).mint_job_token(ROOM, {"issues": "write"})
    issue = httpx.post(
        f"{hub.api_url}/repos/{ROOM}/issues",
        headers={"Authorization": f"token {bot}"},
        json={"title": "Challenge 6: Open your first pull request",
              "body": "<!-- glow:challenge:6 -->\nOpen a pull request."},
    ).json()  # fmt: skip
    assert hub.wait_idle(60)

    ada.post(f"/repos/{ROOM}/git/refs", json={"ref": "refs/heads/learn/ada", "sha": head})
    welcome = ada.get(f"/repos/{ROOM}/contents/docs/welcome.md").json()
    ada.put(
        f"/repos/{ROOM}/contents/docs/welcome.md",
        json={"message": "Say hello", "branch": "learn/ada", "sha": welcome["sha"],
              "content": b64("# Welcome\n\nHello from [here](missing.md).\n")},
    ).raise_for_status()  # fmt: skip
    pull = ada.post(
        f"/repos/{ROOM}/pulls",
        json={"title": "Say hello", "head": "learn/ada", "base": "main",
              "body": f"Closes #{issue['number']}"},
    ).json()  # fmt: skip
    assert hub.wait_idle(120)

    def ours(key: str) -> list[dict[str, Any]]:
        comments = staff.get(f"/repos/{ROOM}/issues/{pull['number']}/comments").json()
        return [c for c in comments if c["body"].startswith(f"<!-- glow:{key} -->")]

    runs = [r for r in hub.store.data["runs"].values() if r["repo"] == ROOM]
    assert [(r["event"], r["conclusion"]) for r in runs] == [("pull_request", "success")]
    [gandalf] = ours("gandalf")
    [report] = ours("content-check")
    assert gandalf["user"]["login"] == "github-actions[bot]"
    lines = gandalf["body"].split("\n")
    assert lines[1] == "## Your pull request needs one change", gandalf["body"]
    assert "Welcome to your first pull request" in gandalf["body"]
    assert "### Describe your change" in gandalf["body"]
    assert 'the link text "here" does not say where it goes' in report["body"]

    current = ada.get(f"/repos/{ROOM}/contents/docs/welcome.md?ref=learn/ada").json()
    ada.put(
        f"/repos/{ROOM}/contents/docs/welcome.md",
        json={"message": "Better link", "branch": "learn/ada", "sha": current["sha"],
              "content": b64("# Welcome\n\nHello, see [the welcome page](welcome.md).\n")},
    ).raise_for_status()  # fmt: skip
    ada.patch(
        f"/repos/{ROOM}/pulls/{pull['number']}",
        json={"body": f"Closes #{issue['number']}\n\nI said hello on the welcome page."},
    ).raise_for_status()
    assert hub.wait_idle(120)
    [after] = ours("gandalf")
    [report_after] = ours("content-check")
    assert after["id"] == gandalf["id"] and report_after["id"] == report["id"]
    assert after["body"].split("\n")[1] == "## Your pull request is ready for review"
    assert "Welcome to your first pull request" in after["body"]
    assert report_after["body"].split("\n")[1] == "## Your Markdown passed the content checks"

    # Every delivery was GitHub-shaped; re-delivering the last one (a duplicate) writes nothing.
    deliveries = ctl.get("/_localhub/deliveries").json()
    pulls = [d for d in deliveries if d["event"] == "pull_request"]
    assert pulls
    for delivery in pulls:
        webhook_validator.validate(delivery["event"], delivery["payload"])
    event = tmp_path / "event.json"
    event.write_text(json.dumps(pulls[-1]["payload"]))
    mark = int(hub.requests[-1]["id"])
    proc = subprocess.run(
        ["glow", "room"],
        env={
            **os.environ,
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_REPOSITORY": ROOM,
            "GITHUB_API_URL": hub.api_url,
            "GITHUB_TOKEN": HubRunnerHost(hub).mint_job_token(
                ROOM, {"issues": "write", "pull_requests": "write", "contents": "read"}
            ),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    writes = [r for r in list(hub.requests) if r["id"] > mark and r["method"] != "GET"]
    assert writes == [], writes
