"""Billing facts of real runs: the jobs list and ``/timing`` as GitHub documents them."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx

from glow.localhub.hub import LocalHub

WORKFLOW = """on:
  workflow_dispatch:
jobs:
  ran:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - run: echo hi
  skipped:
    if: false
    runs-on: ubuntu-latest
    steps:
      - run: echo never
"""


def test_a_job_that_ran_bills_a_whole_minute_and_a_skipped_one_nothing(tmp_path: Path) -> None:
    hub = LocalHub(tmp_path / "hub", runner_workers=1).start()
    try:
        ctl = httpx.Client(base_url=hub.url, timeout=30)
        ctl.post("/_localhub/users", json={"login": "alice"}).raise_for_status()
        token = ctl.post("/_localhub/tokens", json={"login": "alice"}).json()["token"]
        api = httpx.Client(
            base_url=hub.api_url, headers={"authorization": f"token {token}"}, timeout=30
        )
        api.post("/user/repos", json={"name": "room", "auto_init": True}).raise_for_status()
        api.put(
            "/repos/alice/room/contents/.github/workflows/w.yml",
            json={"message": "w", "content": base64.b64encode(WORKFLOW.encode()).decode()},
        ).raise_for_status()
        api.post(
            "/repos/alice/room/actions/workflows/w.yml/dispatches", json={"ref": "main"}
        ).raise_for_status()
        assert ctl.post("/_localhub/idle", json={"timeout": 60}).json()["idle"]
        (run,) = api.get("/repos/alice/room/actions/runs").json()["workflow_runs"]
        jobs = api.get(f"/repos/alice/room/actions/runs/{run['id']}/jobs").json()
        by_name = {job["name"]: job for job in jobs["jobs"]}
        assert by_name["ran"]["conclusion"] == "success"
        assert by_name["ran"]["started_at"] and by_name["ran"]["completed_at"]
        assert by_name["skipped"]["conclusion"] == "skipped"
        timing = api.get(f"/repos/alice/room/actions/runs/{run['id']}/timing").json()
        assert timing["billable"]["UBUNTU"] == {
            "total_ms": 60_000,
            "jobs": 1,
            "job_runs": [{"job_id": by_name["ran"]["id"], "duration_ms": 60_000}],
        }
        assert timing["run_duration_ms"] >= 0
    finally:
        hub.stop()
