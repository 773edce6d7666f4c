"""Post the Day 2 link once to each learner who finished Day 1, and record it in the roster.

For every enrolled learner of each open cohort (or of --cohort), reads the registration issue:
a learner who commented `day1-complete` (or "Day 1 complete"), whose issue a facilitator
labelled `day1-complete`, or whose path is day2-only gets ONE comment with the cohort's
day2_url and the label `day2-released`; the roster records the release in one commit per cohort.
A learner already released (label or comment present, or recorded in the roster) gets nothing,
so a re-run writes nothing. A cohort without a day2_url posts nothing and fails the run with a
line saying what to set."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from glow.cohort.cli_support import SETTINGS_HELP

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.day2 import LearnerPlan
    from glow.cohort.model import Cohort, Learner
    from glow.github import Repo

EPILOG = (
    """examples:
  glow day2-release --cohort 2026-12 --dry-run   who would get the Day 2 link; changes nothing
  glow day2-release --cohort 2026-12             post it once and record it in the roster
  glow day2-release                              every open cohort (what the schedule runs)

"""
    + SETTINGS_HELP
    + """  GITHUB_TOKEN        comments and labels on the public registration issues
"""
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cohort", metavar="ID", help="only this cohort (default: every open cohort)"
    )
    parser.add_argument(
        "--issue",
        type=int,
        metavar="NUMBER",
        help="only the learner whose registration issue is NUMBER (in GITHUB_REPOSITORY)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print who would be released; change nothing"
    )


@dataclass
class Report:
    released: list[str] = field(default_factory=list)
    recorded: list[str] = field(default_factory=list)
    waiting: int = 0
    failures: list[str] = field(default_factory=list)


class IssueRepos:
    """One ``Repo`` per registration repository, and its labels ensured once per run."""

    def __init__(self, gh: Any) -> None:
        self.gh = gh
        self._repos: dict[str, Repo] = {}
        self._labelled: set[str] = set()

    def get(self, full_name: str) -> Repo:
        from glow.github import Repo

        key = full_name.lower()
        if key not in self._repos:
            owner, name = full_name.split("/", 1)
            self._repos[key] = Repo(self.gh, owner, name)
        return self._repos[key]

    def ensure_labels(self, full_name: str) -> None:
        from glow.cohort.day2 import LABELS

        if full_name.lower() in self._labelled:
            return
        repo = self.get(full_name)
        for name, (color, description) in LABELS.items():
            repo.ensure_label(name, color, description)
        self._labelled.add(full_name.lower())


def run(args: argparse.Namespace) -> int:
    from glow.bot.actions import add_summary, log, set_output
    from glow.cohort.cli_support import named_cohort, open_admin
    from glow.github import client_from_env

    _, admin = open_admin()
    cohorts = admin.cohorts()
    if args.cohort:
        chosen = [named_cohort(cohorts, args.cohort)]
    else:
        chosen = [cohort for cohort in cohorts.cohorts if cohort.open]
    if not chosen:
        log("glow day2-release: no open cohort in cohorts.json, nothing to do")
        return 0
    issues = IssueRepos(client_from_env(auth="token"))
    report = Report()
    for cohort in chosen:
        release_cohort(admin, issues, cohort, report, dry_run=args.dry_run, only=args.issue)
    verb = "would release" if args.dry_run else "released"
    summary = (
        f"Day 2 release: {verb} {len(report.released)}; {len(report.recorded)} already "
        f"released, now recorded in the roster; {report.waiting} not finished Day 1 yet; "
        f"{len(report.failures)} problem(s)."
    )
    print(summary)
    set_output("released", str(len(report.released)))
    add_summary("\n".join([f"### {summary}", *(f"- {line}" for line in report.failures)]))
    for line in report.failures:
        print(f"glow day2-release: {line}", file=sys.stderr)
    return 1 if report.failures else 0


def _selected(learner: Learner, only: int | None) -> bool:
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
    from glow.cohort.day2 import link_problem, needs_check

    roster = admin.roster(cohort.id)
    learners = sorted(
        (lrn for lrn in roster.enrolled() if needs_check(lrn) and _selected(lrn, only)),
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
            print(f"would release @{plan.handle}: {plan.repo}#{plan.issue} ({_why(plan)})")
            report.released.append(plan.handle)
        for plan in to_record:
            print(f"would record @{plan.handle}: already released on {plan.repo}#{plan.issue}")
            report.recorded.append(plan.handle)
        return
    done = post_releases(issues, cohort, to_release, report)
    report.recorded += [plan.handle for plan in to_record]
    record(admin, cohort, [*done, *to_record])


def ensure_labels(issues: IssueRepos, learners: list[Learner], report: Report) -> None:
    """Our labels exist where learners registered, so a facilitator can pick `day1-complete`
    from the label menu (the manual fallback) before anyone is released."""
    from glow.errors import GitHubError

    for full_name in sorted({learner.registration_repo for learner in learners}):
        try:
            issues.ensure_labels(full_name)
        except GitHubError as exc:
            report.failures.append(f"labels in {full_name} could not be checked: {exc}")


def read_plans(issues: IssueRepos, learners: list[Learner], report: Report) -> list[LearnerPlan]:
    """Each learner's plan, from a few listings per registration repository (its registration
    issues, and every comment since the earliest of these learners registered) instead of two
    requests per learner: a run is cheap enough to check every learner, so whichever run of a
    burst the concurrency group keeps answers everyone who spoke before it started."""
    from glow.cohort.day2 import ISSUE_MISSING, IssueView, plan_learner
    from glow.errors import GitHubError

    plans = []
    by_repo: dict[str, list[Learner]] = {}
    for learner in learners:
        by_repo.setdefault(learner.registration_repo, []).append(learner)
    for full_name, group in sorted(by_repo.items()):
        try:
            repo = issues.get(full_name)
            found, comments = _registration_state(repo, group)
            bot = repo.login()
        except GitHubError as exc:
            report.failures += [
                f"@{lrn.github_handle}: could not read {full_name}#{lrn.registration_issue}: {exc}"
                for lrn in group
            ]
            continue
        for learner in group:
            issue = found.get(learner.registration_issue)
            if issue is None:
                where = f"{full_name}#{learner.registration_issue}"
                report.failures.append(
                    ISSUE_MISSING.format(handle=learner.github_handle, where=where)
                )
                continue
            view = IssueView.from_api(issue, comments.get(learner.registration_issue, []), bot=bot)
            plans.append(plan_learner(learner, view))
    return plans


def _registration_state(
    repo: Repo, learners: list[Learner]
) -> tuple[dict[int, dict[str, Any]], dict[int, list[dict[str, Any]]]]:
    """(issue by number, comments by issue number) for these learners' registration issues."""
    wanted = {learner.registration_issue for learner in learners}
    listing = {"labels": "registration", "state": "all", "per_page": 100}
    found = {
        int(i["number"]): i
        for i in repo.paginate(repo.url("issues"), listing)
        if i["number"] in wanted
    }
    for number in sorted(wanted - set(found)):  # a label removed by hand: read it directly
        issue = repo.get_json(repo.url("issues", number))
        if issue is not None:
            found[number] = issue
    since = min(learner.registered_at for learner in learners)
    query = {"since": since.strftime("%Y-%m-%dT%H:%M:%SZ"), "per_page": 100}
    comments: dict[int, list[dict[str, Any]]] = {}
    for comment in repo.paginate(repo.url("issues", "comments"), query):
        number = int(str(comment.get("issue_url") or "").rsplit("/", 1)[-1] or 0)
        if number in wanted:
            comments.setdefault(number, []).append(comment)
    return found, comments


def post_releases(
    issues: IssueRepos, cohort: Cohort, plans: list[LearnerPlan], report: Report
) -> list[LearnerPlan]:
    """Post the comment and the label for each plan; the ones that fully succeeded."""
    from glow.cohort.day2 import COMMENT_KEY, LABEL_RELEASED, POST_FAILED, release_comment
    from glow.errors import GitHubError

    done = []
    for plan in plans:
        try:
            repo = issues.get(plan.repo)
            repo.upsert_comment(plan.issue, COMMENT_KEY, release_comment(cohort))
            repo.set_labels_diff(plan.issue, add=[LABEL_RELEASED])
        except GitHubError as exc:
            where = f"{plan.repo}#{plan.issue}"
            report.failures.append(POST_FAILED.format(handle=plan.handle, where=where, error=exc))
            continue
        print(f"released @{plan.handle}: {plan.repo}#{plan.issue} ({_why(plan)})")
        report.released.append(plan.handle)
        done.append(plan)
    return done


def record(admin: AdminRepo, cohort: Cohort, plans: list[LearnerPlan]) -> None:
    """One roster commit for the cohort; none at all when there is nothing to record."""
    from glow.cohort.cli_support import now
    from glow.cohort.day2 import record_releases

    if not plans:
        return
    at = now()
    handles = ", ".join(f"@{plan.handle}" for plan in plans)
    admin.update(
        cohort.id,
        lambda roster: (record_releases(roster, plans, at), []),
        f"Day 2 release, cohort {cohort.id}: {handles}",
    )


def _why(plan: LearnerPlan) -> str:
    reason = plan.evidence.reason if plan.evidence else None
    return {
        "comment": "said day1-complete",
        "label": "day1-complete label",
        "day2-only": "day2-only path",
    }.get(reason or "", "released by hand")
