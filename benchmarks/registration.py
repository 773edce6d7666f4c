"""Registration under a burst, run on demand:
`python benchmarks/registration.py [--learners N] [--workers W] [--json]`.

N learners (default 30) open their registration issues at the same moment on the local GitHub,
whose runner runs W workflow jobs side by side (default: the hub's, several), and the project's
real Registration workflow answers each. It reports:

- registrations recorded per second: learners in the roster divided by the time from the first
  issue to the last run's end (each run is a real `glow register` process);
- API requests per registration, and how many were writes and content-creating; the admin
  repository's commits for the burst (the first run to commit records every complete
  registration no run has recorded yet, in filing order, so later runs mostly only read);
- runs that failed (target: 0) and answers that are missing or duplicated (target: 0).

Provisioning runs are triggered too (a `provision` dispatch per newly enrolled learner) and are
counted apart. Targets are reported, not asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ORG, COHORT = "glow-demo", "2026-12"


def measure(learners: int, workers: int | None) -> dict[str, Any]:
    from glow.cohort.model import Roster
    from glow.cohort.registration.form import render_public
    from glow.localhub.hub import LocalHub
    from glow.rehearsal.world import build_world

    logins = [f"learner-{n:03d}" for n in range(1, learners + 1)]
    with tempfile.TemporaryDirectory() as tmp:
        options = {} if workers is None else {"runner_workers": workers}
        hub = LocalHub(Path(tmp) / "hub", **options).start()
        try:
            cohorts = {"cohorts": [{"id": COHORT, "capacity": max(learners * 2 // 3, 1)}]}
            world = build_world(hub, ROOT, logins, cohorts, org=ORG)
            world.post("config", {"template_delay_seconds": 0})
            hub.wait_idle(300)
            tokens = {who: world.post("tokens", {"login": who})["token"] for who in logins}
            mark = max(r["id"] for r in hub.requests)
            runs_before = {r["id"] for r in world.get("runs")}

            def register(who: str) -> None:
                world.api.post(
                    f"/repos/{ORG}/workshop/issues",
                    headers={"Authorization": f"token {tokens[who]}"},
                    json={
                        "title": f"[REGISTER] {who}",
                        "body": render_public(COHORT, "day1-day2"),
                        "labels": ["registration"],
                    },
                ).raise_for_status()

            start = time.perf_counter()
            with ThreadPoolExecutor(max_workers=16) as pool:
                list(pool.map(register, logins))
            seconds = _until_answered(world, runs_before, learners, start)
            hub.wait_idle(900)
            runs = [r for r in world.get("runs") if r["id"] not in runs_before]
            registration = [r for r in runs if r["workflow_path"].endswith("registration.yml")]
            roster = Roster.model_validate_json(
                world.api.get(
                    f"/repos/{ORG}/admin/contents/roster/{COHORT}.json",
                    headers={"Accept": "application/vnd.github.raw"},
                ).text
            )
            requests = [
                r
                for r in list(hub.requests)
                if r["id"] > mark and r.get("route") and not r["path"].endswith("/access_tokens")
            ]
            writes = [r for r in requests if r["method"] not in ("GET", "HEAD")]
            # A commit to the admin repository: a ref moved (git data API) or a file written
            # (contents API, one file); a refused one (409, 422) is a race lost.
            admin = f"/api/v3/repos/{ORG}/admin/"
            ref_updates = [
                r for r in writes if r["path"].startswith((f"{admin}git/refs", f"{admin}contents/"))
            ]
            commits = [r for r in ref_updates if r["status"] < 400]
            answers = _answers(world.api)
            return {
                "learners": learners,
                "workers": hub.runner_workers,
                "recorded": len(roster.learners),
                "seconds": round(seconds, 2),
                "recorded_per_second": round(len(roster.learners) / seconds, 2),
                "requests_per_registration": round(len(requests) / learners, 1),
                "writes_per_registration": round(len(writes) / learners, 1),
                "content_creating_per_registration": round(
                    sum(1 for r in requests if r.get("creates_content")) / learners, 2
                ),
                "admin_commits": len(commits),
                "admin_races_lost": len(ref_updates) - len(commits),
                "registration_runs": len(registration),
                "failed_runs": sum(
                    1
                    for r in runs
                    if r.get("conclusion") not in ("success", "skipped", "cancelled")
                ),
                "issues_without_one_answer": sum(1 for count in answers.values() if count != 1),
            }
        finally:
            hub.stop()


def _until_answered(world: Any, before: set[int], learners: int, start: float) -> float:
    """Wall seconds from the first issue until every registration run has ended."""
    while True:
        runs = [
            r
            for r in world.get("runs")
            if r["id"] not in before and r["workflow_path"].endswith("registration.yml")
        ]
        if len(runs) >= learners and all(r["status"] == "completed" for r in runs):
            return time.perf_counter() - start
        if time.perf_counter() - start > 900:
            raise SystemExit("registration runs did not finish within 15 minutes")
        time.sleep(0.2)


def _answers(api: Any) -> dict[int, int]:
    issues = api.get(f"/repos/{ORG}/workshop/issues", params={"state": "all", "per_page": 100})
    counts = {}
    for issue in issues.json():
        comments = api.get(f"/repos/{ORG}/workshop/issues/{issue['number']}/comments").json()
        counts[issue["number"]] = sum(
            1 for c in comments if c["body"].startswith("<!-- glow:registration -->")
        )
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Registration under a burst on the local GitHub (issue 7).",
        epilog="example:\n  python benchmarks/registration.py --learners 30 --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--learners", type=int, default=30, help="learners (default 30)")
    parser.add_argument("--workers", type=int, help="runner workers (default: the hub's)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    result = measure(args.learners, args.workers)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    misses = []
    if result["failed_runs"]:
        misses.append("failed runs")
    if result["issues_without_one_answer"]:
        misses.append("answers missing or duplicated")
    print(
        f"{result['learners']} registrations at once, {result['workers']} runner workers: "
        f"{result['recorded']} recorded in {result['seconds']} s "
        f"({result['recorded_per_second']} a second)\n"
        f"per registration: {result['requests_per_registration']} API requests, "
        f"{result['writes_per_registration']} writes, "
        f"{result['content_creating_per_registration']} content-creating\n"
        f"admin commits: {result['admin_commits']} (races lost and retried: "
        f"{result['admin_races_lost']}); failed runs: {result['failed_runs']}; "
        f"issues without exactly one answer: {result['issues_without_one_answer']}"
        + (f"\nMISSES: {', '.join(misses)}" if misses else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
