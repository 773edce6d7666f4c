"""Provisioning's handlers, on one router: a `provision` repository dispatch (registration
enrolled a learner), a facilitator's dispatch and the hourly schedule all run the same batch,
with the command's arguments (the composite action turns the workflow's inputs into flags). Run
by hand, the command runs that batch too. The batch goes through the run's one provisioning
client, entered for the whole run."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from glow.bot.context import Context
from glow.bot.router import Router
from glow.cohort.provisioning.copy import (
    CHECK_HEAD,
    CHECK_MODE,
    CHECK_PASSED,
    DRY_RUN,
    NO_OPEN_COHORT,
    NOT_ENROLLED,
    NOTHING_TO_DO,
    PLAN_CHECK,
    PLAN_CREATE,
    PLAN_HEADER,
)
from glow.cohort.provisioning.events import DISPATCH_TYPES

if TYPE_CHECKING:
    from glow.cohort.model import Cohort
    from glow.cohort.provisioning.engine import Provisioner

router: Router[Context] = Router()


@router.register("repository_dispatch", *DISPATCH_TYPES)
@router.register("workflow_dispatch")
@router.register("schedule")
def provision_batch(ctx: Context) -> int:
    """Provision every open cohort (or --cohort): pending and failed learners, or every enrolled
    learner with --verify; --dry-run and --check-auth change nothing."""
    from glow.cohort.provisioning.engine import Provisioner
    from glow.cohort.settings import CohortSettings

    settings = CohortSettings.from_env(credentials=True)  # every missing setting, at once
    return execute(Provisioner(ctx.client("provisioning"), settings), ctx.args)


def execute(engine: Provisioner, args: argparse.Namespace) -> int:
    """The command on a ready engine (tests inject one with a client of their own)."""
    from glow.cohort.provisioning.engine import connected

    with connected(engine.gh):
        cohorts = engine.cohorts(args.cohort)
        if args.check_auth:
            return check_auth(engine, cohorts, args)
        if not cohorts:
            print(NO_OPEN_COHORT)
            return 0
        if args.dry_run:
            return dry_run(engine, cohorts, args)
        return provision(engine, cohorts, args)


def provision(engine: Provisioner, cohorts: list[Cohort], args: argparse.Namespace) -> int:
    from glow.bot.actions import add_summary
    from glow.cohort.provisioning.decide import summary_lines
    from glow.errors import GlowError

    reports = [
        engine.run(
            cohort,
            verify=args.verify,
            learner=args.learner,
            heal_flagged=args.heal_flagged,
            allow_empty=args.allow_empty_required_set,
        )
        for cohort in cohorts
    ]
    if args.learner and not any(report.outcomes for report in reports):
        ids = ", ".join(c.id for c in cohorts)
        raise GlowError(NOT_ENROLLED.format(handle=args.learner, cohorts=ids))
    lines: list[str] = []
    for report in reports:
        if report.template is None and args.learner:
            continue  # the learner is in another cohort
        if report.template is None:
            lines.append(NOTHING_TO_DO.format(cohort=report.cohort_id, enrolled=report.enrolled))
        else:
            lines += summary_lines(report.cohort_id, report.outcomes, report.template)
            lines += [report.paused] if report.paused else []
            lines += [f"Pre-flight: {line}" for line in report.checks]
    print("\n".join(lines))
    add_summary("\n\n".join(lines))
    if any(outcome.changed for report in reports for outcome in report.outcomes):
        refresh_dashboard(engine)
    return 1 if any(report.failed for report in reports) else 0


def refresh_dashboard(engine: Provisioner) -> None:
    """Rooms were made or mended: the facilitators' dashboard is refreshed now (one run of the
    admin repository's Dashboard workflow), not at its next schedule, hours away. A failure
    here costs only freshness: the line says so and the run goes on."""
    from glow.bot.actions import log
    from glow.errors import GlowError

    repo = engine.admin.repo
    try:
        repo.request("POST", repo.url("dispatches"), json={"event_type": "dashboard"})
    except GlowError as exc:
        log(f"glow provision: the dashboard was not refreshed ({exc}); its schedule will")


def dry_run(engine: Provisioner, cohorts: list[Cohort], args: argparse.Namespace) -> int:
    print(DRY_RUN)
    for cohort in cohorts:
        roster, chosen = engine.plan(
            cohort, verify=args.verify, learner=args.learner, heal_flagged=args.heal_flagged
        )
        if not chosen and args.learner:
            continue
        if not chosen:
            print(NOTHING_TO_DO.format(cohort=cohort.id, enrolled=len(roster.enrolled())))
            continue
        _, checks = engine.preflight(cohort, chosen, allow_empty=args.allow_empty_required_set)
        print("\n".join(checks))
        print(
            PLAN_HEADER.format(
                cohort=cohort.id,
                count=len(chosen),
                enrolled=len(roster.enrolled()),
                owner=engine.settings.rooms_owner,
            )
        )
        for index, learner in enumerate(chosen, 1):
            room = engine.room_of(learner)
            line = PLAN_CHECK if engine.exists(room) else PLAN_CREATE
            state = learner.provision_state
            print(line.format(index=index, handle=learner.github_handle, state=state, room=room))
    return 0


def check_auth(engine: Provisioner, cohorts: list[Cohort], args: argparse.Namespace) -> int:
    from glow.cohort.model import Cohort

    settings = engine.settings
    print(CHECK_MODE[settings.mode].format(owner=settings.rooms_owner))
    if not cohorts:
        print(CHECK_HEAD)
        cohorts = [Cohort(id="latest")]
    for cohort in cohorts:
        chosen = engine.plan(cohort)[1] if cohort.id != "latest" else []
        _, checks = engine.preflight(cohort, chosen, allow_empty=args.allow_empty_required_set)
        print("\n".join(checks))
        print(CHECK_PASSED.format(cohort=cohort.id))
    return 0
