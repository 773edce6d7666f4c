"""Check the whole workshop before learners register: the release gate, as one command.

It checks, against your organisation: setup complete (the three repositories, the
organisation's variables, the facilitators' team), the provisioning App installed with exactly
the permissions GLOW needs, every secret the workflows read, the Learning Room template in
step with this project and valid, every workflow present and enabled, an open cohort, your
token's API budget, and the Actions minutes a month your cohorts will cost. It prints one line
per check, PASS or FAIL first, and what to do for each failure; it writes nothing, unless
--smoke: then a test learner registers for real, gets a room, and all of it is torn down. The
exit status is 0 only when every check passes.

The token and the API are read as `glow setup` reads them (GLOW_PAT, GITHUB_API_URL).
"""

from __future__ import annotations

import argparse

from glow.cohort.golive.copy import EPILOG as EPILOG
from glow.cohort.setup.command import add_arguments as setup_arguments

SETUP_ONLY = ("--cohort", "--cohort-title", "--dry-run")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    setup_arguments(parser)
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="also register a test learner (GLOW_SMOKE_TOKEN), wait for their room, tear it down",
    )
    parser.add_argument(
        "--smoke-timeout", type=float, default=600.0, help="seconds the smoke test waits (600)"
    )
    # The gate writes nothing: setup's writing options are accepted but change nothing.
    for action in parser._actions:
        if any(flag in SETUP_ONLY for flag in action.option_strings):
            action.help = argparse.SUPPRESS


def run(args: argparse.Namespace) -> int:
    from glow.cohort.golive.gate import gate_by_hand

    return gate_by_hand(args)
