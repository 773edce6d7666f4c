"""The ``glow`` command: one table of subcommands, each imported only when it runs.

Start-up stays cheap (a bot that has nothing to do must exit in well under half a second), so this
module imports nothing beyond the standard library; each command's module is loaded on demand.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Command:
    name: str
    module: str
    summary: str
    # An event-driven command's package: ``<package>.events`` declares what it handles (imports
    # nothing), ``<package>.handlers`` holds its router. None: a tool run by hand.
    package: str | None = None


# The command names are a contract: workflows, docs and tests use them (DESIGN.md, "Entry points").
COMMANDS: tuple[Command, ...] = (
    Command(
        "register",
        "glow.cohort.registration.command",
        "Handle a registration issue event.",
        "glow.cohort.registration",
    ),
    Command(
        "provision",
        "glow.cohort.provisioning.command",
        "Create and heal learners' Learning Rooms (serial, idempotent).",
        "glow.cohort.provisioning",
    ),
    Command(
        "day2-release",
        "glow.cohort.day2.command",
        "Post the Day 2 link once to learners who finished Day 1.",
        "glow.cohort.day2",
    ),
    Command(
        "grade",
        "glow.cohort.submissions.command",
        "Grade project submissions with the hidden checks (the admin repository's job).",
        "glow.cohort.submissions",
    ),
    Command(
        "group",
        "glow.cohort.grouping.command",
        "Pair learners of a cohort for peer review, stable across re-runs.",
        "glow.cohort.grouping",
    ),
    Command(
        "teardown",
        "glow.cohort.teardown.command",
        "Archive a cohort's Learning Rooms after the workshop (dry run by default).",
        "glow.cohort.teardown",
    ),
    Command(
        "dashboard",
        "glow.cohort.dashboard.command",
        "Upsert the facilitator dashboard in the admin repo.",
        "glow.cohort.dashboard",
    ),
    Command(
        "watchdog",
        "glow.cohort.watchdog.command",
        "Raise and clear alerts for stalled provisioning and stuck learners.",
        "glow.cohort.watchdog",
    ),
    Command(
        "room",
        "glow.room.command",
        "Handle a learner event in a Learning Room (progression, help, Gandalf, autograders).",
        "glow.room",
    ),
    Command(
        "project",
        "glow.room.project.command",
        "Run a Learning Room project's visible checks on a push; record a learner's /submit.",
        "glow.room.project",
    ),
    Command(
        "progress",
        "glow.cohort.replay.command",
        "A learner's progress rebuilt from their room: `glow progress replay OWNER/ROOM`.",
    ),
    Command("roster", "glow.cohort.roster.command", "The roster of record: `glow roster rebuild`."),
    Command(
        "template",
        "glow.cohort.template.command",
        "Sync and validate the Learning Room template: `glow template sync`.",
        "glow.cohort.template",
    ),
    Command(
        "setup",
        "glow.cohort.setup.command",
        "Create or check everything GLOW needs in your organisation (idempotent).",
    ),
    Command(
        "golive",
        "glow.cohort.golive.command",
        "Check the whole workshop before learners register: the go-live gate.",
    ),
    Command(
        "author",
        "glow.authoring.command",
        "Verify a course bundle with the authoring harness: `glow author verify PATH`.",
    ),
    Command(
        "course",
        "glow.authoring.loop.command",
        "The authoring loop for a course brief: plan, gates, author/review graph, publish.",
        "glow.authoring.loop",
    ),
    Command("local", "glow.localhub.cli", "Run the local GitHub: `glow local serve`."),
    Command(
        "demo",
        "glow.rehearsal.command",
        "Rehearse on the local GitHub, end to end, and print what happened.",
    ),
    Command(
        "rehearse",
        "glow.rehearsal.rehearse",
        "Rehearse learners' whole journey on the local GitHub; print the reliability matrix.",
    ),
    Command("routes", "glow.bot.routes", "Print where every event goes: event -> handler."),
)

EPILOG = """examples:
  glow demo                       rehearse on a throwaway local GitHub
  glow local serve --port 8765    run the local GitHub until interrupted
  glow COMMAND --help             what a command does, with an example
"""


def _top_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="glow",
        description="GLOW: GitHub-native, accessibility-first workshops.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        sub.add_parser(command.name, help=command.summary, add_help=False)
    return parser


def _find(name: str) -> Command | None:
    return next((c for c in COMMANDS if c.name == name), None)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0].startswith("-"):
        parser = _top_parser()
        parsed = parser.parse_args(args)
        if parsed.version:
            from glow import __version__

            print(f"glow {__version__}")
            return 0
        parser.print_help()
        return 0
    command = _find(args[0])
    if command is None:
        _top_parser().parse_args(args)  # argparse prints the valid choices and exits 2
        return 2
    return run_command(command, args[1:])


def run_command(command: Command, args: list[str]) -> int:
    """The one error boundary: a GlowError is one clear line and a non-zero exit."""
    from glow.errors import GlowError

    # A cancelled Actions job sends SIGINT, then SIGTERM: both stop a command the same way, so
    # its cleanup runs (provisioning saves what finished) before the process is killed.
    previous = _stop_on_sigterm()
    try:
        if command.package and _ignores(command):
            return 0
        module = importlib.import_module(command.module)
        parser = argparse.ArgumentParser(
            prog=f"glow {command.name}",
            description=module.__doc__,
            epilog=getattr(module, "EPILOG", None),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(parser)
        parsed = parser.parse_args(args)
        return int(module.run(parsed) or 0)
    except GlowError as exc:
        print(f"glow {command.name}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"glow {command.name}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the boundary: never a traceback unless asked for
        if os.environ.get("GLOW_DEBUG"):
            raise
        print(
            f"glow {command.name}: unexpected {type(exc).__name__}: {exc} "
            "(set GLOW_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _ignores(command: Command) -> bool:
    """True (and one line said) when the Actions event that started this run is not one the
    command handles: decided from its ``events`` module and the payload's action alone, before
    anything heavy is imported."""
    from glow.bot.gate import current_event, event_key, handles

    found = current_event()
    if found is None or "--help" in sys.argv or "-h" in sys.argv:
        return False
    events = importlib.import_module(f"{command.package}.events").EVENTS
    if handles(events, *found):
        return False
    key = event_key(*found)
    print(f"glow {command.name}: event {key} not handled, nothing to do", file=sys.stderr)
    return True


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_sigterm() -> Any:
    """Make SIGTERM raise KeyboardInterrupt (main thread only); the handler it replaced."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _interrupt)


if __name__ == "__main__":
    sys.exit(main())
