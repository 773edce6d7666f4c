"""Author courses: run the harness on a course bundle (docs/authoring/bundle.md).

`verify` loads a bundle, builds its runtime in a sandbox, runs the baseline matrix (the
untouched starter and every reference variant against each deliverable's visible and hidden
suites) and mutation analysis of the strong variant, then certifies the learner's path: on a
throwaway local GitHub the project is published into the Learning Room template, a learner
registers and gets a room, pushes the untouched starter (its scorecards must fail) and the
strong variant (they must pass), submits, and the hidden checks grade it from the admin
repository; no hidden test or reference answer may reach the room, its history or its logs.
It prints a readable report (or --json), needs no network and no API key, and exits 0 only
when the bundle passes.

`base-image` builds a Docker image from programs of this machine (their libraries and data
folders with them), for `verify --sandbox docker --base-image TAG` where no registry is
reachable. `new` writes a bundle's skeleton whose runtime scripts fail loudly until
authored; `verify` then lists, as findings, everything left to write.

`plan` reads a course brief (an issue filed with the Course brief form in the private admin
repository), asks the author for a plan (the OpenAI author, or a recording with --recording),
keeps what the creator pinned, posts the plan on the issue as one comment and records the run
in the admin repository (`authoring/<issue>/run.json`). A brief with problems gets them as that
comment, and each is printed on its own line. Run again, it changes only what changed.

`replay` reruns, against the current harness, only what failed in the last verify of that
bundle (its deliverables, or its certification); it changes no state (the last verify's report
stays as it was).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from glow.authoring.copy import EPILOG as EPILOG


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    new = sub.add_parser(
        "new",
        help="write a new bundle's skeleton, its runtime scripts failing until authored",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    new.add_argument("bundle", metavar="PATH", help="a folder that does not exist yet")
    new.add_argument("--id", required=True, help="the project's id: lower-case letters, digits, -")
    new.add_argument("--title", required=True, help="the project's title")
    new.add_argument(
        "--deliverable", action="append", required=True, metavar="ID", help="repeatable, in order"
    )
    plan = sub.add_parser(
        "plan",
        help="turn a course brief issue into a plan, posted on the issue",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    plan.add_argument(
        "--issue", type=int, required=True, metavar="N", help="the course brief's issue number"
    )
    plan.add_argument(
        "--admin", required=True, metavar="OWNER/REPO", help="the private admin repository"
    )
    plan.add_argument(
        "--recording",
        type=Path,
        metavar="FILE",
        help="plan with a recorded author (JSON), no model and no key",
    )
    demo = sub.add_parser(
        "demo",
        help="a course brief to a certified, merged assignment on a throwaway local GitHub",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument("--json", action="store_true", help="print one JSON object")
    image = sub.add_parser(
        "base-image",
        help="build a Docker base image from this machine's programs (no registry needed)",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    image.add_argument("tag", metavar="TAG", help="the image's name, e.g. glow-base:local")
    image.add_argument(
        "--program",
        action="append",
        required=True,
        metavar="NAME",
        help="a program the bundle's scripts run (repeatable): sh is always added",
    )
    for name, summary in (
        ("verify", "run the whole harness on a bundle"),
        ("replay", "rerun what failed in the last verify (deliverables, certification)"),
    ):
        action = sub.add_parser(
            name, help=summary, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        action.add_argument(
            "bundle", metavar="PATH", help="the bundle's folder (has coursegen.yml)"
        )
        action.add_argument("--json", action="store_true", help="print one JSON object")
        action.add_argument(
            "--sandbox",
            choices=("process", "docker"),
            default="process",
            help="process: bubblewrap, the default; docker: the bundle's own Dockerfile",
        )
        action.add_argument(
            "--base-image",
            help="with --sandbox docker: the image for the Dockerfile's BASE_IMAGE build argument",
        )
        action.add_argument(
            "--mutants", type=int, default=12, help="mutants per deliverable (12; 0 skips)"
        )
        action.add_argument("--workers", type=int, default=2, help="runs side by side (2)")
        action.add_argument(
            "--no-certify",
            action="store_true",
            help="skip learner-path certification on a throwaway local GitHub",
        )
        action.add_argument(
            "--deliverable",
            action="append",
            metavar="ID",
            help="only this deliverable (repeatable)",
        )


def run(args: argparse.Namespace) -> int:
    if args.action == "base-image":
        from glow.authoring.verify import run_base_image

        return run_base_image(args)
    if args.action == "demo":
        from glow.authoring.loop.demo import run as run_demo

        return run_demo(args)
    if args.action == "plan":
        from glow.authoring.loop.intake import run_plan

        return run_plan(args)
    if args.action == "new":
        from glow.authoring.verify import run_new

        return run_new(args)
    from glow.authoring.verify import run_verify

    return run_verify(args)
