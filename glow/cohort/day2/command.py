"""Post the Day 2 link once to each learner who finished Day 1, and record it in the roster.

For every enrolled learner of each open cohort (or of --cohort), reads the registration issue:
a learner who commented `day1-complete` (or "Day 1 complete"), whose issue a facilitator
labelled `day1-complete`, or whose path is day2-only gets ONE comment with the cohort's
day2_url and the label `day2-released`; the roster records the release in one commit per cohort.
A learner already released (label or comment present, or recorded in the roster) gets nothing,
so a re-run writes nothing. A cohort without a day2_url posts nothing and fails the run with a
line saying what to set."""

from __future__ import annotations

import argparse

from glow.cohort.cli_support import SETTINGS_HELP

EPILOG = (
    """examples:
  glow day2-release --cohort 2026-12 --dry-run   who would get the Day 2 link; changes nothing
  glow day2-release --cohort 2026-12             post it once and record it in the roster
  glow day2-release                              every open cohort (what the schedule runs)

"""
    + SETTINGS_HELP
    + """  GITHUB_TOKEN        comments and labels on the public registration issues
"""
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cohort", metavar="ID", help="only this cohort (default: every open cohort)"
    )
    parser.add_argument(
        "--issue",
        type=int,
        metavar="NUMBER",
        help="only the learner whose registration issue is NUMBER (in GITHUB_REPOSITORY)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print who would be released; change nothing"
    )


def run(args: argparse.Namespace) -> int:
    from glow.bot.run import run as run_routes
    from glow.cohort.day2.handlers import release, router

    return run_routes("day2-release", router, args, by_hand=release)
