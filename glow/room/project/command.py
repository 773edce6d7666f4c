"""Run a Learning Room's project checks: on a push (any branch but practice/*) or a dispatch,
each deliverable's visible checks run on the checkout in the process sandbox (bubblewrap) and
one scorecard per deliverable is upserted on its issue (the issue is opened when missing); a
learner's `/submit` comment on a deliverable's issue records the submitted commit for the
hidden checks, which the workshop's admin side runs later.

Run by the room's project workflow (.github/workflows/project.yml, shipped with a project's
learner package) with the job's own token. A room without .coursegen/project.yml is left
alone. Re-running on the same commit writes nothing when no verdict changed."""

from __future__ import annotations

import argparse

EPILOG = """examples:
  GITHUB_EVENT_NAME=push GITHUB_EVENT_PATH=event.json glow project --checkout .
      check a recorded push the way the room's workflow does
  glow project --dry-run  (with the same variables) run the checks and print; write nothing

settings (environment):
  GITHUB_TOKEN            the job token of the room (issues: write)
  GITHUB_REPOSITORY       the room, OWNER/NAME
  GITHUB_WORKSPACE        the room's checkout, unless --checkout names it
  GITHUB_SHA              the commit a dispatch checks, and the default branch's head a
                          /submit records
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="decide and print; write nothing")
    parser.add_argument(
        "--checkout",
        metavar="PATH",
        help="the room's checkout (default: GITHUB_WORKSPACE, else the current folder)",
    )


def run(args: argparse.Namespace) -> int:
    from glow.bot.run import run as run_routes
    from glow.room.project.handlers import router

    return run_routes("project", router, args, remember_reads=True)
