"""The watchdog's handlers, on one router: the schedule, a facilitator's dispatch and a
`watchdog` repository dispatch all run the same check of every learner and repository (a
facilitator at a terminal runs it too). Rooms and the template are read through the run's context
with the provisioning credential; the alerts are written with the job token when the run has one
for the admin repository (``admin.issues_repo``); workflow runs are read with the read-only
WATCHDOG_RUNS_TOKEN, when it is set. What a run found healthy is remembered for the next
(``memory``), which then reads only what changed (``decide.plan_room``)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from glow.bot.context import Context
from glow.bot.router import Router
from glow.cohort.watchdog.events import DISPATCH_TYPES

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.model import Cohort, Learner, LogEntry
    from glow.cohort.observe import Observer, Repos
    from glow.cohort.watchdog.decide import FailedRun, Findings, Problem, RoomMemo, Template
    from glow.cohort.watchdog.memory import Memory
    from glow.cohort.watchdog.read import Reader
    from glow.github import Repo

router: Router[Context] = Router()


@dataclass(frozen=True)
class Limits:
    stall: timedelta
    stuck: timedelta
    runs: timedelta
    full_read: timedelta = timedelta(minutes=60)

    @classmethod
    def from_env(cls) -> Limits:
        from glow.cohort.observe import minutes_setting
        from glow.cohort.progress import DEFAULT_STUCK_MINUTES
        from glow.cohort.watchdog.decide import (
            DEFAULT_FULL_READ_MINUTES,
            DEFAULT_RUN_WINDOW_HOURS,
            DEFAULT_STALL_MINUTES,
        )

        return cls(
            stall=minutes_setting("GLOW_PROVISION_STALL_MINUTES", DEFAULT_STALL_MINUTES),
            stuck=minutes_setting("GLOW_STUCK_MINUTES", DEFAULT_STUCK_MINUTES),
            runs=minutes_setting("GLOW_FAILED_RUN_HOURS", DEFAULT_RUN_WINDOW_HOURS, unit="hours"),
            full_read=minutes_setting("GLOW_WATCHDOG_FULL_READ_MINUTES", DEFAULT_FULL_READ_MINUTES),
        )


@router.register("schedule")
@router.register("workflow_dispatch")
@router.register("repository_dispatch", *DISPATCH_TYPES)
def watch(ctx: Context) -> int:
    """Every cohort (or --cohort), and without --cohort the repositories' workflow runs: raise,
    update and close alerts; exit 1 when something could not be checked (said on stderr)."""
    from glow.cohort.admin import issues_repo
    from glow.cohort.cli_support import named_cohort
    from glow.cohort.observe import Observer, Repos, web_url
    from glow.cohort.runbooks import workshop_of
    from glow.cohort.settings import CohortSettings
    from glow.cohort.watchdog.board import publish
    from glow.cohort.watchdog.copy import RUNS_OFF
    from glow.cohort.watchdog.decide import Findings
    from glow.cohort.watchdog.memory import load as load_memory
    from glow.cohort.watchdog.read import Reader, runs_client
    from glow.github import RequestCounts

    args = ctx.args
    settings = CohortSettings.from_env(need_template=False, credentials=True)
    admin = ctx.admin
    cohorts = admin.cohorts()
    chosen = [named_cohort(cohorts, args.cohort)] if args.cohort else list(cohorts.cohorts)
    now = args.now or datetime.now(UTC)
    limits = Limits.from_env()
    repos = Repos(admin.repo.gh, pacer=admin.repo.pacer)  # the rooms, on the run's one client
    repos.add(admin.repo)
    runs_gh = runs_client(settings.api_url)
    runs = Repos(ctx.enter(runs_gh)) if runs_gh is not None else None
    reader = Reader(repos, settings.template_repo.strip(), runs)
    found = Findings()
    observer = Observer(repos)
    memory = load_memory()
    workshops: set[str] = set()
    for cohort in chosen:
        workshops |= check_cohort(
            admin, reader, observer, cohort, found, now=now, limits=limits, memory=memory
        )
    if not args.cohort:
        check_repositories(reader, sorted(workshops | {admin.repo.full_name}), found, now, limits)
    found.failures += reader.unchecked
    notices = notify_rooms(repos, reader, found, dry_run=args.dry_run)
    board = issues_repo(ctx, admin)
    changed = publish(
        board,
        found,
        chosen,
        full=not args.cohort,
        now=now,
        dry_run=args.dry_run,
        server=web_url(settings.api_url),
        workshop=workshop_of(sorted(workshops)),
    )
    counts = repos.totals()
    for other in (reader.runs, board_repos(board, admin)):
        if other is not None:
            more = other.totals()
            counts = RequestCounts(counts.requests + more.requests, counts.writes + more.writes)
    if reader.runs is None:
        print(RUNS_OFF)
    if not args.dry_run:
        if not args.cohort:
            memory.forget_unchecked()
        memory.save(now)
    verb = "would change" if args.dry_run else "changed"
    print(
        f"Watchdog: {len(found.problems)} problem(s) open; {verb} {changed} alert(s); "
        f"{notices} room notice(s); {counts.requests} requests ({counts.writes} writes)."
    )
    for line in found.failures:
        print(f"glow watchdog: not checked: {line}", file=sys.stderr)
    return 1 if found.failures else 0


def board_repos(board: Repo, admin: AdminRepo) -> Repos | None:
    """The job token's adapter, counted apart (None when the alerts go through the admin
    repository's own adapter, already counted)."""
    from glow.cohort.observe import Repos

    if board is admin.repo:
        return None
    counted = Repos(board.gh)
    counted.add(board)
    return counted


def notify_rooms(repos: Repos, reader: Reader, found: Findings, *, dry_run: bool) -> int:
    """A blameless notice in each room on the thing a failed, unhealed room.yml run was about
    (``rooms``); a room that cannot be read is named as not checked."""
    from glow.cohort.watchdog.rooms import failed_room_runs, post_room_notices
    from glow.errors import GitHubError

    posted = 0
    for full_name, runs in sorted(reader.raw_runs.items()):
        if not failed_room_runs(runs):
            continue
        try:
            posted += post_room_notices(repos.get(full_name), runs, dry_run=dry_run)
        except GitHubError as exc:
            found.failures.append(f"run notices in {full_name}: {exc}")
    return posted


def check_cohort(
    admin: AdminRepo,
    reader: Reader,
    observer: Observer,
    cohort: Cohort,
    found: Findings,
    *,
    now: datetime,
    limits: Limits,
    memory: Memory,
) -> set[str]:
    """Every enrolled learner of the cohort; the registration repositories they used.

    A room found healthy before is read in full (``decide.full_reads``) when due, its tree when
    the listing shows a push since, its runs when it shows activity since; the memory is
    brought up to date with what this run found."""
    from glow.cohort.watchdog.decide import ANY_KIND, RUNS_KIND, full_reads
    from glow.errors import GitHubError

    roster = admin.roster(cohort.id)
    learners = sorted(roster.enrolled(), key=lambda learner: learner.key)
    needs_log = any(lrn.provision_state == "failed" or not cohort.template_sha for lrn in learners)
    log = admin.log(cohort.id) if learners and needs_log else []
    with_rooms = [lrn for lrn in learners if lrn.provision_state in ("provisioned", "healed")]
    template = reader.template(cohort, log) if with_rooms else None
    rooms = {
        str(lrn.learning_room_repo).lower(): lrn.key for lrn in with_rooms if lrn.learning_room_repo
    }
    fulls = full_reads(
        memory.rooms, rooms, now=now, every=limits.full_read, last_run=memory.last_run
    )
    memory.checked |= set(rooms)
    for learner in learners:
        room = (learner.learning_room_repo or "").lower()
        try:
            problems, runs_read, memo = check_learner(
                learner,
                reader,
                observer,
                template,
                log,
                now=now,
                limits=limits,
                memo=memory.rooms.get(room),
                full=room in fulls,
            )
        except GitHubError as exc:
            found.skipped.add((cohort.id, learner.key, ANY_KIND))
            found.failures.append(f"{learner.github_handle} (cohort {cohort.id}): {exc}")
            memory.rooms.pop(room, None)
            continue
        found.problems += problems
        if not runs_read:
            found.skipped.add((cohort.id, learner.key, RUNS_KIND))
        if room and memo is not None:
            memory.rooms[room] = memo
        elif room:
            memory.rooms.pop(room, None)
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
    memo: RoomMemo | None = None,
    full: bool = True,
) -> tuple[list[Problem], bool, RoomMemo | None]:
    """The learner's problems, whether the room's workflow runs were read (a learner without a
    room has none to read), and what to remember of the room (None: nothing)."""
    from glow.cohort.progress import derive
    from glow.cohort.watchdog.decide import (
        plan_room,
        provisioning_problems,
        remember,
        room_activity,
        room_problems,
        runs_clean,
        runs_known,
        runs_problem,
        stuck_problem,
        tree_stamp,
    )

    errors = [e for e in log if e.github_handle.lower() == learner.key and e.result == "error"]
    last_error = max(errors, key=lambda entry: entry.attempt_at) if errors else None
    found = provisioning_problems(learner, last_error, now=now, stall_after=limits.stall)
    if learner.provision_state not in ("provisioned", "healed"):
        return found, True, None
    listed = reader.listed_room(learner)
    tree = tree_stamp(listed, template)
    plan = plan_room(memo, learner.key, full=full, tree=tree)
    health = reader.room_health(learner, template, listed, plan)
    found += room_problems(learner, health, template)
    if not health.exists or health.archived:
        return found, True, None
    seen = observer.observe(learner)
    progress = derive(
        learner,
        seen.room_issues,
        seen.comments,
        labels=seen.labels,
        now=now,
        threshold=limits.stuck,
    )
    activity = room_activity(listed, seen.room_issues)
    clean_at: str | None = ""
    if reader.runs is not None and runs_known(memo, plan, activity):
        runs: tuple[FailedRun, ...] | None = ()
        clean_at = None
    else:
        runs = reader.failed_runs(health.repo, now=now, window=limits.runs)
        raw = reader.raw_runs.get(health.repo, [])
        if runs is not None and runs_clean(raw, runs, activity=activity, now=now):
            clean_at = activity
    found += [
        problem
        for problem in (
            stuck_problem(learner, progress, limits.stuck),
            runs_problem(learner.cohort_id, learner.key, health.repo, runs or ()),
        )
        if problem is not None
    ]
    kept = remember(memo, learner.key, health, plan, now=now, tree=tree, activity=clean_at)
    return found, runs is not None, kept


def check_repositories(
    reader: Reader, names: list[str], found: Findings, now: datetime, limits: Limits
) -> None:
    """Failed runs in the workshop and admin repositories (alerts scoped to ``all``)."""
    from glow.cohort.watchdog.decide import REPO_SCOPE, RUNS_KIND, runs_problem, scope_key

    for name in names:
        runs = reader.failed_runs(name, now=now, window=limits.runs)
        if runs is None:
            found.skipped.add((REPO_SCOPE, scope_key(name), RUNS_KIND))
        elif problem := runs_problem(REPO_SCOPE, name, name, runs):
            found.problems.append(problem)
