"""Upsert the facilitator dashboard in the admin repository: one status issue per learner
(`[DASHBOARD] @handle (cohort)`) and one summary issue per cohort.

For every cohort in cohorts.json (or --cohort), reads the roster, each learner's Learning Room
issues and registration comments, derives progress (current challenge, completed, level, Day 1,
last signal, stuck) and writes each learner's issue only when its text or labels changed, so a
re-run on unchanged state writes nothing. Issues are found by a hidden marker on the first line
of their body, never by title. Learners who left the roster get their issue closed with a note.

Credentials: the admin repository is private and the rooms are other private repositories, so
the command reads and writes with the provisioning credential (the App's installation token, or
PROVISIONING_TOKEN in actions-bot mode). The job's GITHUB_TOKEN is never used: it can reach only
the repository its workflow runs in, so every room would look unreadable."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from glow.cohort.cli_support import SETTINGS_HELP

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.dashboard import Row
    from glow.cohort.marked_issues import Change, Existing, IssueBoard
    from glow.cohort.model import Cohort, Roster
    from glow.cohort.observe import Observer

EPILOG = (
    """examples:
  glow dashboard --dry-run                   what would change; writes nothing
  glow dashboard                             every cohort (what the schedule runs)
  glow dashboard --cohort 2026-12 --json     one cohort, and print the computed rows as JSON
  glow dashboard --now 2026-11-23T09:30:00Z  judge "stuck" as of this time (rehearsals)

"""
    + SETTINGS_HELP
    + """  GLOW_STUCK_MINUTES     no activity for this long: a working learner is stuck (default 20)
  GLOW_ACK_WAIT_MINUTES  no ack for this long: nudge the learner (default 1440, one day)
  GITHUB_SERVER_URL      where links point (default: derived from GITHUB_API_URL)

exit status: 0 when every learner was read and written; 1 when some could not be (each named
on stderr; the next run tries again); 2 when a setting is missing.
Manual fallback: docs/runbooks/dashboard-and-watchdog.md
"""
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", metavar="ID", help="only this cohort (default: every cohort)")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the changes it would make; write nothing"
    )
    parser.add_argument(
        "--json", action="store_true", help="print the computed rows as one JSON array"
    )
    parser.add_argument(
        "--now",
        type=parse_now,
        metavar="TIME",
        help="judge as of this UTC time, e.g. 2026-11-23T09:30:00Z (default: now)",
    )


def parse_now(text: str) -> datetime:
    from glow.cohort.progress import parse_time

    found = parse_time(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"not a time: {text!r} (e.g. 2026-11-23T09:30:00Z)")
    return found


@dataclass
class CohortRows:
    cohort: Cohort
    roster: Roster
    rows: list[Row]


@dataclass
class Plan:
    cohorts: list[CohortRows] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)

    @property
    def rows(self) -> list[Row]:
        return [row for part in self.cohorts for row in part.rows]


def run(args: argparse.Namespace) -> int:
    from glow.bot.actions import add_summary, log
    from glow.cohort.cli_support import named_cohort, open_admin
    from glow.cohort.dashboard import LABEL
    from glow.cohort.marked_issues import IssueBoard
    from glow.cohort.observe import Observer, Repos, web_url

    settings, admin = open_admin()
    cohorts = admin.cohorts()
    chosen = [named_cohort(cohorts, args.cohort)] if args.cohort else list(cohorts.cohorts)
    if not chosen:
        log("glow dashboard: no cohort in cohorts.json, nothing to do")
        return 0
    repos = Repos(admin.repo.gh, pacer=admin.repo.pacer)
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
    from glow.cohort.dashboard import learner_key, on_dashboard, row_for
    from glow.cohort.observe import minutes_setting
    from glow.cohort.progress import DEFAULT_ACK_WAIT_MINUTES, DEFAULT_STUCK_MINUTES
    from glow.errors import GitHubError

    threshold = minutes_setting("GLOW_STUCK_MINUTES", DEFAULT_STUCK_MINUTES)
    ack_wait = minutes_setting("GLOW_ACK_WAIT_MINUTES", DEFAULT_ACK_WAIT_MINUTES)
    plan = Plan()
    for cohort in cohorts:
        roster = admin.roster(cohort.id)
        rows = []
        for learner in sorted(filter(on_dashboard, roster.learners.values()), key=_by_key):
            try:
                seen = observer.observe(learner)
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


def record(admin: AdminRepo, plan: Plan, *, dry_run: bool, say: Callable[[str], None]) -> int:
    """Each cohort's roster gets the status and signals the dashboard derived, in one commit
    per cohort, only where something changed (re-applied to the latest roster)."""
    from glow.cohort.dashboard import record_progress

    changed = 0
    for part in plan.cohorts:
        if record_progress(part.roster, part.rows) == part.roster:
            continue
        if dry_run:
            say(f"would record status and signals in roster/{part.cohort.id}.json")
        else:
            admin.update(
                part.cohort.id,
                lambda roster, rows=part.rows: (record_progress(roster, rows), []),
                f"Dashboard: status and signals of cohort {part.cohort.id}",
            )
            say(f"recorded status and signals in roster/{part.cohort.id}.json")
        changed += 1
    return changed


def _by_key(learner: Any) -> str:
    return str(learner.key)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def publish(
    board: IssueBoard, plan: Plan, *, server: str, dry_run: bool, say: Callable[[str], None]
) -> int:
    """Learners' issues first, then each cohort's summary (which links to them by number)."""
    from glow.cohort.dashboard import closed_note, learner_issue, managed_label, summary_issue
    from glow.cohort.marked_issues import plan as plan_issues

    existing = board.existing()
    summaries = [issue for issue in existing if issue.key.endswith(":summary")]
    learners = [issue for issue in existing if not issue.key.endswith(":summary")]
    prefixes = tuple(f"dashboard:{part.cohort.id}:" for part in plan.cohorts)
    changes = plan_issues(
        [learner_issue(row, server=server) for row in plan.rows],
        learners,
        in_scope=lambda key: key.startswith(prefixes) and key not in plan.skipped,
        managed=managed_label,
        close_note=lambda have: closed_note(have.key),
        close_reason="not_planned",
    )
    numbers = {issue.key: issue.number for issue in sorted(learners, key=_number, reverse=True)}
    done, created = carry_out(board, changes, plan, dry_run=dry_run, say=say)
    numbers.update(created)
    wanted = [summary_issue(p.cohort.id, p.rows, p.roster, numbers) for p in plan.cohorts]
    changes = plan_issues(
        wanted, summaries, in_scope=lambda _: False, managed=managed_label, close_note=str
    )
    more, _ = carry_out(board, changes, plan, dry_run=dry_run, say=say)
    return done + more


def _number(issue: Existing) -> int:
    return issue.number


def describe(change: Change) -> str:
    fields = change.fields
    what = {"create": "create", "update": "update", "close": "close"}[change.kind]
    which = f"#{change.number}" if change.number else str(fields.get("title"))
    parts = sorted(set(fields) - {"state_reason"}) if change.kind == "update" else []
    return f"{what} {which} ({change.key})" + (f": {', '.join(parts)}" if parts else "")


def carry_out(
    board: IssueBoard,
    changes: list[Change],
    plan: Plan,
    *,
    dry_run: bool,
    say: Callable[[str], None],
) -> tuple[int, dict[str, int]]:
    """Write each change (a failed one is reported and the rest still go ahead); how many were
    written and the numbers of the issues created, by key."""
    from glow.bot.actions import log
    from glow.cohort.dashboard import LABELS
    from glow.cohort.marked_issues import used_labels
    from glow.errors import GitHubError

    if dry_run:
        for change in changes:
            say("would " + describe(change))
        return len(changes), {}
    if changes:
        board.ensure_labels(LABELS, used_labels(changes))
    done, created = 0, {}
    for change in changes:
        try:
            number = board.apply(change)
        except GitHubError as exc:
            plan.failures.append(f"could not {describe(change)}: {exc}; the next run tries again")
            continue
        if change.kind == "create":
            created[change.key] = number
        log("glow dashboard: " + describe(change), issue=number)
        say(describe(change) if change.number else f"{describe(change)} as #{number}")
        done += 1
    return done, created
