"""Teardown planning: which rooms, and which log lines are news."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

from glow.cohort.model import Roster
from glow.cohort.teardown.decide import (
    Outcome,
    Room,
    new_entries,
    parse_teardown_log,
    render_entries,
    rooms_of,
)
from tests import factories

AT = datetime(2026, 12, 10, tzinfo=UTC)


learner = partial(factories.learner, registered_at=AT, issue=1)


def test_rooms_come_from_the_roster_and_the_provisioning_name() -> None:
    roster = Roster(
        cohort_id="2026-12",
        learners={
            "bob": learner("Bob", learning_room_repo="rooms/custom-bob"),
            "ada": learner("Ada"),  # enrolled, never provisioned: its expected name
            "cy": learner("cy", enrollment="waitlisted"),  # no room, none expected
            "di": learner("di", enrollment="withdrawn", learning_room_repo="rooms/r-di"),
        },
    )
    assert rooms_of(roster, "rooms") == [
        Room("ada", "Ada", "rooms/learning-room-2026-12-ada"),
        Room("bob", "Bob", "rooms/custom-bob"),
        Room("di", "di", "rooms/r-di"),
    ]


def test_only_news_is_logged_and_errors_always_are() -> None:
    ada, bob = Room("ada", "Ada", "o/r-ada"), Room("bob", "bob", "o/r-bob")
    first = new_entries([Outcome(ada, "archived"), Outcome(bob, "error", "403")], [], AT)
    assert [(e.handle, e.result, e.detail) for e in first] == [
        ("Ada", "archived", None),
        ("bob", "error", "403"),
    ]
    again = [Outcome(ada, "already-archived"), Outcome(bob, "error", "403")]
    assert [e.result for e in new_entries(again, first, AT)] == ["error"]
    healed = new_entries([Outcome(bob, "archived")], first, AT)
    assert [e.result for e in healed] == ["archived"]
    assert new_entries([Outcome(ada, "already-archived")], first + healed, AT) == []


def test_a_room_archived_before_teardown_is_logged_once_as_such() -> None:
    ada = Room("ada", "Ada", "o/r-ada")
    first = new_entries([Outcome(ada, "already-archived")], [], AT)
    assert [e.result for e in first] == ["already-archived"]
    assert new_entries([Outcome(ada, "already-archived")], first, AT) == []


def test_the_log_is_one_json_object_a_line() -> None:
    entries = new_entries([Outcome(Room("ada", "Ada", "o/r"), "missing", "gone")], [], AT)
    text = render_entries(entries)
    assert text.count("\n") == 1 and '"result":"missing"' in text
    assert parse_teardown_log(text) == entries
