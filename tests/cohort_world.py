"""The world of the end-to-end tests on the local GitHub, built by ``glow.rehearsal.world``
(the one builder, shared with `glow demo`), and the helpers the tests drive it with.

Organisation ``org``: a public workshop repository (registration issues filed by the learners
with their own tokens), a private admin repository (cohorts.json and the roster, written with
AdminRepo.update), by default a private template with two workflows, and the Learning Rooms a
test makes (generated from the template through the REST API, the learner invited and
accepted, challenge issues carrying the ``<!-- glow:challenge:N -->`` marker). The provisioning
App is installed on ``org``; the commands run in-process through ``glow.__main__.main``.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from glow.__main__ import main
from glow.cohort.admin import AdminRepo
from glow.cohort.model import Learner, Roster, room_name
from glow.github import Repo, WritePacer, token_client
from glow.localhub.hub import LocalHub
from glow.rehearsal import world as rehearsal
from glow.rehearsal.world import FACILITATOR, RepoSpec
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
COHORT = "2026-12"
WORKFLOWS = {
    ".github/workflows/progression.yml": (
        "name: Progression\non:\n  issues:\n    types: [closed]\npermissions: {}\n"
        "jobs:\n  next:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo next\n"
    ),
    ".github/workflows/autograde.yml": (
        "name: Autograde\non: workflow_dispatch\npermissions: {}\n"
        "jobs:\n  grade:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo grade\n"
    ),
}


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@dataclass
class World:
    hub: LocalHub
    http: httpx.Client
    tokens: dict[str, str]
    admin: AdminRepo
    registrations: dict[str, int] = field(default_factory=dict)
    app: dict[str, Any] = field(default_factory=dict)
    invitations: dict[str, int] = field(default_factory=dict)
    challenge_issues: dict[tuple[str, int], int] = field(default_factory=dict)

    # REST and control ----------------------------------------------------------------------
    def api(self, method: str, path: str, who: str = "facilitator", **kw: Any) -> Any:
        resp = self.http.request(
            method, f"/api/v3{path}", headers={"authorization": f"token {self.tokens[who]}"}, **kw
        )
        assert resp.is_success, f"{method} {path}: {resp.status_code} {resp.text}"
        return resp.json() if resp.content else None

    def control(self, path: str, body: Any = None) -> Any:
        resp = self.http.post(f"/_localhub/{path}", json=body)
        assert resp.is_success, resp.text
        return resp.json() if resp.content else None

    def now(self) -> str:
        """The hub's clock (it moves with POST /_localhub/clock), as the commands get it."""
        return str(self.http.get("/_localhub/clock").json()["now"])

    def advance(self, seconds: float) -> None:
        self.control("clock", {"advance_seconds": seconds})

    def put_file(self, repo: str, path: str, text: str) -> None:
        current = self.http.get(
            f"/api/v3/repos/{repo}/contents/{path}",
            headers={"authorization": f"token {self.tokens['facilitator']}"},
        )
        body = {"message": f"write {path}", "content": b64(text)}
        if current.status_code == 200:
            body["sha"] = current.json()["sha"]
        self.api("PUT", f"/repos/{repo}/contents/{path}", json=body)

    def delete_file(self, repo: str, path: str) -> None:
        sha = self.api("GET", f"/repos/{repo}/contents/{path}")["sha"]
        self.api("DELETE", f"/repos/{repo}/contents/{path}", json={"message": "rm", "sha": sha})

    # Request log -----------------------------------------------------------------------------
    def mark(self) -> int:
        return int(self.hub.requests[-1]["id"])

    def requests_since(self, mark: int) -> list[dict[str, Any]]:
        """REST requests after ``mark``, except minting the App's installation token."""
        return [
            r
            for r in list(self.hub.requests)
            if r["id"] > mark
            and r["path"].startswith("/api/v3/")
            and not r["path"].endswith("/access_tokens")
            and r["path"] != "/api/v3/app/installations"
        ]

    def writes_since(self, mark: int) -> list[str]:
        return [
            f"{r['method']} {r['path']}"
            for r in self.requests_since(mark)
            if r["method"] not in ("GET", "HEAD")
        ]

    def admin_issues(self, label: str) -> dict[str, dict[str, Any]]:
        """The admin repo's issues with ``label``, by the marker key on their first line."""
        issues = self.api(
            "GET", "/repos/org/admin/issues", params={"labels": label, "state": "all"}
        )
        found = {}
        for issue in issues:
            first = (issue["body"] or "").split("\n", 1)[0]
            found[first.removeprefix("<!-- glow:").removesuffix(" -->")] = issue
        return found

    # The cohort --------------------------------------------------------------------------------
    def register(self, handle: str, *, ack: bool = False, title: str | None = None) -> None:
        issue = self.api(
            "POST",
            "/repos/org/workshop/issues",
            who=handle,
            json={"title": title or f"[REGISTER] {handle}", "body": f"### Cohort\n\n{COHORT}"},
        )
        self.registrations[handle] = issue["number"]
        if ack:
            self.comment(handle, "ack, I found my Learning Room")

    def comment(self, handle: str, body: str) -> None:
        number = self.registrations[handle]
        self.api(
            "POST", f"/repos/org/workshop/issues/{number}/comments", who=handle, json={"body": body}
        )

    def make_room(self, handle: str, *, closed: int, accept: bool = True) -> str:
        """Generate the room, invite (and accept), open challenges 1..closed+1, close 1..closed."""
        name = room_name(COHORT, handle)
        self.api(
            "POST",
            "/repos/org/template/generate",
            json={"owner": "org", "name": name, "private": True},
        )
        full = f"org/{name}"
        deadline = time.monotonic() + 10
        while (
            self.http.get(
                f"/api/v3/repos/{full}/contents/.github/workflows/progression.yml",
                headers={"authorization": f"token {self.tokens['facilitator']}"},
            ).status_code
            != 200
        ):
            assert time.monotonic() < deadline, "the template's files never arrived"
            time.sleep(0.05)
        invitation = self.api(
            "PUT", f"/repos/{full}/collaborators/{handle}", json={"permission": "push"}
        )
        self.invitations[handle] = invitation["id"]
        if accept:
            self.api("PATCH", f"/user/repository_invitations/{invitation['id']}", who=handle)
        for n in range(1, closed + 2):
            self.open_challenge(handle, n)
        for n in range(1, closed + 1):
            self.close_challenge(handle, n)
        return full

    def open_challenge(self, handle: str, n: int) -> None:
        issue = self.api(
            "POST",
            f"/repos/org/{room_name(COHORT, handle)}/issues",
            json={"title": f"Challenge {n}: step {n}", "body": f"<!-- glow:challenge:{n} -->\nDo."},
        )
        self.challenge_issues[(handle, n)] = issue["number"]

    def close_challenge(self, handle: str, n: int) -> None:
        number = self.challenge_issues[(handle, n)]
        self.api(
            "PATCH",
            f"/repos/org/{room_name(COHORT, handle)}/issues/{number}",
            who=handle,
            json={"state": "closed"},
        )

    def learner(self, handle: str, *, cohort: str = COHORT, **changes: Any) -> Learner:
        """``handle``'s record, registered now (the hub's clock) on their registration issue,
        their room provisioned (``tests.factories.learner``)."""
        defaults: dict[str, Any] = {
            "registered_at": datetime.fromisoformat(self.now().replace("Z", "+00:00")),
            "issue": self.registrations.get(handle, 999),
            "provisioned": True,
        }
        return factories.learner(handle, cohort=cohort, **{**defaults, **changes})

    def set_roster(
        self, learners: Iterable[Learner] | Mapping[str, Learner], cohort: str = COHORT
    ) -> None:
        records = learners.values() if isinstance(learners, Mapping) else learners
        roster = Roster(cohort_id=cohort, learners={lrn.key: lrn for lrn in records})
        self.admin.update(cohort, lambda _: (roster, []), "seed the roster")

    # Registration issues -----------------------------------------------------------------------
    def comments(self, handle: str) -> list[dict[str, Any]]:
        number = self.registrations[handle]
        return list(self.api("GET", f"/repos/org/workshop/issues/{number}/comments"))

    def labels(self, handle: str) -> list[str]:
        issue = self.api("GET", f"/repos/org/workshop/issues/{self.registrations[handle]}")
        return sorted(label["name"] for label in issue["labels"])

    def commits(self, repo: str = "org/admin") -> int:
        return len(self.api("GET", f"/repos/{repo}/commits", params={"per_page": 100}))


def build_world(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    learners: tuple[str, ...],
    *,
    runner: bool = False,
    template: bool = True,
    cohorts: dict[str, Any] | None = None,
    permissions: dict[str, str] | None = None,
) -> World:
    """The organisation, built by ``glow.rehearsal.world.build_world``: the workshop, the admin
    repository (``cohorts``, by default one cohort) and, with ``template``, the template with
    ``WORKFLOWS``; every learner with a token; the provisioning App (the manifest's permissions
    unless ``permissions``); and the environment `glow` reads at a facilitator's terminal."""
    hub = LocalHub(tmp_path / "hub", runner=runner).start()
    repos = {
        "workshop": RepoSpec(private=False),
        "admin": RepoSpec(),
        **({"template": RepoSpec(template=True)} if template else {}),
    }
    built = rehearsal.build_world(
        hub,
        ROOT,
        learners,
        org="org",
        repos=repos,
        app_slug="glow-provisioning",
        app_owner=FACILITATOR,
        permissions=permissions,
        secrets=False,
        config={"template_delay_seconds": 0},
    )
    # A paid plan, so the organisation's variables reach the private admin repository and rooms.
    built.post("orgs/org/plan", {"plan": "team"})
    tokens = {login: built.token(login) for login in (FACILITATOR, *learners)}
    staff = Repo(
        token_client(tokens[FACILITATOR], hub.api_url), "org", "admin", pacer=WritePacer(0)
    )
    w = World(hub, httpx.Client(base_url=hub.url, timeout=30), tokens, AdminRepo(staff))
    w.app = built.app
    if template:
        for path, text in WORKFLOWS.items():
            w.put_file("org/template", path, text)
    w.put_file("org/admin", "cohorts.json", json.dumps(cohorts or {"cohorts": [{"id": COHORT}]}))
    env = {
        "GITHUB_API_URL": hub.api_url,
        "GITHUB_SERVER_URL": hub.url,
        "GITHUB_REPOSITORY": "org/admin",
        "ADMIN_ROSTER_REPO": "org/admin",
        "LEARNING_ROOM_TEMPLATE_REPO": "org/template",
        "GLOW_ROOMS_OWNER": "org",
        "PROVISIONING_MODE": "github-app",
        "PROVISIONING_APP_ID": str(w.app["id"]),
        "PROVISIONING_APP_PRIVATE_KEY": w.app["private_key"],
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # `glow` runs here as at a facilitator's terminal: no Actions event (a CI job's own event
    # would otherwise route the command, and an event it does not handle ends the run).
    for name in (
        "GLOW_PAT",
        "GITHUB_TOKEN",
        "GLOW_STUCK_MINUTES",
        "WATCHDOG_RUNS_TOKEN",
        "GITHUB_EVENT_NAME",
        "GITHUB_EVENT_PATH",
    ):
        monkeypatch.delenv(name, raising=False)
    # Fresh write budgets (process-wide, one per identity): no earlier test's writes count.
    monkeypatch.setattr("glow.github.budget._budgets", {})
    return w


Glow = Callable[..., tuple[int, str, str]]


def glow_runner(capsys: pytest.CaptureFixture[str]) -> Glow:
    """``glow(*args)`` runs the command in-process: (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def assert_rebuild_identical(hub: LocalHub, app: dict[str, Any], org: str) -> None:
    """`glow roster rebuild`, run as a facilitator would (its own process, the App's
    credentials), finds every cohort's roster identical to what GitHub holds."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "GITHUB_API_URL": hub.api_url,
        "ADMIN_ROSTER_REPO": f"{org}/admin",
        "PROVISIONING_APP_ID": str(app["id"]),
        "PROVISIONING_APP_PRIVATE_KEY": app["private_key"],
    }
    proc = subprocess.run(
        [sys.executable, "-m", "glow", "roster", "rebuild", "--repo", f"{org}/workshop"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "identical to the stored roster" in proc.stdout
