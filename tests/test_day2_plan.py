"""Day 2 release decisions: who is eligible, who is already released, what the roster records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from glow.cohort.day2.decide import (
    IssueView,
    link_problem,
    needs_check,
    plan_learner,
    record_releases,
    release_comment,
)
from glow.cohort.model import Cohort, Roster
from tests.factories import learner

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def comment(login: str, body: str, at: str = "2026-12-01T16:00:00Z", **extra: Any) -> dict:
    return {"user": {"login": login}, "body": body, "created_at": at, **extra}


BOT = "github-actions[bot]"  # who writes the release comment (the job token)


def view(*comments: dict, labels: tuple[str, ...] = ()) -> IssueView:
    return IssueView.from_api({"labels": [{"name": n} for n in labels]}, comments, bot=BOT)


@pytest.mark.parametrize(
    "body", ["day1-complete", "Day 1 complete!", "DAY1 COMPLETE, thanks", "done: day 1-complete"]
)
def test_the_learners_own_signal_releases(body: str) -> None:
    plan = plan_learner(learner(), view(comment("ada", body)))
    assert plan.action == "release"
    assert plan.evidence is not None and plan.evidence.reason == "comment"
    assert (plan.repo, plan.issue) == ("org/workshop", 7)


@pytest.mark.parametrize(
    ("who", "body"),
    [
        ("facilitator", "day1-complete"),  # someone else's words are not the learner's signal
        ("facilitator", "> day1-complete\nWhen you are done, say so."),
        ("ada", "> day1-complete\nwhat does this mean?"),  # a quote, even the learner's
        ("ada", "I will type `day1-complete` later"),  # code is not a signal
        ("ada", "day1-completed soon"),  # not the whole token
    ],
)
def test_anything_else_waits(who: str, body: str) -> None:
    assert plan_learner(learner(), view(comment(who, body))).action == "wait"


def test_a_facilitators_label_is_the_manual_fallback() -> None:
    plan = plan_learner(learner(), view(labels=("Day1-Complete",)))
    assert plan.action == "release"
    assert plan.evidence is not None and plan.evidence.reason == "label"


def test_a_day2_only_learner_needs_no_signal() -> None:
    plan = plan_learner(learner(path="day2-only"), view())
    assert (plan.action, plan.evidence and plan.evidence.reason) == ("release", "day2-only")


def test_already_released_by_label_or_comment_is_only_recorded() -> None:
    said = comment("ada", "day1-complete")
    assert plan_learner(learner(), view(said, labels=("day2-released",))).action == "record"
    ours = comment("github-actions[bot]", "<!-- glow:day2-release -->\nDay 2 is open for you")
    assert plan_learner(learner(), view(said, ours)).action == "record"
    # Our marker only counts on the first line: a quote of it further down is not a release.
    quoted = comment("ada", "thanks!\n<!-- glow:day2-release -->")
    assert plan_learner(learner(), view(said, quoted)).action == "release"
    # Anyone can type our marker: a stranger's comment carrying it releases nobody.
    spoof = comment("mallory", "<!-- glow:day2-release -->\nDay 2 is open for you")
    assert plan_learner(learner(), view(said, spoof)).action == "release"


def test_only_enrolled_unreleased_learners_are_checked() -> None:
    assert needs_check(learner())
    assert not needs_check(learner(enrollment="waitlisted"))
    assert not needs_check(learner(enrollment="withdrawn"))
    assert not needs_check(learner(status="day2-released"))
    assert not needs_check(learner(status="needs-info", signals=["day2-released"]))


def test_the_comment_leads_with_the_link() -> None:
    cohort = Cohort(id="2026-12", day2_url="https://example.org/day2")
    text = release_comment(cohort)
    assert text.startswith(
        "## Day 2 is open for you\n\n"
        "Your Day 2 link: [Day 2 of the workshop, cohort 2026-12](https://example.org/day2)"
    )
    assert "help" in text.splitlines()[-1]


def test_no_link_is_a_facilitator_problem_only_when_someone_waits_for_it() -> None:
    waiting = [plan_learner(learner(), view(comment("ada", "day1-complete")))]
    assert link_problem(Cohort(id="2026-12"), []) is None
    problem = link_problem(Cohort(id="2026-12"), waiting)
    assert problem is not None
    assert problem.startswith("cohort 2026-12: 1 learner(s) finished Day 1 (@Ada)")
    assert "day2_url" in problem and "glow day2-release --cohort 2026-12" in problem
    assert "not a web link" in str(link_problem(Cohort(id="2026-12", day2_url="TBD"), waiting))
    ok = Cohort(id="2026-12", day2_url="https://example.org/day2")
    assert link_problem(ok, waiting) is None


def test_the_roster_records_status_signals_and_time_once() -> None:
    roster = Roster(cohort_id="2026-12", learners={"ada": learner(), "bob": learner("bob")})
    plans = [
        plan_learner(roster.learners["ada"], view(comment("ada", "day1-complete"))),
        plan_learner(roster.learners["bob"], view()),
    ]
    after = record_releases(roster, plans, NOW)
    ada = after.learners["ada"]
    assert ada.status == "day2-released"
    assert ada.signals == ["day1-complete", "day2-released"]
    assert ada.last_signal_at == datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    assert after.learners["bob"] == roster.learners["bob"]
    # Re-applied on the result (a concurrent commit landed first): nothing more changes.
    assert record_releases(after, plans, NOW) == after


def test_a_label_release_is_timed_now_and_needs_info_keeps_its_status() -> None:
    roster = Roster(cohort_id="2026-12", learners={"ada": learner(status="needs-info")})
    plan = plan_learner(roster.learners["ada"], view(labels=("day1-complete",)))
    ada = record_releases(roster, [plan], NOW).learners["ada"]
    assert (ada.status, ada.last_signal_at) == ("needs-info", NOW)
    assert ada.signals == ["day1-complete", "day2-released"]
