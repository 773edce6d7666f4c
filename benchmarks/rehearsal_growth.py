"""Learner rehearsal growth, run on demand:
`python benchmarks/rehearsal_growth.py [SIZE ...] [--workers W] [--json]`.

Runs the learner rehearsal (`glow rehearse --learners N`: N simulated learners register, get
their Learning Rooms and walk every challenge of their path while the room's real workflow
answers on the local runner) once per cohort size, default 5, 10, 20 and 50, each on a fresh
local GitHub with W runner workers (default 4, as `glow rehearse`). One row per size:

- wall time of the whole rehearsal, and of the journeys alone (every learner walking their
  path in parallel, until the runner is idle);
- API requests per learner by the bots (job tokens and the App), and by the simulated learner;
- billed job-minutes per learner (each job rounded up to a whole minute, as GitHub bills) and
  jobs per learner;
- ok: every cell of the reliability matrix passed, nothing duplicated, every replay matched.

GitHub's primary limit (5,000 requests an hour per account) is lifted on the local GitHub
unless --github-limits: the rehearsal itself polls with the facilitator's token, and a
10-learner run with the limit stopped when a read answered with an error instead of a list.
The busiest account's request count is printed, so the lift hides nothing the bots would meet.
Then how each per-learner figure grows from the smallest size to the largest (1.0: flat, the
cost of a learner does not depend on how many others there are). Targets are reported, not
asserted: the per-learner figures should stay flat as the cohort grows.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SIZES = (5, 10, 20, 50)
PER_LEARNER = (
    "requests_per_learner",
    "learner_requests_per_learner",
    "job_minutes_per_learner",
    "jobs_per_learner",
)
GROWTH_TOLERANCE = 1.25  # a per-learner figure more than 25 % up at the largest size: MISSES


def measure(learners: int, workers: int, timeout: float, github_limits: bool) -> dict[str, Any]:
    """One rehearsal of ``learners`` on a fresh local GitHub: the figures of one row."""
    sys.path.insert(0, str(ROOT))
    import httpx

    from glow.localhub.hub import LocalHub
    from glow.rehearsal.learners import rehearse_learners

    tmp = tempfile.mkdtemp(prefix="glow-bench-rehearsal-")
    hub = LocalHub(Path(tmp), runner_workers=workers)
    hub.start()
    if not github_limits:
        # The rehearsal polls the hub with the facilitator's token: a simulation's cost.
        lift = {"primary_limit_per_hour": 10**9}
        httpx.post(f"{hub.url}/_localhub/config", json=lift, timeout=30).raise_for_status()
    start = time.perf_counter()
    try:
        result = rehearse_learners(hub, ROOT, lambda line: None, timeout, learners)
        log = list(hub.requests)
        log_limit = hub.requests.maxlen
        secondary_403s = hub.secondary_403s
    finally:
        hub.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    accounts = Counter(
        f"{r.get('kind')}:{r.get('login')}"
        for r in log
        if r["path"].startswith("/api/v3/") and r.get("kind") not in (None, "job", "anonymous")
    )
    busiest, busiest_requests = accounts.most_common(1)[0] if accounts else ("", 0)
    failed = [row for row in result["matrix"] if row["result"] != "pass"]
    failed_cells = len(failed)
    for row in failed[:5]:  # what stopped them, for whoever reads the report
        why = "; ".join(row.get("why") or [])
        print(
            f"failed: challenge {row['challenge']} {row['path']} {row['scenario']}: {why}",
            file=sys.stderr,
        )
    return {
        "learners": learners,
        "workers": workers,
        "wall_seconds": round(time.perf_counter() - start, 1),
        "journey_seconds": result["journey_seconds"],
        **{key: result[key] for key in PER_LEARNER},
        "failed_cells": failed_cells,
        "failed_runs": result["failed_runs"],
        "duplicate_comments": result["duplicate_comments"],
        "duplicate_issues": result["duplicate_issues"],
        "replay_matches": result["replay_matches"],
        # Every secondary-limit 403 the local GitHub answered (counted beside its request log,
        # which keeps the last 100,000 requests only).
        "secondary_403s": secondary_403s,
        "ok": bool(result["ok"]),
        # The account (not a job token) that made the most requests, and how many: GitHub
        # allows 5,000 an hour; the App's installation and the facilitator are the candidates.
        "busiest_account": busiest,
        "busiest_account_requests": busiest_requests,
        "request_log_full": len(log) == log_limit,
    }


def growth(rows: list[dict[str, Any]]) -> dict[str, float | None]:
    """Each per-learner figure at the largest size divided by the same at the smallest."""
    if len(rows) < 2:
        return {}
    first, last = rows[0], rows[-1]
    return {
        key: round(last[key] / first[key], 2) if first[key] else None
        for key in (*PER_LEARNER, "wall_seconds_per_learner")
    }


def per_learner_wall(row: dict[str, Any]) -> float:
    return round(float(row["wall_seconds"]) / int(row["learners"]), 2)


COLUMNS = (
    ("learners", "learners"),
    ("wall s", "wall_seconds"),
    ("journey s", "journey_seconds"),
    ("wall s/learner", "wall_seconds_per_learner"),
    ("bot requests/learner", "requests_per_learner"),
    ("learner requests/learner", "learner_requests_per_learner"),
    ("job-minutes/learner", "job_minutes_per_learner"),
    ("jobs/learner", "jobs_per_learner"),
    ("ok", "ok"),
)


def print_text(rows: list[dict[str, Any]], grown: dict[str, float | None]) -> None:
    """A Markdown table (pasteable into benchmarks/README.md), then the growth line."""
    print("| " + " | ".join(title for title, _ in COLUMNS) + " |")
    print("| " + " | ".join("---:" for _ in COLUMNS) + " |")
    for row in rows:
        cells = [
            ("yes" if row[key] else "NO") if key == "ok" else str(row[key]) for _, key in COLUMNS
        ]
        print("| " + " | ".join(cells) + " |")
    for row in rows:
        if not row["ok"]:
            print(
                f"MISSES at {row['learners']} learners: {row['failed_cells']} failed cell(s), "
                f"{row['failed_runs']} failed run(s), {row['duplicate_comments']} duplicate "
                f"comment(s), {row['duplicate_issues']} duplicate issue(s), "
                f"{row['replay_matches']} of {row['learners']} replays matched"
            )
    for row in rows:
        print(
            f"{row['learners']} learners: busiest account {row['busiest_account']} made "
            f"{row['busiest_account_requests']} API requests (GitHub allows 5,000 an hour); "
            f"secondary-limit 403s met: {row['secondary_403s']}"
        )
        if row["request_log_full"]:
            print(
                f"MISSES at {row['learners']} learners: the local GitHub's request log wrapped, "
                "so the request counts are too low"
            )
    if not grown:
        return
    low, high = rows[0]["learners"], rows[-1]["learners"]
    print(f"growth per learner from {low} to {high} learners (1.0: flat):")
    for key, ratio in grown.items():
        verdict = "" if ratio is None or ratio <= GROWTH_TOLERANCE else "  MISSES (grows)"
        print(f"  {key}: x{ratio}{verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__,
        epilog="example:\n  python benchmarks/rehearsal_growth.py 5 10 20",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "sizes",
        nargs="*",
        type=int,
        default=list(DEFAULT_SIZES),
        help="cohort sizes, one rehearsal each (default 5 10 20 50)",
    )
    parser.add_argument(
        "--workers", type=int, default=4, help="jobs the local runner runs side by side (4)"
    )
    parser.add_argument(
        "--timeout", type=float, default=1800.0, help="seconds to wait for runs (1800)"
    )
    parser.add_argument(
        "--github-limits",
        action="store_true",
        help="keep GitHub's 5,000 requests an hour per account (default: lifted, see above)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if any(not 1 <= size <= 500 for size in args.sizes):
        parser.error("every size must be 1 to 500")
    rows = []
    for size in sorted(set(args.sizes)):
        row = measure(size, args.workers, args.timeout, args.github_limits)
        row["wall_seconds_per_learner"] = per_learner_wall(row)
        rows.append(row)
        if not args.json:
            print(f"measured {size} learners: {json.dumps(row)}", file=sys.stderr, flush=True)
    grown = growth(rows)
    if args.json:
        print(json.dumps({"rows": rows, "growth": grown}, indent=2))
    else:
        print_text(rows, grown)
    return 0 if all(row["ok"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
