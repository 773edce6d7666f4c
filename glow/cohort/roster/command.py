"""The roster of record: `glow roster rebuild` reconstructs each cohort's roster from the
registration issues and the provisioning log, and reports every difference from the stored
roster (nothing is written unless you ask with --write)."""

from __future__ import annotations

import argparse
import os

EPILOG = """examples:
  glow roster rebuild --repo glow-org/workshop              compare, change nothing
  glow roster rebuild --repo glow-org/workshop --cohort 2026-12 --write

exit status: 0 identical (or written), 1 differences found (listed), 2 settings missing.
settings: ADMIN_ROSTER_REPO and the provisioning credentials, as for `glow provision`.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    rebuild = sub.add_parser(
        "rebuild",
        help="rebuild rosters from GitHub and compare",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rebuild.add_argument(
        "--repo",
        default=os.environ.get("GITHUB_REPOSITORY"),
        help="owner/name of the registration repository (default: GITHUB_REPOSITORY)",
    )
    rebuild.add_argument("--cohort", help="one cohort id (default: every cohort)")
    rebuild.add_argument(
        "--write",
        action="store_true",
        help="replace the stored roster with the rebuilt one (one commit)",
    )


def run(args: argparse.Namespace) -> int:
    """Run by hand only (no workflow calls it): no router, and the same rebuild whatever the
    environment, an Actions step included; the context gives it one client, closed at the end."""
    from glow.bot.context import Context
    from glow.cohort.roster.handlers import rebuild

    context = Context("roster", args)
    try:
        return rebuild(context)
    finally:
        context.close()
