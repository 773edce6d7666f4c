"""The Day 2 release's handlers, on one router: the schedule, a facilitator's dispatch and a
learner's comment all run the same release over every learner (a facilitator at a terminal
runs it too). Each decides from GitHub's current state (``decide`` is pure), through the run's
context: the registration issues with the job token, the roster with the provisioning
credential."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from glow.bot.context import Context
from glow.bot.router import Router
from glow.cohort.day2.events import COMMENT_ACTIONS

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.day2.decide import Report
    from glow.cohort.day2.public import IssueRepos
    from glow.cohort.model import Cohort, Learner

router: Router[Context] = Router()


@router.register("schedule")
@router.register("workflow_dispatch")
@router.register("issue_comment", *COMMENT_ACTIONS)
def release(ctx: Context) -> int:
    """Every open cohort (or --cohort): post the link to each learner who finished Day 1, record
    the releases; exit 1 when a learner could not be released (each said on stderr)."""
    import sys

    from glow.bot.actions import add_summary, set_output
    from glow.cohort.cli_support import named_cohort
    from glow.cohort.day2.copy import SUMMARY
    from glow.cohort.day2.decide import Report
    from glow.cohort.day2.public import IssueRepos

    args = ctx.args
    cohorts = ctx.admin.cohorts()
    if args.cohort:
        chosen = [named_cohort(cohorts, args.cohort)]
    else:
        chosen = [cohort for cohort in cohorts.cohorts if cohort.open]
    if not chosen:
        ctx.log("no open cohort in cohorts.json, nothing to do")
        return 0
    ctx.client("token")  # a missing GITHUB_TOKEN is named before any learner is read
    issues = IssueRepos(ctx.repo)
    report = Report()
    for cohort in chosen:
        release_cohort(ctx.admin, issues, cohort, report, dry_run=args.dry_run, only=args.issue)
    summary = SUMMARY.format(
        verb="would release" if args.dry_run else "released",
        released=len(report.released),
        recorded=len(report.recorded),
        waiting=report.waiting,
        problems=len(report.failures),
    )
    print(summary)
    set_output("released", str(len(report.released)))
    add_summary("\n".join([f"### {summary}", *(f"- {line}" for line in report.failures)]))
    for line in report.failures:
        print(f"glow day2-release: {line}", file=sys.stderr)
    return 1 if report.failures else 0


def selected(learner: Learner, only: int | None) -> bool:
    """``--issue``: only the learner whose registration issue it is, in GITHUB_REPOSITORY."""
    if only is None:
        return True
    here = os.environ.get("GITHUB_REPOSITORY", "").lower()
    same_repo = not here or learner.registration_repo.lower() == here
    return same_repo and learner.registration_issue == only


def release_cohort(
    admin: AdminRepo,
    issues: IssueRepos,
    cohort: Cohort,
    report: Report,
    *,
    dry_run: bool,
    only: int | None = None,
) -> None:
    """Read, decide, post and record for one cohort; problems go to ``report.failures``."""
    from glow.cohort.day2.copy import why
    from glow.cohort.day2.decide import link_problem, needs_check
    from glow.cohort.day2.public import ensure_labels, post_releases, read_plans
    from glow.cohort.day2.store import record

    roster = admin.roster(cohort.id)
    learners = sorted(
        (lrn for lrn in roster.enrolled() if needs_check(lrn) and selected(lrn, only)),
        key=lambda lrn: lrn.key,
    )
    if not dry_run:
        ensure_labels(issues, learners, report)
    plans = read_plans(issues, learners, report)
    report.waiting += sum(1 for plan in plans if plan.action == "wait")
    to_release = [plan for plan in plans if plan.action == "release"]
    if problem := link_problem(cohort, to_release):
        report.failures.append(problem)
        to_release = []
    to_record = [plan for plan in plans if plan.action == "record"]
    if dry_run:
        for plan in to_release:
            print(f"would release @{plan.handle}: {plan.repo}#{plan.issue} ({why(plan)})")
            report.released.append(plan.handle)
        for plan in to_record:
            print(f"would record @{plan.handle}: already released on {plan.repo}#{plan.issue}")
            report.recorded.append(plan.handle)
        return
    done = post_releases(issues, cohort, to_release, report)
    report.recorded += [plan.handle for plan in to_record]
    record(admin, cohort, [*done, *to_record])
