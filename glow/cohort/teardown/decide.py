"""Teardown: which Learning Rooms of a cohort to archive, what to write in its log, and what
to say at the end.

Pure functions only; ``rooms`` reads each room's state and archives it, ``store`` commits the
log. A room is found from the roster (``learning_room_repo``), never by searching names
(glow-facts.md); a learner with no recorded room is looked for under the name provisioning
would have given it, because that name is the idempotency key of provisioning.

The log ``teardown/<cohort>.jsonl`` (admin repository) has one line per room and outcome. A
room's line is written when its outcome differs from the last one logged for it, so a second
``--apply`` on an archived cohort writes nothing; "archived" and "already-archived" count as
the same outcome, and an error is always logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from glow.cohort.model import Roster, room_name
from glow.cohort.teardown.copy import (
    DRY_RUN_SUMMARY,
    FAILED_SUMMARY,
    NOTHING_TO_REPORT,
    SUMMARY,
)

TEARDOWN_DIR = "teardown"

Result = Literal["archived", "already-archived", "missing", "error"]


class TeardownEntry(BaseModel):
    """One line of ``teardown/<cohort>.jsonl``."""

    model_config = ConfigDict(extra="forbid")

    handle: str
    repo: str
    result: Result
    at: datetime
    detail: str | None = None
    run_id: str | None = None


@dataclass(frozen=True)
class Room:
    key: str
    handle: str
    repo: str


@dataclass(frozen=True)
class Outcome:
    room: Room
    result: Result
    detail: str | None = None


def teardown_log_path(cohort_id: str) -> str:
    return f"{TEARDOWN_DIR}/{cohort_id}.jsonl"


def rooms_of(roster: Roster, rooms_owner: str) -> list[Room]:
    """Every room to archive: recorded rooms, and the expected room of each enrolled learner
    without one (a waitlisted learner who never had a room is not a room)."""
    rooms = []
    for learner in sorted(roster.learners.values(), key=lambda lrn: lrn.key):
        repo = learner.learning_room_repo
        if repo is None and learner.enrollment == "enrolled":
            repo = f"{rooms_owner}/{room_name(roster.cohort_id, learner.github_handle)}"
        if repo is not None:
            rooms.append(Room(learner.key, learner.github_handle, repo))
    return rooms


def _settled(result: Result) -> str:
    return "archived" if result in ("archived", "already-archived") else result


def new_entries(
    outcomes: list[Outcome],
    previous: list[TeardownEntry],
    at: datetime,
    run_id: str | None = None,
) -> list[TeardownEntry]:
    """Log lines for outcomes that are news: a changed outcome for the room, or an error."""
    last = {entry.repo.lower(): entry for entry in previous}
    entries = []
    for outcome in outcomes:
        before = last.get(outcome.room.repo.lower())
        same = before is not None and _settled(before.result) == _settled(outcome.result)
        if same and outcome.result != "error":
            continue
        entries.append(
            TeardownEntry(
                handle=outcome.room.handle,
                repo=outcome.room.repo,
                result=outcome.result,
                at=at,
                detail=outcome.detail,
                run_id=run_id,
            )
        )
    return entries


def parse_teardown_log(text: str | None) -> list[TeardownEntry]:
    lines = (text or "").splitlines()
    return [TeardownEntry.model_validate_json(line) for line in lines if line.strip()]


def render_entries(entries: list[TeardownEntry]) -> str:
    return "".join(entry.model_dump_json(exclude_none=True) + "\n" for entry in entries)


def summary(cohort_id: str, outcomes: list[Outcome], *, pending: int, apply: bool) -> str:
    """One line: how many rooms had each outcome (``pending``: a dry run's rooms to archive)."""
    counts = {"to archive": pending}
    for result in ("archived", "already-archived", "missing", "error"):
        counts[result] = sum(1 for outcome in outcomes if outcome.result == result)
    parts = ", ".join(f"{n} {result}" for result, n in counts.items() if n)
    if not apply:
        return DRY_RUN_SUMMARY.format(cohort=cohort_id, parts=parts or NOTHING_TO_REPORT)
    if counts["error"]:
        return FAILED_SUMMARY.format(cohort=cohort_id, parts=parts)
    return SUMMARY.format(cohort=cohort_id, parts=parts)
