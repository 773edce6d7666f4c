"""The go-live checklist, decided: pure functions from what the gate read to one ``Check``
each. A check that fails says what to do, in one sentence a screen reader reads well."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from glow.cohort.setup.decide import Finding, HumanStep, Step

Status = Literal["pass", "fail", "note"]

# Which of setup's steps and findings belong to which check.
SETUP_CHECKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Repositories",
        (
            "create-repo",
            "push",
            "make-template",
            "write-cohorts",
            "contact-link",
            "create-label",
        ),
    ),
    ("Organisation variables", ("create-variable", "update-variable")),
    ("Facilitators' team", ("create-team", "add-member", "grant-team")),
)


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""

    @property
    def ok(self) -> bool:
        return self.status != "fail"


def setup_checks(
    done: Iterable[Step], left: Iterable[HumanStep], problems: Iterable[Finding], org: str = "ORG"
) -> list[Check]:
    """From a dry run of `glow setup`: each part of the setup complete or not, and the App
    and its secrets least-privilege and in place."""
    done, left, problems = list(done), list(left), list(problems)
    checks = []
    for name, kinds in SETUP_CHECKS:
        missing = [s for s in done if s.kind in kinds]
        if missing:
            listed = "; ".join(f"{s.kind} {s.target}" for s in missing[:4])
            checks.append(
                Check(
                    name, "fail", f"setup is not finished: {listed}", f"run glow setup --org {org}"
                )
            )
        else:
            checks.append(Check(name, "pass", "in place"))
    app_problems = [p for p in problems if p.kind == "app"]
    app_left = [h for h in left if h.kind == "app"]
    if app_left:
        checks.append(
            Check(
                "Provisioning App",
                "fail",
                "no App is installed",
                f"{app_left[0].what}: {app_left[0].where}",
            )
        )
    elif app_problems:
        first = app_problems[0]
        checks.append(Check("Provisioning App", "fail", first.what, first.fix))
    else:
        checks.append(
            Check("Provisioning App", "pass", "installed with exactly the permissions GLOW needs")
        )
    secrets = [h for h in left if h.kind == "secret"]
    if secrets:
        checks.append(Check("Secrets", "fail", secrets[0].what, f"add them at {secrets[0].where}"))
    else:
        checks.append(Check("Secrets", "pass", "every secret the workflows read is set"))
    other = [p for p in problems if p not in app_problems]
    for problem in other:
        checks.append(Check("Repositories", "fail", problem.what, problem.fix))
    return checks


def template_check(changes: int, problems: Iterable[str]) -> Check:
    """The template repository against this project's learning-room-template/."""
    problems = list(problems)
    if problems:
        return Check(
            "Learning Room template",
            "fail",
            f"learning-room-template/ is not valid: {problems[0]}",
            "fix the file it names, then run glow template sync",
        )
    if changes:
        return Check(
            "Learning Room template",
            "fail",
            f"the template repository is out of date: {changes} file(s) differ",
            "run glow template sync (or run the Provisioning workflow)",
        )
    return Check("Learning Room template", "pass", "in step with learning-room-template/ and valid")


def workflow_check(
    required: Mapping[str, Iterable[str]], states: Mapping[str, Mapping[str, str]], web: str
) -> Check:
    """Every required workflow (repository -> file paths) present and enabled; ``states`` is
    repository -> path -> GitHub's state (``active``, ``disabled_manually``...)."""
    missing, disabled = [], []
    for repo, paths in required.items():
        for path in paths:
            state = states.get(repo, {}).get(path)
            if state is None:
                missing.append(f"{repo} {path}")
            elif state != "active":
                disabled.append((repo, path))
    if missing:
        return Check(
            "Workflows",
            "fail",
            f"missing: {', '.join(missing)}",
            "run glow setup (a new repository) or glow template sync (the template)",
        )
    if disabled:
        repo, path = disabled[0]
        names = ", ".join(f"{r} {p}" for r, p in disabled)
        return Check(
            "Workflows",
            "fail",
            f"disabled: {names}",
            "enable each on its Actions page, e.g. "
            f"{web}/{repo}/actions/workflows/{path.rsplit('/', 1)[-1]}",
        )
    count = sum(len(list(p)) for p in required.values())
    return Check("Workflows", "pass", f"all {count} present and enabled")


def cohorts_check(open_cohorts: list[str], capacity: int) -> Check:
    if not open_cohorts:
        return Check(
            "Cohorts",
            "fail",
            "no cohort in cohorts.json is open for registration",
            "add one, or set open to true, in the admin repository's cohorts.json",
        )
    return Check(
        "Cohorts", "pass", f"open: {', '.join(open_cohorts)} ({capacity} seats before a waitlist)"
    )


def api_budget_check(
    remaining: int | None, limit: int | None, learners: int, creates_per_room: int
) -> Check:
    """The facilitator's hourly API budget now, and how long the App's content limit (500 an
    hour) makes provisioning ``learners`` rooms."""
    hours = -(-learners * creates_per_room // 400) if learners else 0
    spread = (
        f"provisioning {learners} rooms takes about {max(hours, 1)} hour(s) "
        "of the App's hourly limit"
    )
    if remaining is not None and remaining < 500:
        return Check(
            "API budget",
            "fail",
            f"your token has {remaining} of {limit} requests left this hour; {spread}",
            "wait for the hour to reset (GET /rate_limit says when), then run glow golive again",
        )
    return Check("API budget", "pass", f"{remaining} of {limit} requests left this hour; {spread}")


def minutes_check(total: int, learners: int, included: int | None, plan: str | None) -> Check:
    """The expected Actions minutes a month against the plan's included minutes: over is a
    note (GitHub bills the rest, or stops at the spending limit), not a failure. No plan
    (GitHub Enterprise Server): the minutes are your own runners', only reported."""
    detail = f"about {total:,} minutes a month for {learners} learners"
    if plan is None or included is None:
        return Check("Actions minutes", "pass", f"{detail}, on your own runners")
    detail += f"; the {plan} plan includes {included:,}"
    if total <= included:
        return Check("Actions minutes", "pass", detail)
    return Check(
        "Actions minutes",
        "note",
        detail,
        "lower the cohort's capacity, pause the schedules between cohorts (GLOW_SCHEDULES), "
        "or set a spending limit you accept",
    )
