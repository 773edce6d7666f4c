"""A learner's progress of record, rebuilt from their Learning Room's issues alone, with the
same function the dashboard uses (``glow.cohort.progress.room_progress``), so the two agree."""

from __future__ import annotations

import argparse
from dataclasses import replace

from glow.cohort.replay.copy import EPILOG, show


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    replay = sub.add_parser(
        "replay",
        help="rebuild one learner's progress from their room",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    replay.add_argument("room", metavar="OWNER/ROOM", help="the learner's Learning Room")
    replay.add_argument("--json", action="store_true", help="print one JSON object")
    replay.add_argument(
        "--handle",
        help="the learner's handle when the room has no .glow/learner.yml (issues the learner "
        "wrote never count as challenges)",
    )
    replay.add_argument(
        "--provisioning",
        action="store_true",
        help="read through the provisioning credential instead of GITHUB_TOKEN",
    )


def run(args: argparse.Namespace) -> int:
    from glow.bot.context import Context
    from glow.cohort.progress import room_progress
    from glow.errors import ConfigError
    from glow.room.progression.decide import LEARNER_FILE, parse_learner_file

    if "/" not in args.room:
        raise ConfigError(f"name the room as OWNER/NAME (you gave {args.room!r})")
    context = Context("progress", args)
    try:
        repo = context.repo(args.room, auth="provisioning" if args.provisioning else "token")
        found = repo.read_file(LEARNER_FILE)
        facts = parse_learner_file(found.text if found else None)
        if args.handle:
            facts = replace(facts, handle=args.handle.lstrip("@"))
        issues = list(repo.paginate(repo.url("issues"), {"state": "all"}))
        progress = room_progress(issues, facts.handle)
    finally:
        context.close()
    return show(args, facts, progress)
