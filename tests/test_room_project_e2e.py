"""A Learning Room with a project, end to end on the local GitHub with its runner and the real
project workflow (shipped with the learner package): the starter pushed gets a failing
scorecard per deliverable, the strong answers pushed make them pass, a re-run writes nothing,
the learner's `/submit` labels the issue and records the commit, anyone else's does nothing.
The visible checks run in the process sandbox (bubblewrap), as on GitHub's runner."""

from __future__ import annotations

import base64
import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from glow.harness.bundle import load_bundle
from glow.harness.package import learner_files
from glow.localhub.hub import LocalHub
from glow.rehearsal.world import push_tree, staged
from tests.harness_bundles import STRONG, write_calc_bundle
from tests.test_event_budgets_e2e import assert_within

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed"),
]
ROOT = Path(__file__).resolve().parents[1]
ROOM = "org/room"
BOT = "github-actions[bot]"
BUDGETS = {
    e["id"]: e for e in json.loads((ROOT / "benchmarks" / "budgets.json").read_text())["events"]
}


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


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_a_project_room_scores_each_push_and_records_the_learners_submit(
    hub: LocalHub, tmp_path: Path
) -> None:
    ctl = httpx.Client(base_url=hub.url, timeout=30)
    people = ("facilitator", "ada", "bob")
    for login in people:
        ctl.post("/_localhub/users", json={"login": login}).raise_for_status()
    ctl.post("/_localhub/orgs", json={"login": "org", "admins": ["facilitator"]})
    token = {
        who: ctl.post("/_localhub/tokens", json={"login": who}).json()["token"] for who in people
    }

    def api(who: str) -> httpx.Client:
        return httpx.Client(
            base_url=hub.api_url, timeout=30, headers={"Authorization": f"token {token[who]}"}
        )

    staff, ada, bob = api("facilitator"), api("ada"), api("bob")
    staff.post("/orgs/org/repos", json={"name": "room", "private": True}).raise_for_status()
    ctl.post(
        "/_localhub/variables",
        json={"repo": ROOM, "name": "GLOW_INSTALL", "value": f"git+{hub.url}/{ROOM}@{'a' * 40}"},
    ).raise_for_status()
    for who in ("ada", "bob"):
        invite = staff.put(f"/repos/{ROOM}/collaborators/{who}", json={"permission": "push"})
        api(who).patch(f"/user/repository_invitations/{invite.json()['id']}").raise_for_status()

    # The room: the template, the calc bundle's learner package (its starter untouched) and
    # the learner's file, pushed as provisioning would.
    bundle = load_bundle(write_calc_bundle(tmp_path / "bundle")).bundle
    assert bundle is not None
    package = {path: content.decode() for path, content in learner_files(bundle).items()}
    package[".glow/learner.yml"] = "handle: ada\n"
    source = staged(ROOT / "learning-room-template", package)
    push_tree(hub.url, token["facilitator"], ROOM, source)
    assert hub.wait_idle(180)

    def runs() -> list[dict[str, Any]]:
        found = [
            r
            for r in hub.store.data["runs"].values()
            if r["repo"] == ROOM and r["workflow_path"].endswith("/project.yml")
        ]
        return sorted(found, key=lambda r: int(r["id"]))

    def issues() -> dict[str, dict[str, Any]]:
        listed = staff.get(f"/repos/{ROOM}/issues", params={"state": "all"}).json()
        return {i["title"]: i for i in listed if i["user"]["login"] == BOT}

    def ours(number: int, key: str) -> list[dict[str, Any]]:
        comments = staff.get(f"/repos/{ROOM}/issues/{number}/comments").json()
        return [c for c in comments if c["body"].startswith(f"<!-- glow:{key} -->")]

    def head() -> str:
        return str(staff.get(f"/repos/{ROOM}/commits/main").json()["sha"])

    [first] = runs()
    assert (first["event"], first["conclusion"]) == ("push", "success"), first
    found = issues()
    assert sorted(found) == ["Project: Write add", "Project: Write clamp"]
    add, clamp = found["Project: Write add"], found["Project: Write clamp"]
    assert add["body"].startswith("<!-- glow:deliverable:add -->\n## Write add\n")
    assert "`add.sh`" in add["body"] and "`/submit`" in add["body"]
    for number, name in ((add["number"], "add"), (clamp["number"], "clamp")):
        [card] = ours(number, f"scorecard:{name}")
        lines = card["body"].split("\n")
        assert lines[1] == f"## Visible checks: Write {name}"
        assert lines[3] == f"0 of 2 visible checks pass on branch main at commit {head()[:7]}."
        assert f"Next step: change `{name}.sh`" in card["body"]

    # Ada writes both functions; the scorecards (the same comments) say they pass.
    for name, text in STRONG.items():
        current = ada.get(f"/repos/{ROOM}/contents/{name}").json()
        ada.put(
            f"/repos/{ROOM}/contents/{name}",
            json={"message": f"Write {name}", "sha": current["sha"], "content": b64(text)},
        ).raise_for_status()
        assert hub.wait_idle(180)
    assert [r["conclusion"] for r in runs()] == ["success"] * 3
    for number, name in ((add["number"], "add"), (clamp["number"], "clamp")):
        [card] = ours(number, f"scorecard:{name}")
        assert card["body"].split("\n")[3] == (
            f"2 of 2 visible checks pass on branch main at commit {head()[:7]}."
        ), card["body"]
    push_run = runs()[-1]
    assert_within(requests_of(hub, push_run, 0), BUDGETS["project-push"])

    # A re-run on the same commit writes nothing.
    mark = last_request(hub)
    staff.post(f"/repos/{ROOM}/actions/runs/{push_run['id']}/rerun").raise_for_status()
    assert hub.wait_idle(180)
    rerun = runs()[-1]
    assert rerun["conclusion"] == "success"
    assert_within(requests_of(hub, rerun, mark), BUDGETS["project-rerun"])

    # Bob's /submit is no submission; Ada's is recorded at the default branch's head.
    count = len(runs())
    bob.post(f"/repos/{ROOM}/issues/{clamp['number']}/comments", json={"body": "/submit"})
    assert hub.wait_idle(180)
    assert ours(clamp["number"], "submission:clamp") == []
    assert "submitted" not in {lb["name"] for lb in issues()["Project: Write clamp"]["labels"]}
    assert [r["conclusion"] for r in runs()[count:]] == ["success"]
    mark = last_request(hub)
    ada.post(f"/repos/{ROOM}/issues/{add['number']}/comments", json={"body": "/submit"})
    assert hub.wait_idle(180)
    submit_run = runs()[-1]
    assert (submit_run["event"], submit_run["conclusion"]) == ("issue_comment", "success")
    [record] = ours(add["number"], "submission:add")
    lines = record["body"].split("\n")
    assert lines[1] == f"<!-- sha: {head()} -->"
    assert "## Submission recorded: Write add" in lines
    assert "submitted" in {lb["name"] for lb in issues()["Project: Write add"]["labels"]}
    assert ours(clamp["number"], "submission:clamp") == []
    assert_within(requests_of(hub, submit_run, mark), BUDGETS["project-submit"])

    # A second /submit at a newer commit updates the same record.
    readme = ada.get(f"/repos/{ROOM}/contents/README.md").json()
    ada.put(
        f"/repos/{ROOM}/contents/README.md",
        json={"message": "Notes", "sha": readme["sha"], "content": b64("# Notes\n")},
    ).raise_for_status()
    assert hub.wait_idle(180)
    ada.post(f"/repos/{ROOM}/issues/{add['number']}/comments", json={"body": "/submit"})
    assert hub.wait_idle(180)
    [again] = ours(add["number"], "submission:add")
    assert again["id"] == record["id"]
    assert again["body"].split("\n")[1] == f"<!-- sha: {head()} -->" != lines[1]


def last_request(hub: LocalHub) -> int:
    return max(int(r["id"]) for r in list(hub.requests))


def requests_of(hub: LocalHub, run: dict[str, Any], mark: int) -> list[dict[str, Any]]:
    return [
        r
        for r in list(hub.requests)
        if int(r["id"]) > mark and r.get("route") and r.get("run_id") == run["id"]
    ]
