"""Print where every event goes: for each event-driven command, each event it handles and the
handler the event reaches (its router's table): where to look when a workflow ran and you want
the code that answered it."""

from __future__ import annotations

import argparse
import importlib

EPILOG = """examples:
  glow routes                       every command: event -> handler
  glow routes --command register    one command
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--command", metavar="NAME", help="only this command")


def table(only: str | None = None) -> list[tuple[str, str, str]]:
    """(command, event key, handler) for every route of every event-driven command."""
    from glow.__main__ import COMMANDS

    rows = []
    for command in COMMANDS:
        if command.package is None or (only and command.name != only):
            continue
        router = importlib.import_module(f"{command.package}.handlers").router
        rows += [(command.name, key, handler) for key, handler in router.table()]
    return rows


def run(args: argparse.Namespace) -> int:
    from glow.__main__ import COMMANDS
    from glow.errors import ConfigError

    known = [c.name for c in COMMANDS if c.package]
    if args.command and args.command not in known:
        raise ConfigError(f"--command must be one of {', '.join(known)}, got {args.command!r}")
    for command, key, handler in table(args.command):
        print(f"glow {command}: {key} -> {handler}")
    return 0
