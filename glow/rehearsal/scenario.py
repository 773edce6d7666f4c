"""The rehearsal's story: learners register (the first answer incomplete, then fixed by an edit),
rooms are provisioned, learners answer the private intake form in their rooms, one says ack and
day1-complete, another asks for help, the dashboard and the watchdog run; then everything runs
again on the healthy cohort, which must write nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glow.rehearsal.summary import issue_state, load_figures, rerun_figures, summarize
from glow.rehearsal.world import (
    COHORT,
    FACILITATOR,
    ORG,
    build_world,
    file_intake,
    file_registration,
    learner_logins,
)

if TYPE_CHECKING:
    from glow.localhub.hub import LocalHub


IDLE_GIVE_UP_S = 5.0  # a room still not ready this long after the last run ended: not coming


def rehearse(
    hub: LocalHub, root: Path, say: Callable[[str], None], timeout: float, learners: int = 3
) -> dict[str, Any]:
    started = time.monotonic()
    logins = learner_logins(learners)
    cohorts = {
        "cohorts": [
            {
                "id": COHORT,
                "title": "December 2026",
                "capacity": max(learners, 1),
                "day2_url": f"{hub.url}/{ORG}/workshop/blob/main/docs/day2.md",
            }
        ]
    }
    world = build_world(hub, root, logins, cohorts)
    post, api = world.post, world.api
    say(
        f"created organisation {ORG} with the provisioning App installed, facilitator "
        f"{FACILITATOR} and {learners} learners"
    )
    hub.wait_idle(timeout)
    say(
        "glow setup created workshop (public), admin (private) and learning-room-template "
        "(private) from this project, the variables and the facilitators' team; the "
        "facilitator pasted the App's secrets"
    )
    gate = go_live(hub, root, world)
    say(
        f"glow golive: {gate['golive']}; a second glow setup wrote {gate['setup_rerun_writes']}; "
        f"about {gate['actions_minutes_per_month_30_learners']:,} Actions minutes a month "
        "for 30 learners"
    )

    from glow.cohort.registration.form import render_public

    private: list[str] = []
    numbers: dict[str, int] = {}
    tokens: dict[str, str] = {}
    for i, login in enumerate(logins):
        token = tokens[login] = post("tokens", {"login": login})["token"]
        body = render_public(COHORT, "both days please" if i == 0 else "day1-day2")
        issue = file_registration(api, token, login, body)
        numbers[login] = issue["number"]
        if i == 0:
            hub.wait_idle(timeout)
            first = issue_state(api, issue["number"])
            say(
                f"{login} filed #{issue['number']} with a path that is not one of the choices: "
                f"labels {first['labels']}"
            )
            fixed = api.get(f"/repos/{ORG}/workshop/issues/{issue['number']}").json()["body"]
            api.patch(
                f"/repos/{ORG}/workshop/issues/{issue['number']}",
                headers={"Authorization": f"token {token}"},
                json={"body": fixed.replace("### Path\n\n_No response_", "### Path\n\nday1-day2")},
            )
    say(f"{learners} learners registered; provisioning makes their rooms as they register")

    # Each learner starts in their room as soon as it is ready, as in a workshop, while the
    # rooms of those who registered later are still being made: the intake forms in filing
    # order, on a thread, and the first learner's journey once their intake is in.
    for i, login in enumerate(logins):
        private += [f"Screen reader {i + 1}: NVDA with braille display {i + 1:03d}"]
        private += [f"{login}@private.example"]
    first_in = threading.Event()
    failures: list[BaseException] = []

    def intakes() -> None:
        try:
            for i, login in enumerate(logins):
                wait_for_room(hub, api, login, timeout)
                file_intake(api, tokens[login], login, private[2 * i], private[2 * i + 1])
                first_in.set()
        except BaseException as exc:  # re-raised on the main thread
            failures.append(exc)
            first_in.set()

    filing = threading.Thread(target=intakes, name="intake-forms", daemon=True)
    filing.start()
    # The dashboard runs while the rooms are being made (a facilitator's dispatch; its schedule
    # runs every 6 hours while a cohort is open): its first run opens the learners' status
    # issues meanwhile.
    api.post(
        f"/repos/{ORG}/admin/actions/workflows/dashboard.yml/dispatches", json={"ref": "main"}
    ).raise_for_status()
    first_in.wait(timeout)
    if failures:
        raise failures[0]
    walked = walk_one(hub, root, world, logins[0], tokens[logins[0]])
    passed = sum(1 for cell in walked if cell.result == "pass")
    say(
        f"{logins[0]} walked every challenge of their Learning Room: {passed} of {len(walked)} "
        "checks passed (progression, Gandalf, the autograders and help answered in the room)"
    )
    filing.join(timeout)
    if failures:
        raise failures[0]
    hub.wait_idle(timeout)
    say(
        f"{learners} learners accepted their invitations and filled in the private intake form "
        "in their own Learning Rooms"
    )

    def comment(login: str, text: str) -> None:
        api.post(
            f"/repos/{ORG}/workshop/issues/{numbers[login]}/comments",
            headers={"Authorization": f"token {tokens[login]}"},
            json={"body": text},
        ).raise_for_status()
        hub.wait_idle(timeout)

    comment(logins[0], "ack")
    comment(logins[0], "day1-complete")
    say(f"{logins[0]} said ack, then day1-complete: the Day 2 release ran on the comment")
    if len(logins) > 1:
        comment(logins[1], "help, I cannot find the invitation to my Learning Room")
        say(f"{logins[1]} asked for help on their registration: the Help workflow answered")

    for repo, workflow in ((f"{ORG}/admin", "dashboard.yml"), (f"{ORG}/admin", "watchdog.yml")):
        api.post(
            f"/repos/{repo}/actions/workflows/{workflow}/dispatches", json={"ref": "main"}
        ).raise_for_status()
        hub.wait_idle(timeout)
    say("dashboard and watchdog workflows ran in the admin repo")

    def rerun(workflows: tuple[tuple[str, str, dict[str, str]], ...]) -> list[dict[str, Any]]:
        """Dispatch ``workflows`` side by side; their runs' own requests (the facilitator's
        dispatches and the runs' token requests aside)."""
        mark = max((r["id"] for r in hub.requests), default=0)
        for repo, workflow, inputs in workflows:
            api.post(
                f"/repos/{repo}/actions/workflows/{workflow}/dispatches",
                json={"ref": "main", "inputs": inputs},
            ).raise_for_status()
        hub.wait_idle(timeout)
        return [
            r
            for r in list(hub.requests)
            if r["id"] > mark
            and r.get("route")
            and not r["route"].endswith(("/access_tokens", "/dispatches"))
        ]

    # A facilitator's check first: provisioning with verify re-reads every room (a dispatch by
    # hand, never scheduled); then what the schedules run on the healthy cohort. Neither may
    # write anything.
    verified = rerun(((f"{ORG}/workshop", "provision.yml", {"verify": "true"}),))
    rerun_requests = rerun(
        (
            (f"{ORG}/workshop", "provision.yml", {}),
            (f"{ORG}/workshop", "day2-release.yml", {}),
            (f"{ORG}/admin", "dashboard.yml", {}),
            (f"{ORG}/admin", "watchdog.yml", {}),
        )
    )
    rerun_writes = [r for r in (*verified, *rerun_requests) if r["method"] != "GET"]
    say(
        "re-ran provisioning with verify, then what the schedules run (provisioning, the Day 2 "
        f"release, the dashboard and the watchdog): {len(rerun_writes)} writes"
    )
    result = summarize(hub, api, logins, numbers, private, first, rerun_writes)
    runs = list(hub.store.data["runs"].values())
    result.update(rerun_figures(rerun_requests, len(logins), runs))
    result["verify_requests_per_learner"] = round(len(verified) / max(len(logins), 1), 2)
    result.update(load_figures(hub, runs))
    result["wall_seconds"] = round(time.monotonic() - started, 1)
    floor = result.get("limits_floor_seconds") or 0
    result["wall_over_floor"] = round(result["wall_seconds"] / floor, 2) if floor else None
    result["journey"] = {
        "learner": logins[0],
        "cells": len(walked),
        "passed": passed,
        "failed": [
            {"challenge": c.challenge, "scenario": c.scenario, "why": c.detail}
            for c in walked
            if c.result != "pass"
        ],
    }
    result.update(gate)
    gate_ok = gate["golive"] == "pass" and gate["setup_rerun_writes"] == 0
    result["ok"] = bool(result["ok"] and passed == len(walked) and walked and gate_ok)
    return result


def go_live(hub: LocalHub, root: Path, world: Any) -> dict[str, Any]:
    """`glow golive` on the world `glow setup` built, then `glow setup` again (it must write
    nothing): the figures the demo reports."""
    from glow.cohort.golive.gate import run_gate
    from glow.cohort.setup.apply import run_setup
    from glow.github import token_client
    from glow.rehearsal.world import setup_options

    token = world.token(FACILITATOR)
    options = setup_options(root, world.org)
    client = token_client(token, hub.api_url)
    gate = run_gate(client, token, hub.api_url, options)
    again = run_setup(client, token, hub.api_url, options)
    return {
        "golive": "pass" if gate.passed else "fail",
        "golive_failed": [f"{c.name}: {c.detail}" for c in gate.checks if not c.ok],
        "setup_rerun_writes": again.writes,
        "actions_minutes_per_month_30_learners": gate.minutes_30_learners,
    }


def wait_for_room(hub: Any, api: Any, login: str, timeout: float) -> None:
    """Until ``login``'s room is ready for them: its first challenge open, what provisioning
    does last, after the invitation (polled by the facilitator once a second). Stops at once,
    not at the timeout, when the local GitHub has had nothing to run for a few seconds and the
    room is still not ready: provisioning ended without it (its run's log says why)."""
    from glow.cohort.model import room_name

    issues = f"/repos/{ORG}/{room_name(COHORT, login)}/issues"
    deadline, idle_since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        answer = api.get(issues)
        if answer.status_code == 200 and answer.json():
            return
        if not hub.wait_idle(0.05):
            idle_since = None
        elif idle_since is None:
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since > IDLE_GIVE_UP_S:
            raise RuntimeError(
                f"{login}'s Learning Room was not made: no workflow is left to run; see the "
                "Provisioning runs' logs"
            )
        time.sleep(1.0)
    raise TimeoutError(f"{login}'s Learning Room was not ready within {timeout:g} s")


def walk_one(hub: Any, root: Path, world: Any, login: str, token: str) -> list[Any]:
    """One learner's whole journey through their room, right first time (``glow rehearse``
    walks many, with wrong attempts too)."""
    import httpx

    from glow.cohort.model import room_name
    from glow.rehearsal.journey import Learner, journey, room_busy, runs_finished
    from glow.room.challenges import load_directory

    catalogue = load_directory(root / "learning-room-template" / "challenges")
    learner = Learner(
        login=login,
        token=token,
        path="day1-day2",
        room=f"{ORG}/{room_name(COHORT, login)}",
        happy=True,
        base_url=hub.url,
        api=world.api,
        control=httpx.Client(base_url=hub.url, timeout=60),
        busy=lambda room: room_busy(hub, room),
        finished=lambda: runs_finished(hub),
    )
    journey(learner, [(c.number, c.grader) for c in catalogue.for_path("day1-day2")])
    return list(learner.cells)
