"""`glow progress replay OWNER/ROOM` rebuilds a learner's progress from the room alone and
matches the dashboard for every learner (one progress function, ``room_progress``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from glow.cohort.model import room_name
from tests.cohort_world import COHORT, Glow, World, build_world, glow_runner

pytestmark = pytest.mark.e2e


@pytest.fixture
def glow(capsys: pytest.CaptureFixture[str]) -> Glow:
    return glow_runner(capsys)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    w = build_world(tmp_path, monkeypatch, ("ada", "bob"))
    for handle, closed in (("ada", 3), ("bob", 0)):
        w.register(handle, ack=True)
        w.make_room(handle, closed=closed)
    w.set_roster([w.learner(h) for h in ("ada", "bob")])
    # What provisioning writes; bob's room lacks it (replay then takes the handle from --handle).
    w.put_file(
        f"org/{room_name(COHORT, 'ada')}",
        ".glow/learner.yml",
        f"handle: ada\ncohort: '{COHORT}'\npath: day1-day2\n",
    )
    # ada files an issue of her own that looks like a challenge and closes it: not progress.
    room = f"/repos/org/{room_name(COHORT, 'ada')}/issues"
    forged = w.api(
        "POST",
        room,
        who="ada",
        json={"title": "Challenge 9: merge day", "body": "<!-- glow:challenge:9 -->\nDone!"},
    )
    w.api("PATCH", f"{room}/{forged['number']}", who="ada", json={"state": "closed"})
    yield w
    w.http.close()
    w.hub.stop()


def test_replay_equals_the_dashboard_for_every_learner(world: World, glow: Glow) -> None:
    code, out, err = glow("dashboard", "--dry-run", "--json", "--now", world.now())
    assert code == 0, err
    rows = {row["handle"]: row for row in json.loads(out)}
    for handle in ("ada", "bob"):
        room = f"org/{room_name(COHORT, handle)}"
        extra = ("--handle", handle) if handle == "bob" else ()
        code, out, err = glow("progress", "replay", room, "--json", "--provisioning", *extra)
        assert code == 0, err
        replay = json.loads(out)
        assert replay["completed"] == rows[handle]["completed"], handle
        assert replay["current_challenge"] == rows[handle]["current_challenge"], handle
    assert rows["ada"]["completed"] == [1, 2, 3]  # the forged challenge 9 did not count
    code, out, _ = glow("progress", "replay", f"org/{room_name(COHORT, 'ada')}", "--provisioning")
    assert code == 0
    assert (
        "completed: 1, 2, 3" in out
        and "current challenge: 4" in out
        and "level: Contributor" in out
    )
