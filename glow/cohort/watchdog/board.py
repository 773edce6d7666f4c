"""The watchdog's alerts in the admin repository, found by their hidden markers
(``glow.cohort.marked_issues``): raised for new problems, updated when a problem changed, closed
with a "healed" note once it is gone. Only what differs is written.

Written through whichever credential the handler gives (``admin.issues_repo``: the job
token in the workflow, the provisioning credential at a terminal). Alerts are found by label and
marker whoever opened them, so those the provisioning App opened before are still updated and
closed, never raised again."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glow.cohort.model import Cohort
    from glow.cohort.watchdog.decide import Findings
    from glow.github import Repo


def publish(
    repo: Repo,
    found: Findings,
    cohorts: list[Cohort],
    *,
    full: bool,
    now: datetime,
    dry_run: bool,
    server: str,
    workshop: str | None,
) -> int:
    """Alerts to match the problems: raise new ones, update changed ones, close healed ones."""
    from glow.cohort.marked_issues import IssueBoard, describe, plan, used_labels
    from glow.cohort.watchdog.copy import LABEL, LABELS, alert, healed_note
    from glow.cohort.watchdog.decide import REPO_SCOPE, in_scope
    from glow.errors import GitHubError

    ids = {cohort.id for cohort in cohorts} | ({REPO_SCOPE} if full else set())
    board = IssueBoard(repo, LABEL)
    changes = plan(
        [alert(problem, server=server, workshop=workshop) for problem in found.problems],
        board.existing(),
        in_scope=lambda key: in_scope(key, ids, found.skipped),
        managed=lambda name: name.lower() == LABEL,
        close_note=lambda have: healed_note(have.title, now),
    )
    if dry_run:
        for change in changes:
            print("would " + describe(change))
        return len(changes)
    if changes:
        board.ensure_labels(LABELS, used_labels(changes))
    done = 0
    for change in changes:
        try:
            number = board.apply(change)
        except GitHubError as exc:
            found.failures.append(f"could not {describe(change)}: {exc}")
            continue
        print(describe(change) if change.number else f"{describe(change)} as #{number}")
        done += 1
    return done
