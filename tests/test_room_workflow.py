"""The room's one workflow, read as GitHub reads it: one job, least privilege, bounded in time,
serialised per room in a group a bot's skipped run never enters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOM_YML = Path(__file__).resolve().parents[1] / "learning-room-template/.github/workflows/room.yml"


def workflow() -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(ROOM_YML.read_text())
    return loaded


def test_one_job_least_privilege_bounded_in_time() -> None:
    doc = workflow()
    assert doc["permissions"] == {}
    [(_name, job)] = doc["jobs"].items()
    assert job["permissions"] == {"contents": "read", "issues": "write", "pull-requests": "write"}
    assert 0 < job["timeout-minutes"] <= 10


def test_the_group_is_on_the_job_after_its_bot_filter() -> None:
    """A workflow-level group is entered before the job's `if:` is read: a bot's event (the
    App's comment, say) would take the one pending place and replace a learner's pending run,
    then be skipped. On the job, a skipped run never enters the group."""
    doc = workflow()
    assert "concurrency" not in doc
    [job] = doc["jobs"].values()
    assert "github.event.sender.type != 'Bot'" in job["if"]
    assert job["concurrency"] == {"group": "learning-room", "cancel-in-progress": False}
