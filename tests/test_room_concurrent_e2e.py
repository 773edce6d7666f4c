"""Duplicate and concurrent deliveries of a learner's events, through the room's real workflow on
the local GitHub's runner: the runs of "evidence comment" and "Challenge 1 closed" are re-run at
the same moment as the learner comments again (GitHub's re-run repeats the same payload; it
refuses a second re-run of a run still going). The room's one concurrency group serialises them
(a newer pending run replaces an older one) and every behaviour decides from the room's state,
so the room ends with exactly one Challenge 2 issue and no duplicated bot comment."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from glow.cohort.model import room_name
from glow.cohort.registration.form import render_public
from glow.localhub.hub import LocalHub
from glow.markers import has_marker
from glow.rehearsal.world import (
    COHORT,
    ORG,
    World,
    accept_invitations,
    build_world,
    file_registration,
)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
LOGIN = "ada-lovelace"
ROOM = f"{ORG}/{room_name(COHORT, LOGIN)}"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[LocalHub, World, str]]:
    hub = LocalHub(tmp_path / "hub", runner_workers=4)
    hub.start()
    try:
        w = build_world(hub, ROOT, [LOGIN], {"cohorts": [{"id": COHORT, "capacity": 1}]})
        assert hub.wait_idle(300)
        token = w.post("tokens", {"login": LOGIN})["token"]
        file_registration(w.api, token, LOGIN, render_public(COHORT, "day1-day2"))
        assert hub.wait_idle(300)
        accept_invitations(w.api, token)
        yield hub, w, token
    finally:
        hub.stop()


def issues(api: httpx.Client) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = api.get(
        f"/repos/{ROOM}/issues", params={"state": "all", "per_page": 100}
    ).json()
    return found


def test_simultaneous_reruns_and_a_new_event_leave_one_next_challenge(
    world: tuple[LocalHub, World, str],
) -> None:
    hub, w, token = world
    auth = {"Authorization": f"token {token}"}
    [one] = [i for i in issues(w.api) if has_marker(i["body"], "challenge:1")]
    number = one["number"]
    w.api.post(
        f"/repos/{ROOM}/issues/{number}/comments", headers=auth, json={"body": "I found it."}
    ).raise_for_status()
    assert hub.wait_idle(300)
    done = w.api.get(f"/repos/{ROOM}/actions/runs").json()["workflow_runs"]
    learner_runs = [r for r in done if r["conclusion"] == "success"]
    assert [r["event"] for r in learner_runs] == ["issue_comment"]
    assert [i for i in issues(w.api) if has_marker(i["body"], "challenge:2")] == []

    # At one moment: the learner closes Challenge 1 (which opens Challenge 2), their comment's
    # run is re-run (it too sees Challenge 1 closed, if it runs after), and they comment again.
    barrier = threading.Barrier(3)
    answers: list[int] = []

    def close() -> None:
        barrier.wait()
        answers.append(
            w.api.patch(
                f"/repos/{ROOM}/issues/{number}", headers=auth, json={"state": "closed"}
            ).status_code
        )

    def rerun(run_id: int) -> None:
        barrier.wait()
        answers.append(w.api.post(f"/repos/{ROOM}/actions/runs/{run_id}/rerun").status_code)

    def comment() -> None:
        barrier.wait()
        answers.append(
            w.api.post(
                f"/repos/{ROOM}/issues/{number}/comments", headers=auth, json={"body": "Again."}
            ).status_code
        )

    threads = [
        threading.Thread(target=close),
        threading.Thread(target=rerun, args=(learner_runs[0]["id"],)),
        threading.Thread(target=comment),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 201, 201]
    time.sleep(0.5)
    assert hub.wait_idle(300)
    after = issues(w.api)
    assert len([i for i in after if has_marker(i["body"], "challenge:2")]) == 1
    for issue in after:
        comments = w.api.get(f"/repos/{ROOM}/issues/{issue['number']}/comments").json()
        markers = [c["body"].split("\n", 1)[0] for c in comments if c["body"].startswith("<!--")]
        assert len(markers) == len(set(markers)), (issue["number"], markers)
    # Every run of the room ended well: a replaced one is cancelled, none failed.
    runs = w.api.get(f"/repos/{ROOM}/actions/runs").json()["workflow_runs"]
    assert all(r["conclusion"] in ("success", "cancelled", "skipped") for r in runs), runs
