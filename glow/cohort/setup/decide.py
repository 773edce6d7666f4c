"""What `glow setup` must change in an organisation, and what only a person can do: pure.

The adapters (`org.py`) read the organisation into an ``Observed``; these functions compare it
with what GLOW needs (``Names``, ``wanted_variables``, ``APP_PERMISSIONS``) and return the
writes (``Step``), the steps a person must take (``HumanStep``, each with its settings page)
and the findings (``Finding``: what is wrong and what fixes it). `glow golive` asks the same
functions, so "setup complete" means exactly: no step, no person's step, no finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

# Seed 003, section 7.2a: the provisioning App's permissions, no more and no fewer; and the
# two publishing a course needs (glow course, issue 13): a pull request to the Learning Room
# template, and its glow/certification commit status.
APP_PERMISSIONS: Mapping[str, str] = {
    "administration": "write",
    "contents": "write",
    "metadata": "read",
    "issues": "write",
    "pull_requests": "write",
    "statuses": "write",
}

# The secrets the workshop's and the admin repository's workflows read (App mode), and the one
# they read instead in actions-bot mode.
APP_SECRETS = ("PROVISIONING_APP_ID", "PROVISIONING_APP_PRIVATE_KEY")
BOT_SECRET = "PROVISIONING_TOKEN"

Role = Literal["workshop", "admin", "template"]
ROLES: tuple[Role, ...] = ("workshop", "admin", "template")
# Which repositories need the secrets: those whose workflows run glow with the App.
SECRET_ROLES: tuple[Role, ...] = ("workshop", "admin")

# What each repository is, in a facilitator's words.
ROLE_TITLES: Mapping[Role, str] = {
    "workshop": "the public workshop repository (registration form and bots)",
    "admin": "the private admin repository (rosters, dashboard, watchdog)",
    "template": "the private Learning Room template",
}

# The team's role on each repository: facilitators run workflows and edit files in all three.
TEAM_PERMISSIONS: Mapping[Role, str] = {
    "workshop": "maintain",
    "admin": "maintain",
    "template": "maintain",
}

# The variable that lets the admin repository's schedules run: setup sets it `on` while a
# cohort is open and `off` once none is; a facilitator's `paused` it never overwrites.
SCHEDULES_VARIABLE = "GLOW_SCHEDULES"
SCHEDULES_SET_BY_SETUP = frozenset({"on", "off"})

# The labels the admin repository's issue forms (admin-roster/.github/ISSUE_TEMPLATE/) add:
# GitHub adds a form's label only where the label exists, so setup makes them (name: colour,
# description). tests/test_setup_decide.py holds this equal to what the forms name.
ADMIN_LABELS: Mapping[str, tuple[str, str]] = {
    "course-brief": ("1d76db", "A course brief: glow author plan turns it into a plan"),
}


@dataclass(frozen=True)
class Names:
    """The organisation and the names of what GLOW keeps there."""

    org: str
    workshop: str = "workshop"
    admin: str = "admin"
    template: str = "learning-room-template"
    team: str = "facilitators"

    def repo(self, role: Role) -> str:
        return {"workshop": self.workshop, "admin": self.admin, "template": self.template}[role]

    def full(self, role: Role) -> str:
        return f"{self.org}/{self.repo(role)}"


@dataclass(frozen=True)
class RepoState:
    """One repository as GitHub shows it; ``exists`` False for a repository not made yet."""

    exists: bool
    private: bool = True
    is_template: bool = False
    empty: bool = True  # no branch at all: nothing was ever pushed
    archived: bool = False


@dataclass(frozen=True)
class Installation:
    id: int
    app_slug: str
    permissions: Mapping[str, str]
    repository_selection: str = "all"


@dataclass(frozen=True)
class Team:
    slug: str
    members: frozenset[str] = frozenset()
    # role -> the team's permission there (pull, triage, push, maintain, admin); absent: none
    access: Mapping[Role, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One write setup makes: ``kind`` is what (create-repo, push, variable, ...)."""

    kind: str
    target: str
    detail: str
    scope: str = ""  # a variable's: the organisation's login, or a repository's owner/name


@dataclass(frozen=True)
class HumanStep:
    """What only a person can do, and the page where they do it."""

    what: str
    where: str
    kind: Literal["app", "secret"] = "app"


@dataclass(frozen=True)
class Finding:
    """Something wrong that setup does not change by itself, and how to fix it."""

    what: str
    fix: str
    kind: Literal["app", "repo"] = "repo"


def web_url(api_url: str) -> str:
    """The web address of the GitHub an API root belongs to: api.github.com is github.com,
    GitHub Enterprise Server (and the local GitHub) serve the API under /api/v3."""
    parts = urlsplit(api_url.rstrip("/"))
    if parts.netloc == "api.github.com":
        return "https://github.com"
    path = parts.path
    for suffix in ("/api/v3", "/api"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    return f"{parts.scheme}://{parts.netloc}{path}"


def glow_install(web: str, names: Names, head: str) -> str:
    """The GLOW_INSTALL value: the workshop repository at one full commit."""
    return f"git+{web}/{names.full('workshop')}@{head}"


def wanted_variables(
    names: Names,
    web: str,
    *,
    workshop_head: str | None,
    installation_id: int | None,
    facilitators: Iterable[str],
    cohort_open: bool,
) -> dict[str, str]:
    """The variables the workflows read, with the values this setup gives them.
    A value not known yet (the workshop not pushed, the App not installed) is left out: the
    next run of setup sets it."""
    wanted = {
        "ADMIN_ROSTER_REPO": names.full("admin"),
        "LEARNING_ROOM_TEMPLATE_REPO": names.full("template"),
        "GLOW_ROOMS_OWNER": names.org,
        "GLOW_FACILITATORS": " ".join(f"@{login.lstrip('@')}" for login in facilitators),
        SCHEDULES_VARIABLE: "on" if cohort_open else "off",
    }
    if workshop_head:
        wanted["GLOW_INSTALL"] = glow_install(web, names, workshop_head)
    if installation_id is not None:
        wanted["PROVISIONING_APP_INSTALLATION_ID"] = str(installation_id)
    return wanted


VariableScope = Literal["org", "workshop", "admin"]
# Where each scope's workflows and actions live in this project: the variables they read are
# the ones setup writes there. A Learning Room reads the organisation's (made from a template,
# it has no variables of its own; on GitHub Free they do not reach a private repository, so
# provisioning also writes what a room needs into the room: `.glow/learner.yml`).
VARIABLE_SOURCES: Mapping[VariableScope, tuple[str, ...]] = {
    "org": ("learning-room-template/.github",),
    "workshop": (".github/workflows", "actions"),
    "admin": ("admin-roster/.github/workflows", "admin-roster/actions"),
}


def read_names(texts: Iterable[str]) -> set[str]:
    """The ``vars.NAME`` a set of workflow and action files read."""
    import re

    return {m for text in texts for m in re.findall(r"\bvars\.([A-Z][A-Z0-9_]*)", text)}


def scoped_variables(
    wanted: Mapping[str, str], read_by: Mapping[VariableScope, set[str]]
) -> dict[VariableScope, dict[str, str]]:
    """Each scope's variables: what setup gives a value, where the workflows there read it."""
    return {
        scope: {name: value for name, value in wanted.items() if name in names}
        for scope, names in read_by.items()
    }


def variable_steps(
    wanted: Mapping[str, str], present: Mapping[str, str], scope: str = ""
) -> list[Step]:
    """A step for each variable missing or different. GLOW_SCHEDULES follows whether a cohort
    is open (`on`, `off`), but a facilitator's `paused` (or any value of theirs) stays."""
    steps = []
    for name, value in sorted(wanted.items()):
        if name not in present:
            steps.append(Step("create-variable", name, value, scope))
        elif present[name] == value:
            continue
        elif name != SCHEDULES_VARIABLE or present[name] in SCHEDULES_SET_BY_SETUP:
            steps.append(Step("update-variable", name, value, scope))
    return steps


def label_steps(
    full_name: str, wanted: Mapping[str, tuple[str, str]], present: Iterable[str]
) -> list[Step]:
    """A step for each label missing from the repository (GitHub matches names ignoring case;
    an existing label's colour and description are the facilitators' to change)."""
    have = {name.lower() for name in present}
    return [Step("create-label", full_name, name) for name in wanted if name.lower() not in have]


def repo_steps(names: Names, role: Role, state: RepoState) -> tuple[list[Step], list[Finding]]:
    """Create the repository (and push its first content) when missing or empty; make the
    template a template. Visibility is never flipped: that is reported."""
    full = names.full(role)
    private = role != "workshop"
    steps: list[Step] = []
    findings: list[Finding] = []
    if not state.exists:
        steps.append(Step("create-repo", full, "public" if not private else "private"))
    elif state.private != private:
        want = "private" if private else "public"
        findings.append(
            Finding(
                f"{full} is {'private' if state.private else 'public'}; GLOW needs it {want}",
                f"change its visibility to {want} in its settings (Danger Zone), "
                "or choose another name with "
                f"--{role}",
            )
        )
    if state.archived:
        findings.append(
            Finding(f"{full} is archived", "unarchive it in its settings, then run again")
        )
    if not state.exists or state.empty:
        steps.append(Step("push", full, f"first content of {ROLE_TITLES[role]}"))
    if role == "template" and not state.is_template:
        steps.append(Step("make-template", full, "mark it as a template repository"))
    return steps, findings


def app_check(
    installations: Iterable[Installation], app_slug: str | None, names: Names, web: str
) -> tuple[Installation | None, list[HumanStep], list[Finding]]:
    """The provisioning App's installation on the organisation, what a person must do when
    there is none, and a finding for each permission more or fewer than seed 003 allows."""
    # Without --app, only an App that may create repositories (administration) can be the
    # provisioning App: another App on the organisation (a bot, an integration) is not.
    found = [
        i
        for i in installations
        if i.app_slug == app_slug or (app_slug is None and "administration" in i.permissions)
    ]
    apps_page = f"{web}/organizations/{names.org}/settings/apps"
    if not found:
        wanted = ", ".join(f"{k}: {v}" for k, v in APP_PERMISSIONS.items())
        return (
            None,
            [
                HumanStep(
                    "Create the provisioning GitHub App (no webhook; repository permissions "
                    f"{wanted}; nothing else), then install it on {names.org} "
                    "for all repositories",
                    f"{apps_page}/new",
                )
            ],
            [],
        )
    if len(found) > 1:
        slugs = ", ".join(sorted(i.app_slug for i in found))
        return (
            None,
            [],
            [
                Finding(
                    f"several Apps are installed on {names.org} ({slugs})",
                    "name one with --app SLUG",
                    "app",
                )
            ],
        )
    inst = found[0]
    findings = []
    extra = {k: v for k, v in inst.permissions.items() if APP_PERMISSIONS.get(k) != v}
    missing = {k: v for k, v in APP_PERMISSIONS.items() if inst.permissions.get(k) != v}
    fix_page = f"{apps_page}/{inst.app_slug}/permissions"
    accept = f"{web}/organizations/{names.org}/settings/installations"
    for wrong, verb, said in (
        (extra, "remove", "has permissions GLOW does not need"),
        (missing, "grant", "lacks permissions GLOW needs"),
    ):
        if wrong:
            listed = ", ".join(f"{k}: {v}" for k, v in sorted(wrong.items()))
            findings.append(
                Finding(
                    f"the App {inst.app_slug} {said} ({listed})",
                    f"{verb} them at {fix_page}, then accept the change at {accept}",
                    "app",
                )
            )
    if inst.repository_selection != "all":
        findings.append(
            Finding(
                f"the App {inst.app_slug} is installed on selected repositories only, so it "
                "cannot reach the Learning Rooms it creates",
                "choose All repositories at "
                f"{web}/organizations/{names.org}/settings/installations",
                "app",
            )
        )
    return inst, [], findings


def secret_steps(
    names: Names,
    web: str,
    present: Mapping[Role, frozenset[str]],
    org_wide: Mapping[Role, frozenset[str]],
    *,
    bot_mode: bool,
) -> list[HumanStep]:
    """The secrets still missing, one person's step per repository (values cannot be read or
    written by setup: a person pastes them). ``org_wide``: the organisation's secrets that
    reach each repository."""
    needed = (BOT_SECRET,) if bot_mode else APP_SECRETS
    what_they_are = (
        "a personal access token of the bot account"
        if bot_mode
        else "the App's ID, and the whole private key file it gave you"
    )
    steps = []
    for role in SECRET_ROLES:
        have = present.get(role, frozenset()) | org_wide.get(role, frozenset())
        missing = [s for s in needed if s not in have]
        if missing:
            plural = "s" if len(missing) > 1 else ""
            steps.append(
                HumanStep(
                    f"Add the secret{plural} {' and '.join(missing)} to {names.full(role)} "
                    f"({what_they_are})",
                    f"{web}/{names.full(role)}/settings/secrets/actions",
                    "secret",
                )
            )
    return steps


def team_steps(names: Names, team: Team | None, facilitators: Iterable[str]) -> list[Step]:
    """The facilitators' team, its members and its access to the three repositories."""
    steps = []
    if team is None:
        steps.append(Step("create-team", names.team, "the facilitators' team"))
    members = team.members if team else frozenset()
    for login in sorted({f.lstrip("@").lower() for f in facilitators}):
        if login not in {m.lower() for m in members}:
            steps.append(Step("add-member", names.team, login))
    access = team.access if team else {}
    for role in ROLES:
        if access.get(role) != TEAM_PERMISSIONS[role]:
            steps.append(Step("grant-team", names.full(role), TEAM_PERMISSIONS[role]))
    return steps
