"""Upsert the facilitator dashboard in the admin repository: one status issue per learner
(`[DASHBOARD] @handle (cohort)`) and one summary issue per cohort.

For every cohort in cohorts.json (or --cohort), reads the roster, each learner's Learning Room
issues and registration comments, derives progress (current challenge, completed, level, Day 1,
last signal, stuck), finds help requests nobody has answered yet (on the registration issue, or
`help` in any issue or pull request of the learner's room until a facilitator replies there;
the help bot's own answer is no reply), and writes each learner's issue only when its text or
labels changed, so a re-run on unchanged state writes nothing. Issues are found by a hidden
marker on the first line of their body, never by title. Learners who left the roster get their
issue closed with a note.

A re-run reads each unchanged room with one request: each status issue keeps, in a hidden last
line, what its row took from the room and the time of the room's latest update; the room is read
in full when its issues show an update since then, and once a day on its turn.

Credentials: the rooms, the registrations and the rosters are read (and the rosters written) with
the provisioning credential (the App's installation token, or PROVISIONING_TOKEN in actions-bot
mode): the job's GITHUB_TOKEN reaches only the repository its workflow runs in. The dashboard's
issues are written with that job token when the Actions run is the admin repository's and has
one (the workflow's `issues: write`), so they do not spend the App's content limits; from a
terminal, with the provisioning credential."""

from __future__ import annotations

import argparse

from glow.cohort.cli_support import add_now_argument
from glow.cohort.dashboard.copy import EPILOG as EPILOG


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", metavar="ID", help="only this cohort (default: every cohort)")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the changes it would make; write nothing"
    )
    parser.add_argument(
        "--json", action="store_true", help="print the computed rows as one JSON array"
    )
    add_now_argument(parser)


def run(args: argparse.Namespace) -> int:
    from glow.bot.run import run as run_routes
    from glow.cohort.dashboard.handlers import refresh, router

    return run_routes("dashboard", router, args, by_hand=refresh)
