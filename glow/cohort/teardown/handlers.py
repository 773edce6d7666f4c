"""Teardown's handlers, on one router: a facilitator's dispatch of the Teardown workflow
archives the cohort its input names (the composite action passes --cohort, and --apply with
--confirm only when both inputs say so). Run by hand, the command does the same. The admin
repository and every room go through the run's one provisioning client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from glow.bot.context import Context
from glow.bot.router import Router
from glow.cohort.teardown.copy import NEEDS_CONFIRM, NO_LEARNERS

if TYPE_CHECKING:
    from glow.cohort.teardown.decide import Outcome

router: Router[Context] = Router()


@router.register("workflow_dispatch")
def tear_down(ctx: Context) -> int:
    """List every room of the cohort; with --apply (confirmed) archive each and log the news.
    Exits 1 when any room could not be archived."""
    from glow.cohort.settings import CohortSettings
    from glow.cohort.teardown.decide import rooms_of, summary
    from glow.cohort.teardown.rooms import handle_room
    from glow.cohort.teardown.store import write_log
    from glow.errors import GlowError

    args = ctx.args
    cohort_id = args.cohort.strip().lower()
    if args.apply and (args.confirm or "").strip().lower() != cohort_id:
        raise GlowError(NEEDS_CONFIRM.format(cohort=cohort_id))
    settings = CohortSettings.from_env(need_template=False, credentials=True)
    admin = ctx.admin
    roster = admin.roster(cohort_id)
    if not roster.learners:
        raise GlowError(NO_LEARNERS.format(cohort=cohort_id, admin=settings.admin_repo))
    outcomes: list[Outcome] = []
    pending = 0
    for room in rooms_of(roster, settings.rooms_owner):
        repo = ctx.repo(room.repo, auth="provisioning")
        outcome = handle_room(repo, room, apply=args.apply)
        if outcome is None:
            pending += 1
        else:
            outcomes.append(outcome)
    if args.apply:
        write_log(admin, cohort_id, outcomes, settings.run_id)
    print(summary(cohort_id, outcomes, pending=pending, apply=args.apply))
    return 1 if any(o.result == "error" for o in outcomes) else 0
