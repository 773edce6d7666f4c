"""A provisioning world on the local GitHub: an org, a template, an admin repo with a roster,
and the provisioning App installed on the org, for the provisioning tests. Built by
``glow.rehearsal.world``; its ``World`` is the shared test world with the engine added."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from glow.cohort.admin import AdminRepo
from glow.cohort.model import Learner, Roster, log_path, parse_log, roster_path
from glow.cohort.provisioning.engine import Provisioner
from glow.cohort.settings import CohortSettings
from glow.github import Repo, WritePacer, installation_client, split_full_name, token_client
from glow.localhub.hub import LocalHub
from glow.rehearsal import world as rehearsal
from glow.rehearsal.world import FACILITATOR, RepoSpec
from tests import cohort_world, factories

ROOT = Path(__file__).resolve().parents[1]
ORG = "acme"
COHORT = "2026-12"
TEMPLATE = f"{ORG}/learning-room-template"
ADMIN = f"{ORG}/admin"
LEARNERS = ("ada", "bob", "cy", "dee", "eve")

WORKFLOW = """name: {name}
on:
  issues:
    types: [closed]
permissions:
  issues: write
jobs:
  run:
    runs-on: ubuntu-latest
    steps:
      - run: echo {name}
"""
TEMPLATE_FILES = {
    "README.md": "# Your Learning Room\n",
    ".github/workflows/progression.yml": WORKFLOW.format(name="progression"),
    ".github/workflows/pr-bot.yml": WORKFLOW.format(name="pr-bot"),
    ".github/ISSUE_TEMPLATE/challenge.yml": "name: Challenge\ndescription: x\nbody: []\n",
    "challenges/challenge-01.md": (
        ROOT / "learning-room-template" / "challenges" / "challenge-01.md"
    ).read_text(encoding="utf-8"),
}


class FakeClock:
    """Backoff sleeps advance time without waiting; poll sleeps wait for real (the hub copies
    template files on its own timer) and advance too."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def poll_sleep(self, seconds: float) -> None:
        import time

        time.sleep(min(seconds, 0.1))
        self.now += seconds


@dataclass
class World(cohort_world.World):
    """The shared test world (built by ``glow.rehearsal.world``) in organisation ``acme``, with
    what the provisioning tests add: the engine, its fake clock and the lines it says."""

    learners: tuple[str, ...] = LEARNERS
    clock: FakeClock = field(default_factory=FakeClock)
    lines: list[str] = field(default_factory=list)
    _staff: Any = None

    @property
    def token(self) -> str:
        """The facilitator's personal token."""
        return self.tokens[FACILITATOR]

    def staff(self, owner: str, name: str) -> Repo:
        if self._staff is None:
            self._staff = token_client(self.token, self.hub.api_url)
            self._staff.__enter__()  # one HTTP client for every helper request (faster)
        return Repo(self._staff, owner, name, pacer=WritePacer(0))

    def settings(self, **extra: str) -> CohortSettings:
        env = {
            "GITHUB_API_URL": self.hub.api_url,
            "ADMIN_ROSTER_REPO": ADMIN,
            "LEARNING_ROOM_TEMPLATE_REPO": TEMPLATE,
            "GLOW_PROVISION_DELAY": "0",
            **extra,
        }
        return CohortSettings.from_env(env)

    def app_client(self) -> Any:
        return installation_client(self.app["id"], self.app["private_key"], ORG, self.hub.api_url)

    def engine(self, gh: Any = None, **options: Any) -> Provisioner:
        options = {
            "pacer": WritePacer(0),
            "sleep": self.clock.sleep,
            "clock": self.clock,
            "poll_sleep": self.clock.poll_sleep,
            "poll_interval_s": 0.1,
            "say": self.lines.append,
            **options,
        }
        return Provisioner(gh or self.app_client(), self.settings(), **options)

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for `glow provision` in a subprocess (App mode unless overridden)."""
        import os

        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GITHUB_API_URL": self.hub.api_url,
            "ADMIN_ROSTER_REPO": ADMIN,
            "LEARNING_ROOM_TEMPLATE_REPO": TEMPLATE,
            "PROVISIONING_APP_ID": str(self.app["id"]),
            "PROVISIONING_APP_PRIVATE_KEY": self.app["private_key"],
            **extra,
        }

    # -- reading ---------------------------------------------------------------------------
    def requests(self, since: int = 0) -> list[dict[str, Any]]:
        """Every request the hub logged after ``since`` (a ``mark()``)."""
        return [r for r in list(self.hub.requests) if r["id"] > since]

    def writes(self, since: int) -> list[str]:
        return [f"{r['method']} {r['path']}" for r in self.requests(since) if r["method"] != "GET"]

    def roster(self) -> Roster:
        found = self.staff(*split_full_name(ADMIN)).read_file(roster_path(COHORT))
        assert found is not None
        return Roster.model_validate_json(found.text)

    def log(self) -> list[Any]:
        found = self.staff(*split_full_name(ADMIN)).read_file(log_path(COHORT))
        return parse_log(found.text if found else None)

    def results(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for entry in self.log():
            out.setdefault(entry.github_handle, []).append(entry.result)
        return out

    def room(self, handle: str) -> Repo:
        return self.staff(ORG, f"learning-room-{COHORT}-{handle}")

    def rooms(self) -> list[str]:
        repos = self.staff(ORG, "x").paginate(f"orgs/{ORG}/repos")
        prefix = f"learning-room-{COHORT}-"
        return sorted(r["name"] for r in repos if r["name"].startswith(prefix))

    def room_files(self, handle: str) -> dict[str, str]:
        room = self.room(handle)
        tree = room.get_json(room.url("git", "trees", "main"), {"recursive": "1"})
        return {e["path"]: e["sha"] for e in (tree or {}).get("tree", []) if e["type"] == "blob"}

    def seeded_challenges(self, handle: str) -> list[dict[str, Any]]:
        room = self.room(handle)
        issues = room.paginate(room.url("issues"), {"state": "all"})
        return [i for i in issues if "<!-- glow:challenge:1 -->" in (i.get("body") or "")]

    def invitees(self, handle: str) -> list[str]:
        room = self.room(handle)
        return [i["invitee"]["login"] for i in room.paginate(room.url("invitations"))]


def learner(handle: str, index: int) -> Learner:
    """The ``index``-th registration of the cohort (``tests.factories.learner``)."""
    at = factories.REGISTERED + timedelta(minutes=index)
    return factories.learner(handle, owner=ORG, issue=index + 1, registered_at=at)


def make_world(
    tmp_path: Path, learners: tuple[str, ...] = LEARNERS, *, runner: bool = False
) -> World:
    """The org, built by ``glow.rehearsal.world``: the template (``TEMPLATE_FILES``) and the
    admin repository with cohorts.json and a roster of ``learners``, both private."""
    hub = LocalHub(tmp_path / "hub", runner=runner).start()
    built = rehearsal.build_world(
        hub,
        ROOT,
        learners,
        org=ORG,
        repos={
            "learning-room-template": RepoSpec(template=True),
            "admin": RepoSpec(),
        },
        secrets=False,
    )
    # A paid plan, so the organisation's variables reach the private admin repository and rooms.
    built.post(f"orgs/{ORG}/plan", {"plan": "team"})
    http = httpx.Client(base_url=hub.url, timeout=30)
    world = World(hub, http, {FACILITATOR: built.token(FACILITATOR)}, None, app=built.app)  # type: ignore[arg-type]
    world.learners = learners
    world.admin = AdminRepo(world.staff(*split_full_name(ADMIN)))
    world.staff(*split_full_name(TEMPLATE)).commit_files(TEMPLATE_FILES, "template", branch="main")
    roster = Roster(cohort_id=COHORT, learners={h: learner(h, i) for i, h in enumerate(learners)})
    cohorts = {"cohorts": [{"id": COHORT, "capacity": 75}]}
    world.staff(*split_full_name(ADMIN)).commit_files(
        {"cohorts.json": json.dumps(cohorts) + "\n", roster_path(COHORT): roster.to_text()},
        "cohort",
        branch="main",
    )
    return world
