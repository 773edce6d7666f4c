"""What a learner rehearsal proves, read back from the local GitHub: the reliability matrix
(challenge by path by scenario), duplicate bot comments and challenge issues, requests and
billed job-minutes per learner. Pure functions over what the hub recorded, plus the report
printed for a person."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from glow.rehearsal.journey import Cell

SCENARIO_ORDER = {"happy": 0, "wrong-attempt": 1, "recovery": 2, "help": 3}


def matrix(cells: Iterable[Cell]) -> list[dict[str, Any]]:
    """One row per (challenge, path, scenario): ``pass`` when every learner's cell passed."""
    rows: dict[tuple[int, str, str], list[Cell]] = {}
    for cell in cells:
        rows.setdefault((cell.challenge, cell.path, cell.scenario), []).append(cell)
    out = []
    for (challenge, path, scenario), found in sorted(
        rows.items(), key=lambda kv: (kv[0][0], kv[0][1], SCENARIO_ORDER.get(kv[0][2], 9))
    ):
        failed = [c for c in found if c.result != "pass"]
        row: dict[str, Any] = {
            "challenge": challenge,
            "path": path,
            "scenario": scenario,
            "result": "fail" if failed else "pass",
        }
        if failed:
            row["why"] = sorted({c.detail for c in failed if c.detail})[:3]
        out.append(row)
    return out


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def billed_minutes(run: Mapping[str, Any]) -> int:
    """GitHub bills each job that ran rounded up to a whole minute; a skipped job bills 0."""
    total = 0
    for job in run.get("jobs") or []:
        started, completed = _time(job.get("started_at")), _time(job.get("completed_at"))
        if job.get("conclusion") == "skipped" or started is None:
            continue
        seconds = (completed - started).total_seconds() if completed else 0.0
        total += max(1, math.ceil(seconds / 60))
    return total


def duplicate_markers(bodies_by_thread: Mapping[str, list[str]]) -> int:
    """Extra copies of a hidden marker in one thread (0 when every marker appears once)."""
    extra = 0
    for bodies in bodies_by_thread.values():
        markers = [b.split("\n", 1)[0] for b in bodies if b.startswith("<!-- glow:")]
        extra += len(markers) - len(set(markers))
    return extra


def print_report(result: Mapping[str, Any]) -> None:
    rows = result["matrix"]
    passed = sum(1 for r in rows if r["result"] == "pass")
    print()
    print("# Learner rehearsal")
    print()
    verdict = "passed" if result["ok"] else "FAILED"
    print(f"Rehearsal {verdict}: {passed} of {len(rows)} cells of the matrix pass.")
    print(
        f"{result['learners']} learners, {result['duplicate_comments']} duplicate bot comments, "
        f"{result['duplicate_issues']} duplicate challenge issues."
    )
    print(
        f"Per learner: {result['requests_per_learner']} API requests by the bots "
        f"({result['learner_requests_per_learner']} by the learner), "
        f"{result['job_minutes_per_learner']} billed job-minutes, "
        f"{result['jobs_per_learner']} jobs."
    )
    print(f"Wall time: {result['wall_seconds']} s.")
    print(f"Progress replay equals the dashboard for {result['replay_matches']} learners.")
    print()
    print("| challenge | path | scenario | result |")
    print("| --- | --- | --- | --- |")
    for r in rows:
        why = f" ({'; '.join(r['why'])})" if r.get("why") else ""
        print(f"| {r['challenge']} | {r['path']} | {r['scenario']} | {r['result']}{why} |")
