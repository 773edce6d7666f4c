"""Requests per handled event for every other bot event, held to ``benchmarks/budgets.json`` on
the local GitHub with the project's real workflows, as ``tests/test_event_budgets_e2e.py`` holds
a registration: every request of the event's run is counted, whoever makes it (a glow client
names its run in its user agent, and the local GitHub logs it).

One organisation serves the whole file, its events in order (the tests share it and run in file
order): four learners register while Provisioning is switched off; ``cy`` edits, withdraws and
is registered again; ``bob`` asks for help and then just says thanks; Provisioning is switched on
and a `provision` dispatch makes the three pending rooms, ``dee``'s registration one more; the
clock passes the hourly schedule (Provisioning with the template's sync, and Day 2 with nothing
due); ``ada`` says ``day1-complete``; a facilitator groups the cohort and tears it down, each
twice. The dashboard's and the watchdog's workflows are switched off here: their dispatches run
the schedule's handler, measured by their own tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from glow.cohort.model import room_name
from glow.cohort.registration.form import PATH_CHOICES, render_public
from glow.localhub.hub import LocalHub
from glow.rehearsal.world import World, build_world
from tests.test_event_budgets_e2e import BUDGETS, assert_within, last_request
from tests.test_registration_e2e import comment, labels, read_roster

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[1]
ORG, COHORT = "acme", "2026-12"
LEARNERS = ("ada", "bob", "cy", "dee")
DAY2_MARK = "<!-- glow:day2-release -->\n"


@dataclass
class Org:
    hub: LocalHub
    world: World
    numbers: dict[str, int] = field(default_factory=dict)

    def as_learner(self, who: str, method: str, path: str, body: dict[str, Any]) -> Any:
        resp = self.world.api.request(
            method, path, json=body, headers={"Authorization": f"token {self.world.token(who)}"}
        )
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def issue(self, who: str) -> str:
        return f"/repos/{ORG}/workshop/issues/{self.numbers[who]}"

    def switch(self, repo: str, workflow: str, state: str) -> None:
        path = f"/repos/{ORG}/{repo}/actions/workflows/{workflow}/{state}"
        self.world.api.put(path).raise_for_status()

    def dispatch(self, workflow: str, inputs: dict[str, Any]) -> None:
        self.world.api.post(
            f"/repos/{ORG}/workshop/actions/workflows/{workflow}/dispatches",
            json={"ref": "main", "inputs": inputs},
        ).raise_for_status()

    def runs(self, act: Any) -> dict[str, tuple[dict[str, Any], list[dict[str, Any]]]]:
        """Do ``act`` and let its runs settle: each new run by workflow file (one each), with
        every request it made."""
        mark = last_request(self.hub)
        before = {r["id"] for r in self.world.get("runs")}
        act()
        assert self.hub.wait_idle(180)
        found: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
        requests = [r for r in list(self.hub.requests) if r["id"] > mark and r.get("route")]
        for run in sorted(self.world.get("runs"), key=lambda r: r["id"]):
            if run["id"] in before or run["conclusion"] == "skipped":
                continue
            name = run["workflow_path"].rsplit("/", 1)[-1]
            assert name not in found, f"two runs of {name}"
            assert run["conclusion"] == "success", run
            found[name] = (run, [r for r in requests if r.get("run_id") == run["id"]])
        return found

    def register(self, who: str, path: str = "day1-day2") -> dict[str, Any]:
        def act() -> None:
            issue = self.as_learner(
                who,
                "POST",
                f"/repos/{ORG}/workshop/issues",
                {"title": f"[REGISTER] {who}", "body": render_public(COHORT, path),
                 "labels": ["registration"]},
            )  # fmt: skip
            self.numbers[who] = int(issue["number"])

        return self.runs(act)

    def comments(self, who: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.world.api.get(f"{self.issue(who)}/comments").json()
        return found


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Org]:
    hub = LocalHub(tmp_path_factory.mktemp("budgets") / "hub").start()
    try:
        cohort = {
            "id": COHORT,
            "capacity": 10,
            "day2_url": f"{hub.url}/{ORG}/workshop/blob/main/docs/day2.md",
        }
        world = build_world(hub, ROOT, LEARNERS, {"cohorts": [cohort]}, org=ORG)
        world.post("config", {"template_delay_seconds": 0})
        o = Org(hub, world)
        for workflow in ("dashboard.yml", "watchdog.yml"):
            o.switch("admin", workflow, "disable")
        o.switch("workshop", "provision.yml", "disable")
        assert hub.wait_idle(120)
        o.register("ada")  # the first also gives the workshop's new labels their colours
        o.register("bob")
        o.register("cy", "day2-only")
        yield o
    finally:
        hub.stop()


def within(
    budget_id: str, spent: list[dict[str, Any]], count: int = 0, *, allow_none: bool = False
) -> None:
    """``spent`` against the budget (its constant plus its per-learner or per-room figure times
    ``count``; its writes likewise)."""
    budget = dict(BUDGETS[budget_id])
    for what in ("requests", "writes"):
        per = next((k for k in budget if k.startswith(f"{what}_per_")), None)
        if per is not None:
            budget[what] = int(budget[what] + budget[per] * count)
    if allow_none and not spent:
        assert budget["requests"] == 0
        return
    assert_within(spent, budget)


def test_a_registration_edited_closed_and_reopened_keeps_to_its_budgets(org: Org) -> None:
    api = org.world.api
    body = api.get(org.issue("cy")).json()["body"]
    # cy picks the other choice on the form (as GitHub renders it: the choice's words).
    edited = body.replace(PATH_CHOICES["day2-only"], PATH_CHOICES["day1-day2"])
    assert edited != body
    [(_, spent)] = org.runs(
        lambda: org.as_learner("cy", "PATCH", org.issue("cy"), {"body": edited})
    ).values()
    assert read_roster(api).learners["cy"].path == "day1-day2"
    assert "(Day 1 and Day 2)" in comment(api, org.numbers["cy"])
    within("register-edited", spent)

    [(_, spent)] = org.runs(
        lambda: org.as_learner("cy", "PATCH", org.issue("cy"), {"state": "closed"})
    ).values()
    assert read_roster(api).learners["cy"].enrollment == "withdrawn"
    assert labels(api, org.numbers["cy"]) == {"registration", "withdrawn"}
    assert comment(api, org.numbers["cy"]).startswith("## Registration withdrawn")
    within("register-closed", spent)

    [(_, spent)] = org.runs(
        lambda: api.patch(org.issue("cy"), json={"state": "open"}).raise_for_status()
    ).values()
    assert read_roster(api).learners["cy"].enrollment == "enrolled"
    assert labels(api, org.numbers["cy"]) == {"registration", "enrolled"}
    within("register-reopened", spent)


def test_a_help_request_on_a_registration_is_answered_once_and_a_thanks_costs_nothing(
    org: Org,
) -> None:
    before = len(org.comments("bob"))
    runs = org.runs(
        lambda: org.as_learner(
            "bob", "POST", f"{org.issue('bob')}/comments", {"body": "help, where is my room?"}
        )
    )
    _, spent = runs["help.yml"]
    answers = org.comments("bob")[before + 1 :]
    assert len(answers) == 1
    assert answers[0]["user"]["type"] == "Bot"
    assert "## Help request received" in answers[0]["body"]
    within("register-help-comment", spent)

    runs = org.runs(
        lambda: org.as_learner("bob", "POST", f"{org.issue('bob')}/comments", {"body": "Thanks!"})
    )
    _, spent = runs["help.yml"]
    assert len(org.comments("bob")) == before + 3  # the learner's two comments, one answer
    within("register-comment-ignored", spent, allow_none=True)


def test_a_provision_dispatch_makes_each_pending_room_within_a_budget_per_room(org: Org) -> None:
    api = org.world.api
    org.switch("workshop", "provision.yml", "enable")
    dispatches = f"/repos/{ORG}/workshop/dispatches"
    runs = org.runs(
        lambda: api.post(dispatches, json={"event_type": "provision"}).raise_for_status()
    )
    _, spent = runs["provision.yml"]
    roster = read_roster(api)
    for who in ("ada", "bob", "cy"):
        assert roster.learners[who].provision_state == "provisioned"
        assert api.get(f"/repos/{ORG}/{room_name(COHORT, who)}").status_code == 200
    within("provision-dispatch", spent, 3)

    # dee's registration asks for one room: the same budget, for one.
    runs = org.register("dee")
    _, spent = runs["provision.yml"]
    assert read_roster(api).learners["dee"].provision_state == "provisioned"
    assert api.get(f"/repos/{ORG}/{room_name(COHORT, 'dee')}").status_code == 200
    within("provision-dispatch", spent, 1)


def test_the_hourly_schedules_on_a_healthy_cohort_write_nothing(org: Org) -> None:
    runs = org.runs(lambda: org.world.post("clock", {"advance_seconds": 3600}))
    assert set(runs) == {"provision.yml", "day2-release.yml", "submissions.yml"}
    # The Submissions schedule's one search finds nothing waiting: no grade is dispatched.
    _, spent = runs["submissions.yml"]
    within("grade-watch", spent)
    assert not [r for r in spent if r["method"] != "GET" and not r["route"].endswith("tokens")]
    _, spent = runs["provision.yml"]
    # The run's first step syncs the template, the second provisions: each mints its own token.
    mints = [i for i, r in enumerate(spent) if r["route"].endswith("/access_tokens")]
    assert len(mints) == 2
    within("template-schedule", spent[: mints[1]])
    within("provision-schedule", spent[mints[1] :])
    _, spent = runs["day2-release.yml"]
    within("day2-schedule", spent, len(LEARNERS))
    for who in LEARNERS:
        assert not [c for c in org.comments(who) if c["body"].startswith(DAY2_MARK)]


def test_a_day1_complete_comment_releases_day_2_once(org: Org) -> None:
    api = org.world.api
    runs = org.runs(
        lambda: org.as_learner(
            "ada", "POST", f"{org.issue('ada')}/comments", {"body": "day1-complete"}
        )
    )
    _, spent = runs["day2-release.yml"]
    assert len([c for c in org.comments("ada") if c["body"].startswith(DAY2_MARK)]) == 1
    assert "day2-released" in labels(api, org.numbers["ada"])
    assert read_roster(api).learners["ada"].status == "day2-released"
    within("day2-comment-release", spent)


def test_grouping_and_teardown_by_a_facilitator_and_their_re_runs(org: Org) -> None:
    api = org.world.api
    groups = f"/repos/{ORG}/admin/contents/groups/{COHORT}.json"
    assert api.get(groups).status_code == 404
    _, spent = org.runs(lambda: org.dispatch("student-grouping.yml", {"cohort": COHORT}))[
        "student-grouping.yml"
    ]
    assert api.get(groups).status_code == 200
    within("group", spent, len(LEARNERS))
    _, spent = org.runs(lambda: org.dispatch("student-grouping.yml", {"cohort": COHORT}))[
        "student-grouping.yml"
    ]
    within("group-rerun", spent, len(LEARNERS))

    inputs = {"cohort": COHORT, "apply": True, "confirm": COHORT}
    _, spent = org.runs(lambda: org.dispatch("teardown.yml", inputs))["teardown.yml"]
    for who in LEARNERS:
        assert api.get(f"/repos/{ORG}/{room_name(COHORT, who)}").json()["archived"] is True
    within("teardown", spent, len(LEARNERS))
    _, spent = org.runs(lambda: org.dispatch("teardown.yml", inputs))["teardown.yml"]
    within("teardown-rerun", spent, len(LEARNERS))
