"""Registration decisions: what a learner sees for each kind of answer (pure functions)."""

from __future__ import annotations

from glow.cohort.forms import parse_issue_form, render_issue_form
from glow.cohort.registration import Issue, plan_registration

URL = "https://github.com/notifications"


def issue(
    answers: dict[str, str | None], *, title: str = "[REGISTER] Ada", state: str = "open"
) -> Issue:
    return Issue(
        number=7, title=title, body=render_issue_form(answers), author="ada", labels=(), state=state
    )


GOOD = {
    "Cohort": "2026-12",
    "Path": "day1-day2",
    "Accessibility needs": "NVDA",
    "Contact (optional)": None,
}


def test_form_round_trip_keeps_empty_fields_empty() -> None:
    answers = parse_issue_form(render_issue_form(GOOD))
    assert answers.get("cohort") == "2026-12"
    assert answers.get("Contact (optional)") is None


def test_checkboxes_are_read_ticked_or_not() -> None:
    body = "### Agreements\n\n- [X] I read the code of conduct\n- [ ] Send me email\n"
    assert parse_issue_form(body).checked("Agreements") == ["I read the code of conduct"]


def test_complete_registration_is_enrolled_with_next_steps() -> None:
    plan = plan_registration(issue(GOOD), "opened", cohorts=(), invitations_url=URL)
    assert plan.status == "enrolled"
    assert plan.add_labels == ("registration", "enrolled")
    assert "needs-info" in plan.remove_labels
    assert plan.comment is not None
    assert plan.comment.startswith("Registration received: you are enrolled in cohort `2026-12`")
    assert "Day 1 and Day 2" in plan.comment
    # Private intake is never echoed back into the public issue.
    assert "NVDA" not in plan.comment


def test_each_problem_names_the_field_and_the_fix() -> None:
    bad = {**GOOD, "Cohort": None, "Path": "both please"}
    plan = plan_registration(issue(bad), "opened", cohorts=(), invitations_url=URL)
    assert plan.status == "needs-info"
    assert plan.add_labels == ("registration", "needs-info")
    assert len(plan.problems) == 2
    assert plan.comment is not None
    assert plan.comment.startswith("Registration needs 2 more details")
    assert "Cohort: the answer is empty" in plan.comment
    assert "`day1-day2`" in plan.comment and "edit this issue" in plan.comment


def test_cohort_must_be_open_when_a_list_is_configured() -> None:
    plan = plan_registration(issue(GOOD), "opened", cohorts=("2027-01",), invitations_url=URL)
    assert plan.status == "needs-info"
    assert "`2026-12` is not open for registration" in (plan.comment or "")


def test_other_issues_and_actions_are_ignored() -> None:
    assert (
        plan_registration(
            issue(GOOD, title="Bug: typo"), "opened", cohorts=(), invitations_url=URL
        ).status
        == "ignored"
    )
    assert (
        plan_registration(issue(GOOD), "labeled", cohorts=(), invitations_url=URL).status
        == "ignored"
    )
    assert (
        plan_registration(
            issue(GOOD, state="closed"), "edited", cohorts=(), invitations_url=URL
        ).status
        == "ignored"
    )


def test_backticks_in_answers_cannot_break_the_markdown() -> None:
    plan = plan_registration(
        issue({**GOOD, "Path": "`x` <b>"}), "opened", cohorts=(), invitations_url=URL
    )
    assert "``" not in (plan.comment or "")
