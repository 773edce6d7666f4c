"""A re-run of `glow dashboard` on the local GitHub: about one request per learner, GitHub's
current state still deciding (benchmarks/budgets.json, "dashboard-rerun").

Three learners with real rooms, each room with a comment (so a full read of a room is its issue
listing and its comment listing): ada closed challenges 1 to 3, bob is on challenge 1, cy has
not acked. The first run reads every room in full and keeps what it took from each in its status
issue; a re-run on the unchanged cohort reads each room with one listing since then and writes
nothing; a change in one room shows on the next run.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from glow.cohort.dashboard import decide
from glow.cohort.model import room_name
from tests.cohort_world import COHORT, Glow, World, build_world, glow_runner

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
LEARNERS = ("ada", "bob", "cy")


def budget() -> dict[str, int]:
    events = json.loads((ROOT / "benchmarks" / "budgets.json").read_text())["events"]
    return next(e for e in events if e["id"] == "dashboard-rerun")  # type: ignore[no-any-return]


@pytest.fixture
def glow(capsys: pytest.CaptureFixture[str]) -> Glow:
    return glow_runner(capsys)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    # A room's daily full read falls on one quarter-hour in 96 (tests/test_dashboard_facts.py):
    # off here, so which rooms are read in full does not depend on the time the test runs.
    monkeypatch.setattr(decide, "due_for_full_read", lambda key, now: False)
    w = build_world(tmp_path, monkeypatch, LEARNERS)
    for handle, acked, closed in (("ada", True, 3), ("bob", True, 0), ("cy", False, 0)):
        w.register(handle, ack=acked)
        w.make_room(handle, closed=closed)
        first = w.challenge_issues[(handle, 1)]
        w.api("POST", f"/repos/{room(handle)}/issues/{first}/comments", json={"body": "Graded."})
    w.set_roster([w.learner(h) for h in LEARNERS])
    yield w
    w.http.close()
    w.hub.stop()


def room(handle: str) -> str:
    return f"org/{room_name(COHORT, handle)}"


def per_repo(requests: list[dict[str, object]]) -> Counter[str]:
    """Requests by repository (``owner/name``), or by path for the rest."""
    counts: Counter[str] = Counter()
    for r in requests:
        parts = str(r["path"]).split("/")
        counts["/".join(parts[4:6]) if parts[3:4] == ["repos"] else str(r["path"])] += 1
    return counts


def test_a_rerun_on_an_unchanged_cohort_reads_each_room_once_and_writes_nothing(
    world: World, glow: Glow
) -> None:
    assert glow("dashboard", "--now", world.now())[0] == 0
    mark = world.mark()
    code, out, err = glow("dashboard", "--now", world.now())
    assert code == 0, err
    assert world.writes_since(mark) == []
    assert "changed 0 issue(s)" in out
    assert "0 Learning Room(s) read in full" in out
    requests = world.requests_since(mark)
    by_repo = per_repo(requests)
    assert [by_repo[room(h)] for h in LEARNERS] == [1, 1, 1]
    limit = budget()
    assert len(requests) <= limit["requests"] + limit["requests_per_learner"] * len(LEARNERS), (
        Counter(f"{r['method']} {r['path']}" for r in requests)
    )


def test_a_closed_challenge_and_a_help_comment_show_on_the_next_run(
    world: World, glow: Glow
) -> None:
    assert glow("dashboard", "--now", world.now())[0] == 0
    before = world.admin_issues("dashboard")
    world.close_challenge("bob", 1)
    world.open_challenge("bob", 2)
    ada_issue = world.challenge_issues[("ada", 4)]
    world.api(
        "POST",
        f"/repos/{room('ada')}/issues/{ada_issue}/comments",
        who="ada",
        json={"body": "help, the merge button is grey"},
    )
    mark = world.mark()
    code, out, err = glow("dashboard", "--now", world.now())
    assert code == 0, err
    assert "2 Learning Room(s) read in full" in out
    issues = world.admin_issues("dashboard")
    bob, ada = issues[f"dashboard:{COHORT}:bob"], issues[f"dashboard:{COHORT}:ada"]
    assert "- Completed: 1 of 16 (1)" in bob["body"]
    assert "challenge 2 of 16" in bob["body"].split("\n")[1]
    assert "needs-reply" in {label["name"] for label in ada["labels"]}
    assert "asked for help in the Learning Room at" in ada["body"].split("\n")[1]
    cy = before[f"dashboard:{COHORT}:cy"]["number"]
    assert f"PATCH /api/v3/repos/org/admin/issues/{cy}" not in world.writes_since(mark)

    # The facilitator replies in the room: the request leaves the dashboard on the next run.
    world.api(
        "POST",
        f"/repos/{room('ada')}/issues/{ada_issue}/comments",
        json={"body": "Refresh the page, it turns green once the checks finish."},
    )
    assert glow("dashboard", "--now", world.now())[0] == 0
    ada = world.admin_issues("dashboard")[f"dashboard:{COHORT}:ada"]
    assert "needs-reply" not in {label["name"] for label in ada["labels"]}
    assert "- Help request: none open" in ada["body"]
    mark = world.mark()
    assert glow("dashboard", "--now", world.now())[0] == 0
    assert world.writes_since(mark) == []


def test_the_clock_alone_makes_a_learner_stuck_without_reading_the_room_again(
    world: World, glow: Glow
) -> None:
    assert glow("dashboard", "--now", world.now())[0] == 0
    world.advance(21 * 60)
    mark = world.mark()
    code, out, err = glow("dashboard", "--now", world.now())
    assert code == 0, err
    assert "0 Learning Room(s) read in full" in out
    ada = world.admin_issues("dashboard")[f"dashboard:{COHORT}:ada"]
    assert ada["body"].split("\n")[1].startswith("ada is stuck: active on Day 1, challenge 4")
    assert "stuck" in {label["name"] for label in ada["labels"]}
    assert [by for by in per_repo(world.requests_since(mark)) if "learning-room" in by] == [
        room(h) for h in LEARNERS
    ]


def test_a_status_issue_whose_kept_facts_were_edited_away_reads_the_room_in_full(
    world: World, glow: Glow
) -> None:
    """A facilitator's edit of a status issue is replaced; the room is read in full first."""
    assert glow("dashboard", "--now", world.now())[0] == 0
    ada = world.admin_issues("dashboard")[f"dashboard:{COHORT}:ada"]
    world.api("PATCH", f"/repos/org/admin/issues/{ada['number']}", json={"body": ada["body"][:200]})
    code, out, err = glow("dashboard", "--now", world.now())
    assert code == 0, err
    assert "1 Learning Room(s) read in full" in out
    assert world.admin_issues("dashboard")[f"dashboard:{COHORT}:ada"]["body"] == ada["body"]
