"""`glow rehearse --learners 5`: five simulated learners walk every challenge of their path on
the local GitHub (real git, real API calls, the room's real workflow on parallel jobs). Every
cell of the reliability matrix passes; no bot comment or challenge issue is duplicated; every
wrong first attempt is graded "needs revision" and every recovery "pass"; replaying each
learner's progress from their room equals the dashboard. The room events the local GitHub
delivered are GitHub-shaped, and delivering any of them again writes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from glow.cohort.golive.minutes import ROOM_MINUTES_PER_LEARNER
from glow.localhub.hub import LocalHub
from glow.localhub.runner_host import HubRunnerHost
from glow.rehearsal.learners import rehearse_learners
from glow.room.challenges import load_directory
from glow.room.events import EVENTS
from tests.schemas import WebhookValidator, webhook_validator  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
LEARNERS = 5


@pytest.fixture(scope="module")
def rehearsed(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LocalHub, dict[str, Any]]]:
    hub = LocalHub(tmp_path_factory.mktemp("hub"), runner_workers=4)
    hub.start()
    try:
        yield hub, rehearse_learners(hub, ROOT, lambda line: None, 600.0, LEARNERS)
    finally:
        hub.stop()


def test_every_cell_of_the_matrix_passes(rehearsed: tuple[LocalHub, dict[str, Any]]) -> None:
    _, result = rehearsed
    failed = [row for row in result["matrix"] if row["result"] != "pass"]
    assert failed == []
    assert result["ok"] is True
    assert result["learners"] == LEARNERS
    assert result["duplicate_comments"] == 0
    assert result["duplicate_issues"] == 0
    assert result["replay_matches"] == LEARNERS
    assert result["failed_runs"] == 0
    for key in ("requests_per_learner", "job_minutes_per_learner"):
        assert isinstance(result[key], float) and result[key] > 0
    # GitHub bills each job that ran at least a minute.
    assert result["job_minutes_per_learner"] >= result["jobs_per_learner"]
    # `glow golive`'s estimate of the rooms' minutes uses this figure: it may not grow past it.
    assert result["job_minutes_per_learner"] <= ROOM_MINUTES_PER_LEARNER


def test_every_grader_family_has_a_happy_path_a_wrong_attempt_and_a_recovery(
    rehearsed: tuple[LocalHub, dict[str, Any]],
) -> None:
    _, result = rehearsed
    catalogue = load_directory(ROOT / "learning-room-template" / "challenges")
    graded = {c.number for c in catalogue if c.grader}
    assert len({c.grader for c in catalogue if c.grader}) == 7
    cells = {(r["challenge"], r["path"], r["scenario"]) for r in result["matrix"]}
    for number in graded:
        for scenario in ("happy", "wrong-attempt", "recovery"):
            assert (number, "day1-day2", scenario) in cells, (number, scenario)
    # Every challenge of each path is in the matrix; the Day-2-only path starts at 10.
    for path in ("day1-day2", "day2-only"):
        reached = {c for c, p, _ in cells if p == path}
        assert reached == {c.number for c in catalogue.for_path(path)}  # type: ignore[arg-type]
    assert min(c for c, p, _ in cells if p == "day2-only") == 10


def test_room_deliveries_are_github_shaped_and_a_second_delivery_writes_nothing(
    rehearsed: tuple[LocalHub, dict[str, Any]],
    webhook_validator: WebhookValidator,  # noqa: F811
    tmp_path: Path,
) -> None:
    hub, _ = rehearsed
    rooms = [d for d in list(hub.deliveries) if "/learning-room-2026-12-" in d["repository"]]
    handled = [
        d for d in rooms if d["event"] in EVENTS or f"{d['event']}.{d.get('action')}" in EVENTS
    ]
    assert {d["event"] for d in handled} >= {"issues", "issue_comment", "pull_request"}
    for delivery in handled:
        webhook_validator.validate(delivery["event"], delivery["payload"])
    # The last delivery of each kind, once more (GitHub redelivers; a re-run repeats one).
    latest: dict[tuple[str, str | None], dict[str, Any]] = {}
    for delivery in handled:
        latest[(delivery["event"], delivery.get("action"))] = delivery
    host = HubRunnerHost(hub)
    for (event, action), delivery in sorted(latest.items(), key=lambda kv: str(kv[0])):
        room = delivery["repository"]
        path = tmp_path / f"{event}-{action}.json"
        path.write_text(json.dumps(delivery["payload"]))
        mark = int(hub.requests[-1]["id"])
        proc = subprocess.run(
            [sys.executable, "-m", "glow", "room"],
            env={
                **os.environ,
                "GITHUB_EVENT_NAME": event,
                "GITHUB_EVENT_PATH": str(path),
                "GITHUB_REPOSITORY": room,
                "GITHUB_API_URL": hub.api_url,
                "GITHUB_TOKEN": host.mint_job_token(
                    room, {"issues": "write", "pull_requests": "write", "contents": "read"}
                ),
            },
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, (event, action, proc.stderr)
        writes = [r for r in list(hub.requests) if r["id"] > mark and r["method"] != "GET"]
        assert writes == [], (event, action, writes)
