"""What the Day 2 release keeps in the private admin repository: the releases, recorded in the
cohort's roster in one commit (re-applied to the latest roster when another commit lands
first)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.day2.decide import LearnerPlan
    from glow.cohort.model import Cohort


def record(admin: AdminRepo, cohort: Cohort, plans: list[LearnerPlan]) -> None:
    """One roster commit for the cohort; none at all when there is nothing to record."""
    from glow.cohort.admin import update_rosters
    from glow.cohort.cli_support import now
    from glow.cohort.day2.decide import record_releases

    if not plans:
        return
    at = now()
    handles = ", ".join(f"@{plan.handle}" for plan in plans)
    # The roster alone (no log entry): one file through the contents API, quoting its sha.
    update_rosters(
        admin,
        (cohort.id,),
        lambda rosters: {cohort.id: record_releases(rosters[cohort.id], plans, at)},
        f"Day 2 release, cohort {cohort.id}: {handles}",
    )
