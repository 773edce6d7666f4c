"""Run the local GitHub: a loopback server speaking GitHub's REST API, git over HTTP, and an
Actions runner for the repositories' real workflows."""

from __future__ import annotations

import argparse

EPILOG = """examples:
  glow local serve --port 8765 --data ./.glow-data
      prints the base URL once ready; then e.g.
      curl -X POST -d '{"login":"ada"}' http://127.0.0.1:8765/_localhub/users
  export GITHUB_API_URL=http://127.0.0.1:8765/api/v3   # point any glow command at it
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    serve = sub.add_parser(
        "serve",
        help="serve the local GitHub until interrupted",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--port", type=int, default=8765, help="TCP port on 127.0.0.1 (0 picks one)")
    serve.add_argument(
        "--data",
        default=".glow-data",
        help="data directory; state survives a restart (default: .glow-data)",
    )
    serve.add_argument("--no-runner", action="store_true", help="do not run workflows on events")
    serve.add_argument(
        "--workers",
        type=_workers,
        default=None,
        metavar="N",
        help="workflow runs executed side by side, as on GitHub (default: 4); each run's "
        "jobs also run side by side as their needs allow",
    )


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def run(args: argparse.Namespace) -> int:
    import signal
    import threading
    from pathlib import Path

    from glow.errors import GlowError
    from glow.localhub.hub import LocalHub

    hub = LocalHub(
        Path(args.data), port=args.port, runner=not args.no_runner, runner_workers=args.workers
    )
    try:
        hub.start()
    except OSError as exc:
        raise GlowError(
            f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror}; choose another --port"
        ) from None
    # Before the ready line: a supervisor may stop the server as soon as it reads that line.
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    runner = f"{hub.runner.workers} runs at once" if hub.runner is not None else "no runner"
    print(
        f"local GitHub ready at {hub.url} (REST: {hub.api_url}, data: {args.data}, {runner})",
        flush=True,
    )
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        hub.stop()
    return 0
