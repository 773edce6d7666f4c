"""GitHub on a simulated clock for provisioning at scale: ``FakeGitHub`` (in memory, served as
an httpx transport, so 300 learners take seconds, not the local GitHub's minutes of git work)
with the endpoints provisioning uses, and the local GitHub's own limits and route table.

Whether a request creates content is the local GitHub's answer (its router's
``creates_content``), and each content-creating request is charged to the local GitHub's
``Limits`` for the identity the local GitHub would charge (``Limits.bucket``), at the simulated
time: over 80 a minute or 500 an hour it answers 403 with ``retry-after``, as both GitHubs do.
Every request lands in ``log`` with the local GitHub's request-log keys. Time moves only when
someone sleeps (``sleep`` advances it); GitHub copies a template's files ``copy_s`` after
answering generate.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from glow.cohort.model import Roster, roster_path
from glow.cohort.provisioning.engine import Provisioner
from glow.cohort.settings import CohortSettings
from glow.github import WriteBudget, installation_client
from glow.github.budget import GITHUB_LIMITS, WriteLimits
from glow.localhub.auth import Principal
from glow.localhub.hub import LocalHub
from glow.localhub.routing import HubError
from tests.fakegithub import FakeGitHub, RepoState, error
from tests.fakegithub_routes import _get_tree
from tests.provisioning_support import ADMIN, COHORT, ORG, TEMPLATE, TEMPLATE_FILES, learner

APP_ID = "4242"
START = datetime(2027, 1, 15, 8, 17, tzinfo=UTC).timestamp()  # an hourly run's minute


@dataclass
class Room:
    created_at: float
    template: bool = False
    invitations: list[str] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)


class SimGitHub(FakeGitHub):
    """See the module docstring."""

    def __init__(self, hub: LocalHub, *, copy_s: float = 3.0) -> None:
        super().__init__()
        self.hub = hub  # never started: its route table and limits only
        self.now = START
        self.copy_s = copy_s
        self.rooms: dict[str, Room] = {}
        self.copies: list[tuple[float, str, str]] = []  # (due, room, template)
        self.generated: list[str] = []  # every room generate made, in order
        self.log: list[dict[str, Any]] = []
        for method, pattern, handler in reversed(ROUTES):
            bound = _bind(handler, self)
            self._routes.insert(0, (method, tuple(pattern.split("/")), bound))

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)

    def clock(self) -> float:
        return self.now

    def handle(self, request: httpx.Request) -> httpx.Response:
        self._copy_due()
        path = request.url.raw_path.split(b"?")[0].decode()[len(self.prefix) :]
        found = self.hub.router.match(request.method, path)
        entry: dict[str, Any] = {
            "id": len(self.log) + 1,
            "at": self.now,
            "method": request.method,
            "path": path,
            "route": found[0].template if found else None,
            "creates_content": bool(found and found[0].creates_content),
        }
        principal = self._principal(request)
        entry.update(kind=principal.kind, login=principal.login)
        self.log.append(entry)
        if entry["creates_content"]:
            key, _ = self.hub.limits.bucket(principal)
            try:
                self.hub.limits.charge_content_creation(self.now, key)
            except HubError as refused:
                entry["status"] = refused.status
                return httpx.Response(refused.status, json=refused.body(), headers=refused.headers)
        answer = super().handle(request)
        entry["status"] = answer.status_code
        return answer

    def _principal(self, request: httpx.Request) -> Principal:
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            return Principal("app", "glow-app[bot]")
        if credential.startswith("ghs_fake"):  # tests.fakegithub_routes mints these
            installation = credential.removeprefix("ghs_fake").split("_")[0]
            token = {"installation_id": installation}
            return Principal("installation", self.tokens.get(credential), token)
        return Principal("user", self.tokens.get(credential))

    def _copy_due(self) -> None:
        for due, room, template in [c for c in self.copies if c[0] <= self.now]:
            self.copies.remove((due, room, template))
            tree = self.commits[self.repos[template].refs["main"]]["tree"]
            self.repos[room].refs["main"] = self._store_commit(tree, [], "Initial commit")

    # Reading, for the test ----------------------------------------------------------------

    def roster(self) -> Roster:
        return Roster.model_validate_json(self.files_at(ADMIN)[roster_path(COHORT)])

    def creating_times(self) -> list[float]:
        """When each content-creating request the hub accepted arrived."""
        return [e["at"] for e in self.log if e["creates_content"] and e["status"] < 400]


def _bind(handler: Callable[..., httpx.Response], sim: SimGitHub) -> Callable[..., httpx.Response]:
    return lambda **kw: handler(sim, **kw)


def _meta(sim: SimGitHub, full_name: str) -> dict[str, Any]:
    owner, name = full_name.split("/")
    room = sim.rooms[full_name]
    created = datetime.fromtimestamp(room.created_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "full_name": full_name,
        "name": name,
        "owner": {"login": owner},
        "private": True,
        "is_template": room.template,
        "archived": False,
        "default_branch": "main",
        "created_at": created,
        "permissions": {"pull": True, "push": True, "admin": True},
    }


def _get_repo(sim: SimGitHub, owner: str, name: str, **_: Any) -> httpx.Response:
    full_name = f"{owner}/{name}"
    if full_name not in sim.rooms:
        return error(404, "Not Found")
    return httpx.Response(200, json=_meta(sim, full_name))


def _generate(sim: SimGitHub, body: Any, owner: str, name: str, **_: Any) -> httpx.Response:
    template, room = f"{owner}/{name}", f"{body['owner']}/{body['name']}"
    if room in sim.rooms:
        return error(422, "Repository creation failed.", errors=["name already exists"])
    sim.rooms[room] = Room(created_at=sim.now)
    sim.repos[room] = RepoState(default_branch="main")  # empty until the copy lands
    sim.copies.append((sim.now + sim.copy_s, room, template))
    sim.generated.append(room)
    return httpx.Response(201, json=_meta(sim, room))


def _tree_by_ref(
    sim: SimGitHub, query: dict[str, str], owner: str, name: str, ref: str, **_: Any
) -> httpx.Response:
    repo = sim.repos.get(f"{owner}/{name}")
    if repo is None:
        return error(404, "Not Found")
    if not repo.refs:
        return error(409, "Git Repository is empty.")
    sha = sim.commits[repo.refs[ref]]["tree"] if ref in repo.refs else ref
    return _get_tree(sim, query, sha)


def _invite(sim: SimGitHub, owner: str, name: str, user: str, **_: Any) -> httpx.Response:
    sim.rooms[f"{owner}/{name}"].invitations.append(user)
    return httpx.Response(201, json={"invitee": {"login": user}})


def _invitations(sim: SimGitHub, request: httpx.Request, owner: str, name: str, **_: Any) -> Any:
    invited = sim.rooms[f"{owner}/{name}"].invitations
    return sim.page(request, [{"invitee": {"login": u}, "expired": False} for u in invited])


def _collaborator(sim: SimGitHub, **_: Any) -> httpx.Response:
    return error(404, "Not Found")  # nobody accepts an invitation in this simulation


def _commits(
    sim: SimGitHub, request: httpx.Request, query: dict[str, str], owner: str, name: str, **_: Any
) -> httpx.Response:
    """Commits on ``sha`` (first parents) that changed ``path`` (any, without one), newest
    first."""
    repo = sim.repos[f"{owner}/{name}"]
    sha: str | None = repo.refs.get(query.get("sha") or "main")
    found = []
    while sha is not None:
        commit = sim.commits[sha]
        parent = commit["parents"][0] if commit["parents"] else None
        path = query.get("path")
        mine = sim.trees[commit["tree"]].get(path) if path else sha
        before = sim.trees[sim.commits[parent]["tree"]].get(path) if parent and path else None
        if mine != before:
            found.append({"sha": sha, "commit": {"message": commit["message"]}})
        sha = parent
    return sim.page(request, found)


def _create_ref(sim: SimGitHub, body: Any, owner: str, name: str, **_: Any) -> httpx.Response:
    repo = sim.repos[f"{owner}/{name}"]
    branch = body["ref"].removeprefix("refs/heads/")
    if branch in repo.refs:
        return error(422, "Reference already exists")
    repo.refs[branch] = body["sha"]
    return httpx.Response(201, json={"ref": body["ref"], "object": {"sha": body["sha"]}})


def _open_issue(sim: SimGitHub, body: Any, owner: str, name: str, **_: Any) -> httpx.Response:
    issues = sim.rooms[f"{owner}/{name}"].issues
    issue = {"number": len(issues) + 1, "state": "open", **body}
    issues.append(issue)
    return httpx.Response(201, json=issue)


def _issues(sim: SimGitHub, request: httpx.Request, owner: str, name: str, **_: Any) -> Any:
    return sim.page(request, sim.rooms[f"{owner}/{name}"].issues)


def _account(sim: SimGitHub, login: str, **_: Any) -> httpx.Response:
    return httpx.Response(200, json={"login": login, "type": "Organization"})


def _rate_limit(sim: SimGitHub, **_: Any) -> httpx.Response:
    core = {"limit": 5000, "remaining": 5000, "reset": int(sim.now) + 3600}
    return httpx.Response(200, json={"resources": {"core": core}, "rate": core})


ROUTES: list[tuple[str, str, Callable[..., httpx.Response]]] = [
    ("GET", "repos/:owner/:name", _get_repo),
    ("POST", "repos/:owner/:name/generate", _generate),
    ("GET", "repos/:owner/:name/git/trees/*ref", _tree_by_ref),
    ("PUT", "repos/:owner/:name/collaborators/:user", _invite),
    ("GET", "repos/:owner/:name/collaborators/:user", _collaborator),
    ("GET", "repos/:owner/:name/invitations", _invitations),
    ("GET", "repos/:owner/:name/commits", _commits),
    ("POST", "repos/:owner/:name/git/refs", _create_ref),
    ("POST", "repos/:owner/:name/issues", _open_issue),
    ("GET", "repos/:owner/:name/issues", _issues),
    ("GET", "users/:login", _account),
    ("GET", "orgs/:login", _account),
    ("GET", "rate_limit", _rate_limit),
]


def sim_world(tmp_path: Path, public_pem: str, handles: tuple[str, ...]) -> SimGitHub:
    """The org's template and admin repository (its roster: ``handles``, all pending), and the
    provisioning App installed on the org."""
    sim = SimGitHub(LocalHub(tmp_path / "hub", runner=False))
    sim.add_app(APP_ID, public_pem, [ORG])
    sim.add_repo(TEMPLATE, TEMPLATE_FILES)
    sim.rooms[TEMPLATE] = Room(created_at=START, template=True)
    roster = Roster(cohort_id=COHORT, learners={h: learner(h, i) for i, h in enumerate(handles)})
    cohorts = json.dumps({"cohorts": [{"id": COHORT, "capacity": len(handles)}]}) + "\n"
    sim.add_repo(ADMIN, {"cohorts.json": cohorts, roster_path(COHORT): roster.to_text()})
    sim.rooms[ADMIN] = Room(created_at=START)
    return sim


def run_engine(
    sim: SimGitHub, private_pem: str, limits: WriteLimits = GITHUB_LIMITS, **options: Any
) -> Provisioner:
    """A provisioning run as a fresh process makes it: its own client and write budget (GitHub's
    limits, on the simulated clock), every sleep moving the clock on."""
    env = {
        "GITHUB_API_URL": sim.base_url,
        "ADMIN_ROSTER_REPO": ADMIN,
        "LEARNING_ROOM_TEMPLATE_REPO": TEMPLATE,
    }
    gh = installation_client(APP_ID, private_pem, ORG, sim.base_url, transport=sim.transport)
    budget = WriteBudget(limits, clock=sim.clock, sleep=sim.sleep, name="the App's installation")
    return Provisioner(
        gh,
        CohortSettings.from_env(env),
        pacer=budget,
        sleep=sim.sleep,
        clock=sim.clock,
        now=lambda: datetime.fromtimestamp(sim.now, UTC).replace(microsecond=0),
        poll_sleep=sim.sleep,
        **options,
    )
