"""Requests per handled event, held to ``benchmarks/budgets.json`` on the local GitHub with the
project's real workflows: every request the event's run makes is counted, whoever makes it (the
job token, the provisioning App and the minting of its token: a glow client names its run in
its user agent, and the local GitHub logs it). The Provisioning workflow is switched off: the
rooms the registrations ask for are not what is measured."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from glow.cohort.registration.form import render_public
from glow.localhub.hub import LocalHub
from glow.rehearsal.world import World, build_world
from tests.test_registration_e2e import comment, labels, read_roster

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[1]
ORG, COHORT = "acme", "2026-12"
BUDGETS = {
    e["id"]: e for e in json.loads((ROOT / "benchmarks" / "budgets.json").read_text())["events"]
}


def test_a_registration_and_its_re_run_keep_to_their_budgets(tmp_path: Path) -> None:
    hub = LocalHub(tmp_path / "hub").start()
    try:
        world = build_world(hub, ROOT, ["ada", "bob"], {"cohorts": [{"id": COHORT}]}, org=ORG)
        world.post("config", {"template_delay_seconds": 0})
        workflows = world.api.get(f"/repos/{ORG}/workshop/actions/workflows").json()["workflows"]
        [provision] = [w for w in workflows if w["path"].endswith("/provision.yml")]
        disable = f"/repos/{ORG}/workshop/actions/workflows/{provision['id']}/disable"
        world.api.put(disable).raise_for_status()
        assert hub.wait_idle(120)

        register(world, hub, "ada")  # the first one also gives the new labels their colours
        number, run, spent = register(world, hub, "bob")
        assert read_roster(world.api).learners["bob"].enrollment == "enrolled"
        assert labels(world.api, number) == {"registration", "enrolled"}
        assert comment(world.api, number).startswith("## Registration received: you are enrolled")
        assert_within(spent, BUDGETS["register-enrolled"])

        mark = last_request(hub)
        world.api.post(f"/repos/{ORG}/workshop/actions/runs/{run['id']}/rerun").raise_for_status()
        assert hub.wait_idle(120)
        assert_within(requests_of(hub, run, mark), BUDGETS["register-rerun"])
    finally:
        hub.stop()


def register(
    world: World, hub: LocalHub, who: str
) -> tuple[int, dict[str, Any], list[dict[str, Any]]]:
    """``who`` files the public form; its one registration run settles. The issue's number,
    the run, and every request the run made."""
    token = world.post("tokens", {"login": who})["token"]
    runs = len(registration_runs(world))
    mark = last_request(hub)
    resp = world.api.post(
        f"/repos/{ORG}/workshop/issues",
        headers={"Authorization": f"token {token}"},
        json={"title": f"[REGISTER] {who}", "body": render_public(COHORT, "day1-day2"),
              "labels": ["registration"]},
    )  # fmt: skip
    resp.raise_for_status()
    assert hub.wait_idle(120)
    [run] = registration_runs(world)[runs:]
    assert run["conclusion"] == "success"
    return int(resp.json()["number"]), run, requests_of(hub, run, mark)


def registration_runs(world: World) -> list[dict[str, Any]]:
    runs = sorted(world.get("runs"), key=lambda r: r["id"])
    return [r for r in runs if r["workflow_path"].endswith("registration.yml")]


def last_request(hub: LocalHub) -> int:
    return max(r["id"] for r in list(hub.requests))


def requests_of(hub: LocalHub, run: dict[str, Any], mark: int) -> list[dict[str, Any]]:
    """The API requests ``run`` made after request ``mark``."""
    return [
        r
        for r in list(hub.requests)
        if r["id"] > mark and r.get("route") and r.get("run_id") == run["id"]
    ]


def assert_within(spent: list[dict[str, Any]], budget: dict[str, Any]) -> None:
    """The run's requests against the budget, listed by route when over it."""
    seen = Counter(f"{r['kind']} {r['method']} {r['route']}" for r in spent)
    report = "\n".join(f"{n} x {what}" for what, n in sorted(seen.items()))
    assert spent, f"{budget['id']}: no request of the run was seen"
    assert len(spent) <= budget["requests"], f"{budget['id']}: {len(spent)} requests\n{report}"
    if "job_token_requests" in budget:
        job = [r for r in spent if r["kind"] == "job"]
        assert len(job) <= budget["job_token_requests"], f"{budget['id']}: job token\n{report}"
    if "writes" in budget:
        writes = [r for r in spent if r["method"] != "GET" and not r["route"].endswith("tokens")]
        assert len(writes) <= budget["writes"], f"{budget['id']}: writes\n{report}"
