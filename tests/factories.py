"""The one ``learner()`` factory of the tests: a roster record with sensible defaults, any field
changed by keyword. Plan tests and the end-to-end worlds all build their learners here."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from glow.cohort.model import Learner, room_name

COHORT = "2026-12"
REGISTERED = datetime(2026, 11, 1, tzinfo=UTC)


def learner(
    handle: str = "Ada",
    *,
    cohort: str = COHORT,
    owner: str = "org",
    issue: int = 7,
    registered_at: datetime = REGISTERED,
    provisioned: bool = False,
    **changes: Any,
) -> Learner:
    """``handle``'s record in ``cohort``, registered on ``owner/workshop`` issue ``issue``; with
    ``provisioned``, their room (``owner``/the provisioning name) is recorded as provisioned."""
    record = Learner(
        github_handle=handle,
        cohort_id=cohort,
        path="day1-day2",
        registered_at=registered_at,
        registration_repo=f"{owner}/workshop",
        registration_issue=issue,
    )
    if provisioned:
        room = f"{owner}/{room_name(cohort, handle)}"
        record = record.model_copy(
            update={"learning_room_repo": room, "provision_state": "provisioned"}
        )
    return record.model_copy(update=changes)
