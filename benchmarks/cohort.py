"""A whole cohort rehearsed, run on demand:
`python benchmarks/cohort.py [--learners N] [--lift-limits] [--json]`.

Runs `glow demo`'s rehearsal (glow.rehearsal.scenario.rehearse: registration, provisioning,
the first learner's whole Learning Room journey, Day 2, help, the dashboard and the watchdog,
then a re-run of the healthy cohort) with N learners (default 30) on a fresh local GitHub, and
prints what it cost GitHub's limits: wall time, secondary-limit 403s met, requests per handled
registration event, and the re-run's requests, charged requests (a 304 is free) and writes per
learner.

`--lift-limits` lifts GitHub's limits on the local GitHub (its configuration) and in the clients
(the organisation variables GLOW_CONTENT_PER_MINUTE and GLOW_CONTENT_PER_HOUR, which the
provisioning workflow passes to glow), to measure the rehearsal's own speed: with GitHub's
limits, a cohort whose provisioning identity needs more than 500 content-creating requests (about
70 learners at 7 a room) waits for the next hour, in real time, as it would on GitHub.
Targets are reported, not asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LIFTED = {
    "content_creation_per_minute": 1_000_000,
    "content_creation_per_hour": 1_000_000,  # the most GLOW_CONTENT_PER_HOUR takes
    "primary_limit_per_hour": 1_000_000_000,
    "job_token_limit_per_hour": 1_000_000_000,
}
FIGURES = (
    "ok",
    "learners",
    "wall_seconds",
    "secondary_403s",
    "secondary_403s_where",
    "busiest_identity",
    "busiest_identity_content_creating",
    "limits_floor_seconds",
    "wall_over_floor",
    "rerun_requests_per_learner_by_workflow",
    "verify_requests_per_learner",
    "requests_per_registration",
    "rerun_requests_per_learner",
    "rerun_charged_per_learner",
    "rerun_not_modified",
    "rerun_writes",
    "failed_runs",
    "content_creating_requests",
)


def measure(learners: int, lift: bool, say: Any) -> dict[str, Any]:
    import httpx

    import glow.rehearsal.scenario as scenario
    from glow.localhub.hub import LocalHub

    build = scenario.build_world

    def build_lifted(*args: Any, **kwargs: Any) -> Any:
        world = build(*args, **kwargs)
        for name, key in (
            ("GLOW_CONTENT_PER_MINUTE", "content_creation_per_minute"),
            ("GLOW_CONTENT_PER_HOUR", "content_creation_per_hour"),
        ):
            world.post("variables", {"owner": world.org, "name": name, "value": str(LIFTED[key])})
        return world

    # A job still finishing its log as the hub stops must not cost the figures.
    scratch = tempfile.TemporaryDirectory(prefix="glow-bench-cohort-", ignore_cleanup_errors=True)
    with scratch as tmp:
        hub = LocalHub(Path(tmp) / "hub").start()
        try:
            if lift:
                answer = httpx.post(f"{hub.url}/_localhub/config", json=LIFTED, timeout=30)
                answer.raise_for_status()
                scenario.build_world = build_lifted  # type: ignore[assignment]
            result = scenario.rehearse(hub, ROOT, say, 1800.0, learners)
        finally:
            scenario.build_world = build  # type: ignore[assignment]
            hub.stop()
    return {key: result.get(key) for key in FIGURES} | {"limits": "lifted" if lift else "GitHub's"}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="example: python benchmarks/cohort.py --learners 100 --lift-limits",
    )
    parser.add_argument("--learners", type=int, default=30, help="learners (default 30)")
    parser.add_argument("--lift-limits", action="store_true", help="lift GitHub's limits")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.learners < 1:
        parser.error("--learners must be 1 or more")
    started = time.monotonic()

    def say(line: str) -> None:
        print(f"[{time.monotonic() - started:7.1f} s] {line}", file=sys.stderr)

    figures = measure(args.learners, args.lift_limits, say)
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key}: {value}")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
