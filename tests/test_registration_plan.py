"""Registration decisions: what a learner sees and what the roster records (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime

from glow.cohort.forms import parse_issue_form, render_issue_form
from glow.cohort.model import Cohort, Roster
from glow.cohort.registration import (
    MOVED,
    Decision,
    Issue,
    enroll,
    promoted_plan,
    public_plan,
    read_form,
    redacted_body,
    why_ignored,
    withdraw,
)

URL = "https://github.com/notifications"
COHORTS = {"2026-12": Cohort(id="2026-12", capacity=2), "2027-01": Cohort(id="2027-01", open=False)}
GOOD = {
    "Cohort": "2026-12",
    "Path": "day1-day2",
    "Accessibility needs": "NVDA on Windows",
    "Contact (optional)": None,
}
GOOD_BODY = render_issue_form(GOOD)


def issue(
    answers: dict[str, str | None],
    *,
    number: int = 7,
    author: str = "ada",
    title: str = "[REGISTER] Ada",
    state: str = "open",
) -> Issue:
    return Issue(
        number=number,
        title=title,
        body=render_issue_form(answers),
        author=author,
        labels=(),
        state=state,
        created_at=datetime(2026, 11, 1, tzinfo=UTC),
    )


def register(roster: Roster, iss: Issue) -> tuple[Roster, Decision, str]:
    form = read_form(iss.body, COHORTS)
    decision = Decision(outcome="needs-info")
    if form.cohort:
        roster = enroll(roster, iss, form, COHORTS[form.cohort], "org/workshop", decision)
    plan = public_plan(decision, form, iss, invitations_url=URL)
    return roster, decision, plan.comment or ""


def test_form_round_trip_keeps_empty_fields_empty() -> None:
    answers = parse_issue_form(render_issue_form(GOOD))
    assert answers.get("cohort") == "2026-12"
    assert answers.get("Contact (optional)") is None


def test_checkboxes_are_read_ticked_or_not() -> None:
    body = "### Agreements\n\n- [X] I read the code of conduct\n- [ ] Send me email\n"
    assert parse_issue_form(body).checked("Agreements") == ["I read the code of conduct"]


def test_complete_registration_is_enrolled_and_private_answers_go_to_the_roster() -> None:
    roster, decision, comment = register(Roster(cohort_id="2026-12"), issue(GOOD))
    assert decision.outcome == "enrolled" and decision.newly_enrolled
    assert comment.startswith("Registration received: you are enrolled in cohort `2026-12`")
    assert "NVDA" not in comment
    assert "accessibility needs and contact details are in the facilitators' private" in comment
    record = roster.learners["ada"]
    assert (record.enrollment, record.status, record.accessibility_needs) == (
        "enrolled",
        "awaiting-ack",
        "NVDA on Windows",
    )
    assert record.registered_at == datetime(2026, 11, 1, tzinfo=UTC)


def test_public_body_is_redacted_and_a_redacted_edit_keeps_the_private_answer() -> None:
    body = redacted_body(issue(GOOD).body)
    assert body is not None and "NVDA" not in body and MOVED in body
    assert read_form(body, COHORTS).accessibility is None
    roster, _, _ = register(Roster(cohort_id="2026-12"), issue(GOOD))
    edited = Issue(
        7,
        "[REGISTER] Ada",
        body.replace("day1-day2", "day2-only"),
        "ada",
        (),
        "open",
        datetime(2026, 11, 1, tzinfo=UTC),
    )
    roster, decision, _ = register(roster, edited)
    assert roster.learners["ada"].path == "day2-only"
    assert roster.learners["ada"].accessibility_needs == "NVDA on Windows"
    assert decision.newly_enrolled is False
    assert redacted_body(body) is None  # nothing left to redact: no second edit


def test_each_problem_names_the_field_and_the_fix() -> None:
    roster, decision, comment = register(
        Roster(cohort_id="2026-12"), issue({**GOOD, "Path": "both please"})
    )
    assert decision.outcome == "needs-info"
    assert comment.startswith("Registration needs one more detail")
    assert "`day1-day2`" in comment and "edit this issue" in comment
    assert roster.learners["ada"].enrollment == "pending"
    assert roster.learners["ada"].status == "needs-info"
    _, _, comment = register(Roster(cohort_id="x"), issue({**GOOD, "Cohort": "2027-01"}))
    assert "`2027-01` is not open for registration. Open cohorts: `2026-12`" in comment


def test_a_full_cohort_puts_learners_on_the_waitlist_in_order() -> None:
    roster = Roster(cohort_id="2026-12")
    for n, who in enumerate(("ada", "bob", "cy", "dee")):
        roster, decision, comment = register(roster, issue(GOOD, number=n + 1, author=who))
    assert [lrn.enrollment for lrn in roster.learners.values()] == [
        "enrolled",
        "enrolled",
        "waitlisted",
        "waitlisted",
    ]
    assert decision.outcome == "waitlisted" and decision.place == 2
    assert "waitlist (place 2)" in comment.replace("\\\n", "").replace("\n", " ")


def test_a_second_issue_is_a_duplicate_that_keeps_the_first() -> None:
    roster, _, _ = register(Roster(cohort_id="2026-12"), issue(GOOD))
    again = issue({**GOOD, "Contact (optional)": "ada@example.org"}, number=9)
    roster, decision, comment = register(roster, again)
    assert decision.outcome == "duplicate" and decision.first_issue == 7
    assert roster.learners["ada"].registration_issue == 7
    assert roster.learners["ada"].contact == "ada@example.org"
    assert "#7" in comment
    assert public_plan(decision, read_form(again.body, COHORTS), again, invitations_url=URL).close


def test_bots_closed_issues_and_other_actions_are_ignored() -> None:
    assert why_ignored(issue(GOOD), "opened", "ada", "User") is None
    assert why_ignored(issue(GOOD), "labeled", "ada", "User")
    assert why_ignored(issue(GOOD), "edited", "glow[bot]", "Bot")
    assert why_ignored(issue(GOOD, title="Bug: typo"), "opened", "ada", "User")
    assert why_ignored(issue(GOOD, state="closed"), "edited", "ada", "User")


def test_closing_withdraws_only_when_the_learner_or_a_not_planned_close_says_so() -> None:
    closed = issue(GOOD, state="closed")
    assert why_ignored(closed, "closed", "ada", "User", "completed") is None
    assert why_ignored(closed, "closed", "facilitator", "User", "not_planned") is None
    stands = why_ignored(closed, "closed", "facilitator", "User", "completed")
    assert stands and "the registration stands" in stands
    assert why_ignored(closed, "closed", "glow[bot]", "Bot", "not_planned")


def test_a_withdrawal_gives_the_seat_to_the_first_on_the_waitlist() -> None:
    roster = Roster(cohort_id="2026-12")
    for n, who in enumerate(("ada", "bob", "cy", "dee")):
        roster, _, _ = register(roster, issue(GOOD, number=n + 1, author=who))
    decision = Decision()
    roster = withdraw(roster, issue(GOOD, number=1, author="ada"), COHORTS["2026-12"], decision)
    enrollment = {key: lrn.enrollment for key, lrn in roster.learners.items()}
    assert enrollment == {
        "ada": "withdrawn",
        "bob": "enrolled",
        "cy": "enrolled",
        "dee": "waitlisted",
    }
    assert decision.outcome == "withdrawn"
    assert [lrn.github_handle for lrn in decision.promoted] == ["cy"]
    plan = public_plan(decision, read_form(GOOD_BODY, COHORTS), issue(GOOD), invitations_url=URL)
    assert plan.comment and plan.comment.startswith("Registration withdrawn: you are no longer")
    assert "Reopen this issue" in plan.comment
    assert "withdrawn" in plan.add_labels and "enrolled" in plan.remove_labels
    seat = promoted_plan(decision.promoted[0], invitations_url=URL)
    assert seat.comment and seat.comment.startswith(
        "A seat opened for you: you are enrolled in cohort `2026-12`"
    )
    assert "enrolled" in seat.add_labels and "waitlisted" in seat.remove_labels

    # Closing it again changes nothing on the roster (the public side is finished again, in
    # case a first run failed half-way); closing a duplicate issue changes nothing at all.
    again = Decision()
    assert withdraw(roster, issue(GOOD, number=1), COHORTS["2026-12"], again) == roster
    assert again.outcome == "withdrawn" and again.promoted == []
    dup = Decision()
    assert withdraw(roster, issue(GOOD, number=9, author="bob"), COHORTS["2026-12"], dup) == roster
    assert dup.outcome == "ignored"

    # Reopening registers ada again: the cohort is full now, so she waits; the line is kept in
    # registration order, and she registered first.
    roster, decision, _ = register(roster, issue(GOOD, number=1, author="ada"))
    assert roster.learners["ada"].enrollment == "waitlisted"
    assert decision.place == 1
    assert roster.learners["ada"].accessibility_needs == "NVDA on Windows"


def test_a_waitlisted_learner_who_withdraws_frees_no_seat() -> None:
    roster = Roster(cohort_id="2026-12")
    for n, who in enumerate(("ada", "bob", "cy")):
        roster, _, _ = register(roster, issue(GOOD, number=n + 1, author=who))
    decision = Decision()
    roster = withdraw(roster, issue(GOOD, number=3, author="cy"), COHORTS["2026-12"], decision)
    assert roster.learners["cy"].enrollment == "withdrawn"
    assert decision.outcome == "withdrawn" and decision.promoted == []


def test_backticks_in_answers_cannot_break_the_markdown() -> None:
    _, _, comment = register(Roster(cohort_id="2026-12"), issue({**GOOD, "Path": "`x` <b>"}))
    assert "``" not in comment


def test_no_private_answers_means_no_claim_they_were_moved() -> None:
    plain = {**GOOD, "Accessibility needs": None}
    _, decision, comment = register(Roster(cohort_id="2026-12"), issue(plain))
    assert decision.outcome == "enrolled" and not decision.private_kept
    assert "private roster" not in comment


def test_an_edit_that_breaks_the_form_keeps_the_seat_until_it_is_fixed() -> None:
    roster = Roster(cohort_id="2026-12")
    for n, who in enumerate(("ada", "bob", "cy")):
        roster, _, _ = register(roster, issue(GOOD, number=n + 1, author=who))
    broken = issue({**GOOD, "Path": "both"}, number=1, author="ada")
    roster, decision, comment = register(roster, broken)
    assert decision.outcome == "needs-info" and "`both`" in comment
    assert roster.learners["ada"].enrollment == "enrolled"  # her seat is not given away
    assert roster.learners["cy"].enrollment == "waitlisted"
    roster, decision, _ = register(roster, issue(GOOD, number=1, author="ada"))
    assert decision.outcome == "enrolled" and not decision.newly_enrolled
    assert roster.learners["ada"].enrollment == "enrolled"


def test_a_waitlisted_registration_that_needs_a_detail_is_not_promoted() -> None:
    roster = Roster(cohort_id="2026-12")
    for n, who in enumerate(("ada", "bob", "cy", "dee")):
        roster, _, _ = register(roster, issue(GOOD, number=n + 1, author=who))
    roster, decision, _ = register(roster, issue({**GOOD, "Path": "?"}, number=3, author="cy"))
    assert decision.outcome == "needs-info" and roster.learners["cy"].enrollment == "waitlisted"
    decision = Decision()
    roster = withdraw(roster, issue(GOOD, number=1, author="ada"), COHORTS["2026-12"], decision)
    assert [lrn.github_handle for lrn in decision.promoted] == ["dee"]  # cy is not complete


def test_a_raised_capacity_seats_the_waitlist_before_a_new_registration() -> None:
    from glow.cohort.registration import fill_seats

    roster = Roster(cohort_id="2026-12")
    for n, who in enumerate(("ada", "bob", "cy")):
        roster, _, _ = register(roster, issue(GOOD, number=n + 1, author=who))
    assert roster.learners["cy"].enrollment == "waitlisted"
    bigger = COHORTS["2026-12"].model_copy(update={"capacity": 3})
    decision = Decision()
    form = read_form(issue(GOOD).body, COHORTS)
    roster = enroll(
        fill_seats(roster, bigger, decision),
        issue(GOOD, number=4, author="dee"),
        form,
        bigger,
        "org/workshop",
        decision,
    )
    assert roster.learners["cy"].enrollment == "enrolled"  # first in line gets the new seat
    assert roster.learners["dee"].enrollment == "waitlisted"
    # cy's own edit is the event that seats them: they are newly enrolled (a room is requested).
    again = Decision()
    roster2 = Roster(cohort_id="2026-12")
    for n, who in enumerate(("ada", "bob", "cy")):
        roster2, _, _ = register(roster2, issue(GOOD, number=n + 1, author=who))
    enroll(
        fill_seats(roster2, bigger, again),
        issue(GOOD, number=3, author="cy"),
        form,
        bigger,
        "org/workshop",
        again,
    )
    assert again.outcome == "enrolled" and again.newly_enrolled
