"""Create or check, idempotently, everything GLOW needs in your GitHub organisation.

It makes the public workshop repository (this project), the private admin repository (with a
cohorts.json for a first cohort) and the private Learning Room template; sets the variables
the workflows read; creates the facilitators' team; and checks the provisioning App's
permissions (exactly administration, contents and issues write, metadata read). What only a
person can do comes last, each step with its page. Run it again at any time: it changes only
what is missing. The token: GLOW_PAT, a personal access token of an owner (scopes repo,
workflow, admin:org); GITHUB_API_URL for GitHub Enterprise Server.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from glow.cohort.setup.copy import EPILOG as EPILOG


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--org", required=True, help="the GitHub organisation (its login)")
    parser.add_argument(
        "--cohort",
        default=datetime.now(UTC).strftime("%Y-%m"),
        help="the first cohort's id, for a cohorts.json that has none (default: this month)",
    )
    parser.add_argument("--cohort-title", default="First cohort", help="the first cohort's title")
    parser.add_argument(
        "--facilitator",
        action="append",
        default=[],
        metavar="LOGIN",
        help="a facilitator's GitHub login (repeat for each; default: the token's owner)",
    )
    parser.add_argument("--app", metavar="SLUG", help="the App's slug (default: the one there)")
    parser.add_argument("--workshop", default="workshop", help="workshop repository name")
    parser.add_argument("--admin", default="admin", help="admin repository name")
    parser.add_argument(
        "--template", default="learning-room-template", help="template repository name"
    )
    parser.add_argument("--team", default="facilitators", help="the facilitators' team slug")
    parser.add_argument(
        "--ghes",
        action="store_true",
        help="write workflows in the syntax GitHub Enterprise Server supports",
    )
    parser.add_argument("--source", type=Path, help="this project's folder (default: found)")
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would change; write nothing"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    from glow.cohort.setup.terminal import setup_by_hand

    return setup_by_hand(args)
