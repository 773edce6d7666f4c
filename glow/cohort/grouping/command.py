"""Pair the enrolled learners of a cohort for peer review, stable across re-runs.

Reads the cohort's roster and its groups file in the admin repository, keeps every existing
pair, pairs new learners among themselves (a trio when the count is odd), re-pairs anyone
whose partner left, and writes `groups/<cohort>.json` (the record) and `groups/<cohort>.md`
(a numbered list, easy to read with a screen reader) in one commit. Nothing is written when
the groups are unchanged; the same input always gives the same groups.

Runs inside GitHub Actions on a workflow dispatch (the Student grouping workflow); any other
event is logged and ignored (exit 0). Run by hand, it groups the same way."""

from __future__ import annotations

import argparse

from glow.cohort.cli_support import SETTINGS_HELP

EPILOG = (
    """examples:
  glow group --cohort 2026-12 --dry-run   show the groups and what would change; write nothing
  glow group --cohort 2026-12             write groups/2026-12.json and groups/2026-12.md

"""
    + SETTINGS_HELP
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", metavar="ID", required=True, help="the cohort to group")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the groups and the changes; write nothing"
    )


def run(args: argparse.Namespace) -> int:
    from glow.bot.run import run as run_routes
    from glow.cohort.grouping.handlers import group_cohort, router

    return run_routes("group", router, args, by_hand=group_cohort)
