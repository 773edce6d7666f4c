"""What the watchdog remembers between runs, and what it leaves unread because of it (pure
decisions in ``decide``, the file in ``memory``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from glow.cohort.watchdog.decide import (
    DEFAULT_FULL_READ_MINUTES,
    RoomHealth,
    RoomMemo,
    RoomPlan,
    Template,
    full_reads,
    plan_room,
    remember,
    room_activity,
    runs_clean,
    runs_known,
    tree_stamp,
)
from glow.cohort.watchdog.memory import load
from glow.localhub.runner.cron import Cron

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
WATCHDOG_WORKFLOW = (
    Path(__file__).resolve().parents[1] / "admin-roster" / ".github" / "workflows" / "watchdog.yml"
)
TEMPLATE = Template("org/template", "a" * 40, {})
LISTED = {"pushed_at": "2026-11-23T08:00:00Z", "default_branch": "main"}
HEALTHY = RoomHealth("org/room-ada", exists=True)
STAMP = tree_stamp(LISTED, TEMPLATE)


def rooms(n: int) -> dict[str, str]:
    return {f"org/room-{i:02d}": f"l{i:02d}" for i in range(n)}


def test_without_a_last_run_every_room_is_read_in_full() -> None:
    assert full_reads({}, rooms(12), now=T0, every=HOUR, last_run=None) == set(rooms(12))


def test_ten_minutes_after_the_last_run_a_sixth_of_the_rooms_longest_unread_are_read() -> None:
    memos = {
        room: RoomMemo(who, T0 - timedelta(minutes=i))
        for i, (room, who) in enumerate(rooms(12).items())
    }
    chosen = full_reads(memos, rooms(12), now=T0, every=HOUR, last_run=T0 - timedelta(minutes=10))
    assert chosen == {"org/room-11", "org/room-10"}


def test_each_run_of_the_schedule_reads_every_room_in_full() -> None:
    """The Watchdog workflow's schedule (admin-roster) runs hours apart: each of its runs reads
    every learner's access and every room's runs, whatever the last run read."""
    workflow = yaml.safe_load(WATCHDOG_WORKFLOW.read_text(encoding="utf-8"))
    [cron] = [Cron.parse(entry["cron"]) for entry in workflow[True]["schedule"]]  # `on:` is True
    last = cron.first_fire(T0, T0 + timedelta(days=1))
    assert last is not None
    now = cron.first_fire(last, last + timedelta(days=1))
    assert now is not None
    memos = {room: RoomMemo(who, last) for room, who in rooms(12).items()}
    every = timedelta(minutes=DEFAULT_FULL_READ_MINUTES)
    assert full_reads(memos, rooms(12), now=now, every=every, last_run=last) == set(rooms(12))


def test_a_room_read_an_hour_ago_is_read_whatever_the_share() -> None:
    memos = {room: RoomMemo(who, T0) for room, who in rooms(12).items()}
    memos["org/room-05"] = RoomMemo("l05", T0 - HOUR)
    chosen = full_reads(memos, rooms(12), now=T0 + timedelta(seconds=1), every=HOUR, last_run=T0)
    assert "org/room-05" in chosen
    assert len(chosen) == 1


def test_a_memo_for_another_learner_or_from_the_future_does_not_count() -> None:
    memos = {
        "org/room-00": RoomMemo("someone-else", T0),
        "org/room-01": RoomMemo("l01", T0 + HOUR),
    }
    chosen = full_reads(memos, rooms(2), now=T0, every=HOUR, last_run=T0)
    assert chosen == {"org/room-00", "org/room-01"}


def test_a_remembered_room_reads_its_tree_only_after_a_push() -> None:
    memo = RoomMemo("ada", T0, tree=STAMP)
    assert plan_room(memo, "ada", full=False, tree=STAMP) == RoomPlan(full=False, tree=False)
    pushed = tree_stamp({**LISTED, "pushed_at": "2026-11-23T08:30:00Z"}, TEMPLATE)
    assert plan_room(memo, "ada", full=False, tree=pushed).tree
    other_branch = tree_stamp({**LISTED, "default_branch": "trunk"}, TEMPLATE)
    assert plan_room(memo, "ada", full=False, tree=other_branch).tree
    assert plan_room(memo, "ada", full=True, tree=STAMP) == RoomPlan(full=True, tree=False)
    assert plan_room(None, "ada", full=False, tree=STAMP) == RoomPlan(full=True, tree=True)
    assert plan_room(memo, "bob", full=False, tree=STAMP) == RoomPlan(full=True, tree=True)


def test_only_a_healthy_room_is_remembered() -> None:
    full = RoomPlan(full=True, tree=True)
    for sick in (
        RoomHealth("r", exists=False),
        RoomHealth("r", exists=True, collaborator=False, invitation="pending"),
        RoomHealth("r", exists=True, missing=(".github/workflows/room.yml",)),
    ):
        assert remember(None, "ada", sick, full, now=T0, tree=STAMP, activity="") is None
    memo = remember(None, "ada", HEALTHY, full, now=T0, tree=STAMP, activity="")
    assert memo == RoomMemo("ada", T0, STAMP, "")


def test_a_push_in_the_last_seconds_is_not_remembered() -> None:
    recent = tree_stamp({**LISTED, "pushed_at": "2026-11-23T08:59:55Z"}, TEMPLATE)
    full = RoomPlan(full=True, tree=True)
    memo = remember(None, "ada", HEALTHY, full, now=T0, tree=recent, activity="")
    assert memo is not None and memo.tree == ""


def test_what_was_not_read_again_is_kept_with_its_full_read_time() -> None:
    earlier = RoomMemo("ada", T0 - timedelta(minutes=30), STAMP, "2026-11-23T08:00:00Z")
    light = RoomPlan(full=False, tree=False)
    kept = remember(earlier, "ada", HEALTHY, light, now=T0, tree=STAMP, activity=None)
    assert kept == earlier


def test_runs_are_clean_only_when_settled_finished_and_not_failing() -> None:
    done = [{"status": "completed", "conclusion": "success"}]
    long_ago = "2026-11-23T08:00:00Z"
    assert runs_clean(done, (), activity=long_ago, now=T0)
    assert not runs_clean(done, (), activity="2026-11-23T08:55:00Z", now=T0)
    assert not runs_clean([{"status": "in_progress"}], (), activity=long_ago, now=T0)
    assert not runs_clean(done, (), activity="", now=T0)


def test_remembered_clean_runs_are_read_again_after_activity_or_when_due() -> None:
    memo = RoomMemo("ada", T0, STAMP, "2026-11-23T08:00:00Z")
    light = RoomPlan(full=False, tree=False)
    assert runs_known(memo, light, "2026-11-23T08:00:00Z")
    assert not runs_known(memo, light, "2026-11-23T08:40:00Z")
    assert not runs_known(memo, RoomPlan(full=True, tree=False), "2026-11-23T08:00:00Z")
    assert not runs_known(memo, light, "")


def test_a_rooms_activity_is_its_latest_push_or_issue_update() -> None:
    issues = [{"updated_at": "2026-11-23T08:10:00Z"}, {"updated_at": "2026-11-23T07:00:00Z"}]
    assert room_activity(LISTED, issues) == "2026-11-23T08:10:00Z"
    assert room_activity({"pushed_at": "2026-11-23T08:20:00Z"}, issues) == "2026-11-23T08:20:00Z"
    assert room_activity(LISTED, None) == ""


def test_the_memory_file_round_trips_and_a_broken_one_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "state" / "watchdog.json"
    env = {"GLOW_WATCHDOG_STATE": str(path)}
    memory = load(env)
    assert (memory.last_run, memory.rooms) == (None, {})
    memory.rooms["org/room-ada"] = RoomMemo("ada", T0, STAMP, "2026-11-23T08:00:00Z")
    memory.save(T0)
    again = load(env)
    assert again.last_run == T0
    assert again.rooms == memory.rooms
    path.write_text("{not json")
    assert load(env).rooms == {}
    path.write_text(json.dumps({"version": 99, "rooms": {"org/room-ada": {}}}))
    assert load(env).rooms == {}
    assert load({}).path is None
