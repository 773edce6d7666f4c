"""Keep the Learning Room template repository in step with this project's
`learning-room-template/` folder: template sync and smoke validation, before any provisioning.

`glow template sync` validates the folder first (every workflow must parse with `on:` and
`jobs:`, and every challenge file under challenges/ must parse into one catalogue), then writes
every file that differs into the template repository's default branch as ONE commit through the
git data API. Nothing is written
when the template already matches, or when validation fails. Files in the template that the
folder does not have are kept and listed, unless --delete is given. Text files only.

The Provisioning workflow runs it before every provisioning run, so a cohort's first room (which
pins the cohort's template commit) is made from what the workshop repository holds; inside
GitHub Actions any event but that workflow's is ignored (exit 0)."""

from __future__ import annotations

import argparse
from pathlib import Path

from glow.cohort.template.copy import EPILOG as EPILOG


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    sync = sub.add_parser(
        "sync",
        help="write learning-room-template/ into the template repository (one commit)",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sync.add_argument(
        "--source",
        type=Path,
        default=Path("learning-room-template"),
        help="the folder to sync from (default: learning-room-template)",
    )
    sync.add_argument(
        "--delete",
        action="store_true",
        help="also delete files the template has and the folder does not",
    )
    sync.add_argument(
        "--dry-run", action="store_true", help="print what would change; write nothing"
    )


def run(args: argparse.Namespace) -> int:
    from glow.bot.run import run as run_routes
    from glow.cohort.template.handlers import router, sync_template

    return run_routes("template", router, args, by_hand=sync_template)
