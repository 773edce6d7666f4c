"""End to end on the local GitHub with its runner: GitHub's rules for which events start
workflows, and the real registration workflow of this project."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from glow.localhub.hub import LocalHub
from glow.localhub.runner_host import HubRunnerHost

pytestmark = pytest.mark.e2e

# A workflow that proves it ran by commenting on the issue with its own token.
NOTIFY = """name: Notify
on:
  issues:
    types: [opened]
  workflow_dispatch:
    inputs:
      note:
        default: hello
  schedule:
    - cron: '0 6 * * *'
permissions:
  issues: write
jobs:
  note:
    runs-on: ubuntu-latest
    steps:
      - name: Record the event
        env:
          TITLE: ${{ github.event.issue.title }}
          NOTE: ${{ inputs.note }}
        run: echo "event=$GITHUB_EVENT_NAME title=$TITLE note=$NOTE"
"""

PR_CHECK = """name: PR check
on: pull_request
permissions:
  contents: read
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - run: echo checking
"""


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    hub = LocalHub(tmp_path / "hub")
    hub.start()
    ctl = httpx.Client(base_url=hub.url)
    ctl.post("/_localhub/users", json={"login": "facilitator"}).raise_for_status()
    ctl.post("/_localhub/orgs", json={"login": "org", "admins": ["facilitator"]})
    token = ctl.post("/_localhub/tokens", json={"login": "facilitator"}).json()["token"]
    api = httpx.Client(base_url=hub.api_url, headers={"Authorization": f"token {token}"})
    api.post("/orgs/org/repos", json={"name": "room", "auto_init": True}).raise_for_status()
    for path, text in (
        (".github/workflows/notify.yml", NOTIFY),
        (".github/workflows/pr.yml", PR_CHECK),
    ):
        api.put(
            f"/repos/org/room/contents/{path}",
            json={"message": f"add {path}", "content": b64(text)},
        ).raise_for_status()
    assert hub.wait_idle(60)
    app = ctl.post(
        "/_localhub/apps",
        json={
            "slug": "glow",
            "owner": "facilitator",
            "permissions": {"issues": "write", "contents": "write"},
        },
    ).json()
    inst = ctl.post("/_localhub/installations", json={"app_id": app["id"], "account": "org"})
    yield {"hub": hub, "api": api, "ctl": ctl, "app": app, "installation": inst.json()}
    hub.stop()


def runs(hub: LocalHub, event: str | None = None) -> list[dict[str, Any]]:
    found = sorted(hub.store.data["runs"].values(), key=lambda r: r["id"])
    return [r for r in found if event is None or r["event"] == event]


def installation_token(world: dict[str, Any]) -> str:
    app = world["app"]
    now = int(time.time())
    token = jwt.encode(
        {"iat": now - 60, "exp": now + 540, "iss": str(app["id"])},
        app["private_key"],
        algorithm="RS256",
    )
    resp = httpx.post(
        f"{world['hub'].api_url}/app/installations/{world['installation']['id']}/access_tokens",
        headers={"Authorization": f"Bearer {token}"},
    )
    resp.raise_for_status()
    return str(resp.json()["token"])


def test_github_token_issue_starts_no_workflow_but_app_token_issue_does(world: dict) -> None:
    hub = world["hub"]
    job_token = HubRunnerHost(hub).mint_job_token("org/room", {"issues": "write"})
    httpx.post(
        f"{hub.api_url}/repos/org/room/issues",
        json={"title": "from a job"},
        headers={"Authorization": f"token {job_token}"},
    ).raise_for_status()
    assert hub.wait_idle(60)
    assert runs(hub, "issues") == []

    app_token = installation_token(world)
    httpx.post(
        f"{hub.api_url}/repos/org/room/issues",
        json={"title": "from the App"},
        headers={"Authorization": f"token {app_token}"},
    ).raise_for_status()
    assert hub.wait_idle(60)
    [run] = runs(hub, "issues")
    assert run["conclusion"] == "success"
    assert "title=from the App" in json.dumps(run)


def test_pull_request_from_a_job_token_waits_for_approval(world: dict) -> None:
    hub, api = world["hub"], world["api"]
    main = api.get("/repos/org/room/git/ref/heads/main").json()["object"]["sha"]
    api.post("/repos/org/room/git/refs", json={"ref": "refs/heads/bot", "sha": main})
    api.put(
        "/repos/org/room/contents/bot.txt",
        json={"message": "bot", "content": b64("x"), "branch": "bot"},
    ).raise_for_status()
    job_token = HubRunnerHost(hub).mint_job_token("org/room", {"pull_requests": "write"})
    httpx.post(
        f"{hub.api_url}/repos/org/room/pulls",
        json={"title": "Bot PR", "head": "bot", "base": "main"},
        headers={"Authorization": f"token {job_token}"},
    ).raise_for_status()
    assert hub.wait_idle(60)
    [run] = runs(hub, "pull_request")
    assert (run["status"], run["conclusion"]) == ("waiting", "action_required")


def test_workflow_dispatch_and_schedule_run_the_workflow(
    world: dict, webhook_validator: Any
) -> None:
    hub, api = world["hub"], world["api"]
    api.post(
        "/repos/org/room/actions/workflows/notify.yml/dispatches",
        json={"ref": "main", "inputs": {"note": "from-dispatch"}},
    ).raise_for_status()
    assert hub.wait_idle(60)
    [dispatched] = runs(hub, "workflow_dispatch")
    assert dispatched["conclusion"] == "success"
    assert "note=from-dispatch" in json.dumps(dispatched)

    world["ctl"].post("/_localhub/clock", json={"advance_seconds": 86400}).raise_for_status()
    assert hub.wait_idle(60)
    assert [r["conclusion"] for r in runs(hub, "schedule")] == ["success"]
    listed = api.get("/repos/org/room/actions/runs").json()
    assert listed["total_count"] == len(runs(hub))
    # The payloads the runs saw are webhook-shaped and valid, the schedule one included.
    seen = {d["event"] for d in hub.deliveries}
    assert {"workflow_dispatch", "schedule"} <= seen
    for delivery in hub.deliveries:
        webhook_validator.validate(delivery["event"], delivery["payload"])


def test_a_disabled_workflow_runs_on_no_event_until_it_is_enabled(world: dict) -> None:
    hub, api = world["hub"], world["api"]
    api.put("/repos/org/room/actions/workflows/notify.yml/disable").raise_for_status()
    states = {
        w["name"]: w["state"]
        for w in api.get("/repos/org/room/actions/workflows").json()["workflows"]
    }
    assert states == {"notify.yml": "disabled_manually", "pr.yml": "active"}
    api.post("/repos/org/room/issues", json={"title": "while disabled"}).raise_for_status()
    refused = api.post(
        "/repos/org/room/actions/workflows/notify.yml/dispatches", json={"ref": "main"}
    )
    assert refused.status_code == 422
    world["ctl"].post("/_localhub/clock", json={"advance_seconds": 86400}).raise_for_status()
    assert hub.wait_idle(60)
    assert runs(hub) == []
    # The event was still delivered: only the runs are not started.
    assert [d["action"] for d in hub.deliveries if d["event"] == "issues"] == ["opened"]

    api.put("/repos/org/room/actions/workflows/notify.yml/enable").raise_for_status()
    api.post("/repos/org/room/issues", json={"title": "enabled again"}).raise_for_status()
    assert hub.wait_idle(60)
    assert [r["event"] for r in runs(hub)] == ["issues"]
    # Only a token that may write Actions can disable a workflow.
    reader = HubRunnerHost(hub).mint_job_token("org/room", {"actions": "read"})
    denied = httpx.put(
        f"{hub.api_url}/repos/org/room/actions/workflows/pr.yml/disable",
        headers={"Authorization": f"token {reader}"},
    )
    assert denied.status_code == 403


MEET = """name: Meet
on:
  issues:
    types: [opened]
permissions:
  issues: write
jobs:
  meet:
    runs-on: ubuntu-latest
    steps:
      - env:
          ME: ${{ github.event.issue.title }}
          MEET: __MEET__
        run: |
          if [ "$ME" = A ]; then OTHER=B; else OTHER=A; fi
          touch "$MEET/$ME"
          for i in $(seq 200); do [ -e "$MEET/$OTHER" ] && break; sleep 0.05; done
          [ -e "$MEET/$OTHER" ] || { echo "$OTHER never arrived"; exit 1; }
      - env:
          GH_TOKEN: ${{ github.token }}
          NUMBER: ${{ github.event.issue.number }}
        run: |
          python -c 'import json, os, urllib.request
          api = os.environ["GITHUB_API_URL"] + "/repos/" + os.environ["GITHUB_REPOSITORY"]
          request = urllib.request.Request(
              api + "/issues/" + os.environ["NUMBER"] + "/comments",
              data=json.dumps({"body": "met"}).encode(),
              headers={"Authorization": "token " + os.environ["GH_TOKEN"]},
          )
          urllib.request.urlopen(request).read()'
"""


def test_a_hub_runs_workflow_runs_side_by_side_by_default(world: dict, tmp_path: Path) -> None:
    """Two runs that each wait for the other finish only if the hub runs them at once."""
    hub, api = world["hub"], world["api"]
    assert hub.runner.workers == 4
    meet = tmp_path / "meet"
    meet.mkdir()
    api.put(
        "/repos/org/room/contents/.github/workflows/meet.yml",
        json={"message": "meet", "content": b64(MEET.replace("__MEET__", str(meet)))},
    ).raise_for_status()
    for title in ("A", "B"):
        api.post("/repos/org/room/issues", json={"title": title}).raise_for_status()
    assert hub.wait_idle(60)
    met = [r for r in runs(hub, "issues") if r["workflow_path"].endswith("meet.yml")]
    assert [r["conclusion"] for r in met] == ["success", "success"], json.dumps(met)[-2000:]
    for number in (1, 2):
        comments = api.get(f"/repos/org/room/issues/{number}/comments").json()
        assert [c["body"] for c in comments] == ["met"]


def test_demo_rehearses_a_cohort_through_the_real_workflows() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "glow", "demo", "--json", "--learners", "4"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["ok"] is True
    assert (result["learners"], result["rooms_healthy"]) == (4, 4)
    assert (result["rerun_writes"], result["duplicate_comments"], result["leaks"]) == (0, 0, 0)
    assert "needs-info" in result["labels_after_first_run"]
    # The first learner fixed their registration, then said day1-complete: Day 2 was released.
    # "both days please" is not a choice: it was moved off the issue (labelled redacted).
    assert result["labels_final"] == ["day2-released", "enrolled", "redacted", "registration"]
    assert (result["day2_released"], result["help_requests_answered"]) == (1, 1)
    assert result["watchdog_alerts"] == 0
    assert result["bot_comments"] == 1
    assert result["bot_comment"].startswith(
        "<!-- glow:registration -->\n## Registration received: you are enrolled\n"
    )
    # Private intake was answered in each learner's own room and reached the private roster.
    assert result["private_intake_recorded"] == 4
    # What the cohort cost GitHub's limits (issue 10's figures), each read from the request log.
    assert result["secondary_403s"] == 0
    assert result["registration_events"] >= 4  # each learner's, and the first one's edit
    assert result["requests_per_registration"] > 1
    assert result["rerun_requests_per_learner"] >= result["rerun_charged_per_learner"] > 0
    assert result["wall_seconds"] > 0
    workflows = {r["workflow"] for r in result["workflow_runs"]}
    assert {
        ".github/workflows/registration.yml",
        ".github/workflows/provision.yml",
        ".github/workflows/dashboard.yml",
        ".github/workflows/day2-release.yml",
        ".github/workflows/help.yml",
        ".github/workflows/watchdog.yml",
    } <= workflows
    assert result["failed_runs"] == 0
