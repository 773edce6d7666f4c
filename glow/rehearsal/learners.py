"""The learner rehearsal's story: N learners register (every fifth on the Day-2-only path),
their rooms are provisioned, each accepts the invitation and walks every challenge of their
path in parallel with the others; then the dashboard runs and each learner's progress is
replayed from their room alone and compared with it."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from glow.rehearsal.journey import WAIT, Learner, journey, room_busy, runs_finished
from glow.rehearsal.matrix import billed_minutes, duplicate_markers, matrix
from glow.rehearsal.world import (
    COHORT,
    ORG,
    accept_invitations,
    build_world,
    file_registration,
    learner_logins,
)


def path_of(index: int) -> str:
    return "day2-only" if index % 5 == 4 else "day1-day2"


def rehearse_learners(
    hub: Any, root: Path, say: Callable[[str], None], timeout: float, count: int
) -> dict[str, Any]:
    import httpx

    from glow.cohort.model import room_name
    from glow.cohort.registration.form import render_public
    from glow.room.challenges import load_directory

    started = time.monotonic()
    logins = learner_logins(count)
    cohorts = {"cohorts": [{"id": COHORT, "title": "December 2026", "capacity": count}]}
    world = build_world(hub, root, logins, cohorts)
    hub.wait_idle(timeout)
    say(f"organisation {ORG}: the App, workshop, admin and template repositories, {count} learners")

    tokens = {login: world.post("tokens", {"login": login})["token"] for login in logins}
    for i, login in enumerate(logins):
        file_registration(world.api, tokens[login], login, render_public(COHORT, path_of(i)))
    hub.wait_idle(timeout)
    say(f"{count} learners registered; their rooms were provisioned")

    control = httpx.Client(base_url=hub.url, timeout=60)
    catalogue = load_directory(root / "learning-room-template" / "challenges")
    learners: list[Learner] = []
    seen_paths: set[str] = set()
    for i, login in enumerate(logins):
        accept_invitations(world.api, tokens[login])
        path = path_of(i)
        learners.append(
            Learner(
                login=login,
                token=tokens[login],
                path=path,
                room=f"{ORG}/{room_name(COHORT, login)}",
                happy=path not in seen_paths,
                base_url=hub.url,
                api=world.api,
                control=control,
                busy=lambda room: room_busy(hub, room),
                finished=lambda: runs_finished(hub),
                # Every learner's runs share the runner: a larger cohort waits in a longer queue.
                wait=max(WAIT, 3.0 * count),
            )
        )
        seen_paths.add(path)
    say(f"{count} learners accepted their invitations; the journeys start")

    mark = max((r["id"] for r in hub.requests), default=0)
    journey_started = time.monotonic()

    def walk(learner: Learner) -> None:
        plan = [(c.number, c.grader) for c in catalogue.for_path(learner.path)]  # type: ignore[arg-type]
        journey(learner, plan)

    with ThreadPoolExecutor(max_workers=count) as pool:
        list(pool.map(walk, learners))
    hub.wait_idle(timeout)
    journey_seconds = time.monotonic() - journey_started
    say(f"every learner walked their path in {journey_seconds:.0f} s")

    requests = [r for r in list(hub.requests) if r["id"] > mark and r.get("route")]
    # What the bots asked of GitHub (job tokens, the App), apart from the simulated learners'
    # own clicks and the rehearsal's polling (the facilitator's token).
    bot_requests = [r for r in requests if r.get("kind") not in (None, "user", "anonymous")]
    learner_requests = [r for r in requests if r.get("login") in set(logins)]
    rooms = {learner.room for learner in learners}
    room_runs = [r for r in hub.store.data["runs"].values() if r.get("repo") in rooms]
    minutes = sum(billed_minutes(r) for r in room_runs)
    jobs = sum(
        1
        for r in room_runs
        for j in r.get("jobs") or []
        if j.get("conclusion") != "skipped" and j.get("started_at")
    )
    # A replaced pending run ends cancelled, as on GitHub; a run of a pull request the bot
    # opened with its job token waits for a person's approval. Neither is a failure.
    fine = ("success", "skipped", "cancelled", "action_required")
    failed_runs = [r for r in room_runs if r.get("conclusion") not in fine]
    dup_comments, dup_issues = duplicates(world.api, rooms)
    replay = replay_matches(world, hub, learners, timeout)
    rows = matrix(cell for learner in learners for cell in learner.cells)
    ok = (
        all(r["result"] == "pass" for r in rows)
        and dup_comments == 0
        and dup_issues == 0
        and replay == count
        and not failed_runs
    )
    return {
        "ok": ok,
        "learners": count,
        "matrix": rows,
        "duplicate_comments": dup_comments,
        "duplicate_issues": dup_issues,
        "requests_per_learner": round(len(bot_requests) / count, 1),
        "learner_requests_per_learner": round(len(learner_requests) / count, 1),
        "job_minutes_per_learner": round(minutes / count, 1),
        "jobs_per_learner": round(jobs / count, 1),
        "failed_runs": len(failed_runs),
        "replay_matches": replay,
        "journey_seconds": round(journey_seconds, 1),
        "wall_seconds": round(time.monotonic() - started, 1),
    }


def duplicates(api: Any, rooms: set[str]) -> tuple[int, int]:
    """(extra bot comments sharing a marker in one thread, extra challenge issues)."""
    threads: dict[str, list[str]] = {}
    challenge_markers: dict[str, list[str]] = {}
    for room in sorted(rooms):
        found = api.get(f"/repos/{room}/issues", params={"state": "all", "per_page": 100})
        found.raise_for_status()
        issues = found.json()
        challenge_markers[room] = [
            i["body"].split("\n", 1)[0]
            for i in issues
            if "pull_request" not in i
            and i["user"]["type"] == "Bot"
            and (i["body"] or "").startswith("<!-- glow:challenge:")
        ]
        page = 1
        while True:
            listed = api.get(
                f"/repos/{room}/issues/comments", params={"per_page": 100, "page": page}
            )
            listed.raise_for_status()
            comments = listed.json()
            for c in comments:
                if c["user"]["type"] == "Bot":
                    threads.setdefault(f"{room}#{c['issue_url'].rsplit('/', 1)[1]}", []).append(
                        c["body"]
                    )
            if len(comments) < 100:
                break
            page += 1
    issues_extra = sum(len(m) - len(set(m)) for m in challenge_markers.values())
    return duplicate_markers(threads), issues_extra


def replay_matches(world: Any, hub: Any, learners: list[Learner], timeout: float) -> int:
    """Learners whose progress replayed from their room alone equals the dashboard's."""
    from glow.rehearsal.replay import replay_matches as compare

    found = compare(hub, world, {learner.login: learner.room for learner in learners})
    return sum(found.values())
