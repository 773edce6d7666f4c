"""The go-live gate carried out: a dry run of `glow setup` (so "setup complete" means what
setup means), the template against this project, every required workflow, the cohorts, the
API budget and the Actions minutes; each read once, each judged in ``decide.py``."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glow.cohort.golive.decide import (
    Check,
    api_budget_check,
    cohorts_check,
    minutes_check,
    setup_checks,
    template_check,
    workflow_check,
)

if TYPE_CHECKING:
    from githubkit import GitHub

    from glow.cohort.setup.apply import SetupOptions
    from glow.cohort.setup.org import Org

# What each plan includes for private repositories, a month (github-behaviour: billing).
PLAN_MINUTES = {"free": 2000, "team": 3000}
SAMPLE_LEARNERS = 30  # the cohort the README's figure is for


@dataclass
class GateReport:
    org: str
    checks: list[Check] = field(default_factory=list)
    minutes_for_learners: int = 0
    learners: int = 0
    minutes_30_learners: int = 0

    @property
    def passed(self) -> bool:
        return all(c.ok for c in self.checks)

    def as_json(self) -> dict[str, Any]:
        return {
            "org": self.org,
            "result": "pass" if self.passed else "fail",
            "checks": [
                {"name": c.name, "status": c.status, "detail": c.detail, "fix": c.fix}
                for c in self.checks
            ],
            "actions_minutes_per_month": self.minutes_for_learners,
            "learners": self.learners,
            "actions_minutes_per_month_30_learners": self.minutes_30_learners,
        }


def required_workflows(root: Path, options: SetupOptions) -> dict[str, list[str]]:
    """Repository -> the workflow files GLOW needs there: those this project ships for it."""
    names = options.names
    sources = {
        names.full("workshop"): root / ".github" / "workflows",
        names.full("admin"): root / "admin-roster" / ".github" / "workflows",
        names.full("template"): root / "learning-room-template" / ".github" / "workflows",
    }
    return {
        repo: sorted(f".github/workflows/{p.name}" for p in folder.glob("*.yml"))
        for repo, folder in sources.items()
    }


def workflow_states(org: Org, repos: list[str]) -> dict[str, dict[str, str]]:
    from glow.github import Repo, split_full_name

    states: dict[str, dict[str, str]] = {}
    for full in repos:
        owner, name = split_full_name(full)
        repo = Repo(org.gh, owner, name, pacer=org.api.pacer)
        found = repo.get_json(repo.url("actions", "workflows"), {"per_page": 100})
        states[full] = {str(w["path"]): str(w["state"]) for w in (found or {}).get("workflows", [])}
    return states


def run_gate(
    gh: GitHub[Any],
    token: str,
    api_url: str,
    options: SetupOptions,
    *,
    smoke_token: str | None = None,
    smoke_timeout: float = 600.0,
) -> GateReport:
    from dataclasses import replace

    from glow.cohort.golive.minutes import estimate
    from glow.cohort.model import Cohorts
    from glow.cohort.provisioning.pace import CREATES_PER_ROOM
    from glow.cohort.setup.apply import run_setup
    from glow.cohort.setup.decide import web_url
    from glow.cohort.setup.org import Org
    from glow.cohort.template.decide import validate
    from glow.cohort.template.files import read_source

    root = options.root
    report = GateReport(org=options.names.org)
    setup = run_setup(gh, token, api_url, replace(options, dry_run=True))
    report.checks.extend(setup_checks(setup.done, setup.left, setup.problems, options.names.org))

    problems = validate(read_source(root / "learning-room-template"))
    report.checks.append(template_check(setup.template_changes, problems))

    org = Org(gh, options.names)
    required = required_workflows(root, options)
    report.checks.append(
        workflow_check(required, workflow_states(org, list(required)), web_url(api_url))
    )

    cohorts: Cohorts | None
    try:
        found = setup.cohorts_text
        cohorts = Cohorts() if found is None else Cohorts.model_validate_json(found)
    except ValueError as exc:
        first = str(exc).splitlines()[0]
        report.checks.append(
            Check(
                "Cohorts",
                "fail",
                f"cohorts.json in the admin repository is not valid ({first})",
                "fix it as the admin repository's README shows, then run glow golive again",
            )
        )
        cohorts = None
    open_cohorts = [c for c in cohorts.cohorts if c.open] if cohorts else []
    capacity = sum(c.capacity for c in open_cohorts)
    if cohorts is not None:
        report.checks.append(cohorts_check([c.id for c in open_cohorts], capacity))

    limits = org.api.get_json("rate_limit") or {}
    core = (limits.get("resources") or {}).get("core") or limits.get("rate") or {}
    report.checks.append(
        api_budget_check(core.get("remaining"), core.get("limit"), capacity, CREATES_PER_ROOM)
    )

    plan = setup.plan
    included = PLAN_MINUTES.get(plan, PLAN_MINUTES["team"]) if plan else None
    report.learners = capacity
    report.minutes_for_learners = estimate(root, capacity).total
    report.minutes_30_learners = estimate(root, SAMPLE_LEARNERS).total
    report.checks.append(
        minutes_check(
            report.minutes_for_learners, capacity, included, plan.title() if plan else None
        )
    )
    if smoke_token is not None:
        report.checks.append(
            live_smoke(org, api_url, smoke_token, report, open_cohorts, smoke_timeout)
        )
    return report


def live_smoke(
    org: Org,
    api_url: str,
    token: str,
    report: GateReport,
    open_cohorts: list[Any],
    timeout: float,
) -> Check:
    """The live smoke test, only once every other check passed (it registers for real)."""
    from glow.cohort.golive.smoke import NAME, smoke_test
    from glow.cohort.setup.decide import web_url
    from glow.github import Repo, token_client

    if not report.passed or not open_cohorts:
        return Check(NAME, "fail", "not run: fix the failed checks first", "run glow golive again")
    names = org.names
    learner = Repo(token_client(token, api_url), names.org, names.workshop)
    return smoke_test(
        org.repo("workshop"),
        learner,
        names,
        open_cohorts[0].id,
        web_url(api_url),
        timeout=timeout,
    )


def gate_by_hand(args: argparse.Namespace) -> int:
    """`glow golive` at a terminal: the checklist, or one JSON object."""
    import json
    from dataclasses import replace

    from glow.cohort.golive.copy import (
        FIX,
        HEADLINE_FAIL,
        HEADLINE_PASS,
        LINE,
        MINUTES,
        STATUS_WORDS,
    )
    from glow.cohort.setup.terminal import facilitator_client, options_from

    gh, token, api_url = facilitator_client()
    options = replace(options_from(args), dry_run=True)
    smoke_token = None
    if args.smoke:
        import os

        from glow.errors import ConfigError

        smoke_token = os.environ.get("GLOW_SMOKE_TOKEN", "").strip()
        if not smoke_token:
            raise ConfigError(
                "--smoke needs GLOW_SMOKE_TOKEN: a personal access token (scope public_repo) "
                "of a test GitHub account that is not a facilitator"
            )
    report = run_gate(
        gh, token, api_url, options, smoke_token=smoke_token, smoke_timeout=args.smoke_timeout
    )
    if args.json:
        print(json.dumps(report.as_json(), indent=2))
        return 0 if report.passed else 1
    failed = [c for c in report.checks if not c.ok]
    if failed:
        print(HEADLINE_FAIL.format(org=args.org, failed=len(failed), count=len(report.checks)))
    else:
        print(HEADLINE_PASS.format(org=args.org, count=len(report.checks)))
    for check in report.checks:
        print(LINE.format(status=STATUS_WORDS[check.status], name=check.name, detail=check.detail))
        if check.fix and check.status != "pass":
            print(FIX.format(fix=check.fix))
    print(MINUTES.format(n=SAMPLE_LEARNERS, minutes=report.minutes_30_learners))
    return 0 if report.passed else 1
