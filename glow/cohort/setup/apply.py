"""`glow setup` carried out: read the organisation, decide (``decide.py``), write, and say
what was done and what is left for a person. Idempotent: a second run on a complete
organisation reads and writes nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glow.cohort.setup.content import variables_read
from glow.cohort.setup.decide import (
    ADMIN_LABELS,
    ROLES,
    Finding,
    HumanStep,
    Names,
    Role,
    Step,
    VariableScope,
    app_check,
    label_steps,
    repo_steps,
    scoped_variables,
    secret_steps,
    team_steps,
    variable_steps,
    wanted_variables,
    web_url,
)

if TYPE_CHECKING:
    from githubkit import GitHub

    from glow.cohort.setup.org import Org


@dataclass(frozen=True)
class SetupOptions:
    names: Names
    root: Path  # this project: the sources of the three repositories
    cohort_id: str
    cohort_title: str = "First cohort"
    facilitators: tuple[str, ...] = ()  # logins; none: the token's owner
    app_slug: str | None = None  # the provisioning App; None: the one App installed
    dry_run: bool = False
    ghes: bool = False  # write the GitHub Enterprise Server variant of the workflows
    cohorts_json: str | None = None  # the admin repository's first cohorts.json (default: one)

    def first_cohorts(self) -> str:
        from glow.cohort.setup.content import first_cohort

        return self.cohorts_json or first_cohort(self.cohort_id, self.cohort_title)


@dataclass
class SetupReport:
    org: str
    done: list[Step] = field(default_factory=list)
    left: list[HumanStep] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    writes: int = 0
    installation_id: int | None = None
    dry_run: bool = False
    # What setup read on the way, for the go-live gate to judge without reading again: the
    # admin repository's cohorts.json (None: not there), the template files out of step, the
    # organisation's plan.
    cohorts_text: str | None = None
    template_changes: int = 0
    plan: str | None = None

    @property
    def complete(self) -> bool:
        return not self.left and not self.problems

    def as_json(self) -> dict[str, Any]:
        return {
            "org": self.org,
            "complete": self.complete,
            "dry_run": self.dry_run,
            "writes": self.writes,
            "done": [
                {"kind": s.kind, "target": s.target, "detail": s.detail, "scope": s.scope}
                for s in self.done
            ],
            "left": [{"what": h.what, "where": h.where} for h in self.left],
            "problems": [{"what": f.what, "fix": f.fix} for f in self.problems],
            "installation_id": self.installation_id,
        }


def run_setup(
    gh: GitHub[Any],
    token: str,
    api_url: str,
    options: SetupOptions,
    say: Callable[[str], None] = lambda line: None,
) -> SetupReport:
    """Create or check everything GLOW needs in ``options.names.org``; ``say`` hears progress."""
    from glow.cohort.setup.org import Org

    names = options.names
    org = Org(gh, names)
    web = web_url(api_url)
    report = SetupReport(org=names.org, dry_run=options.dry_run, plan=org.plan())
    login = org.login()
    # Whom help requests mention: those named with --facilitator; without it, whoever the
    # variable names already (co-facilitators are kept), or the token's owner at first.
    facilitators = options.facilitators or (login,)

    def act(step: Step, carry_out: Callable[[], object]) -> None:
        report.done.append(step)
        if not options.dry_run:
            say(f"{step.kind}: {step.target}")
            carry_out()

    states = org.repo_states()
    for role, state in states.items():
        steps, findings = repo_steps(names, role, state)
        report.problems.extend(findings)
        for step in steps:
            act(step, _writer(org, role, step, token, web, login, options))
        if state.exists and not state.empty:
            _check_content(org, role, options, report, act, web)

    # The labels the admin repository's issue forms add (a new repository has none yet).
    admin_labels = org.labels("admin")
    for step in label_steps(names.full("admin"), ADMIN_LABELS, admin_labels):
        color, description = ADMIN_LABELS[step.detail]
        act(step, _label_writer(org, step.detail, color, description))

    installation, person, findings = app_check(org.installations(), options.app_slug, names, web)
    report.left.extend(person)
    report.problems.extend(findings)
    report.installation_id = installation.id if installation else None

    head = None if options.dry_run and not states["workshop"].exists else org.head("workshop")
    present = {scope: org.variables(scope) for scope in ("org", "workshop", "admin")}
    wanted = wanted_variables(
        names,
        web,
        workshop_head=head,
        installation_id=report.installation_id,
        facilitators=facilitators,
        # A new admin repository, or one without cohorts.json, gets the first cohort.
        cohort_open=cohort_open(
            options.first_cohorts() if report.cohorts_text is None else report.cohorts_text
        ),
    )
    if not options.facilitators and any("GLOW_FACILITATORS" in p for p in present.values()):
        del wanted["GLOW_FACILITATORS"]
    scoped = scoped_variables(wanted, variables_read(options.root))
    for scope, values in scoped.items():
        where = names.org if scope == "org" else names.full(scope)
        for step in variable_steps(values, present[scope], where):
            act(step, _variable_writer(org, scope, step))

    team = org.team(tuple(options.facilitators))
    # The person who creates a team is its maintainer already (GitHub adds them).
    members = tuple(
        f for f in options.facilitators if team or f.lstrip("@").lower() != login.lower()
    )
    for step in team_steps(names, team, members):
        act(step, _team_writer(org, step))

    secrets: dict[Role, frozenset[str]] = {
        role: org.secrets(role) for role in ("workshop", "admin") if _exists(org, role, report)
    }
    modes = {present[scope].get("PROVISIONING_MODE", "").strip() for scope in present}
    bot_mode = "actions-bot" in modes
    # An organisation's secrets reach a private repository only on a paid plan.
    paid = report.plan != "free"
    shared = org.org_secrets()
    org_wide = {role: shared if role == "workshop" or paid else frozenset() for role in secrets}
    report.left.extend(secret_steps(names, web, secrets, org_wide, bot_mode=bot_mode))
    report.writes = org.writes
    return report


def _exists(org: Org, role: Role, report: SetupReport) -> bool:
    """Whether ``role``'s repository exists now (a dry run may only have planned it)."""
    planned = any(s.kind == "create-repo" and s.target == org.names.full(role) for s in report.done)
    return not (report.dry_run and planned)


def _writer(
    org: Org, role: Role, step: Step, token: str, web: str, login: str, options: SetupOptions
) -> Callable[[], object]:
    if step.kind == "create-repo":
        return lambda: org.create_repo(role)
    if step.kind == "make-template":
        return lambda: org.make_template(role)
    return lambda: _push(org, role, token, web, login, options)


def _variable_writer(org: Org, scope: VariableScope, step: Step) -> Callable[[], object]:
    exists = step.kind == "update-variable"
    return lambda: org.set_variable(scope, step.target, step.detail, exists=exists)


def _label_writer(org: Org, name: str, color: str, description: str) -> Callable[[], object]:
    return lambda: org.create_label("admin", name, color, description)


def _team_writer(org: Org, step: Step) -> Callable[[], object]:
    if step.kind == "create-team":
        return org.create_team
    if step.kind == "add-member":
        return lambda: org.add_member(step.detail)
    role = next(r for r in ROLES if org.names.full(r) == step.target)
    return lambda: org.grant_team(role, step.detail)


def _push(org: Org, role: Role, token: str, web: str, login: str, options: SetupOptions) -> None:
    from glow.cohort.setup.content import (
        admin_source,
        push_tree,
        staged,
        workshop_source,
    )

    root = options.root
    if role == "workshop":
        source = workshop_source(root, f"{web}/{org.names.full('workshop')}")
    elif role == "admin":
        source = admin_source(root, options.first_cohorts())
    else:
        source = staged(root / "learning-room-template", {})
    try:
        if options.ghes:
            _ghes_variant(source)
        push_tree(web, token, org.names.full(role), source, author=login)
    finally:
        shutil.rmtree(source, ignore_errors=True)
    org.api.counts.writes += 1  # the push is one write, made outside the REST client


def _ghes_text(path: str, text: str) -> str:
    """A file as setup writes it for GitHub Enterprise Server: workflows and composite actions
    with ``uses: ./path`` for ``uses: $/path``; anything else unchanged."""
    from glow.cohort.golive.ghes import ghes_variant

    parts = path.split("/")
    # glow/harness/room/ holds the project workflow a learner package ships into a room.
    room_workflow = parts[:3] == ["glow", "harness", "room"]
    if path.endswith(".yml") and (".github" in parts or parts[-1] == "action.yml" or room_workflow):
        return ghes_variant(text)
    return text


def _ghes_variant(folder: Path) -> None:
    """Rewrite the workflows and composite actions under ``folder`` for GitHub Enterprise
    Server (``_ghes_text``)."""
    for path in sorted(folder.rglob("*.yml")):
        text = path.read_text(encoding="utf-8")
        variant = _ghes_text(path.relative_to(folder).as_posix(), text)
        if variant != text:
            path.write_text(variant, encoding="utf-8")


def _check_content(
    org: Org,
    role: Role,
    options: SetupOptions,
    report: SetupReport,
    act: Callable[[Step, Callable[[], object]], None],
    web: str,
) -> None:
    """An existing repository's content: the template kept in step with this project's
    learning-room-template/ (as `glow template sync` does), the admin repository's
    cohorts.json present and valid."""
    from glow.github.files import read_file

    repo = org.repo(role)
    if role == "workshop":
        from glow.cohort.setup.content import CONTACT_FILE, CONTACT_PLACEHOLDER, with_contact_link

        found = read_file(repo, CONTACT_FILE)
        if found is not None and CONTACT_PLACEHOLDER in found.text:
            url = f"{web}/{repo.full_name}"
            step = Step("contact-link", repo.full_name, url)
            act(
                step,
                lambda: repo.write_file(
                    CONTACT_FILE,
                    lambda old: with_contact_link(old or "", url),
                    "The registration form's contact link points at this repository (glow setup)",
                ),
            )
    elif role == "template":
        from glow.cohort.template.decide import plan_sync, validate
        from glow.cohort.template.files import read_source, template_files

        texts = read_source(options.root / "learning-room-template")
        if validate(texts):
            return
        if options.ghes:
            texts = {path: _ghes_text(path, text) for path, text in texts.items()}
        branch, existing = template_files(repo)
        plan = plan_sync(texts, existing, delete=False)
        report.template_changes = len(plan.files)
        if not plan.empty:
            step = Step(
                "sync-template", repo.full_name, f"{len(plan.files)} file(s) brought in step"
            )
            act(
                step,
                lambda: repo.commit_files(
                    plan.files, "Sync from learning-room-template (glow setup)", branch=branch
                ),
            )
    elif role == "admin":
        from glow.cohort.model import Cohorts

        found = read_file(repo, "cohorts.json")
        if found is None:
            text = options.first_cohorts()
            step = Step(
                "write-cohorts", repo.full_name, f"cohorts.json with the cohort {options.cohort_id}"
            )
            act(
                step,
                lambda: repo.write_file(
                    "cohorts.json", lambda _old: text, "A first cohort (glow setup)"
                ),
            )
            return
        report.cohorts_text = found.text
        try:
            Cohorts.model_validate_json(found.text)
        except ValueError as exc:
            first = str(exc).splitlines()[0]
            report.problems.append(
                Finding(
                    f"cohorts.json in {repo.full_name} is not valid ({first})",
                    "fix it in the admin repository (admin-roster/README.md shows the shape)",
                )
            )


def cohort_open(cohorts_text: str) -> bool:
    """Whether a cohorts.json has an open cohort (not when it is not valid)."""
    from glow.cohort.model import Cohorts

    try:
        return any(c.open for c in Cohorts.model_validate_json(cohorts_text).cohorts)
    except ValueError:
        return False
