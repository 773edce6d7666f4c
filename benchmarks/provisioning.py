"""Provisioning cost and pace, run on demand:
`python benchmarks/provisioning.py [--learners N] [--json]`.

Provisions a cohort of N enrolled learners (default 20) on the local GitHub through the real
engine (glow.cohort.provisioning.engine.Provisioner), re-runs it on the healthy cohort, and reads
the hub's request log. The local GitHub enforces GitHub's content-creation limits (80 a minute,
500 an hour, per identity) and the engine keeps them with its write budget on the local GitHub's
clock: every wait the budget asks for moves that clock on at once, so hours of GitHub's limits
take seconds. It reports:

- API requests, writes (mutative requests) and content-creating requests per provisioned learner
  (3: generate, the invitation, the first challenge issue; the learner's facts and the practice
  branches are git data commits), and the polls for template copies;
- admin-repo commits for the batch: one for the whole batch (roster and log through the git
  data API, not one Contents write per learner);
- learners provisioned an hour: measured (the batch's learners over the simulated hours it took,
  with the secondary-limit 403s it met: target 0), and the ceiling each documented limit sets (80
  content-creating requests a minute, 500 an hour, 1 s between mutative requests on GitHub),
  less what a batch leaves to the App's other jobs (pace.LEFT_PER_MINUTE and LEFT_PER_HOUR);
  the smallest ceiling binds. A batch under 400 content-creating requests fits in one hour, so
  measure the hourly rate with N of 200 or more;
- the re-run: its requests, and its writes (target: 0).

The provisioning identity is the facilitator's personal token (actions-bot mode): an App's
installation token expires by the local GitHub's clock, which the budget moves on by hours,
while githubkit renews it by the real one. Budget and limits are the same per identity.
Targets are reported, not asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from glow.cohort.provisioning import pace

ROOT = Path(__file__).resolve().parents[1]
CREATING_TARGET = 3  # generate, invite, first challenge issue
# GitHub's secondary limits on content-creating requests, less what a batch leaves to the App's
# other jobs (glow.cohort.provisioning.pace): the limits a batch keeps to.
PER_MINUTE, PER_HOUR = 80 - pace.LEFT_PER_MINUTE, 500 - pace.LEFT_PER_HOUR
WRITE_SPACING_S = 1.0  # GitHub: wait at least one second between mutative requests


def measure(learners: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))  # the provisioning world of the end-to-end tests
    from glow.github import WriteBudget, WriteLimits, token_client
    from tests.provisioning_support import ADMIN, make_world

    handles = tuple(f"learner-{i:03d}" for i in range(1, learners + 1))
    with tempfile.TemporaryDirectory() as tmp:
        world = make_world(Path(tmp), handles)
        try:
            # GitHub's content-creation limits stay on (the local GitHub's defaults); the
            # primary limit is lifted: it is not what this measures.
            world.control(
                "config", {"template_delay_seconds": 0.05, "primary_limit_per_hour": 10**9}
            )
            store = world.hub.store

            def advance(seconds: float) -> None:
                world.control("clock", {"advance_seconds": seconds})

            advance(3600)  # the organisation was set up an hour ago: its writes are out of count
            budget = WriteBudget(
                WriteLimits(0.0, PER_MINUTE, PER_HOUR), clock=store.epoch, sleep=advance
            )
            engine = world.engine(
                gh=token_client(world.token, world.hub.api_url),
                pacer=budget,
                sleep=advance,
                now=lambda: store.now().replace(microsecond=0),
                say=lambda line: None,
            )
            [cohort] = engine.cohorts()
            mark, start, hub_start = world.mark(), time.perf_counter(), store.epoch()
            report = engine.run(cohort)
            seconds = time.perf_counter() - start
            hub_hours = (store.epoch() - hub_start) / 3600
            batch = api_requests(world.requests(mark))
            reruns = {}
            for verify in (False, True):
                again = world.mark()
                engine.run(cohort, verify=verify)
                reruns["rerun_verify" if verify else "rerun"] = api_requests(world.requests(again))
        finally:
            world.hub.stop()
    provisioned = sum(1 for o in report.outcomes if o.error is None)
    admin_ref = f"/api/v3/repos/{ADMIN}/git/refs/heads/main"
    return {
        "learners": learners,
        "provisioned": provisioned,
        "seconds": round(seconds, 2),
        "simulated_hours": round(hub_hours, 2),
        "secondary_403s": sum(r["secondary_403"] for r in batch),
        # Over the batch's simulated time, at least an hour (a shorter batch fitted in one).
        "learners_per_hour": round(provisioned / max(hub_hours, 1.0), 1),
        "batch": tally(batch, provisioned),
        "creating_by_route": dict(Counter(r["route"] for r in batch if r["creates"])),
        "admin_commits": sum(r["write"] and r["path"] == admin_ref for r in batch),
        **{name: tally(log, None) for name, log in reruns.items()},
    }


def api_requests(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The REST requests of a request-log slice (the hub's control API left out), classified."""
    return [
        {
            "path": entry["path"],
            "route": f"{entry['method']} {entry.get('route') or entry['path']}",
            "write": entry["method"] != "GET",
            "creates": bool(entry.get("creates_content")),
            "poll": entry["status"] in (404, 409) and "/git/trees/" in entry["path"],
            "secondary_403": entry["status"] == 403 and bool(entry.get("creates_content")),
        }
        for entry in log
        if entry["path"].startswith("/api/v3/")
    ]


def tally(log: list[dict[str, Any]], per: int | None) -> dict[str, Any]:
    """Totals of requests, writes and content-creating requests; per learner when ``per``."""
    totals = {
        "requests": len(log),
        "writes": sum(r["write"] for r in log),
        "content_creating": sum(r["creates"] for r in log),
        "template_polls": sum(r["poll"] for r in log),
    }
    if per:
        totals |= {f"{k}_per_learner": round(v / per, 2) for k, v in totals.items()}
    return totals


def hourly(result: dict[str, Any]) -> dict[str, Any]:
    """Learners per hour under each documented limit, and which one binds."""
    batch = result["batch"]
    creating = batch["content_creating_per_learner"]
    writes = batch["writes_per_learner"]
    limits = {
        "content_creating_per_hour": PER_HOUR / creating if creating else math.inf,
        "content_creating_per_minute": PER_MINUTE * 60 / creating if creating else math.inf,
        "write_spacing": 3600 / (writes * WRITE_SPACING_S) if writes else math.inf,
    }
    binding = min(limits, key=lambda k: limits[k])
    return {
        "learners_per_hour": {k: round(v, 1) for k, v in limits.items()},
        "binding": binding,
        "answer": round(limits[binding], 1),
    }


LIMIT_NAMES = {
    "content_creating_per_hour": f"{PER_HOUR} content-creating requests an hour",
    "content_creating_per_minute": f"{PER_MINUTE} content-creating requests a minute",
    "write_spacing": f"{WRITE_SPACING_S:.0f} s between mutative requests",
}


def print_text(result: dict[str, Any]) -> None:
    batch, rate = result["batch"], result["rates"]
    creating = batch["content_creating_per_learner"]
    verdict = "meets" if creating <= CREATING_TARGET else "MISSES"
    print(
        f"provisioned {result['provisioned']} of {result['learners']} learners in "
        f"{result['simulated_hours']} simulated hours ({result['seconds']} s of real time) on the "
        f"local GitHub, with GitHub's limits on"
    )
    verdict_403 = "meets" if result["secondary_403s"] == 0 else "MISSES"
    print(f"secondary-limit 403s met: {result['secondary_403s']} ({verdict_403} the target of 0)")
    print(
        f"per learner: {batch['requests_per_learner']} API requests "
        f"({batch['template_polls_per_learner']} of them polls for the template copy), "
        f"{batch['writes_per_learner']} writes"
    )
    print(
        f"content-creating requests per learner: {creating} "
        f"({verdict} the target of at most {CREATING_TARGET})"
    )
    for route, count in result["creating_by_route"].items():
        print(f"  {count} x {route}")
    verdict = "meets" if result["admin_commits"] == 1 else "MISSES"
    print(
        f"admin-repo commits for the batch: {result['admin_commits']} "
        f"({verdict} one commit for the whole batch)"
    )
    hours = result["simulated_hours"]
    note = (
        "the batch fitted in one hour"
        if hours < 1
        else "the first hour's burst counts in full; over more hours the rate nears the ceiling"
        if hours < 3
        else "over several hours"
    )
    hint = "; --learners 400 measures it over three hours" if hours < 3 else ""
    print(
        f"learners provisioned an hour, measured over the batch: {result['learners_per_hour']} "
        f"({note}{hint})"
    )
    print("learners provisioned an hour at most, under each of GitHub's documented limits:")
    for key, value in rate["learners_per_hour"].items():
        mark = "  <- binds" if key == rate["binding"] else ""
        print(f"  {value} with {LIMIT_NAMES[key]}{mark}")
    print(f"ceiling: {rate['answer']} learners an hour ({LIMIT_NAMES[rate['binding']]} binds)")
    for name, label in (("rerun", "re-run"), ("rerun_verify", "re-run with --verify")):
        rerun = result[name]
        verdict = "meets" if rerun["writes"] == 0 else "MISSES"
        print(
            f"{label} of the healthy cohort: {rerun['requests']} request(s), "
            f"{rerun['writes']} write(s) ({verdict} the target of 0 writes)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", type=int, default=20, help="cohort size (default 20)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.learners < 1:
        parser.error("--learners must be at least 1")
    result = measure(args.learners)
    if not result["provisioned"]:
        print("no learner was provisioned: the benchmark has nothing to measure", file=sys.stderr)
        return 1
    result["rates"] = hourly(result)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_text(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
