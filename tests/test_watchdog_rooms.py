"""The room watchdog: a failed room.yml run gets one blameless notice on the thing it was about,
unless a later run healed it (the grade comment there was updated after the run started)."""

from __future__ import annotations

from typing import Any

from glow.cohort.watchdog.rooms import plan_notices, post_room_notices
from glow.github import Repo
from tests.conftest import ROOM
from tests.fakegithub import FakeGitHub
from tests.test_grading_room import LEARNER, Room

START = "2026-06-01T10:00:00Z"


def run(run_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": run_id,
        "path": ".github/workflows/room.yml",
        "status": "completed",
        "conclusion": "failure",
        "display_title": "A TODO in welcome",
        "run_started_at": START,
        "pull_requests": [],
        **extra,
    }


ITEMS: list[dict[str, Any]] = [{"number": 3, "title": "A TODO in welcome"}]


def grade_comment(updated_at: str) -> dict[str, Any]:
    user = {"login": "github-actions[bot]", "type": "Bot"}
    return {"body": "<!-- glow:grade:issue-filed -->\n## x", "user": user, "updated_at": updated_at}


def test_a_failed_run_is_noticed_on_the_issue_its_title_names() -> None:
    [notice] = plan_notices([run(9)], ITEMS, {})
    assert (notice.number, notice.pull_request, notice.key) == (3, False, "room-run-failed:9")


def test_a_pull_request_run_names_its_pull_request() -> None:
    [notice] = plan_notices([run(9, pull_requests=[{"number": 5}])], ITEMS, {})
    assert (notice.number, notice.pull_request) == (5, True)


def test_a_run_healed_by_a_later_grade_is_silent() -> None:
    later = {3: [grade_comment("2026-06-01T10:05:00Z")]}
    assert plan_notices([run(9)], ITEMS, later) == []
    earlier = {3: [grade_comment("2026-06-01T09:55:00Z")]}
    assert len(plan_notices([run(9)], ITEMS, earlier)) == 1


def test_a_learner_typing_the_marker_does_not_silence_it() -> None:
    forged = {**grade_comment("2026-06-01T10:05:00Z"), "user": {"login": "ada", "type": "User"}}
    assert len(plan_notices([run(9)], ITEMS, {3: [forged]})) == 1


def test_other_runs_and_unclear_subjects_are_left_alone() -> None:
    assert plan_notices([run(9, conclusion="success")], ITEMS, {}) == []
    assert plan_notices([run(9, path=".github/workflows/other.yml")], ITEMS, {}) == []
    twice = [*ITEMS, {"number": 4, "title": "A TODO in welcome"}]
    assert plan_notices([run(9)], twice, {}) == []


def test_the_notice_is_posted_once(fake_github: FakeGitHub, room: Repo) -> None:
    world = Room(fake_github)
    world.issue(3, "What: x", LEARNER)
    world.issues[-1]["title"] = "A TODO in welcome"
    assert post_room_notices(room, [run(9)], dry_run=False) == 1
    writes = len(fake_github.writes())
    assert post_room_notices(room, [run(9)], dry_run=False) == 0
    assert len(fake_github.writes()) == writes
    [note] = fake_github.comments(ROOM, 3)
    assert note["body"].startswith("<!-- glow:room-run-failed:9 -->\n## Learning Room")
    assert "not something you did" in note["body"]


def test_a_run_followed_by_a_successful_one_is_silent() -> None:
    """Every room behaviour looks at the whole room on every event, so a later successful run
    of room.yml did what the failed one would have: nothing is missing, no notice."""
    failed = run(9, created_at="2026-06-01T10:00:00Z")
    later = run(10, conclusion="success", created_at="2026-06-01T10:02:00Z")
    earlier = run(8, conclusion="success", created_at="2026-06-01T09:58:00Z")
    assert plan_notices([failed, later], ITEMS, {}) == []
    assert len(plan_notices([earlier, failed], ITEMS, {})) == 1
