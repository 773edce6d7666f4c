"""Registrations that change, end to end on the local GitHub with the project's real workflows:
closing a registration frees the seat, the first learner on the waitlist is told they are
enrolled and gets a Learning Room, reopening registers again; an edit to another cohort moves
the learner and their private answers; a failure on our side is told to the learner without
blame. After each, the roster rebuilds identical."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from glow.cohort.forms import render_issue_form
from glow.cohort.model import Roster, room_name
from glow.localhub.hub import LocalHub
from glow.rehearsal.world import build_world
from tests.cohort_world import assert_rebuild_identical

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[1]
ORG, COHORT = "acme", "2026-12"
LEARNERS = ["ada", "bob", "cy", "dee"]


def test_closing_a_registration_moves_the_waitlist_up_and_reopening_registers_again(
    tmp_path: Path,
) -> None:
    hub = LocalHub(tmp_path / "hub").start()
    try:
        cohorts = {"cohorts": [{"id": COHORT, "capacity": 2}]}
        world = build_world(hub, ROOT, LEARNERS, cohorts, org=ORG)
        world.post("config", {"template_delay_seconds": 0})
        api = world.api
        tokens = {who: world.post("tokens", {"login": who})["token"] for who in LEARNERS}

        def as_learner(who: str, method: str, path: str, body: dict[str, Any]) -> None:
            resp = api.request(
                method, path, json=body, headers={"Authorization": f"token {tokens[who]}"}
            )
            resp.raise_for_status()
            assert hub.wait_idle(120)

        numbers = {who: file_registration(hub, api, tokens[who], who, COHORT) for who in LEARNERS}
        assert enrollment(api) == {
            "ada": "enrolled",
            "bob": "enrolled",
            "cy": "waitlisted",
            "dee": "waitlisted",
        }

        # ada withdraws by closing her registration: cy, first in line, takes the seat.
        issue = f"/repos/{ORG}/workshop/issues/{numbers['ada']}"
        as_learner("ada", "PATCH", issue, {"state": "closed"})
        assert enrollment(api) == {
            "ada": "withdrawn",
            "bob": "enrolled",
            "cy": "enrolled",
            "dee": "waitlisted",
        }
        assert labels(api, numbers["ada"]) == {"redacted", "registration", "withdrawn"}
        assert comment(api, numbers["ada"]).startswith(
            f"## Registration withdrawn\n\nYou are no longer registered for cohort `{COHORT}`"
        )
        assert labels(api, numbers["cy"]) == {"redacted", "registration", "enrolled"}
        assert comment(api, numbers["cy"]).startswith(
            f"## A seat opened for you: you are enrolled\n\n@cy: You are enrolled in cohort "
            f"`{COHORT}`"
        )
        roster = read_roster(api)
        assert roster.learners["cy"].provision_state == "provisioned"
        room = f"/repos/{ORG}/{room_name(COHORT, 'cy')}"
        assert [i["invitee"]["login"] for i in api.get(f"{room}/invitations").json()] == ["cy"]
        assert api.get(f"/repos/{ORG}/{room_name(COHORT, 'dee')}").status_code == 404

        # ada changes her mind and a facilitator reopens her registration: she is registered
        # again, on the waitlist (the cohort is full), and no room is made for her.
        mark = max(r["id"] for r in hub.requests)
        api.patch(issue, json={"state": "open"}).raise_for_status()
        assert hub.wait_idle(120)
        assert enrollment(api)["ada"] == "waitlisted"
        assert labels(api, numbers["ada"]) == {"redacted", "registration", "waitlisted"}
        assert [r for r in hub.requests if r["id"] > mark and "/generate" in r["path"]] == []

        # The roster rebuilt from the public issues and the log is identical.
        assert_rebuild_identical(hub, world.app, ORG)
    finally:
        hub.stop()


def test_an_edit_to_another_cohort_moves_the_learner_and_a_failure_is_told_without_blame(
    tmp_path: Path,
) -> None:
    later = "2027-01"
    hub = LocalHub(tmp_path / "hub").start()
    try:
        cohorts = {"cohorts": [{"id": COHORT, "capacity": 1}, {"id": later, "capacity": 5}]}
        world = build_world(hub, ROOT, ["ada", "bob"], cohorts, org=ORG)
        world.post("config", {"template_delay_seconds": 0})
        api = world.api
        tokens = {who: world.post("tokens", {"login": who})["token"] for who in ("ada", "bob")}

        ada, bob = (file_registration(hub, api, tokens[who], who, COHORT) for who in ("ada", "bob"))
        assert enrollment(api) == {"ada": "enrolled", "bob": "waitlisted"}

        # ada edits her (already redacted) registration to name the later cohort.
        body = api.get(f"/repos/{ORG}/workshop/issues/{ada}").json()["body"]
        assert "private-needs-of-ada" not in body
        moved = body.replace(f"\n{COHORT}\n", f"\n{later}\n")
        assert moved != body
        resp = api.patch(
            f"/repos/{ORG}/workshop/issues/{ada}",
            json={"body": moved},
            headers={"Authorization": f"token {tokens['ada']}"},
        )
        resp.raise_for_status()
        assert hub.wait_idle(120)
        assert enrollment(api) == {"ada": "withdrawn", "bob": "enrolled"}
        assert enrollment(api, later) == {"ada": "enrolled"}
        assert "private-needs-of-ada" in (read_roster(api, later).learners["ada"].volunteered or "")
        assert comment(api, ada).startswith(
            f"## Registration received: you are enrolled\n\nYou are enrolled in cohort `{later}`"
        )
        assert comment(api, bob).startswith("## A seat opened for you")
        assert read_roster(api).learners["bob"].provision_state == "provisioned"
        assert_rebuild_identical(hub, world.app, ORG)

        # bob, enrolled in the first cohort, files a second registration for the later one: a
        # duplicate of his first (one registration per learner; an edit changes the cohort).
        again = file_registration(hub, api, tokens["bob"], "bob", later)
        assert labels(api, again) == {"redacted", "registration", "duplicate"}
        assert api.get(f"/repos/{ORG}/workshop/issues/{again}").json()["state"] == "closed"
        assert comment(api, again).startswith(
            f"## This registration is a duplicate\n\nYou are already registered for cohort "
            f"`{COHORT}` in #{bob}, so this issue is closed."
        )
        assert enrollment(api) == {"ada": "withdrawn", "bob": "enrolled"}
        assert enrollment(api, later) == {"ada": "enrolled"}
        assert_rebuild_identical(hub, world.app, ORG)

        # Once the first cohort is over (closed), bob may register for the later one.
        cohorts["cohorts"][0]["open"] = False
        put_admin_file(api, "cohorts.json", json.dumps(cohorts))
        joined = file_registration(hub, api, tokens["bob"], "bob", later)
        assert labels(api, joined) == {"redacted", "registration", "enrolled"}
        assert enrollment(api, later) == {"ada": "enrolled", "bob": "enrolled"}
        assert enrollment(api) == {"ada": "withdrawn", "bob": "enrolled"}  # history, unchanged

        # The admin repository's cohorts.json breaks: a registration cannot finish. The learner
        # is told it is not their fault, and the run fails (for the facilitators to see).
        put_admin_file(api, "cohorts.json", "{ not json")
        dee = hub_user(world, "dee")
        resp = api.post(
            f"/repos/{ORG}/workshop/issues",
            json={
                "title": "[REGISTER] dee",
                "body": render_issue_form({"Cohort": later, "Path": "day2-only"}),
            },
            headers={"Authorization": f"token {dee}"},
        )
        resp.raise_for_status()
        assert hub.wait_idle(120)
        number = int(resp.json()["number"])
        told = comment(api, number)
        assert told.startswith(
            "## Registration not finished yet\n\nA problem on our side stopped your registration."
        )
        assert "not something you did wrong" in told
        runs = [
            r
            for r in hub.store.data["runs"].values()
            if r["workflow_path"].endswith("registration.yml")
        ]
        assert max(runs, key=lambda r: r["id"])["conclusion"] == "failure"

        # Fixed, and the learner's next edit (or a re-run) finishes the registration.
        put_admin_file(api, "cohorts.json", json.dumps(cohorts))
        api.patch(
            f"/repos/{ORG}/workshop/issues/{number}",
            json={
                "body": render_issue_form(
                    {"Cohort": later, "Path": "day2-only", "Contact (optional)": None}
                )
            },
            headers={"Authorization": f"token {dee}"},
        ).raise_for_status()
        assert hub.wait_idle(120)
        assert comment(api, number).startswith(
            f"## Registration received: you are enrolled\n\nYou are enrolled in cohort `{later}`"
        )
    finally:
        hub.stop()


def test_a_help_request_is_answered_at_once_and_waits_on_the_dashboard_until_a_reply(
    tmp_path: Path,
) -> None:
    hub = LocalHub(tmp_path / "hub").start()
    try:
        world = build_world(hub, ROOT, ["ada"], {"cohorts": [{"id": COHORT}]}, org=ORG)
        world.post("config", {"template_delay_seconds": 0})
        api = world.api
        ada = world.post("tokens", {"login": "ada"})["token"]
        as_ada = {"Authorization": f"token {ada}"}
        body = render_issue_form({"Cohort": COHORT, "Path": "day1-day2"})
        resp = api.post(
            f"/repos/{ORG}/workshop/issues",
            json={"title": "[REGISTER] ada", "body": body},
            headers=as_ada,
        )
        resp.raise_for_status()
        number = int(resp.json()["number"])
        assert hub.wait_idle(120)
        comments = f"/repos/{ORG}/workshop/issues/{number}/comments"

        # "thanks for the help" is no help request; "help, ..." is, and is answered once.
        for text in ("thanks for the help", "help, I cannot find the invitation", "`help`"):
            api.post(comments, json={"body": text}, headers=as_ada).raise_for_status()
            assert hub.wait_idle(120)
        answers = [c["body"] for c in api.get(comments).json() if "glow:help" in c["body"]]
        assert len(answers) == 1
        assert (
            answers[0]
            .split("\n", 1)[1]
            .startswith("## Help request received\n\nA facilitator will reply on this issue.")
        )

        def dashboard() -> dict[str, Any]:
            api.post(
                f"/repos/{ORG}/admin/actions/workflows/dashboard.yml/dispatches",
                json={"ref": "main"},
            ).raise_for_status()
            assert hub.wait_idle(120)
            found = api.get(
                f"/repos/{ORG}/admin/issues", params={"labels": "dashboard", "state": "all"}
            ).json()
            [mine] = [i for i in found if i["title"].startswith("[DASHBOARD] @ada")]
            [summary] = [
                i
                for i in api.get(f"/repos/{ORG}/admin/issues").json()
                if "dashboard-summary" in {label["name"] for label in i["labels"]}
            ]
            return {"ada": mine, "summary": summary}

        shown = dashboard()
        assert "needs-reply" in {label["name"] for label in shown["ada"]["labels"]}
        assert "- Help request: waiting since " in shown["ada"]["body"]
        assert (
            "Next action for the facilitator: Reply to the learner's help request"
            in (shown["ada"]["body"])
        )
        assert "Asked for help, no reply yet (1): [ada](" in shown["summary"]["body"]

        # A facilitator replies: the request is answered and leaves the dashboard.
        api.post(comments, json={"body": "The invitation is in your email."}).raise_for_status()
        assert hub.wait_idle(120)
        shown = dashboard()
        assert "needs-reply" not in {label["name"] for label in shown["ada"]["labels"]}
        assert "- Help request: none open" in shown["ada"]["body"]
        assert "Asked for help, no reply yet (0): nobody" in shown["summary"]["body"]

        # The admin repository's other scheduled workflow runs the same way, through its
        # composite action: a healthy cohort raises no alert, and it says the runs check is off.
        api.post(
            f"/repos/{ORG}/admin/actions/workflows/watchdog.yml/dispatches", json={"ref": "main"}
        ).raise_for_status()
        assert hub.wait_idle(120)
        runs = [
            r
            for r in hub.store.data["runs"].values()
            if r["workflow_path"].endswith("watchdog.yml")
        ]
        assert [r["conclusion"] for r in runs] == ["success"]
        log = hub.runner.get_run(int(runs[0]["id"])).log
        assert "Failed workflow runs: not checked, because WATCHDOG_RUNS_TOKEN is not set" in log
        alerts = api.get(f"/repos/{ORG}/admin/issues", params={"labels": "watchdog"}).json()
        assert alerts == []
    finally:
        hub.stop()


def file_registration(hub: LocalHub, api: httpx.Client, token: str, who: str, cohort: str) -> int:
    """``who`` files a complete registration (an older copy of the form, with a private needs
    field: the safety net moves it) and the workflows settle."""
    body = render_issue_form(
        {
            "Cohort": cohort,
            "Path": "day1-day2",
            "Accessibility needs": f"private-needs-of-{who}",
            "Contact (optional)": None,
        }
    )
    resp = api.post(
        f"/repos/{ORG}/workshop/issues",
        json={"title": f"[REGISTER] {who}", "body": body},
        headers={"Authorization": f"token {token}"},
    )
    resp.raise_for_status()
    assert hub.wait_idle(120)
    return int(resp.json()["number"])


def hub_user(world: Any, login: str) -> str:
    world.post("users", {"login": login})
    return str(world.post("tokens", {"login": login})["token"])


def put_admin_file(api: httpx.Client, path: str, text: str) -> None:
    url = f"/repos/{ORG}/admin/contents/{path}"
    sha = api.get(url).json()["sha"]
    api.put(
        url,
        json={
            "message": f"Edit {path}",
            "content": base64.b64encode(text.encode()).decode(),
            "sha": sha,
        },
    ).raise_for_status()


def read_roster(api: httpx.Client, cohort: str = COHORT) -> Roster:
    resp = api.get(
        f"/repos/{ORG}/admin/contents/roster/{cohort}.json",
        headers={"Accept": "application/vnd.github.raw"},
    )
    resp.raise_for_status()
    return Roster.model_validate_json(resp.text)


def enrollment(api: httpx.Client, cohort: str = COHORT) -> dict[str, str]:
    return {key: lrn.enrollment for key, lrn in read_roster(api, cohort).learners.items()}


def labels(api: httpx.Client, number: int) -> set[str]:
    found = api.get(f"/repos/{ORG}/workshop/issues/{number}").json()["labels"]
    return {label["name"] for label in found}


def comment(api: httpx.Client, number: int) -> str:
    found = api.get(f"/repos/{ORG}/workshop/issues/{number}/comments").json()
    assert len(found) == 1  # one upserted comment, never a second
    marker, text = str(found[0]["body"]).split("\n", 1)  # the hidden marker, then what is read
    assert marker == "<!-- glow:registration -->"
    return text
