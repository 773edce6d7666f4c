"""The facilitator's client at a terminal, for `glow setup` and `glow golive`: their personal
token (GLOW_PAT, else GITHUB_TOKEN) and GITHUB_API_URL."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from glow.cohort.setup.apply import SetupOptions, SetupReport


def default_root() -> Path:
    """This project's folder (the sources of the three repositories)."""
    return Path(__file__).resolve().parents[3]


def options_from(args: argparse.Namespace) -> SetupOptions:
    """The options `glow setup` and `glow golive` share, from their command line."""
    from glow.cohort.setup.apply import SetupOptions
    from glow.cohort.setup.decide import Names

    return SetupOptions(
        names=Names(
            org=args.org,
            workshop=args.workshop,
            admin=args.admin,
            template=args.template,
            team=args.team,
        ),
        root=args.source or default_root(),
        cohort_id=args.cohort,
        cohort_title=args.cohort_title,
        facilitators=tuple(args.facilitator),
        app_slug=args.app,
        dry_run=args.dry_run,
        ghes=args.ghes,
    )


def facilitator_client() -> tuple[Any, str, str]:
    """(client, token, api_url), or one ConfigError naming the setting to set
    (``glow.github.client.terminal_client``, shared with `glow author plan`)."""
    from glow.github.client import terminal_client

    return terminal_client(
        "no token: set GLOW_PAT to a personal access token of an owner of the "
        "organisation (see docs/setup.md, step 2)"
    )


def setup_by_hand(args: argparse.Namespace) -> int:
    """`glow setup` at a terminal: run it, then print what it did and what is left."""
    import json

    from glow.cohort.setup.apply import run_setup
    from glow.cohort.setup.copy import (
        CHANGES,
        HEADLINE_COMPLETE,
        HEADLINE_DRY,
        HEADLINE_LEFT,
        LEFT_ITEM,
        LEFT_TITLE,
        NEXT_GOLIVE,
        NEXT_RUN,
        NO_CHANGE,
        PROBLEM,
        done_line,
    )

    gh, token, api_url = facilitator_client()
    options = options_from(args)
    report = run_setup(gh, token, api_url, options)
    if args.json:
        print(json.dumps(report.as_json(), indent=2))
        return 0 if report.complete or args.dry_run else 1
    count = len(report.done)
    changes = CHANGES.format(count=count, s="" if count == 1 else "s") if count else NO_CHANGE
    if args.dry_run:
        print(HEADLINE_DRY.format(org=args.org, changes=count))
    elif report.complete:
        print(HEADLINE_COMPLETE.format(org=args.org, changes=changes))
    else:
        print(HEADLINE_LEFT.format(org=args.org, changes=changes, left=still_to_do(report)))
    for step in report.done:
        print(done_line(step, dry_run=args.dry_run))
    for problem in report.problems:
        print(PROBLEM.format(what=problem.what, fix=problem.fix))
    if report.left:
        print(LEFT_TITLE)
        for n, person in enumerate(report.left, 1):
            print(LEFT_ITEM.format(n=n, what=person.what, where=person.where))
    if not report.complete:
        print(NEXT_RUN)
        return 0 if args.dry_run else 1
    print(NEXT_GOLIVE.format(org=args.org))
    return 0


def still_to_do(report: SetupReport) -> str:
    """ "2 problems to fix and 1 step left for you", in the order they are printed."""
    parts = []
    for count, one, many in (
        (len(report.problems), "problem to fix", "problems to fix"),
        (len(report.left), "step left for you", "steps left for you"),
    ):
        if count:
            parts.append(f"{count} {one if count == 1 else many}")
    return " and ".join(parts)
