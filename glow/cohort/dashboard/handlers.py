"""The dashboard's handlers, on one router: the schedule, a facilitator's dispatch and a
`dashboard` repository dispatch all run the same refresh of every learner (a facilitator at a
terminal runs it too). The rooms, the registrations and the rosters are read (and the rosters
written) with the provisioning credential; the dashboard's issues are written with the job's
own token when the Actions run of the admin repository has one (``admin.issues_auth``), so
they never spend the provisioning App's content limits, and with the provisioning credential
otherwise (a facilitator at a terminal)."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from glow.bot.context import Context
from glow.bot.router import Router
from glow.cohort.dashboard.events import DISPATCH_TYPES

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.dashboard.decide import Plan, RoomFacts
    from glow.cohort.dashboard.read import Reader
    from glow.cohort.marked_issues import Existing
    from glow.cohort.model import Cohort

router: Router[Context] = Router()


@router.register("schedule")
@router.register("workflow_dispatch")
@router.register("repository_dispatch", *DISPATCH_TYPES)
def refresh(ctx: Context) -> int:
    """Every cohort (or --cohort): read each learner, write what changed; exit 1 when a learner
    could not be read or an issue not written (each said on stderr)."""
    import json
    from datetime import UTC

    from glow.bot.actions import add_summary
    from glow.cohort.admin import issues_repo
    from glow.cohort.cli_support import named_cohort
    from glow.cohort.dashboard.board import publish
    from glow.cohort.dashboard.copy import LABEL
    from glow.cohort.dashboard.read import Reader
    from glow.cohort.dashboard.store import record
    from glow.cohort.marked_issues import IssueBoard
    from glow.cohort.observe import Repos, web_url
    from glow.cohort.settings import CohortSettings

    args = ctx.args
    settings = CohortSettings.from_env(need_template=False, credentials=True)
    admin = ctx.admin
    cohorts = admin.cohorts()
    chosen = [named_cohort(cohorts, args.cohort)] if args.cohort else list(cohorts.cohorts)
    if not chosen:
        ctx.log("no cohort in cohorts.json, nothing to do")
        return 0
    repos = Repos(admin.repo.gh, pacer=admin.repo.pacer)  # the rooms, on the run's one client
    repos.add(admin.repo)
    board_repo = issues_repo(ctx, admin)
    if board_repo is admin.repo:
        ctx.log("the dashboard's issues are written with the provisioning credential: no job token")
    # Created with the job token (content limits), edited with the App (its hourly budget).
    board = IssueBoard(board_repo, LABEL, editor=admin.repo)
    existing = board.existing()  # the status issues keep what each row took from its room
    reader = Reader(repos)
    now = args.now or datetime.now(UTC)
    plan = compute(admin, reader, chosen, now=now, kept=kept_facts(existing))
    if args.json:
        print(json.dumps([row.as_json() for row in plan.rows], indent=2))
    # With --json, stdout holds only the JSON; the lines about changes go to stderr.
    say = _stderr if args.json else print
    server = web_url(settings.api_url)
    done = publish(board, plan, existing, server=server, dry_run=args.dry_run, say=say)
    rosters = record(admin, plan, dry_run=args.dry_run, say=say)
    counts = repos.totals()
    if board_repo is not admin.repo:
        counts.requests += board_repo.counts.requests
        counts.writes += board_repo.counts.writes
    verb = "would change" if args.dry_run else "changed"
    summary = (
        f"Dashboard: {len(plan.rows)} learners in {len(chosen)} cohort(s); {verb} {done} "
        f"issue(s) and {rosters} roster(s); {counts.requests} requests ({counts.writes} writes); "
        f"{reader.full_reads} Learning Room(s) read in full, the rest unchanged."
    )
    say(summary)
    add_summary("\n".join([f"### {summary}", *(f"- {line}" for line in plan.failures)]))
    for line in plan.failures:
        print(f"glow dashboard: {line}", file=sys.stderr)
    return 1 if plan.failures else 0


def kept_facts(existing: list[Existing]) -> dict[str, RoomFacts]:
    """The room facts each learner's status issue keeps, by the issue's key (of the lowest
    numbered issue of a key: the one ``marked_issues.plan`` keeps)."""
    from glow.cohort.dashboard.decide import facts_of

    kept: dict[str, RoomFacts] = {}
    for issue in sorted(existing, key=lambda i: i.number, reverse=True):
        kept.pop(issue.key, None)
        if (facts := facts_of(issue.body)) is not None:
            kept[issue.key] = facts
    return kept


def compute(
    admin: AdminRepo,
    reader: Reader,
    cohorts: list[Cohort],
    *,
    now: datetime,
    kept: dict[str, RoomFacts] | None = None,
) -> Plan:
    """Read every learner of every cohort and derive their rows (no writes). ``kept``: the
    room facts the status issues keep, by issue key (a room whose listing since then shows
    nothing new is not read again)."""
    from glow.cohort.dashboard.copy import learner_key
    from glow.cohort.dashboard.decide import (
        HELP_LOOK_BACK_HOURS,
        CohortRows,
        Plan,
        due_for_full_read,
        on_dashboard,
        row_from,
        usable,
    )
    from glow.cohort.observe import minutes_setting
    from glow.cohort.progress import DEFAULT_ACK_WAIT_MINUTES, DEFAULT_STUCK_MINUTES
    from glow.errors import GitHubError

    threshold = minutes_setting("GLOW_STUCK_MINUTES", DEFAULT_STUCK_MINUTES)
    ack_wait = minutes_setting("GLOW_ACK_WAIT_MINUTES", DEFAULT_ACK_WAIT_MINUTES)
    look_back = minutes_setting("GLOW_HELP_LOOK_BACK_HOURS", HELP_LOOK_BACK_HOURS, unit="hours")
    plan = Plan()
    for cohort in cohorts:
        roster = admin.roster(cohort.id)
        rows = []
        for learner in sorted(filter(on_dashboard, roster.learners.values()), key=_by_key):
            key = learner_key(cohort.id, learner.key)
            facts = usable((kept or {}).get(key), learner)
            try:
                found = reader.room(
                    learner,
                    facts,
                    comments_since=now - look_back,
                    full=due_for_full_read(key, now),
                )
                comments, labels = reader.registration(learner)
            except GitHubError as exc:
                plan.skipped.add(key)
                plan.failures.append(
                    f"{learner.github_handle} (cohort {cohort.id}) could not be read ({exc}); "
                    "their dashboard issue was left as it was"
                )
                continue
            rows.append(
                row_from(
                    cohort.id,
                    learner,
                    found,
                    comments,
                    labels,
                    now=now,
                    threshold=threshold,
                    ack_wait=ack_wait,
                    help_after=now - look_back,
                )
            )
        plan.cohorts.append(CohortRows(cohort, roster, rows))
    return plan


def _by_key(learner: Any) -> str:
    return str(learner.key)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)
