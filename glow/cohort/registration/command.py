"""Handle a registration issue event: validate the form, record the learner in the private
roster, label the issue (`enrolled`, `waitlisted`, `needs-info` or `duplicate`) and post the next
steps in one comment that is updated, never duplicated. A newly enrolled learner's Learning Room
is requested at once (a `provision` repository dispatch).

The public form asks only the cohort and the path; accessibility needs and contact details are
asked privately, in the learner's Learning Room. Anything else a learner writes on the public
issue is moved to the private roster and removed from the issue's text (the safety net).

Every run decides from the issue as GitHub has it now, never from the event's copy, so an old
run re-run hours later changes nothing that happened since. Runs of a burst of registrations go
side by side; seats still go in the order learners registered.

Closing a registration withdraws it (label `withdrawn`) when the learner closes it or anyone
closes it as "not planned"; a seat it frees goes to the first learner on the waitlist. Reopening
registers again. A learner's comment starting with `help` gets one answer at once.

Runs inside GitHub Actions on `issues` (opened, edited, reopened, closed) and `issue_comment`
(created) events of the workshop repository. Any other event, and any change made by a bot, is
logged and ignored (exit 0)."""

from __future__ import annotations

import argparse

EPILOG = """examples:
  # show what it would do with a recorded issue event, changing nothing (reads the issue
  # and the admin repo):
  GITHUB_EVENT_NAME=issues GITHUB_EVENT_PATH=event.json glow register --dry-run
  # as the Registration workflow runs it (the job token in GITHUB_TOKEN):
  GITHUB_EVENT_NAME=issues GITHUB_EVENT_PATH=event.json GITHUB_TOKEN=... glow register

settings (environment):
  ADMIN_ROSTER_REPO            owner/name of the private admin repo (cohorts.json, rosters)
  PROVISIONING_MODE            github-app (default) or actions-bot
  PROVISIONING_APP_ID, PROVISIONING_APP_PRIVATE_KEY   the App that writes the admin repo
  PROVISIONING_TOKEN           the token that writes it in actions-bot mode
  GITHUB_TOKEN                 the job token: labels, comments and the public issue
  GLOW_REQUEST_TIMEOUT         seconds one GitHub request may take (default 30)
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the decision (labels, comment) and change nothing",
    )


def run(args: argparse.Namespace) -> int:
    from glow.bot.run import run as run_routes
    from glow.cohort.registration.handlers import router

    return run_routes("register", router, args)
