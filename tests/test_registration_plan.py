"""Registration decisions: what a learner sees and what the roster records (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from glow.cohort.forms import parse_issue_form
from glow.cohort.model import Cohort, Roster
from glow.cohort.registration.copy import RoomLinks
from glow.cohort.registration.decide import (
    Decision,
    enroll,
    promoted_plan,
    public_plan,
    read_form,
    redacted_body,
    withdraw,
)
from glow.cohort.registration.form import (
    PATH_CHOICES,
    SUMMARY,
    path_id,
    read_public,
    render_public,
)
from glow.cohort.registration.issue import Issue, is_registration, why_ignored, withdraws
from glow.cohort.registration.placement import place, place_in_order

LINKS = RoomLinks(
    "https://github.com/org/learning-room-2026-12-ada/invitations",
    "https://github.com/org/learning-room-2026-12-ada/issues/new?template=intake.yml",
)
COHORTS = {"2026-12": Cohort(id="2026-12", capacity=2), "2027-01": Cohort(id="2027-01", open=False)}
GOOD_BODY = render_public("2026-12", "day1-day2")
OLD_FORM = GOOD_BODY + "\n### Accessibility needs\n\nNVDA on Windows\n"
T0 = datetime(2026, 11, 1, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


def issue(
    body: str = GOOD_BODY,
    *,
    number: int = 7,
    author: str = "ada",
    title: str = "[REGISTER] Ada",
    state: str = "open",
    labels: tuple[str, ...] = ("registration",),
    closed_by: str | None = None,
    state_reason: str | None = None,
    created_at: datetime = T0,
) -> Issue:
    return Issue(
        number=number,
        title=title,
        body=body,
        author=author,
        labels=labels,
        state=state,
        created_at=created_at,
        closed_by=closed_by,
        state_reason=state_reason,
    )


def register(roster: Roster, iss: Issue) -> tuple[Roster, Decision, str]:
    form = read_form(iss.body, COHORTS)
    decision = Decision(outcome="needs-info")
    if form.cohort:
        roster = enroll(roster, iss, form, COHORTS[form.cohort], "org/workshop", decision)
    plan = public_plan(decision, form, iss, links=LINKS)
    return roster, decision, plan.comment or ""


def test_checkboxes_are_read_ticked_or_not() -> None:
    body = "### Agreements\n\n- [X] I read the code of conduct\n- [ ] Send me email\n"
    assert parse_issue_form(body).checked("Agreements") == ["I read the code of conduct"]


def test_the_form_holds_the_two_answers_and_nothing_else() -> None:
    answers = read_public(GOOD_BODY)
    assert (answers.cohort, answers.path, answers.volunteered) == ("2026-12", "day1-day2", None)
    assert redacted_body(GOOD_BODY) is None  # nothing to move: no edit of the issue at all


@pytest.mark.parametrize(
    ("body", "private"),
    [
        # A heading typed inside an answer (an older form's private field, say).
        (OLD_FORM + "### Braille\nFocus 40\n", ["NVDA on Windows", "### Braille", "Focus 40"]),
        # An answer hidden in an HTML comment: invisible when rendered, readable in the body.
        (GOOD_BODY + "<!-- call me on 555 0100 -->\n", ["555 0100"]),
        ("Hi, I use JAWS.\n\n" + GOOD_BODY, ["I use JAWS"]),  # before the first heading
        (GOOD_BODY.replace("2026-12", "2026-12\nI am blind"), ["I am blind"]),  # after an answer
        (GOOD_BODY.replace("2026-12", "<!-- JAWS\n2026-12"), ["JAWS"]),  # an unclosed comment
        (GOOD_BODY.replace("\n", "\r\n") + "JAWS 2026\r\n", ["JAWS 2026"]),  # a browser's CRLF
    ],
)
def test_everything_beyond_the_two_answers_is_moved_off_the_public_issue(
    body: str, private: list[str]
) -> None:
    answers = read_public(body)
    assert answers.volunteered is not None
    for text in private:
        assert text in answers.volunteered
    public = redacted_body(body)
    assert public is not None and public.startswith(SUMMARY)
    for text in private:
        assert text not in public
    assert read_form(public, COHORTS).cohort in ("2026-12", None)
    assert redacted_body(public) is None  # a re-run finds nothing more to move


def test_an_answer_that_is_not_a_token_is_private_and_never_quoted_back() -> None:
    body = render_public("`x` [site](https://evil.example) @someone", "day1-day2")
    _, decision, comment = register(Roster(cohort_id="2026-12"), issue(body))
    assert decision.outcome == "needs-info"
    assert comment.startswith("## Registration needs one more detail")
    assert "- Cohort: what you wrote is not a cohort name" in comment
    for leaked in ("evil", "@someone", "`x`", "]("):
        assert leaked not in comment
    public = redacted_body(body)
    assert public is not None and "evil" not in public and "@someone" not in public
    form = read_form(body, COHORTS)
    assert form.volunteered is not None and "https://evil.example" in form.volunteered


def test_a_registration_is_known_by_its_label_or_its_form_not_its_title() -> None:
    assert is_registration(issue(title="I changed the title", labels=("registration",)))
    assert is_registration(issue(title="no prefix", labels=()))  # the form's two fields
    assert not is_registration(issue("Bug: the README has a typo", title="Bug", labels=()))
    # The title's old prefix alone, without the form or its label, makes no registration.
    assert not is_registration(issue("please add me", title="[REGISTER] Ada", labels=()))


@pytest.mark.parametrize(
    "title", ["[REGISTER] Ada", "Ada wants to join", "", "register me", "[register]"]
)
def test_a_learner_editing_the_title_loses_nothing(title: str) -> None:
    """The same form under any title, with or without the label GitHub may not have applied,
    is the same registration: enrolled, with the same answers."""
    for labels in (("registration",), ()):
        filed = issue(render_public("2026-12", "day2-only"), title=title, labels=labels)
        assert is_registration(filed)
        assert why_ignored(filed, "edited", "ada", "User") is None
        roster, decision, _ = register(Roster(cohort_id="2026-12"), filed)
        assert decision.outcome == "enrolled" and roster.learners["ada"].path == "day2-only"


@pytest.mark.parametrize(
    ("answer", "path"),
    [
        ("Both days (Day 1 and Day 2)", "day1-day2"),
        ("Day 2 only (I already know the GitHub basics)", "day2-only"),
        ("  day 2 ONLY (i already know the github basics).  ", "day2-only"),
        ("Both days", "day1-day2"),
        ("Day 1 and Day 2", "day1-day2"),
        ("day1-day2", "day1-day2"),  # the ids of older registrations still count
        ("`day2-only`", "day2-only"),
        ("Day 1 only", None),
        ("both days and my email is ada@example.com", None),
    ],
)
def test_path_choices_in_plain_words_map_back_to_the_path_ids(answer: str, path: str) -> None:
    assert path_id(answer) == path
    assert read_public(render_public("2026-12", answer)).path == path


def test_the_forms_choices_are_the_ones_the_bot_reads() -> None:
    """The dropdown's options, word for word, are PATH_CHOICES: one per path, in plain words."""
    import yaml

    form = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/registration.yml").read_text("utf-8"))
    fields = {item.get("id"): item for item in form["body"]}
    options = fields["path"]["attributes"]["options"]
    assert options == list(PATH_CHOICES.values())
    assert [path_id(option) for option in options] == list(PATH_CHOICES)
    assert not any("-" in option.split()[0] for option in options)  # no slug shown


def test_the_issue_chooser_offers_a_contact_link_for_when_the_form_fails() -> None:
    import yaml

    config = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/config.yml").read_text("utf-8"))
    (link,) = config["contact_links"]
    assert link["url"].startswith("https://") and link["name"] and link["about"]
    assert "form" in link["name"].lower()


def test_complete_registration_is_enrolled_with_links_to_the_room() -> None:
    roster, decision, comment = register(Roster(cohort_id="2026-12"), issue())
    assert decision.outcome == "enrolled" and decision.newly_enrolled
    assert comment.startswith("## Registration received: you are enrolled\n\n")
    assert "You are enrolled in cohort `2026-12` (Day 1 and Day 2)." in comment
    assert f"[the invitation to your Learning Room]({LINKS.invitations})" in comment
    assert f"[the private form about what helps you learn]({LINKS.intake})" in comment
    assert "private roster" not in comment  # nothing was moved, so nothing is claimed
    record = roster.learners["ada"]
    assert (record.enrollment, record.status, record.volunteered) == (
        "enrolled",
        "awaiting-ack",
        None,
    )
    assert record.registered_at == T0


def test_volunteered_text_goes_to_the_roster_and_a_later_edit_keeps_it() -> None:
    roster, decision, comment = register(Roster(cohort_id="2026-12"), issue(OLD_FORM))
    assert roster.learners["ada"].volunteered == "### Accessibility needs\nNVDA on Windows"
    assert decision.private_kept and "moved to the facilitators' private roster" in comment
    assert "NVDA" not in comment
    public = redacted_body(OLD_FORM)
    assert public is not None
    # The redacted body says the form's plain words; the learner picks the other choice.
    both, day2 = PATH_CHOICES["day1-day2"], PATH_CHOICES["day2-only"]
    assert both in public
    edited = issue(public.replace(both, day2))
    roster, decision, again = register(roster, edited)
    assert roster.learners["ada"].path == "day2-only"
    assert roster.learners["ada"].volunteered == "### Accessibility needs\nNVDA on Windows"
    assert decision.newly_enrolled is False
    assert "moved to the facilitators' private roster" in again  # the same comment: no flapping


def test_each_problem_names_the_field_and_the_fix() -> None:
    roster, decision, comment = register(
        Roster(cohort_id="2026-12"), issue(render_public("2026-12", "both please"))
    )
    assert decision.outcome == "needs-info"
    assert comment.startswith("## Registration needs one more detail")
    assert all(f"“{choice}”" in comment for choice in PATH_CHOICES.values())
    assert "edit this issue" in comment and "day1-day2" not in comment
    assert roster.learners["ada"].enrollment == "pending"
    assert roster.learners["ada"].status == "needs-info"
    _, _, comment = register(Roster(cohort_id="x"), issue(render_public("2027-01", "day1-day2")))
    assert "`2027-01` is not open for registration. Open cohorts: `2026-12`" in comment
    _, _, comment = register(Roster(cohort_id="x"), issue(render_public(None, None)))
    assert "2 answers are missing or unclear" in comment
    assert "- Cohort: the answer is empty" in comment and "- Path: the answer is empty" in comment


def test_a_full_cohort_puts_learners_on_the_waitlist_in_order() -> None:
    roster = Roster(cohort_id="2026-12")
    for n, who in enumerate(("ada", "bob", "cy", "dee")):
        roster, decision, comment = register(roster, issue(number=n + 1, author=who))
    assert [lrn.enrollment for lrn in roster.learners.values()] == [
        "enrolled",
        "enrolled",
        "waitlisted",
        "waitlisted",
    ]
    assert decision.outcome == "waitlisted" and decision.place == 2
    assert comment.startswith("## Registration received: you are on the waitlist")
    assert "waitlist, in place 2." in comment


def test_a_second_issue_is_a_duplicate_that_keeps_the_first() -> None:
    roster, _, _ = register(Roster(cohort_id="2026-12"), issue())
    again = issue(GOOD_BODY + "\nada@example.org\n", number=9)
    roster, decision, comment = register(roster, again)
    assert decision.outcome == "duplicate" and decision.first_issue == 7
    assert roster.learners["ada"].registration_issue == 7
    assert roster.learners["ada"].volunteered == "ada@example.org"
    assert comment.startswith("## This registration is a duplicate") and "#7" in comment
    assert public_plan(decision, read_form(again.body, COHORTS), again, links=LINKS).close


def test_bots_and_other_actions_are_ignored() -> None:
    assert why_ignored(issue(), "opened", "ada", "User") is None
    assert why_ignored(issue(), "labeled", "ada", "User")
    assert why_ignored(issue(), "edited", "glow[bot]", "Bot")
    assert why_ignored(issue("Bug: typo", title="Bug", labels=()), "opened", "ada", "User")
    assert why_ignored(issue(author="dependabot[bot]"), "opened", "dependabot[bot]", "Bot")


def test_closing_withdraws_only_when_the_learner_or_a_not_planned_close_says_so() -> None:
    """Decided from the issue as GitHub has it now (who closed it, and how), so an old event
    re-run after a reopen sees an open issue and withdraws nothing."""
    by_learner = issue(state="closed", closed_by="ada", state_reason="completed")
    not_planned = issue(state="closed", closed_by="facilitator", state_reason="not_planned")
    completed = issue(state="closed", closed_by="facilitator", state_reason="completed")
    assert withdraws(by_learner) and withdraws(not_planned) and not withdraws(completed)
    assert why_ignored(by_learner, "closed", "ada", "User") is None
    stands = why_ignored(completed, "closed", "facilitator", "User")
    assert stands and "the registration stands" in stands
    assert not withdraws(issue())  # reopened since: a re-run of the close changes nothing
    assert why_ignored(issue(), "closed", "ada", "User") is None  # registers (a no-op re-run)


def test_a_withdrawal_gives_the_seat_to_the_first_on_the_waitlist() -> None:
    roster = Roster(cohort_id="2026-12")
    for n, who in enumerate(("ada", "bob", "cy", "dee")):
        roster, _, _ = register(roster, issue(OLD_FORM, number=n + 1, author=who))
    decision = Decision()
    roster = withdraw(roster, issue(number=1, author="ada"), COHORTS["2026-12"], decision)
    enrollment = {key: lrn.enrollment for key, lrn in roster.learners.items()}
    assert enrollment == {
        "ada": "withdrawn",
        "bob": "enrolled",
        "cy": "enrolled",
        "dee": "waitlisted",
    }
    assert decision.outcome == "withdrawn"
    assert [lrn.github_handle for lrn in decision.promoted] == ["cy"]
    plan = public_plan(decision, read_form(GOOD_BODY, COHORTS), issue(), links=LINKS)
    assert plan.comment and plan.comment.startswith(
        "## Registration withdrawn\n\nYou are no longer"
    )
    assert "Reopen this issue" in plan.comment
    assert "withdrawn" in plan.add_labels and "enrolled" in plan.remove_labels
    seat = promoted_plan(decision.promoted[0], links=LINKS)
    assert seat.comment and seat.comment.startswith(
        "## A seat opened for you: you are enrolled\n\n@cy: You are enrolled in cohort `2026-12`"
    )  # editing a comment notifies nobody unless the edit adds an @mention
    assert "enrolled" in seat.add_labels and "waitlisted" in seat.remove_labels

    # Closing it again changes nothing on the roster (the public side is finished again, in
    # case a first run failed half-way); closing a duplicate issue changes nothing at all.
    again = Decision()
    assert withdraw(roster, issue(number=1), COHORTS["2026-12"], again) == roster
    assert again.outcome == "withdrawn" and again.promoted == []
    dup = Decision()
    assert withdraw(roster, issue(number=9, author="bob"), COHORTS["2026-12"], dup) == roster
    assert dup.outcome == "ignored"

    # Reopening registers ada again: the cohort is full now, so she waits; the line is kept in
    # registration order, and she registered first.
    roster, decision, _ = register(roster, issue(number=1, author="ada"))
    assert roster.learners["ada"].enrollment == "waitlisted"
    assert decision.place == 1
    assert roster.learners["ada"].volunteered == "### Accessibility needs\nNVDA on Windows"


def test_a_waitlisted_learner_who_withdraws_frees_no_seat() -> None:
    roster = Roster(cohort_id="2026-12")
    for n, who in enumerate(("ada", "bob", "cy")):
        roster, _, _ = register(roster, issue(number=n + 1, author=who))
    decision = Decision()
    roster = withdraw(roster, issue(number=3, author="cy"), COHORTS["2026-12"], decision)
    assert roster.learners["cy"].enrollment == "withdrawn"
    assert decision.outcome == "withdrawn" and decision.promoted == []


def test_an_edit_that_breaks_the_form_keeps_the_seat_until_it_is_fixed() -> None:
    roster = Roster(cohort_id="2026-12")
    for n, who in enumerate(("ada", "bob", "cy")):
        roster, _, _ = register(roster, issue(number=n + 1, author=who))
    broken = issue(render_public("2026-12", "both"), number=1, author="ada")
    roster, decision, comment = register(roster, broken)
    assert decision.outcome == "needs-info" and "- Path: what you wrote is not one of" in comment
    assert roster.learners["ada"].enrollment == "enrolled"  # her seat is not given away
    assert roster.learners["cy"].enrollment == "waitlisted"
    roster, decision, _ = register(roster, issue(number=1, author="ada"))
    assert decision.outcome == "enrolled" and not decision.newly_enrolled
    assert roster.learners["ada"].enrollment == "enrolled"


def test_a_waitlisted_registration_that_needs_a_detail_is_not_promoted() -> None:
    roster = Roster(cohort_id="2026-12")
    for n, who in enumerate(("ada", "bob", "cy", "dee")):
        roster, _, _ = register(roster, issue(number=n + 1, author=who))
    roster, decision, _ = register(
        roster, issue(render_public("2026-12", "?"), number=3, author="cy")
    )
    assert decision.outcome == "needs-info" and roster.learners["cy"].enrollment == "waitlisted"
    decision = Decision()
    roster = withdraw(roster, issue(number=1, author="ada"), COHORTS["2026-12"], decision)
    assert [lrn.github_handle for lrn in decision.promoted] == ["dee"]  # cy is not complete


def test_a_raised_capacity_seats_the_waitlist_before_a_new_registration() -> None:
    from glow.cohort.registration.decide import fill_seats

    roster = Roster(cohort_id="2026-12")
    for n, who in enumerate(("ada", "bob", "cy")):
        roster, _, _ = register(roster, issue(number=n + 1, author=who))
    assert roster.learners["cy"].enrollment == "waitlisted"
    bigger = COHORTS["2026-12"].model_copy(update={"capacity": 3})
    decision = Decision()
    form = read_form(issue().body, COHORTS)
    roster = enroll(
        fill_seats(roster, bigger, decision),
        issue(number=4, author="dee"),
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
        roster2, _, _ = register(roster2, issue(number=n + 1, author=who))
    enroll(
        fill_seats(roster2, bigger, again),
        issue(number=3, author="cy"),
        form,
        bigger,
        "org/workshop",
        again,
    )
    assert again.outcome == "enrolled" and again.newly_enrolled


def test_seats_go_in_registration_order_whichever_run_commits_first() -> None:
    """A burst: the run of the last registration reaches the roster first. It seats the
    earlier complete registrations before its own, so the order is the order of filing."""
    filed = [
        issue(number=n, author=who, created_at=T0 + timedelta(milliseconds=n))
        for n, who in enumerate(("ada", "bob", "cy", "dee"), start=1)
    ]
    forms = {i.number: read_form(i.body, COHORTS) for i in filed}
    cohort = COHORTS["2026-12"]

    def run_of(roster: Roster, mine: Issue) -> tuple[Roster, Decision]:
        others = [(i, forms[i.number]) for i in filed if i.number != mine.number]
        decision = Decision()
        new = place_in_order(roster, mine, forms[mine.number], cohort, "o/w", decision, others)
        return new, decision

    roster, last = run_of(Roster(cohort_id="2026-12"), filed[3])
    assert last.outcome == "waitlisted" and last.place == 2
    assert {k: lrn.enrollment for k, lrn in roster.learners.items()} == {
        "ada": "enrolled",
        "bob": "enrolled",
        "cy": "waitlisted",
        "dee": "waitlisted",
    }
    # The other runs find their records and decide the same again: nothing changes.
    for mine in filed[:3]:
        again, decision = run_of(roster, mine)
        assert again == roster
        assert decision.outcome == roster.learners[mine.author].enrollment


def test_one_learner_two_cohorts_at_once_gets_one_seat_whichever_run_commits_first() -> None:
    """yan files one registration for each of two cohorts in the same moment; the runs go side
    by side. Decided on both rosters at once: one seat, and the other issue is a duplicate."""
    cohorts = {
        "2026-12": Cohort(id="2026-12", capacity=5),
        "2027-01": Cohort(id="2027-01", capacity=5),
    }
    one = issue(render_public("2026-12", "day1-day2"), number=1, author="yan")
    two = issue(render_public("2027-01", "day1-day2"), number=2, author="yan")
    for order in ((one, two), (two, one)):
        rosters = {cid: Roster(cohort_id=cid) for cid in cohorts}
        outcomes = []
        for mine in order:
            decision = Decision()
            form = read_form(mine.body, cohorts)
            rosters = place(rosters, cohorts, mine, form, "o/w", decision, [])
            outcomes.append(decision.outcome)
        seats = [
            (cid, record.registration_issue)
            for cid, roster in rosters.items()
            for record in roster.learners.values()
            if record.enrollment != "withdrawn"
        ]
        assert len(seats) == 1, seats
        assert outcomes == ["enrolled", "duplicate"]


def test_an_edit_to_another_cohort_moves_the_seat_and_the_private_text() -> None:
    cohorts = {"2026-12": Cohort(id="2026-12"), "2027-01": Cohort(id="2027-01")}
    rosters = {cid: Roster(cohort_id=cid) for cid in cohorts}
    first = issue(OLD_FORM)
    rosters = place(rosters, cohorts, first, read_form(first.body, cohorts), "o/w", Decision(), [])
    moved = issue(render_public("2027-01", "day1-day2"))
    decision = Decision()
    rosters = place(rosters, cohorts, moved, read_form(moved.body, cohorts), "o/w", decision, [])
    assert decision.left == ["2026-12"] and decision.cohort == "2027-01"
    assert rosters["2026-12"].learners["ada"].enrollment == "withdrawn"
    later = rosters["2027-01"].learners["ada"]
    assert later.enrollment == "enrolled" and "NVDA on Windows" in (later.volunteered or "")
