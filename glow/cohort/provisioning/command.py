"""Create and heal learners' Learning Rooms from the template, one learner at a time, and record
every outcome in the admin repository's roster and provisioning log (seed 003, section 7.2b).

Visits enrolled learners whose provisioning is pending or failed (--verify: every enrolled
learner). For each: generate the room from the template if it does not exist, restore missing
required files (.github/workflows/, .github/ISSUE_TEMPLATE/) in one commit, invite the learner,
seed challenge 1 once. Idempotent on (github_handle, cohort_id): running again resumes, never
makes a second room, and writes nothing when every room is healthy. A pre-flight check runs
before any room is created.

Runs inside GitHub Actions on the Provision workflow's events (a `provision` repository
dispatch, a workflow dispatch, the schedule); any other event is logged and ignored (exit 0).
Run by hand, it runs the same batch."""

from __future__ import annotations

import argparse

EPILOG = """examples:
  glow provision --check-auth                     can these credentials provision? (no changes)
  glow provision --dry-run                        what would happen for every open cohort
  glow provision --cohort 2026-12                 provision pending and failed learners
  glow provision --cohort 2026-12 --verify        also re-check provisioned rooms and heal them
  glow provision --cohort 2026-12 --learner ada   check and heal one learner's room

progress goes to stderr, one line per learner:
  [3/10] ada: created learning-room-2026-12-ada, invited, challenge 1 seeded

settings (environment):
  ADMIN_ROSTER_REPO            owner/name of the private admin repository (roster and log)
  LEARNING_ROOM_TEMPLATE_REPO  owner/name of the Learning Room template
  PROVISIONING_MODE            github-app (default) or actions-bot
  PROVISIONING_APP_ID, PROVISIONING_APP_PRIVATE_KEY   the provisioning App (github-app mode)
  PROVISIONING_TOKEN           a fine-grained token (actions-bot mode)
  GLOW_ROOMS_OWNER             where rooms are created (default: the template's owner)
  GLOW_PROVISION_DELAY         seconds between learners (default 1; 0 on the local GitHub)
  GITHUB_API_URL               the GitHub API (default https://api.github.com)

exit status: 0 when every visited learner is provisioned; 1 when a learner failed, the batch
stopped or the pre-flight failed (the message says what to do); 2 when a setting is missing.
Manual fallback and recovery: docs/runbooks/provisioning.md
"""


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
        "--allow-empty-required-set",
        action="store_true",
        help="accept a template with no .github/workflows/ or .github/ISSUE_TEMPLATE/ files",
    )


def run(args: argparse.Namespace) -> int:
    from glow.bot.run import run as run_routes
    from glow.cohort.provisioning.handlers import provision_batch, router

    return run_routes("provision", router, args, by_hand=provision_batch)
