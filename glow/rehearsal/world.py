"""The organisation a rehearsal (and every end-to-end test on the local GitHub) works in, set
up as a facilitator would: users, an organisation with the provisioning App installed (the
manifest's permissions), the workshop, admin and Learning Room template repositories pushed
from this project over git, and the secrets and variables the workflows read. The one builder:
an end-to-end test chooses its repositories (``RepoSpec``), the App and what else it needs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glow.cohort.setup.content import staged as staged

if TYPE_CHECKING:
    import httpx

    from glow.cohort.setup.apply import SetupOptions, SetupReport
    from glow.localhub.hub import LocalHub

ORG = "glow-demo"

FACILITATOR = "facilitator"

LEARNER_NAMES = ["ada-lovelace", "grace-hopper", "alan-turing", "katherine-johnson"]

COHORT = "2026-12"


def learner_logins(count: int) -> list[str]:
    return [
        LEARNER_NAMES[i] if i < len(LEARNER_NAMES) else f"learner-{i + 1:03d}" for i in range(count)
    ]


@dataclass(frozen=True)
class RepoSpec:
    """One repository of the organisation: ``files`` is a folder or ``{path: text}`` pushed over
    git as its first commit, or None for GitHub's own first commit (``auto_init``: a README)."""

    private: bool = True
    template: bool = False
    files: Path | Mapping[str, str] | None = None


@dataclass
class World:
    """An organisation set up as a facilitator would: the App, the repositories, secrets."""

    post: Callable[[str, dict[str, Any]], Any]
    api: httpx.Client  # the REST API with the facilitator's token
    app: dict[str, Any]
    get: Callable[[str], Any]  # the control API: runs, deliveries, edits...
    org: str = ORG
    tokens: dict[str, str] = field(default_factory=dict)  # login: personal token, as minted
    setup: SetupReport | None = None  # what `glow setup` did, when it built the organisation

    def token(self, login: str) -> str:
        """A personal token of ``login`` (minted once, then reused)."""
        if login not in self.tokens:
            self.tokens[login] = self.post("tokens", {"login": login})["token"]
        return self.tokens[login]


def build_world(
    hub: LocalHub,
    root: Path,
    logins: Iterable[str],
    cohorts: Mapping[str, object] | None = None,
    *,
    org: str = ORG,
    repos: Mapping[str, RepoSpec] | None = None,
    app_slug: str = "glow-provisioner",
    app_owner: str | None = None,
    permissions: Mapping[str, str] | None = None,
    secrets: bool = True,
    config: Mapping[str, object] | None = None,
) -> World:
    """Users, an org with the provisioning App installed (the manifest's permissions unless
    ``permissions``), the repositories, variables and team made by `glow setup` from this
    project (unless ``repos``: those, and the variables the workflows read), and, unless
    ``secrets`` is False, the App's secrets on each repository, as the facilitator pastes them.
    The one builder of `glow demo` and of every end-to-end test; ``config``
    goes to the local GitHub's control API first (``template_delay_seconds``, say)."""
    import httpx

    control = httpx.Client(base_url=hub.url, timeout=30)

    def post(path: str, body: dict[str, Any]) -> Any:
        resp = control.post(f"/_localhub/{path}", json=body)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def get(path: str) -> Any:
        resp = control.get(f"/_localhub/{path}")
        resp.raise_for_status()
        return resp.json()

    if config:
        post("config", dict(config))
    for login in (FACILITATOR, *logins):
        post("users", {"login": login})
    # An organisation built by `glow setup` is on GitHub's Free plan, as a new one is: its
    # variables reach its private repositories only where setup writes them there. A test
    # that chooses its own repositories sets organisation-wide variables, which reach
    # private repositories on a paid plan only.
    plan = "free" if repos is None else "team"
    post("orgs", {"login": org, "admins": [FACILITATOR], "plan": plan})
    staff = post("tokens", {"login": FACILITATOR})["token"]
    if permissions is None:
        manifest = json.loads((root / "provisioner" / "app-manifest.json").read_text())
        permissions = manifest["default_permissions"]
    app = post(
        "apps", {"slug": app_slug, "owner": app_owner or org, "permissions": dict(permissions)}
    )
    installation = post("installations", {"app_id": app["id"], "account": org})
    api = httpx.Client(
        base_url=hub.api_url, timeout=30, headers={"Authorization": f"token {staff}"}
    )
    world = World(post=post, api=api, app=app, get=get, org=org, tokens={FACILITATOR: staff})
    if repos is None:
        world.setup = setup_world(hub, root, staff, org, cohorts or {"cohorts": []})
        if secrets:
            paste_secrets(world, ("workshop", "admin", "learning-room-template"))
        return world
    for name, spec in repos.items():
        body = {"name": name, "private": spec.private, "is_template": spec.template}
        api.post(
            f"/orgs/{org}/repos", json={**body, "auto_init": spec.files is None}
        ).raise_for_status()
        if spec.files is not None:
            source = spec.files if isinstance(spec.files, Path) else staged(None, spec.files)
            push_tree(hub.url, staff, f"{org}/{name}", source)
    if secrets:
        paste_secrets(world, tuple(repos))
    if secrets and "workshop" in repos:
        workshop_head = api.get(f"/repos/{org}/workshop/commits/main").json()["sha"]
        for var, value in (
            ("ADMIN_ROSTER_REPO", f"{org}/admin"),
            ("LEARNING_ROOM_TEMPLATE_REPO", f"{org}/learning-room-template"),
            # The admin repository installs glow from the workshop at a full commit (checked).
            ("GLOW_INSTALL", f"git+{hub.url}/{org}/workshop@{workshop_head}"),
            # Whom a help request in a Learning Room mentions.
            ("GLOW_FACILITATORS", f"@{FACILITATOR}"),
            # The App's installation, as the provisioner's README asks facilitators to set.
            ("PROVISIONING_APP_INSTALLATION_ID", str(installation["id"])),
        ):
            post("variables", {"owner": org, "name": var, "value": value})
    return world


def setup_options(
    root: Path, org: str, cohorts: Mapping[str, object] | None = None
) -> SetupOptions:
    """`glow setup` as the facilitator runs it on the organisation (the admin repository's
    first cohorts.json is ``cohorts``, when given)."""
    from glow.cohort.setup.apply import SetupOptions
    from glow.cohort.setup.decide import Names

    return SetupOptions(
        names=Names(org=org),
        root=root,
        cohort_id=COHORT,
        facilitators=(FACILITATOR,),
        cohorts_json=None if cohorts is None else json.dumps(cohorts, indent=2) + "\n",
    )


def setup_world(
    hub: LocalHub, root: Path, token: str, org: str, cohorts: Mapping[str, object]
) -> SetupReport:
    """`glow setup` run by the facilitator on the organisation: the three repositories from
    this project (the admin repository with ``cohorts``), the variables and the team. What
    only a person can do (the App, its secrets) the caller does."""
    from glow.cohort.setup.apply import run_setup
    from glow.github import token_client

    options = setup_options(root, org, cohorts)
    return run_setup(token_client(token, hub.api_url), token, hub.api_url, options)


def paste_secrets(world: World, names: Iterable[str]) -> None:
    """The facilitator pastes the App's ID and private key into each repository's secrets."""
    for name in names:
        for secret, value in (
            ("PROVISIONING_APP_ID", str(world.app["id"])),
            ("PROVISIONING_APP_PRIVATE_KEY", world.app["private_key"]),
        ):
            world.post("secrets", {"repo": f"{world.org}/{name}", "name": secret, "value": value})


def file_registration(
    api: httpx.Client, token: str, login: str, body: str, *, org: str = ORG
) -> dict[str, Any]:
    """``login`` files the public registration form (``body``, as GitHub renders it) on the
    workshop repository; the issue GitHub made."""
    resp = api.post(
        f"/repos/{org}/workshop/issues",
        headers={"Authorization": f"token {token}"},
        json={"title": f"[REGISTER] {login}", "body": body, "labels": ["registration"]},
    )
    resp.raise_for_status()
    issue: dict[str, Any] = resp.json()
    return issue


def accept_invitations(api: httpx.Client, token: str) -> None:
    """The token's owner accepts every repository invitation they have (their room's)."""
    auth = {"Authorization": f"token {token}"}
    for invitation in api.get("/user/repository_invitations", headers=auth).json():
        api.patch(f"/user/repository_invitations/{invitation['id']}", headers=auth)


def file_intake(
    api: httpx.Client,
    token: str,
    login: str,
    needs: str,
    contact: str,
    *,
    org: str = ORG,
    cohort: str = COHORT,
) -> None:
    """The learner accepts the invitation to their room and answers its private intake form
    (as GitHub renders the form ``.github/ISSUE_TEMPLATE/intake.yml`` into an issue)."""
    from glow.cohort.forms import render_issue_form
    from glow.cohort.model import room_name

    accept_invitations(api, token)
    auth = {"Authorization": f"token {token}"}
    body = render_issue_form(
        {
            "Screen reader or tools": "NVDA",
            "Accessibility needs": needs,
            "Contact (optional)": contact,
        }
    )
    api.post(
        f"/repos/{org}/{room_name(cohort, login)}/issues",
        headers=auth,
        # No label: a form's label is applied only where it exists, and a room generated from
        # the template has none of its labels; the form's fields say what the issue is.
        json={"title": "About me: what helps me learn", "body": body},
    ).raise_for_status()


def push_tree(base_url: str, token: str, full_name: str, source: Path) -> None:
    """Commit ``source`` as the first commit of ``full_name`` and push it over smart HTTP, as
    the facilitator."""
    from glow.cohort.setup.content import push_tree as push

    push(base_url, token, full_name, source, author=FACILITATOR)
