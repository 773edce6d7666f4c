"""Registration day, for real (issue 7's acceptance): 30 learners register within one second on
the local GitHub, whose runner runs jobs side by side as GitHub does. Capacity 20: exactly 20
enrolled and 10 waitlisted, in registration order; one answer each, no duplicate comment; every
learner answers the private intake form in their own room, and no private answer appears in any
public issue, comment, edit or run log; the roster rebuilds identical."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from glow.cohort.model import Roster
from glow.cohort.registration_form import render_public
from glow.demo import build_world, file_intake
from glow.localhub.hub import LocalHub
from tests.cohort_world import assert_rebuild_identical

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[1]
ORG, COHORT, CAPACITY = "glow-demo", "2026-12", 20
LEARNERS = [f"learner-{n:02d}" for n in range(1, 31)]


def test_thirty_registrations_in_one_second_are_seated_in_order(tmp_path: Path) -> None:
    hub = LocalHub(tmp_path / "hub").start()
    try:
        run_burst(hub)
    finally:
        hub.stop()


def run_burst(hub: LocalHub) -> None:  # one story, read top to bottom
    assert hub.runner_workers > 1, "GitHub runs jobs side by side; so must the rehearsal"
    cohorts = {"cohorts": [{"id": COHORT, "capacity": CAPACITY}]}
    world = build_world(hub, ROOT, LEARNERS, cohorts, org=ORG)
    world.post("config", {"template_delay_seconds": 0})
    api = world.api
    assert hub.wait_idle(120)
    tokens = {who: world.post("tokens", {"login": who})["token"] for who in LEARNERS}

    def register(who: str) -> int:
        resp = api.post(
            f"/repos/{ORG}/workshop/issues",
            headers={"Authorization": f"token {tokens[who]}"},
            json={
                "title": f"[REGISTER] {who}",
                "body": render_public(COHORT, "day1-day2"),
                "labels": ["registration"],
            },
        )
        resp.raise_for_status()
        return int(resp.json()["number"])

    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = dict(zip(LEARNERS, pool.map(register, LEARNERS), strict=True))
    filed = [
        datetime.fromisoformat(api.get(f"/repos/{ORG}/workshop/issues/{n}").json()["created_at"])
        for n in numbers.values()
    ]
    assert max(filed) - min(filed) <= timedelta(seconds=1)  # all opened within one second
    assert hub.wait_idle(300)

    # Seated in registration order: the first 20 filed are enrolled, the last 10 wait, in order.
    roster = read_roster(api)
    in_order = sorted(LEARNERS, key=lambda who: numbers[who])
    assert {k: lrn.enrollment for k, lrn in roster.learners.items()} == {
        who: "enrolled" if i < CAPACITY else "waitlisted" for i, who in enumerate(in_order)
    }
    waiting = sorted(
        roster.waitlisted(), key=lambda lrn: (lrn.registered_at, lrn.registration_issue)
    )
    assert [lrn.github_handle for lrn in waiting] == in_order[CAPACITY:]

    # One answer per registration, from the bot, saying what the roster says; no duplicates.
    for who, number in numbers.items():
        comments = api.get(f"/repos/{ORG}/workshop/issues/{number}/comments").json()
        assert len(comments) == 1, (who, [c["body"][:60] for c in comments])
        [answer] = comments
        assert answer["user"]["login"] == "github-actions[bot]"
        expected = "enrolled" if roster.learners[who].enrollment == "enrolled" else "waitlist"
        assert expected in answer["body"].split("\n")[1], (who, answer["body"][:80])
        issue = api.get(f"/repos/{ORG}/workshop/issues/{number}").json()
        labels = {label["name"] for label in issue["labels"]}
        assert roster.learners[who].enrollment in labels

    # The enrolled learners answer the private intake form in their own rooms; the dashboard
    # reads it into the roster. Nothing private is anywhere public.
    private = []
    for who in in_order[:CAPACITY]:
        needs, contact = f"needs of {who}: JAWS, slow pace", f"{who}@private.example"
        private += [needs, contact]
        file_intake(api, tokens[who], who, needs, contact, org=ORG, cohort=COHORT)
    api.post(
        f"/repos/{ORG}/admin/actions/workflows/dashboard.yml/dispatches", json={"ref": "main"}
    ).raise_for_status()
    assert hub.wait_idle(300)
    roster = read_roster(api)
    assert sum(lrn.accessibility_needs in private for lrn in roster.learners.values()) == CAPACITY

    public = json.dumps(
        [
            api.get(
                f"/repos/{ORG}/workshop/issues", params={"state": "all", "per_page": 100}
            ).json(),
            api.get(f"/repos/{ORG}/workshop/issues/comments", params={"per_page": 100}).json(),
            [e for e in world.get("edits") if e["repo"] == f"{ORG}/workshop"],
            world.get("runs"),
        ]
    )
    assert [secret for secret in private if secret in public] == []

    # Every run of the burst succeeded (a pending run replaced in a concurrency group ends
    # cancelled, as on GitHub), and the roster rebuilds identical from the public issues.
    runs = world.get("runs")
    failed = [r for r in runs if r.get("conclusion") not in ("success", "skipped", "cancelled")]
    assert failed == []
    assert_rebuild_identical(hub, world.app, ORG)


def read_roster(api: object) -> Roster:
    resp = api.get(  # type: ignore[attr-defined]
        f"/repos/{ORG}/admin/contents/roster/{COHORT}.json",
        headers={"Accept": "application/vnd.github.raw"},
    )
    resp.raise_for_status()
    return Roster.model_validate_json(resp.text)
