"""Registration: where a registration is placed, decided on every open cohort's roster at once
(``place``), and in filing order within a cohort (``place_in_order``). Pure functions only.
"""

from __future__ import annotations

from glow.cohort.model import Cohort, Roster, handle_key
from glow.cohort.registration.decide import (
    Decision,
    FormResult,
    enroll,
    fill_seats,
    with_private_from,
    withdraw,
)
from glow.cohort.registration.issue import Issue


def place_in_order(
    roster: Roster,
    issue: Issue,
    form: FormResult,
    cohort: Cohort,
    repository: str,
    decision: Decision,
    others: list[tuple[Issue, FormResult]],
) -> Roster:
    """``issue`` enrolled in registration order: the complete registrations of this cohort
    that no run has recorded yet are placed first where they were filed first.

    Jobs run side by side, so in a burst the run of a later registration can reach the roster
    before the run of an earlier one; placing the earlier ones now (their own runs then find
    them recorded and only answer) keeps seats in the order learners registered, whichever run
    commits first, and makes every run's change the same one, so the burst converges."""
    queue = sorted([*others, (issue, form)], key=lambda pair: (pair[0].created_at, pair[0].number))
    for other, other_form in queue:
        if other.number == issue.number:
            roster = enroll(roster, issue, form, cohort, repository, decision)
        elif handle_key(other.author) not in roster.learners:
            roster = enroll(roster, other, other_form, cohort, repository, Decision())
    return roster


def place(
    rosters: dict[str, Roster],
    cohorts: dict[str, Cohort],
    issue: Issue,
    form: FormResult,
    repository: str,
    decision: Decision,
    others: list[tuple[Issue, FormResult]],
) -> dict[str, Roster]:
    """A registration naming a cohort, decided on every open cohort's roster at once.

    A learner with an active registration in another issue: a duplicate of that one, judged
    where that one is (and any record of this issue elsewhere is withdrawn: one learner, one
    seat). A registration edited to name another cohort leaves the one it named before (its
    seat goes to that waitlist) and takes its private details along. An edit that breaks the
    form is judged where its seat is. Seats freed meanwhile go to the waitlist first, and
    registrations no run has recorded yet are placed in filing order (``place_in_order``).
    """
    key = handle_key(issue.author)
    elsewhere = [
        (cohorts[cid], record)
        for cid, roster in rosters.items()
        if cid != form.cohort
        and (record := roster.learners.get(key)) is not None
        and record.enrollment != "withdrawn"
    ]
    first = next((c for c, r in elsewhere if r.registration_issue != issue.number), None)
    current = next((c for c, r in elsewhere if r.registration_issue == issue.number), None)
    carried = []
    if first is None and current is not None and form.problems:
        first = current
    elif first is None:
        for other, record in elsewhere:
            rosters[other.id] = withdraw(rosters[other.id], issue, other, Decision())
            carried.append(record)
            decision.left.append(other.id)
    cohort = first or cohorts[form.cohort or ""]
    taken = {
        k
        for cid, roster in rosters.items()
        if cid != cohort.id
        for k, record in roster.learners.items()
        if record.enrollment != "withdrawn"
    }
    here = [
        (i, f) for i, f in others if f.cohort == cohort.id and handle_key(i.author) not in taken
    ]
    roster = fill_seats(rosters[cohort.id], cohort, decision)
    roster = place_in_order(roster, issue, form, cohort, repository, decision, here)
    rosters[cohort.id] = with_private_from(roster, issue.author, carried)
    decision.cohort = cohort.id
    if decision.outcome == "duplicate":
        for cid, roster in rosters.items():
            record = roster.learners.get(key)
            if cid != cohort.id and record and record.registration_issue == issue.number:
                rosters[cid] = withdraw(roster, issue, cohorts[cid], Decision())
    return rosters
