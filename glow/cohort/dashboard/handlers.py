"""The dashboard's handlers, on one router: the schedule, a facilitator's dispatch and a
`dashboard` repository dispatch all run the same refresh of every learner (a facilitator at a
terminal runs it too). Everything is read and written through the run's context with the
provisioning credential: the admin repository and the learners' private rooms."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from glow.bot.context import Context
from glow.bot.router import Router
from glow.cohort.dashboard.events import DISPATCH_TYPES

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.dashboard.decide import Plan
    from glow.cohort.model import Cohort
    from glow.cohort.observe import Observer

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
    from glow.cohort.cli_support import named_cohort
    from glow.cohort.dashboard.board import publish
    from glow.cohort.dashboard.copy import LABEL
    from glow.cohort.dashboard.store import record
    from glow.cohort.marked_issues import IssueBoard
    from glow.cohort.observe import Observer, Repos, web_url
    from glow.cohort.settings import CohortSettings

    args = ctx.args
    settings = CohortSettings.from_env(need_template=False)
    admin = ctx.admin
    cohorts = admin.cohorts()
    chosen = [named_cohort(cohorts, args.cohort)] if args.cohort else list(cohorts.cohorts)
    if not chosen:
        ctx.log("no cohort in cohorts.json, nothing to do")
        return 0
    repos = Repos(admin.repo.gh, pacer=admin.repo.pacer)  # the rooms, on the run's one client
    repos.add(admin.repo)
    plan = compute(admin, Observer(repos), chosen, now=args.now or datetime.now(UTC))
    if args.json:
        print(json.dumps([row.as_json() for row in plan.rows], indent=2))
    board = IssueBoard(admin.repo, LABEL)
    # With --json, stdout holds only the JSON; the lines about changes go to stderr.
    say = _stderr if args.json else print
    done = publish(board, plan, server=web_url(settings.api_url), dry_run=args.dry_run, say=say)
    rosters = record(admin, plan, dry_run=args.dry_run, say=say)
    counts = repos.totals()
    verb = "would change" if args.dry_run else "changed"
    summary = (
        f"Dashboard: {len(plan.rows)} learners in {len(chosen)} cohort(s); {verb} {done} "
        f"issue(s) and {rosters} roster(s); {counts.requests} requests ({counts.writes} writes)."
    )
    say(summary)
    add_summary("\n".join([f"### {summary}", *(f"- {line}" for line in plan.failures)]))
    for line in plan.failures:
        print(f"glow dashboard: {line}", file=sys.stderr)
    return 1 if plan.failures else 0


def compute(admin: AdminRepo, observer: Observer, cohorts: list[Cohort], *, now: datetime) -> Plan:
    """Read every learner of every cohort and derive their rows (no writes)."""
    from glow.cohort.dashboard.copy import learner_key
    from glow.cohort.dashboard.decide import (
        HELP_LOOK_BACK_HOURS,
        CohortRows,
        Plan,
        on_dashboard,
        row_for,
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
            try:
                seen = observer.observe(learner, room_comments_since=now - look_back)
            except GitHubError as exc:
                plan.skipped.add(learner_key(cohort.id, learner.key))
                plan.failures.append(
                    f"{learner.github_handle} (cohort {cohort.id}) could not be read ({exc}); "
                    "their dashboard issue was left as it was"
                )
                continue
            rows.append(row_for(cohort.id, seen, now=now, threshold=threshold, ack_wait=ack_wait))
        plan.cohorts.append(CohortRows(cohort, roster, rows))
    return plan


def _by_key(learner: Any) -> str:
    return str(learner.key)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)
