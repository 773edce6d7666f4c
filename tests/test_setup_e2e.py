"""`glow setup` and `glow golive` on the local GitHub, run as a facilitator runs them: the
command line, their personal token, an empty organisation. Setup makes what it can and lists
what only a person can do (create the App, paste its secrets); once those are done, setup
completes, the go-live gate passes, a learner registers and gets a Learning Room, and a second
setup writes nothing. The gate fails, with the step to fix, for each fault a facilitator may
meet: a missing secret, an App with one permission too many, an out-of-date template, a
disabled workflow."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from glow.cohort.forms import render_issue_form
from glow.cohort.model import room_name
from glow.cohort.setup.decide import APP_PERMISSIONS
from glow.localhub.hub import LocalHub

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[1]
ORG, COHORT, STAFF, LEARNER = "acme", "2027-01", "fran", "ada"


class Org:
    """An empty organisation on the local GitHub, its owner's token, and the person's steps."""

    def __init__(self, hub: LocalHub, org: str) -> None:
        self.hub, self.org = hub, org
        self.control = httpx.Client(base_url=hub.url, timeout=30)
        for login in (STAFF, LEARNER):
            self.control.post("/_localhub/users", json={"login": login})
        self.post("orgs", {"login": org, "admins": [STAFF]})
        self.token = self.post("tokens", {"login": STAFF})["token"]
        self.api = httpx.Client(
            base_url=hub.api_url, timeout=30, headers={"Authorization": f"token {self.token}"}
        )

    def post(self, path: str, body: dict[str, Any]) -> Any:
        resp = self.control.post(f"/_localhub/{path}", json=body)
        resp.raise_for_status()
        return resp.json()

    def glow(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        """``glow ARGS`` at the facilitator's terminal (``extra``: more environment)."""
        env = {
            **os.environ,
            **extra,
            "GLOW_PAT": self.token,
            "GITHUB_API_URL": self.hub.api_url,
            "PYTHONPATH": str(ROOT),
        }
        env.pop("GITHUB_TOKEN", None)
        env.pop("GITHUB_ACTIONS", None)
        env.pop("GITHUB_EVENT_PATH", None)
        return subprocess.run(
            [sys.executable, "-m", "glow", *args, "--org", self.org],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def setup(self, *extra: str) -> tuple[int, dict[str, Any]]:
        proc = self.glow("setup", "--cohort", COHORT, "--json", *extra)
        assert proc.stdout, proc.stderr
        return proc.returncode, json.loads(proc.stdout)

    def golive(self, *extra: str, **env: str) -> tuple[int, dict[str, Any]]:
        proc = self.glow("golive", "--json", *extra, **env)
        assert proc.stdout, proc.stderr
        return proc.returncode, json.loads(proc.stdout)

    def create_app(self, permissions: dict[str, str]) -> dict[str, Any]:
        """What the facilitator does on GitHub's App settings pages: create, then install."""
        app: dict[str, Any] = self.post(
            "apps",
            {"slug": f"{self.org}-provisioner", "owner": self.org, "permissions": permissions},
        )
        self.post("installations", {"app_id": app["id"], "account": self.org})
        return app

    def paste_secrets(self, app: dict[str, Any]) -> None:
        """The facilitator pastes the App's ID and key into both repositories' secrets."""
        for repo in ("workshop", "admin"):
            for name, value in (
                ("PROVISIONING_APP_ID", str(app["id"])),
                ("PROVISIONING_APP_PRIVATE_KEY", app["private_key"]),
            ):
                self.post("secrets", {"repo": f"{self.org}/{repo}", "name": name, "value": value})

    def writes_since(self, mark: int) -> list[str]:
        return [
            f"{r['method']} {r['path']}"
            for r in self.hub.requests
            if r["id"] > mark and r["method"] not in ("GET", "HEAD")
        ]


def check(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in report["checks"] if c["name"] == name)


def failed(report: dict[str, Any]) -> list[str]:
    return [c["name"] for c in report["checks"] if c["status"] == "fail"]


def test_setup_on_an_empty_organisation_then_golive_passes_and_a_learner_gets_a_room(
    tmp_path: Path,
) -> None:
    hub = LocalHub(tmp_path / "hub").start()
    try:
        org = Org(hub, ORG)

        # An empty organisation: setup makes the repositories, variables and team, and says
        # what only a person can do, each with its page.
        code, first = org.setup()
        assert code == 1 and not first["complete"]
        kinds = {step["kind"] for step in first["done"]}
        assert {"create-repo", "push", "create-variable", "create-team", "grant-team"} <= kinds
        assert any(
            left["where"].endswith(f"/organizations/{ORG}/settings/apps/new")
            for left in first["left"]
        )
        repo = org.api.get(f"/repos/{ORG}/learning-room-template").json()
        assert repo["private"] and repo["is_template"]
        assert not org.api.get(f"/repos/{ORG}/workshop").json()["private"]
        cohorts = org.api.get(
            f"/repos/{ORG}/admin/contents/cohorts.json",
            headers={"Accept": "application/vnd.github.raw+json"},
        ).json()
        assert [c["id"] for c in cohorts["cohorts"]] == [COHORT]
        # The course-brief form is in the admin repository, and the label it adds exists.
        brief_form = f"/repos/{ORG}/admin/contents/.github/ISSUE_TEMPLATE/course-brief.yml"
        assert org.api.get(brief_form).status_code == 200
        assert org.api.get(f"/repos/{ORG}/admin/labels/course-brief").status_code == 200
        chooser = org.api.get(
            f"/repos/{ORG}/workshop/contents/.github/ISSUE_TEMPLATE/config.yml",
            headers={"Accept": "application/vnd.github.raw+json"},
        ).text
        assert f"url: {hub.url}/{ORG}/workshop/issues/new" in chooser

        # Before the person's steps the gate fails, naming them.
        code, gate = org.golive()
        assert code == 1 and gate["result"] == "fail"
        assert {"Provisioning App", "Secrets"} <= set(failed(gate))
        assert "add them at" in check(gate, "Secrets")["fix"]

        # The person's steps: the App (exactly seed 003's permissions), then its secrets.
        app = org.create_app(dict(APP_PERMISSIONS))
        code, second = org.setup()
        assert [s["target"] for s in second["done"]] == ["PROVISIONING_APP_INSTALLATION_ID"]
        assert [left["where"] for left in second["left"]] == [
            f"{hub.url}/{ORG}/workshop/settings/secrets/actions",
            f"{hub.url}/{ORG}/admin/settings/secrets/actions",
        ]
        org.paste_secrets(app)

        # A co-facilitator, not yet in the organisation: invited to the team once, and kept
        # in GLOW_FACILITATORS by a later run that names nobody.
        org.control.post("/_localhub/users", json={"login": "gil"})
        code, third = org.setup("--facilitator", STAFF, "--facilitator", "gil")
        assert {(s["kind"], s["detail"]) for s in third["done"]} >= {("add-member", "gil")}
        assert {s["target"] for s in third["done"]} >= {"GLOW_FACILITATORS"}

        # Complete: a second setup reads, and writes nothing.
        mark = max(r["id"] for r in hub.requests)
        code, again = org.setup()
        assert code == 0 and again["complete"], again
        assert again["writes"] == 0 and again["done"] == []
        assert org.writes_since(mark) == []
        facilitators = org.api.get(f"/orgs/{ORG}/actions/variables/GLOW_FACILITATORS").json()
        assert facilitators["value"] == f"@{STAFF} @gil"
        code, same = org.setup("--facilitator", STAFF, "--facilitator", "gil")
        assert same["writes"] == 0, same["done"]

        code, gate = org.golive()
        assert code == 0 and gate["result"] == "pass", gate
        assert gate["actions_minutes_per_month_30_learners"] <= 2000

        # The live smoke test: a test account registers, gets a room, and it is torn down.
        org.control.post("/_localhub/users", json={"login": "smoke-test"})
        smoke = org.post("tokens", {"login": "smoke-test"})["token"]
        code, gate = org.golive("--smoke", "--smoke-timeout", "240", GLOW_SMOKE_TOKEN=smoke)
        assert code == 0 and gate["result"] == "pass", gate
        assert "got a Learning Room" in check(gate, "Live smoke test")["detail"]
        smoke_room = f"/repos/{ORG}/{room_name(COHORT, 'smoke-test')}"
        assert org.api.get(smoke_room).status_code == 404
        smoke_issue = org.api.get(f"/repos/{ORG}/workshop/issues", params={"state": "all"}).json()
        assert [i["state"] for i in smoke_issue if i["user"]["login"] == "smoke-test"] == ["closed"]

        # A learner registers and gets a Learning Room.
        learner = org.post("tokens", {"login": LEARNER})["token"]
        body = render_issue_form(
            {
                "Cohort": COHORT,
                "Path": "day1-day2",
                "Accessibility needs": None,
                "Contact (optional)": None,
            }
        )
        org.api.post(
            f"/repos/{ORG}/workshop/issues",
            json={"title": f"[REGISTER] {LEARNER}", "body": body},
            headers={"Authorization": f"token {learner}"},
        ).raise_for_status()
        assert hub.wait_idle(180)
        room = org.api.get(f"/repos/{ORG}/{room_name(COHORT, LEARNER)}")
        assert room.status_code == 200, [r["conclusion"] for r in hub.runs]
        invitees = [
            i["invitee"]["login"]
            for i in org.api.get(f"/repos/{ORG}/{room_name(COHORT, LEARNER)}/invitations").json()
        ]
        assert invitees == [LEARNER]

        # The gate fails, with the step to fix, for a disabled workflow...
        org.api.put(f"/repos/{ORG}/admin/actions/workflows/watchdog.yml/disable").raise_for_status()
        code, gate = org.golive()
        assert code == 1 and failed(gate) == ["Workflows"]
        assert "watchdog.yml" in check(gate, "Workflows")["detail"]
        assert "enable" in check(gate, "Workflows")["fix"]
        org.api.put(f"/repos/{ORG}/admin/actions/workflows/watchdog.yml/enable").raise_for_status()

        # ... for a missing secret (deleted by mistake on the admin repository's page)...
        secret = f"/repos/{ORG}/admin/actions/secrets/PROVISIONING_APP_PRIVATE_KEY"
        org.api.delete(secret).raise_for_status()
        code, gate = org.golive()
        assert code == 1 and failed(gate) == ["Secrets"]
        assert "PROVISIONING_APP_PRIVATE_KEY" in check(gate, "Secrets")["detail"]
        assert check(gate, "Secrets")["fix"] == (
            f"add them at {hub.url}/{ORG}/admin/settings/secrets/actions"
        )
        org.paste_secrets(app)

        # ... and for an out-of-date template (a facilitator edited it by hand).
        readme = org.api.get(f"/repos/{ORG}/learning-room-template/contents/README.md").json()
        org.api.put(
            f"/repos/{ORG}/learning-room-template/contents/README.md",
            json={"message": "Edited by hand", "content": "SGk=", "sha": readme["sha"]},
        ).raise_for_status()
        code, gate = org.golive()
        assert code == 1 and failed(gate) == ["Learning Room template"]
        assert "glow template sync" in check(gate, "Learning Room template")["fix"]
    finally:
        hub.stop()


def test_golive_fails_on_an_app_with_one_permission_too_many(tmp_path: Path) -> None:
    hub = LocalHub(tmp_path / "hub").start()
    try:
        org = Org(hub, "beta")
        app = org.create_app({**APP_PERMISSIONS, "members": "read"})
        org.setup()
        org.paste_secrets(app)
        code, gate = org.golive()
        assert code == 1 and failed(gate) == ["Provisioning App"]
        app_check = check(gate, "Provisioning App")
        assert "members: read" in app_check["detail"]
        page = f"{hub.url}/organizations/beta/settings/apps/beta-provisioner/permissions"
        assert app_check["fix"].startswith(f"remove them at {page}")
    finally:
        hub.stop()
