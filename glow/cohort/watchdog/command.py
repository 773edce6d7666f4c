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

from glow.cohort.cli_support import SETTINGS_HELP, add_now_argument

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
    add_now_argument(parser)


def run(args: argparse.Namespace) -> int:
    from glow.bot.run import run as run_routes
    from glow.cohort.watchdog.handlers import router, watch

    return run_routes("watchdog", router, args, by_hand=watch)
