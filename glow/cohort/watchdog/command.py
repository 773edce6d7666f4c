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

Credentials: rooms are read with the provisioning credential (App or PROVISIONING_TOKEN). The
alerts are written with the job token when the run has one for the admin repository (GITHUB_TOKEN
with GITHUB_REPOSITORY the admin repository, as in the workflow), else with the provisioning
credential. Workflow runs are read with WATCHDOG_RUNS_TOKEN, a read-only token with "Actions:
read" (the provisioning App is given no Actions permission, so it cannot read them); without it
the failed-run check is off and the run says so.

Cheap re-runs: with GLOW_WATCHDOG_STATE (a file the workflow keeps in the Actions cache) a run
remembers the rooms it found healthy; the next reads a room's tree again only after a push, its
runs after activity, and the learner's access and the runs at least every
GLOW_WATCHDOG_FULL_READ_MINUTES (60)."""

from __future__ import annotations

import argparse

from glow.cohort.cli_support import add_now_argument
from glow.cohort.watchdog.copy import EPILOG as EPILOG


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", metavar="ID", help="only this cohort (default: every cohort)")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the alerts it would change; write nothing"
    )
    add_now_argument(parser)


def run(args: argparse.Namespace) -> int:
    from glow.bot.run import run as run_routes
    from glow.cohort.watchdog.handlers import router, watch

    return run_routes("watchdog", router, args, by_hand=watch)
