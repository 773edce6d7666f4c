"""Rebuilding the roster from registration issues and the log: identical when nothing was lost,
and every difference named when something was."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from glow.__main__ import main
from glow.cohort.forms import render_issue_form
from glow.cohort.model import Cohort, LogEntry, Roster
from glow.cohort.registration.issue import Issue
from glow.cohort.roster.decide import carry_over, differences, replay_log, replay_registrations

COHORT = Cohort(id="2026-12", capacity=1)
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def reg(number: int, who: str, labels: tuple[str, ...]) -> Issue:
    body = render_issue_form({"Cohort": "2026-12", "Path": "day1-day2"})
    return Issue(number, f"[REGISTER] {who}", body, who, labels, "open", T0.replace(hour=number))


def test_rebuild_matches_and_reports_what_differs() -> None:
    issues = [
        reg(1, "ada", ("registration", "enrolled")),
        reg(2, "bob", ("registration", "waitlisted")),
    ]
    log = [
        LogEntry(
            github_handle="ada",
            cohort_id="2026-12",
            attempt_at=T0,
            result=r,
            repo="org/learning-room-2026-12-ada",
        )
        for r in ("created", "invited")
    ]
    rebuilt = replay_log(replay_registrations(issues, COHORT, "org/workshop"), log)
    rebuilt = carry_over(rebuilt, Roster(cohort_id="2026-12"), issues)
    assert rebuilt.learners["ada"].provision_state == "provisioned"
    assert rebuilt.learners["bob"].enrollment == "waitlisted"
    assert differences(rebuilt, rebuilt) == []

    lost = rebuilt.model_copy(
        update={
            "learners": {
                "ada": rebuilt.learners["ada"].model_copy(
                    update={"learning_room_repo": None, "provision_state": "pending"}
                )
            }
        }
    )
    lines = differences(lost, rebuilt)
    assert "bob: missing from the stored roster (registered in #2)" in lines
    assert any(line.startswith("ada: provision_state is `pending` in the roster") for line in lines)


def test_a_failed_attempt_keeps_the_room_and_a_heal_stays_healed() -> None:
    issues = [reg(1, "ada", ("enrolled",))]
    entries = [
        LogEntry(
            github_handle="ada", cohort_id="2026-12", attempt_at=T0, result="created", repo="org/r"
        ),
        LogEntry(
            github_handle="ada",
            cohort_id="2026-12",
            attempt_at=T0.replace(hour=5),
            result="error",
            repo="org/r",
            error_detail="502",
        ),
    ]
    roster = replay_log(replay_registrations(issues, COHORT, "org/workshop"), entries)
    assert (roster.learners["ada"].provision_state, roster.learners["ada"].learning_room_repo) == (
        "failed",
        "org/r",
    )


def test_a_withdrawal_and_the_learner_it_enrolled_come_back_from_their_labels() -> None:
    # ada withdrew (closed #1), which gave her seat to bob, first on the waitlist.
    issues = [
        reg(1, "ada", ("registration", "withdrawn")),
        reg(2, "bob", ("registration", "enrolled")),
        reg(3, "cy", ("registration", "waitlisted")),
    ]
    rebuilt = carry_over(
        replay_registrations(issues, COHORT, "org/workshop"), Roster(cohort_id="2026-12"), issues
    )
    assert {key: lrn.enrollment for key, lrn in rebuilt.learners.items()} == {
        "ada": "withdrawn",
        "bob": "enrolled",
        "cy": "waitlisted",
    }


def test_a_learner_who_withdrew_and_registered_again_is_rebuilt_from_the_new_issue() -> None:
    issues = [
        reg(1, "ada", ("registration", "withdrawn")),
        reg(2, "ada", ("registration", "enrolled")),
    ]
    rebuilt = carry_over(
        replay_registrations(issues, COHORT, "org/workshop"), Roster(cohort_id="2026-12"), issues
    )
    ada = rebuilt.learners["ada"]
    assert (ada.registration_issue, ada.enrollment) == (2, "enrolled")


@pytest.mark.parametrize("repo", ["org/", "/workshop", "org/workshop/extra", "workshop"])
def test_a_repo_that_is_not_owner_slash_name_is_one_line_naming_the_option(
    repo: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("ADMIN_ROSTER_REPO", "GITHUB_EVENT_NAME", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)
    assert main(["roster", "rebuild", "--repo", repo]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "glow roster: --repo owner/name (or GITHUB_REPOSITORY) names the registration repo\n"
    )
