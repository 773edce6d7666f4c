"""Create and heal learners' Learning Rooms from the template, learner by learner, and record
every outcome in the admin repository's roster and provisioning log.

Visits enrolled learners whose provisioning is pending or failed (--verify: every enrolled
learner; --heal-flagged: also those the watchdog has an open alert for). For each: generate the
room from the template if it does not exist, restore missing required files in one commit,
invite the learner, seed challenge 1 once. Idempotent on (github_handle, cohort_id): running
again resumes, never makes a second room, and writes nothing when every room is healthy. A
pre-flight check runs before any room is created.

Paced by GitHub's write limits (about 80 content-creating requests a minute and 500 an hour; a
new room takes 3): rooms are started while GitHub copies the template into earlier ones; a
batch larger than the hour allows waits, saying when it will finish, and pauses at 5.5 hours.

Runs inside GitHub Actions on the Provisioning workflow's events (a `provision` repository
dispatch, a workflow dispatch, the schedule); any other event is logged and ignored (exit 0).
Run by hand, it runs the same batch."""

from __future__ import annotations

import argparse

from glow.cohort.provisioning.copy import EPILOG as EPILOG


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", metavar="ID", help="one cohort (default: every open cohort)")
    parser.add_argument(
        "--learner", metavar="HANDLE", help="only this learner, whatever their state"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the plan (after pre-flight); change nothing"
    )
    parser.add_argument(
        "--check-auth",
        action="store_true",
        help="mint the token, read the template and the admin repository, print what the "
        "credentials can do; change nothing",
    )
    parser.add_argument(
        "--verify", action="store_true", help="re-check provisioned learners' rooms too, and heal"
    )
    parser.add_argument(
        "--heal-flagged",
        action="store_true",
        help="also re-check and heal the rooms the watchdog has an open alert for (a missing "
        "room, the learner's access, changed required files): what the hourly schedule runs",
    )
    parser.add_argument(
        "--allow-empty-required-set",
        action="store_true",
        help="accept a template with no .github/workflows/ or .github/ISSUE_TEMPLATE/ files",
    )


def run(args: argparse.Namespace) -> int:
    from glow.bot.run import run as run_routes
    from glow.cohort.provisioning.handlers import provision_batch, router

    return run_routes("provision", router, args, by_hand=provision_batch)
