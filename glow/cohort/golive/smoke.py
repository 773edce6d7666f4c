"""The go-live gate's live smoke test: a test learner (a second GitHub account, its token in
GLOW_SMOKE_TOKEN) registers through the real form, the real workflows enrol them and make
their Learning Room, and the test tears it all down again: the registration withdrawn (its
seat freed) and the room deleted. Every wait is a poll of GitHub's current state, with a
deadline; a stage that does not finish in time names itself and where to look."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from glow.cohort.golive.decide import Check
from glow.errors import GlowError

if TYPE_CHECKING:
    from glow.cohort.setup.decide import Names
    from glow.github import Repo

POLL_S = 5.0
NAME = "Live smoke test"


def smoke_test(
    staff: Repo,
    learner: Repo,
    names: Names,
    cohort: str,
    web: str,
    *,
    timeout: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
) -> Check:
    """Register ``learner``'s account in ``cohort``, wait for the room, tear it down."""
    from glow.cohort.model import room_name
    from glow.cohort.registration.form import render_public

    handle = learner.login()
    room = f"{names.org}/{room_name(cohort, handle)}"
    actions = f"{web}/{names.full('workshop')}/actions"
    if staff.get_json(f"repos/{room}") is not None:
        return Check(
            NAME,
            "fail",
            f"{handle} already has a Learning Room, {room}",
            f"use another test account, or delete {room} first",
        )
    issue = learner.request(
        "POST",
        learner.url("issues"),
        json={
            "title": "Go-live smoke test",
            "body": render_public(cohort, "day1-day2"),
            "labels": ["registration"],
        },
        creates=True,
    ).json()
    number = int(issue["number"])
    started = clock()

    def wait_for(what: str, done: Callable[[], bool], since: float = started) -> str | None:
        while clock() - since < timeout:
            if done():
                return None
            sleep(POLL_S)
        return what

    def labels() -> set[str]:
        found = staff.get_json(staff.url("issues", number)) or {}
        return {str(label["name"]) for label in found.get("labels", [])}

    def room_ready() -> bool:
        invitations: Any = staff.get_json(f"repos/{room}/invitations")
        return bool(invitations) and any(
            str(i["invitee"]["login"]).lower() == handle.lower() for i in invitations
        )

    stuck = wait_for("the registration was not enrolled", lambda: "enrolled" in labels())
    if stuck is None:
        stuck = wait_for("no Learning Room was made and shared", room_ready)
    took = round(clock() - started)
    # Tear down whatever happened: the learner withdraws (their seat is freed), the room goes.
    learner.request("PATCH", learner.url("issues", number), json={"state": "closed"})
    left = wait_for("the registration was not withdrawn", lambda: "withdrawn" in labels(), clock())
    try:
        if staff.get_json(f"repos/{room}") is not None:
            staff.request("DELETE", f"repos/{room}")
    except GlowError as exc:
        return Check(
            NAME,
            "fail",
            f"the test learner's room {room} could not be deleted ({exc})",
            f"delete it on {web}/{room}/settings (your token needs the delete_repo scope)",
        )
    if stuck is None and left is not None:
        stuck = left
    if stuck is not None:
        return Check(
            NAME,
            "fail",
            f"{stuck} within {round(timeout)} s (registration #{number}, withdrawn again)",
            f"look at the Registration and Provisioning runs at {actions}",
        )
    return Check(
        NAME,
        "pass",
        f"{handle} registered, was enrolled and got a Learning Room in {took} s; "
        "the registration is withdrawn and the room deleted",
    )
