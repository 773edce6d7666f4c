"""Raise and clear alerts in the admin repository: one issue per problem, closed once healed.

Checks every enrolled learner of every cohort (or --cohort) for: provisioning failed, or pending
longer than GLOW_PROVISION_STALL_MINUTES after registration; a provisioned room that is missing
or unreachable, that the learner can neither open nor has an invitation to, or that lacks the
template's workflows at the cohort's pinned commit; no activity for GLOW_STUCK_MINUTES; failed
workflow runs in the room. Without --cohort it also checks failed runs in the registration
(workshop) repositories and the admin repository. Each problem gets ONE alert issue (label
`watchdog`, found by its hidden marker) saying what failed, the retry gesture, the manual
fallback and who owns it; a problem that is gone gets a "healed" comment and its alert closed.
A re-run on unchanged state writes nothing.

Credentials: like `glow dashboard`, the provisioning credential (App or PROVISIONING_TOKEN).
Workflow runs are read with WATCHDOG_RUNS_TOKEN, a read-only token with "Actions: read" (the
provisioning App holds exactly the permissions of seed 003 section 7.2a, which exclude Actions);
without it the failed-run check is off and the run says so."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from glow.cohort.cli_support import SETTINGS_HELP
from glow.cohort.dashboard_cli import parse_now

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.model import Cohort, Learner, LogEntry
    from glow.cohort.observe import Observer, Repos
    from glow.cohort.watchdog import Problem, Template
    from glow.cohort.watchdog_read import Reader

EPILOG = (
    """examples:
  glow watchdog --dry-run                    which alerts it would raise or close
  glow watchdog                              every cohort and repository (what the schedule runs)
  glow watchdog --cohort 2026-12             one cohort's learners only

"""
    + SETTINGS_HELP
    + """  LEARNING_ROOM_TEMPLATE_REPO    the template rooms must match (its workflows)
  GLOW_PROVISION_STALL_MINUTES   pending provisioning counts as stalled after this (default 15)
  GLOW_STUCK_MINUTES             no activity for this long is stuck (default 20)
  GLOW_FAILED_RUN_HOURS          failed runs older than this are history (default 24)
  WATCHDOG_RUNS_TOKEN            read-only token (Actions: read) for failed workflow runs;
                                 unset: that check is off (said on stdout), other checks run

exit status: 0 when every check ran (problems become alerts, not exit codes; a check turned off
by its unset token is said, not failed); 1 when something could not be checked (named on
stderr, its alerts left as they were); 2 when a setting is missing.
Runbook: docs/runbooks/dashboard-and-watchdog.md
"""
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", metavar="ID", help="only this cohort (default: every cohort)")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the alerts it would change; write nothing"
    )
    parser.add_argument(
        "--now",
        type=parse_now,
        metavar="TIME",
        help="judge as of this UTC time, e.g. 2026-11-23T09:30:00Z (default: now)",
    )


@dataclass(frozen=True)
class Limits:
    stall: timedelta
    stuck: timedelta
    runs: timedelta

    @classmethod
    def from_env(cls) -> Limits:
        from glow.cohort.observe import minutes_setting
        from glow.cohort.progress import DEFAULT_STUCK_MINUTES
        from glow.cohort.watchdog import DEFAULT_RUN_WINDOW_HOURS, DEFAULT_STALL_MINUTES

        return cls(
            stall=minutes_setting("GLOW_PROVISION_STALL_MINUTES", DEFAULT_STALL_MINUTES),
            stuck=minutes_setting("GLOW_STUCK_MINUTES", DEFAULT_STUCK_MINUTES),
            runs=minutes_setting("GLOW_FAILED_RUN_HOURS", DEFAULT_RUN_WINDOW_HOURS, unit="hours"),
        )


ANY_KIND = ""
RUNS_KIND = "failed-runs"
RUNS_OFF = (
    "Failed workflow runs: not checked, because WATCHDOG_RUNS_TOKEN is not set (a read-only "
    "token with Actions: read; see docs/runbooks/dashboard-and-watchdog.md)."
)


def runs_repos(api_url: str) -> Repos | None:
    """Repositories as WATCHDOG_RUNS_TOKEN sees them; None when it is unset (the check is off)."""
    import os

    from glow.cohort.observe import Repos
    from glow.github import token_client

    token = os.environ.get("WATCHDOG_RUNS_TOKEN", "").strip()
    return Repos(token_client(token, api_url)) if token else None


@dataclass
class Findings:
    problems: list[Problem] = field(default_factory=list)
    # (cohort, scope, kind) not checked, their alerts left alone; kind ANY_KIND: every kind
    skipped: set[tuple[str, str, str]] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)


def run(args: argparse.Namespace) -> int:
    from glow.cohort.cli_support import named_cohort, open_admin
    from glow.cohort.observe import Observer, Repos
    from glow.cohort.watchdog_read import Reader
    from glow.github import RequestCounts

    settings, admin = open_admin()
    cohorts = admin.cohorts()
    chosen = [named_cohort(cohorts, args.cohort)] if args.cohort else list(cohorts.cohorts)
    now = args.now or datetime.now(UTC)
    limits = Limits.from_env()
    repos = Repos(admin.repo.gh, pacer=admin.repo.pacer)
    repos.add(admin.repo)
    reader = Reader(repos, settings.template_repo.strip(), runs_repos(settings.api_url))
    found = Findings()
    observer = Observer(repos)
    workshops: set[str] = set()
    for cohort in chosen:
        workshops |= check_cohort(admin, reader, observer, cohort, found, now=now, limits=limits)
    if not args.cohort:
        check_repositories(reader, sorted(workshops | {admin.repo.full_name}), found, now, limits)
    found.failures += reader.unchecked
    changed = publish(admin, found, chosen, full=not args.cohort, now=now, dry_run=args.dry_run)
    counts = repos.totals()
    if reader.runs is None:
        print(RUNS_OFF)
    else:
        counts = RequestCounts(counts.requests + reader.runs.totals().requests, counts.writes)
    verb = "would change" if args.dry_run else "changed"
    print(
        f"Watchdog: {len(found.problems)} problem(s) open; {verb} {changed} alert(s); "
        f"{counts.requests} requests ({counts.writes} writes)."
    )
    for line in found.failures:
        print(f"glow watchdog: not checked: {line}", file=sys.stderr)
    return 1 if found.failures else 0


def check_cohort(
    admin: AdminRepo,
    reader: Reader,
    observer: Observer,
    cohort: Cohort,
    found: Findings,
    *,
    now: datetime,
    limits: Limits,
) -> set[str]:
    """Every enrolled learner of the cohort; the registration repositories they used."""
    from glow.errors import GitHubError

    roster = admin.roster(cohort.id)
    learners = sorted(roster.enrolled(), key=lambda learner: learner.key)
    needs_log = any(lrn.provision_state == "failed" or not cohort.template_sha for lrn in learners)
    log = admin.log(cohort.id) if learners and needs_log else []
    with_rooms = [lrn for lrn in learners if lrn.provision_state in ("provisioned", "healed")]
    template = reader.template(cohort, log) if with_rooms else None
    for learner in learners:
        try:
            problems, runs_read = check_learner(
                learner, reader, observer, template, log, now=now, limits=limits
            )
        except GitHubError as exc:
            found.skipped.add((cohort.id, learner.key, ANY_KIND))
            found.failures.append(f"{learner.github_handle} (cohort {cohort.id}): {exc}")
            continue
        found.problems += problems
        if not runs_read:
            found.skipped.add((cohort.id, learner.key, RUNS_KIND))
    return {learner.registration_repo for learner in learners}


def check_learner(
    learner: Learner,
    reader: Reader,
    observer: Observer,
    template: Template | None,
    log: list[LogEntry],
    *,
    now: datetime,
    limits: Limits,
) -> tuple[list[Problem], bool]:
    """The learner's problems, and whether the room's workflow runs were read (a learner
    without a room has none to read)."""
    from glow.cohort.progress import derive
    from glow.cohort.watchdog import (
        provisioning_problems,
        room_problems,
        runs_problem,
        stuck_problem,
    )

    errors = [e for e in log if e.github_handle.lower() == learner.key and e.result == "error"]
    last_error = max(errors, key=lambda entry: entry.attempt_at) if errors else None
    found = provisioning_problems(learner, last_error, now=now, stall_after=limits.stall)
    if learner.provision_state not in ("provisioned", "healed"):
        return found, True
    health = reader.room_health(learner, template)
    found += room_problems(learner, health, template)
    if not health.exists or health.archived:
        return found, True
    seen = observer.observe(learner)
    progress = derive(
        learner,
        seen.room_issues,
        seen.comments,
        labels=seen.labels,
        now=now,
        threshold=limits.stuck,
    )
    runs = reader.failed_runs(health.repo, now=now, window=limits.runs)
    found += [
        problem
        for problem in (
            stuck_problem(learner, progress, limits.stuck),
            runs_problem(learner.cohort_id, learner.key, health.repo, runs or ()),
        )
        if problem is not None
    ]
    return found, runs is not None


def check_repositories(
    reader: Reader, names: list[str], found: Findings, now: datetime, limits: Limits
) -> None:
    """Failed runs in the workshop and admin repositories (alerts scoped to ``all``)."""
    from glow.cohort.watchdog import REPO_SCOPE, runs_problem, scope_key

    for name in names:
        runs = reader.failed_runs(name, now=now, window=limits.runs)
        if runs is None:
            found.skipped.add((REPO_SCOPE, scope_key(name), RUNS_KIND))
        elif problem := runs_problem(REPO_SCOPE, name, name, runs):
            found.problems.append(problem)


def publish(
    admin: AdminRepo,
    found: Findings,
    cohorts: list[Cohort],
    *,
    full: bool,
    now: datetime,
    dry_run: bool,
) -> int:
    """Alerts to match the problems: raise new ones, update changed ones, close healed ones."""
    from glow.cohort.dashboard_cli import describe
    from glow.cohort.marked_issues import IssueBoard, plan, used_labels
    from glow.cohort.watchdog import LABEL, LABELS, REPO_SCOPE, alert, healed_note
    from glow.errors import GitHubError

    ids = {cohort.id for cohort in cohorts} | ({REPO_SCOPE} if full else set())

    def in_scope(key: str) -> bool:
        # watchdog:<kind>:<cohort>:<scope>; an alert whose check did not run is left alone.
        _, kind, cohort, scope = [*key.split(":", 3), "", "", ""][:4]
        skipped = {(cohort, scope, ANY_KIND), (cohort, scope, kind)} & found.skipped
        return cohort in ids and not skipped

    board = IssueBoard(admin.repo, LABEL)
    changes = plan(
        [alert(problem) for problem in found.problems],
        board.existing(),
        in_scope=in_scope,
        managed=lambda name: name.lower() == LABEL,
        close_note=lambda have: healed_note(have.title, now),
    )
    if dry_run:
        for change in changes:
            print("would " + describe(change))
        return len(changes)
    if changes:
        board.ensure_labels(LABELS, used_labels(changes))
    done = 0
    for change in changes:
        try:
            number = board.apply(change)
        except GitHubError as exc:
            found.failures.append(f"could not {describe(change)}: {exc}")
            continue
        print(describe(change) if change.number else f"{describe(change)} as #{number}")
        done += 1
    return done
