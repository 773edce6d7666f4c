"""Handle one event in a learner's Learning Room: every room behaviour that handles it runs
(progression, help, Gandalf, the autograders, content checks), in one job.

Run by the room's one workflow (learning-room-template/.github/workflows/room.yml) with the
job's own token: a room holds no secret. Each behaviour decides from the room's current state,
so a duplicate or re-run delivery writes nothing new."""

from __future__ import annotations

import argparse

EPILOG = """examples:
  GITHUB_EVENT_NAME=issues GITHUB_EVENT_PATH=event.json glow room
      handle a recorded event the way the room's workflow does
  glow room --dry-run     (with the same variables) decide and print; change nothing

settings (environment):
  GITHUB_TOKEN            the job token of the room (issues and pull requests: write)
  GITHUB_REPOSITORY       the room, OWNER/NAME
  GLOW_FACILITATORS       who a help request mentions, e.g. @my-org/facilitators (optional;
                          unset, the facilitators: line of .glow/learner.yml, which
                          provisioning writes from the workshop's GLOW_FACILITATORS)
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="decide and print; change nothing")
    parser.add_argument(
        "--start-challenge",
        metavar="N",
        help="a workflow_dispatch's start_challenge input: open challenge N now (1 to 21)",
    )


def run(args: argparse.Namespace) -> int:
    from glow.bot.run import run as run_routes
    from glow.room.handlers import router

    # Every behaviour looks at the same room: each URL is read once a run, until a write.
    return run_routes("room", router, args, remember_reads=True)
