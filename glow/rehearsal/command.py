"""Rehearse a cohort on a throwaway local GitHub, end to end, and print what happened.

Starts the local GitHub in this process and sets up an organisation as a facilitator would:
the provisioning App installed, a public workshop repository, a private admin repository and
a private Learning Room template (pushed from this project's folders over git), secrets and
variables. Then learners register by filing issues; the project's real workflows run on those
events: registration (the first learner's answer is incomplete, then fixed by an edit),
provisioning of each learner's room, the first learner's whole journey through every challenge
of their Learning Room (the room's own workflow answering: progression, Gandalf, the
autograders, help), the first learner's ack and "day1-complete" (the Day 2
release answers), the second learner's help request (answered at once), the dashboard and the
watchdog. Finally provisioning, the dashboard, the Day 2 release and the watchdog run again on
the healthy cohort, which must write nothing."""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

EPILOG = """examples:
  glow demo                  rehearse, print a summary, clean up
  glow demo --keep           keep serving afterwards so the printed URLs can be opened
  glow demo --json           one JSON object instead of prose (for scripts and CI)
  glow demo --learners 10    a larger cohort
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", help="keep the local GitHub's data here (default: temporary)")
    parser.add_argument("--port", type=int, default=0, help="port for the local GitHub (0: any)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the local GitHub running afterwards, until Ctrl-C"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--learners", type=int, default=3, help="how many learners register (default 3)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=180.0,
        help="seconds to wait for workflow runs (default 180)",
    )


def project_root() -> Path:
    root = Path(__file__).resolve().parents[2]
    if not (root / "learning-room-template").is_dir() or not (root / ".github").is_dir():
        from glow.errors import ConfigError

        raise ConfigError(
            "glow demo needs the GLOW source tree (learning-room-template/, "
            ".github/); run it from a clone: pip install -e . then glow demo"
        )
    return root


class Progress:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.step = 0

    def __call__(self, message: str) -> None:
        self.step += 1
        if not self.quiet:
            print(f"[{self.step}] {message}", flush=True)


def on_local_hub(
    args: argparse.Namespace,
    prefix: str,
    story: Callable[[Any, Path, Progress], dict[str, Any]],
    report: Callable[[Any, dict[str, Any]], None],
    *,
    workers: int | None = None,
) -> int:
    """Start a local GitHub (in ``--data`` or a temporary folder), tell ``story`` on it, print
    its result (``--json``: one object), stop it; exit 0 when the result is ``ok``."""
    from glow.localhub.hub import LocalHub

    root = project_root()
    tmp = None if args.data else tempfile.mkdtemp(prefix=prefix)
    data = Path(args.data or tmp)  # type: ignore[arg-type]
    say = Progress(args.json)
    hub = LocalHub(data, port=getattr(args, "port", 0), runner_workers=workers)
    hub.start()
    try:
        say(f"local GitHub ready at {hub.url}")
        result = story(hub, root, say)
        if args.json:
            print(json.dumps(result, indent=2))
        else:
            report(hub, result)
        if getattr(args, "keep", False):
            print(f"\nServing at {hub.url} until Ctrl-C (data in {data}).", flush=True)
            try:
                import threading

                threading.Event().wait()
            except KeyboardInterrupt:
                pass
        return 0 if result["ok"] else 1
    finally:
        hub.stop()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace) -> int:
    from glow.rehearsal.scenario import rehearse
    from glow.rehearsal.summary import print_summary

    return on_local_hub(
        args,
        "glow-demo-",
        lambda hub, root, say: rehearse(hub, root, say, args.timeout, args.learners),
        print_summary,
    )
