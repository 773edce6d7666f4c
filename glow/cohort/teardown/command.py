"""Archive a cohort's Learning Rooms after the workshop. A dry run unless you add --apply.

Lists every room of the cohort (from the roster in the admin repository) and what would happen
to it. With --apply, and --confirm repeating the cohort id, archives each room: it becomes
read-only and stays readable, nothing is deleted, and an owner can unarchive it in the room's
Settings. One line per room (archived, already-archived, missing or error) goes to
`teardown/<cohort>.jsonl` in the admin repository, in one commit. Archived rooms are left
alone, so a second --apply writes nothing. Exits non-zero when any room could not be archived.

Runs inside GitHub Actions on a workflow dispatch (the Teardown workflow); any other event is
logged and ignored (exit 0). Run by hand, it does the same."""

from __future__ import annotations

import argparse

from glow.cohort.cli_support import SETTINGS_HELP

EPILOG = (
    """examples:
  glow teardown --cohort 2026-12                             dry run: list the rooms
  glow teardown --cohort 2026-12 --apply --confirm 2026-12   archive them, write the log

"""
    + SETTINGS_HELP
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", metavar="ID", required=True, help="the cohort to tear down")
    parser.add_argument(
        "--apply", action="store_true", help="archive the rooms (without it: a dry run)"
    )
    parser.add_argument(
        "--confirm", metavar="ID", help="the cohort id again, typed to confirm --apply"
    )


def run(args: argparse.Namespace) -> int:
    from glow.bot.run import run as run_routes
    from glow.cohort.teardown.handlers import router, tear_down

    return run_routes("teardown", router, args, by_hand=tear_down)
