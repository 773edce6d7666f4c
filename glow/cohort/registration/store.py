"""What registration reads and keeps in the private admin repository: the roster change
(re-applied on the latest roster when another run lands first), the learner's records across
cohorts, the registrations no run has recorded yet, and text kept aside while a cohort is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.model import Cohort, Learner, Roster
    from glow.cohort.registration.decide import Decision, FormResult
    from glow.cohort.registration.issue import Issue

UNASSIGNED = "intake/unassigned.json"


def unrecorded(
    listed: Iterable[Issue], issue: Issue, cohorts: dict[str, Cohort]
) -> list[tuple[Issue, FormResult]]:
    """The other complete registrations among the workshop repository's open issues
    (``listed``), with their forms (their runs may be running beside this one):
    ``registration.place`` seats the ones no run has recorded yet, in filing order. A learner
    with more than one open registration is left to their own runs, which tell the duplicate
    apart."""
    from collections import Counter

    from glow.cohort.model import handle_key
    from glow.cohort.registration.copy import LABEL_DUPLICATE, LABEL_WITHDRAWN
    from glow.cohort.registration.decide import read_form
    from glow.cohort.registration.issue import is_registration
    from glow.cohort.signals import is_bot

    # Not filtered by label: GitHub applies the form's label only where it exists, and an issue
    # filed by hand with the form's fields is a registration too.
    found = [
        other
        for other in listed
        if is_registration(other)
        and not is_bot(other.author)
        and not {label.lower() for label in other.labels} & {LABEL_DUPLICATE, LABEL_WITHDRAWN}
    ]
    mine = handle_key(issue.author)
    filed = Counter(handle_key(other.author) for other in found)
    return [
        (other, form)
        for other in found
        if other.number != issue.number
        and handle_key(other.author) != mine
        and filed[handle_key(other.author)] == 1
        and not (form := read_form(other.body, cohorts)).problems
    ]


def record_of(admin: AdminRepo, cohort_id: str, issue: Issue) -> Learner | None:
    """The learner's record in the cohort when it is this issue's registration, else None."""
    from glow.cohort.model import handle_key

    record = admin.roster(cohort_id).learners.get(handle_key(issue.author))
    return record if record is not None and record.registration_issue == issue.number else None


def decide(
    admin: AdminRepo,
    cohort_id: str,
    step: Callable[[Roster, Decision], Roster],
    message: str,
    *,
    dry_run: bool,
) -> Decision:
    """Apply ``step`` to the cohort's roster and return what it decided. The step is re-applied
    to the latest roster when another change lands first, so the decision is made on fresh
    data; a dry run decides on the stored roster and writes nothing."""
    from glow.cohort.admin import update_rosters
    from glow.cohort.registration.decide import Decision

    decision = Decision()
    if dry_run:
        step(admin.roster(cohort_id), decision)
        return decision

    def change(rosters: dict[str, Roster]) -> dict[str, Roster]:
        fresh = Decision()
        new = step(rosters[cohort_id], fresh)
        decision.__dict__.update(fresh.__dict__)
        return {cohort_id: new}

    # The roster alone (registration keeps no log entry): one file through the contents API,
    # its read and its write quoting the sha, not a git data commit that also reads the log.
    update_rosters(admin, (cohort_id,), change, message)
    return decision


def decide_everywhere(
    admin: AdminRepo,
    cohort_ids: tuple[str, ...],
    step: Callable[[dict[str, Roster], Decision], dict[str, Roster]],
    message: str,
    *,
    dry_run: bool,
) -> tuple[Decision, dict[str, Roster]]:
    """``decide`` over several cohorts' rosters read and written together (one commit), with
    the rosters as the decision left them (as stored, for a dry run)."""
    from glow.cohort.admin import update_rosters
    from glow.cohort.registration.decide import Decision

    decision = Decision()
    if dry_run:
        rosters = {c: admin.roster(c) for c in cohort_ids}
        step(dict(rosters), decision)
        return decision, rosters
    result: dict[str, Roster] = {}

    def change(rosters: dict[str, Roster]) -> dict[str, Roster]:
        fresh = Decision()
        new = step(dict(rosters), fresh)
        decision.__dict__.update(fresh.__dict__)
        result.clear()
        result.update({**rosters, **new})
        return new

    update_rosters(admin, cohort_ids, change, message)
    return decision, result


def with_unassigned(admin: AdminRepo, author: str, form: FormResult) -> tuple[FormResult, bool]:
    """Text volunteered while the cohort was wrong was kept aside: bring it back. True when
    the learner had some kept (so it can be dropped once the roster holds it)."""
    import json
    from dataclasses import replace

    from glow.cohort.model import handle_key

    found = admin.repo.read_file(UNASSIGNED)
    kept = json.loads(found.text).get(handle_key(author), {}) if found else {}
    earlier = kept.get("volunteered")
    if not earlier or (form.volunteered and earlier in form.volunteered):
        return form, bool(kept)
    joined = f"{earlier}\n\n{form.volunteered}" if form.volunteered else earlier
    return replace(form, volunteered=joined), True


def _update_unassigned(
    admin: AdminRepo, author: str, value: dict[str, Any] | None, message: str
) -> None:
    import json

    from glow.cohort.model import handle_key

    def update(current: str | None) -> str | None:
        data = json.loads(current or "{}")
        if value is None:
            data.pop(handle_key(author), None)
        else:
            data[handle_key(author)] = value
        return json.dumps(data, indent=2, sort_keys=True) + "\n" if data else None

    admin.repo.write_file(UNASSIGNED, update, message, branch=admin.branch)


def keep_unassigned(admin: AdminRepo, issue: Issue, form: FormResult, repository: str) -> None:
    if form.volunteered is None:
        return
    _update_unassigned(
        admin,
        issue.author,
        {
            "volunteered": form.volunteered,
            "registration_repo": repository,
            "registration_issue": issue.number,
        },
        f"Private text of @{issue.author} kept until the cohort is fixed",
    )


def drop_unassigned(admin: AdminRepo, author: str) -> None:
    _update_unassigned(admin, author, None, f"Private text of @{author} moved to the roster")
