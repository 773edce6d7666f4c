"""The teardown log of record, ``teardown/<cohort>.jsonl`` in the admin repository: only the
news is appended, as one commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from glow.cohort.teardown.copy import COMMIT_MESSAGE

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.teardown.decide import Outcome


def write_log(
    admin: AdminRepo, cohort_id: str, outcomes: list[Outcome], run_id: str | None
) -> None:
    """Append the news to teardown/<cohort>.jsonl as one commit; nothing when there is none."""
    from glow.cohort.cli_support import now
    from glow.cohort.teardown.decide import (
        new_entries,
        parse_teardown_log,
        render_entries,
        teardown_log_path,
    )

    path = teardown_log_path(cohort_id)
    at = now()
    found = admin.repo.read_file(path)
    if not new_entries(outcomes, parse_teardown_log(found.text if found else None), at, run_id):
        return

    def update(current: Mapping[str, str | None]) -> dict[str, str | None]:
        entries = new_entries(outcomes, parse_teardown_log(current[path]), at, run_id)
        return {path: (current[path] or "") + render_entries(entries)} if entries else {}

    message = COMMIT_MESSAGE.format(cohort=cohort_id, count=len(outcomes))
    admin.repo.update_files((path,), update, message, branch=admin.branch)
