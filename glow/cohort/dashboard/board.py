"""The dashboard's issues in the admin repository, found by their hidden markers
(``glow.cohort.marked_issues``): the learners' status issues first, then each cohort's summary,
which links to them by number. Only what differs is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glow.cohort.dashboard.decide import Plan
    from glow.cohort.marked_issues import Change, Existing, IssueBoard


def publish(
    board: IssueBoard,
    plan: Plan,
    existing: list[Existing] | None = None,
    *,
    server: str,
    dry_run: bool,
    say: Callable[[str], None],
) -> int:
    """Learners' issues first, then each cohort's summary (which links to them by number).
    ``existing``: the board's issues as the run listed them (listed here when not given)."""
    from glow.cohort.dashboard.copy import (
        closed_note,
        learner_issue,
        managed_label,
        summary_issue,
    )
    from glow.cohort.marked_issues import plan as plan_issues

    if existing is None:
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
    where = board.repo.full_name
    wanted = [
        summary_issue(p.cohort.id, p.rows, p.roster, numbers, server=server, board=where)
        for p in plan.cohorts
    ]
    changes = plan_issues(
        wanted, summaries, in_scope=lambda _: False, managed=managed_label, close_note=str
    )
    more, _ = carry_out(board, changes, plan, dry_run=dry_run, say=say)
    return done + more


def _number(issue: Existing) -> int:
    return issue.number


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
    from glow.cohort.dashboard.copy import LABELS
    from glow.cohort.marked_issues import describe, used_labels
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
