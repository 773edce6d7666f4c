"""A stand-in command for tests: it sends itself SIGTERM mid-work, as a cancelled Actions job
would, and records whether its cleanup ran."""

from __future__ import annotations

import argparse
import os
import signal

CLEANED: list[str] = []


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser


def run(args: argparse.Namespace) -> int:
    del args
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        signal.pause()  # Python runs the handler before this returns; it must not return
        raise AssertionError("SIGTERM did not stop the command")
    finally:
        CLEANED.append("saved")
