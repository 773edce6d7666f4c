"""What the dashboard keeps in the private admin repository's rosters: each learner's status,
signals and private intake, as derived (one commit per cohort, only where something changed,
re-applied to the latest roster when another commit lands first)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.dashboard.decide import Plan, Row
    from glow.cohort.model import LogEntry, Roster


def record(admin: AdminRepo, plan: Plan, *, dry_run: bool, say: Callable[[str], None]) -> int:
    """Each cohort's roster gets the status and signals the dashboard derived, in one commit
    per cohort, only where something changed (re-applied to the latest roster)."""
    from glow.cohort.dashboard.decide import record_progress

    changed = 0
    for part in plan.cohorts:
        if record_progress(part.roster, part.rows) == part.roster:
            continue
        if dry_run:
            say(f"would record status and signals in roster/{part.cohort.id}.json")
        else:
            rows = part.rows

            def change(roster: Roster, rows: list[Row] = rows) -> tuple[Roster, list[LogEntry]]:
                return record_progress(roster, rows), []

            admin.update(
                part.cohort.id, change, f"Dashboard: status and signals of cohort {part.cohort.id}"
            )
            say(f"recorded status and signals in roster/{part.cohort.id}.json")
        changed += 1
    return changed
