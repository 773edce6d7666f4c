"""Grade learners' project submissions with the hidden checks.

A learner submits a deliverable by commenting /submit on its issue in their Learning Room; the
room's bot labels the issue `submitted` and records the commit. This command finds every open
submission with one search of the rooms' organisation, takes the room's files at that commit
(with the provisioning App), runs the deliverable's hidden checks from this admin repository's
`courses/<project id>/hidden/<deliverable>/` in the process sandbox (bubblewrap), and upserts
one verdict per deliverable on the learner's issue: how many hidden checks pass, never their
code. The label then comes off, so a re-run writes nothing. One submission's run has at most
5 minutes, and a run starts no new submission after --max-minutes (the Grade job allows 2
hours), oldest first: the rest keep their label and the next run takes them.

It runs only in the admin repository's job or at a facilitator's terminal: the public workshop
repository's schedule only counts the waiting submissions and dispatches `grade` here.
Settings: ADMIN_ROSTER_REPO and the provisioning credential, as `glow provision` reads them.
"""

from __future__ import annotations

import argparse

from glow.cohort.submissions.copy import EPILOG as EPILOG


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-minutes",
        type=float,
        default=100.0,
        metavar="M",
        help="start no new submission after M minutes; the rest wait for the next run (100)",
    )
    parser.add_argument(
        "--courses",
        default="courses",
        metavar="PATH",
        help="the admin repository's courses folder, with each project's hidden tests (courses)",
    )


def run(args: argparse.Namespace) -> int:
    from glow.bot.run import run as run_routes
    from glow.cohort.submissions.handlers import grade, router

    return run_routes("grade", router, args, by_hand=grade)
