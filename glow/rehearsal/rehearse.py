"""Rehearse the learners' journey on a throwaway local GitHub: simulated learners register, get
their Learning Rooms, and go through every challenge of their path with real git and real API
calls, while the room's real workflow answers on parallel jobs.

For every challenge an autograder checks, the first learner of each path gets it right first
time; the others make a typical mistake first (it must be graded "needs revision") and then
recover (it must be graded "pass"). Prints the reliability matrix (challenge by path by
scenario), duplicate bot comments and challenge issues, requests and billed job-minutes per
learner, and whether `glow progress replay` equals the dashboard for every learner."""

from __future__ import annotations

import argparse

EPILOG = """examples:
  glow rehearse --learners 5           five learners, every challenge; prints the matrix
  glow rehearse --learners 5 --json    one JSON object: ok, learners, matrix,
                                       duplicate_comments, duplicate_issues,
                                       requests_per_learner, job_minutes_per_learner
  glow rehearse --learners 50 --workers 8   a larger cohort, more parallel jobs

A learner who is every fifth (5th, 10th...) takes the Day-2-only path.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--learners", type=int, default=5, help="how many simulated learners (default 5)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--workers", type=int, default=4, help="jobs the local runner runs side by side (4)"
    )
    parser.add_argument("--data", help="keep the local GitHub's data here (default: temporary)")
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds to wait for set-up runs (600)"
    )


def run(args: argparse.Namespace) -> int:
    from glow.errors import ConfigError
    from glow.rehearsal.command import on_local_hub
    from glow.rehearsal.learners import rehearse_learners
    from glow.rehearsal.matrix import print_report

    if not 1 <= args.learners <= 500:
        raise ConfigError(f"--learners must be 1 to 500, got {args.learners}")
    if not 1 <= args.workers <= 64:
        raise ConfigError(f"--workers must be 1 to 64, got {args.workers}")
    return on_local_hub(
        args,
        "glow-rehearse-",
        lambda hub, root, say: rehearse_learners(hub, root, say, args.timeout, args.learners),
        lambda hub, result: print_report(result),
        workers=args.workers,
    )
