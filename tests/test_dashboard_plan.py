"""The dashboard's decisions and copy, and the marker-keyed issue planner (pure)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest

from glow.cohort.dashboard.copy import (
    NEXT_ACTIONS,
    learner_issue,
    managed_label,
    outcome,
    summary_issue,
)
from glow.cohort.dashboard.decide import row_for
from glow.cohort.marked_issues import Existing, Wanted, key_of, plan
from glow.cohort.model import Roster
from glow.cohort.observe import Observation
from tests import factories

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SERVER = "https://github.com"


learner = partial(factories.learner, "ada", registered_at=T0, provisioned=True)


def room(closed: int, *, minute: int = 14) -> list[dict[str, Any]]:
    stamp = (T0 + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ")
    issues = []
    for n in range(1, closed + 2):
        state = "closed" if n <= closed else "open"
        issues.append(
            {
                "number": n,
                "title": f"Challenge {n}: x",
                "body": f"<!-- glow:challenge:{n} -->",
                "state": state,
                "created_at": stamp,
                "updated_at": stamp,
                "closed_at": stamp,
            }
        )
    return issues


ACK = [{"body": "ack", "user": {"login": "ada"}, "created_at": "2026-11-23T09:02:00Z"}]


def row(seen: Observation, minutes_later: float = 20):
    return row_for(
        "2026-12", seen, now=T0 + timedelta(minutes=minutes_later), threshold=timedelta(minutes=20)
    )


def test_the_outcome_comes_first_in_plain_words_with_an_absolute_time() -> None:
    r = row(Observation(learner(), room(3), ACK))
    assert (
        outcome(r) == "ada: active on Day 1, challenge 4 of 16, last activity 2026-11-23 09:14 UTC."
    )
    text = learner_issue(r, server=SERVER).body
    assert text.split("\n")[:2] == [
        "<!-- glow:dashboard:2026-12:ada -->",
        "ada: active on Day 1, challenge 4 of 16, last activity 2026-11-23 09:14 UTC.",
    ]
    assert (
        "- Learning Room: [org/learning-room-2026-12-ada](https://github.com/org/learning-room-2026-12-ada)"
        in text
    )


def test_the_status_issue_says_plain_words_and_links_its_runbook() -> None:
    """No raw term of the roster (a status id, a provisioning state, a bare badge name) and no
    path that leads nowhere from the admin repository: the runbook is a link to the workshop's."""
    r = row(Observation(learner(), room(0, minute=0), []))
    text = learner_issue(r, server=SERVER).body
    assert "- Status: enrolled, waiting for the learner's ack" in text
    assert "- Learning Room provisioning: provisioned" in text
    assert "- Level: Explorer, the badge for 0 of 16 challenges done; next: Contributor at 3" in (
        text
    )
    assert "awaiting-ack" not in text.replace("status:awaiting-ack", "")
    runbook = f"{SERVER}/org/workshop/blob/HEAD/docs/runbooks/dashboard-and-watchdog.md"
    assert f"[the dashboard and watchdog runbook]({runbook}#when-the-dashboard-is-down)" in text
    assert "docs/runbooks" not in re.sub(r"\[[^]]*\]\([^)]*\)", "", text)


def test_a_failed_provisioning_names_the_workflow_and_links_the_runbook() -> None:
    seen = Observation(learner(provision_state="failed", learning_room_repo=None), None, ACK)
    action = row(seen, 25).next_action(server=SERVER)
    assert "the Provisioning workflow" in action
    assert f"({SERVER}/org/workshop/blob/HEAD/docs/runbooks/provisioning.md)" in action


def test_the_body_does_not_change_as_time_passes_until_the_stuck_flag_flips() -> None:
    seen = Observation(learner(), room(3), ACK)
    early = learner_issue(row(seen, 15), server=SERVER)
    later = learner_issue(row(seen, 33), server=SERVER)  # 19 minutes after the last activity
    assert early == later
    stuck = learner_issue(row(seen, 34), server=SERVER)
    assert stuck.body != early.body
    assert stuck.body.split("\n")[1] == (
        "ada is stuck: active on Day 1, challenge 4 of 16, no activity since 2026-11-23 09:14 UTC."
    )
    assert stuck.labels == ("dashboard", "status:active-day1", "stuck")


@pytest.mark.parametrize(
    ("seen", "situation", "words"),
    [
        (
            Observation(learner(provision_state="failed", learning_room_repo=None), None, ACK),
            "provisioning-failed",
            "Re-run provisioning for this learner",
        ),
        (
            Observation(
                learner(status="needs-info", enrollment="pending", learning_room_repo=None),
                None,
                [],
            ),
            "needs-info",
            "the learner must edit their registration issue (org/workshop#7)",
        ),
        (Observation(learner(), None, ACK), "room-unreadable", "could not be read"),
        (
            Observation(learner(provision_state="pending", learning_room_repo=None), None, ACK),
            "provisioning-pending",
            "Wait for provisioning",
        ),
        (Observation(learner(), room(0, minute=0), []), "nothing", "Nothing needed."),
        (
            Observation(learner(), room(3, minute=0), ACK),
            "stuck",
            "open challenge 4 in org/learning-room-2026-12-ada",
        ),
        (Observation(learner(), room(3), ACK), "nothing", "Nothing needed."),
    ],
)
def test_the_next_action_is_one_sentence_from_the_table(
    seen: Observation, situation: str, words: str
) -> None:
    r = row(seen, 25)
    assert r.situation == situation
    assert words in r.next_action()
    assert (
        f"- Next action for the facilitator: {r.next_action()}"
        in learner_issue(r, server=SERVER).body
    )


def test_an_overdue_ack_asks_the_facilitator_to_comment_on_the_registration() -> None:
    seen = Observation(learner(), room(0, minute=0), [])
    r = row_for(
        "2026-12",
        seen,
        now=T0 + timedelta(hours=2),
        threshold=timedelta(minutes=20),
        ack_wait=timedelta(hours=1),
    )
    assert r.situation == "awaiting-ack-long"
    assert r.next_action().startswith("Comment on the registration issue (org/workshop#7)")
    assert outcome(r) == (
        "ada: enrolled, waiting for the learner's ack, ack overdue, challenge 1 of 16, "
        "last activity 2026-11-23 09:00 UTC."
    )
    assert "stuck" not in learner_issue(r, server=SERVER).labels


def test_every_situation_has_a_next_action() -> None:
    from typing import get_args

    from glow.cohort.dashboard.decide import Situation

    assert set(NEXT_ACTIONS) == set(get_args(Situation))


def test_the_summary_counts_and_links_each_learner_by_issue_number() -> None:
    rows = [
        row(Observation(learner(), room(3, minute=0), ACK), 25),
        row(
            Observation(
                learner(github_handle="bob", provision_state="failed", learning_room_repo=None),
                None,
                [],
            ),
            10,
        ),
    ]
    waiting = learner(github_handle="zed", enrollment="waitlisted")
    roster = Roster(cohort_id="2026-12", learners={"zed": waiting})
    numbers = {"dashboard:2026-12:ada": 12}
    text = summary_issue(
        "2026-12", rows, roster, numbers, server="https://github.com", board="org/admin"
    ).body
    lines = text.split("\n")
    assert lines[1] == (
        "Cohort 2026-12: 2 learners on the dashboard, 1 stuck, 1 with failed provisioning, "
        "1 waitlisted."
    )
    ada = "[ada](https://github.com/org/admin/issues/12)"  # the learner's status issue
    assert f"Stuck (1): {ada} (challenge 4)" in text
    assert "Waitlisted (1): zed" in text
    assert f"- {ada}: active on Day 1, stuck" in lines
    assert "- bob: enrolled, waiting for the learner's ack, provisioning failed" in lines
    runbook = "https://github.com/org/workshop/blob/HEAD/docs/runbooks/dashboard-and-watchdog.md"
    assert f"[the dashboard and watchdog runbook]({runbook}#reading-the-dashboard)" in text
    assert "docs/runbooks" not in re.sub(r"\[[^]]*\]\([^)]*\)", "", text)  # only as links


# The planner ----------------------------------------------------------------------------------


def have(
    number: int, want: Wanted, *, labels: tuple[str, ...] | None = None, open_: bool = True
) -> Existing:
    return Existing(
        number, want.key, want.title, want.body, want.labels if labels is None else labels, open_
    )


WANT = Wanted.make(
    "dashboard:c:ada", "[DASHBOARD] @ada (c)", "ada: fine.", ("dashboard", "status:active-day1")
)


def plan_for(wanted: list[Wanted], existing: list[Existing], scope: bool = True):
    return plan(
        wanted,
        existing,
        in_scope=lambda _: scope,
        managed=managed_label,
        close_note=lambda e: f"bye {e.key}",
    )


def test_the_marker_is_the_first_line_and_found_again() -> None:
    assert WANT.body.startswith("<!-- glow:dashboard:c:ada -->\n")
    assert key_of(WANT.body) == "dashboard:c:ada"
    assert key_of("text\n<!-- glow:dashboard:c:ada -->") is None


def test_nothing_changed_plans_nothing_even_with_crlf_and_other_labels() -> None:
    crlf = Existing(
        1, WANT.key, WANT.title, WANT.body.replace("\n", "\r\n"), (*WANT.labels, "vip"), True
    )
    assert plan_for([WANT], [crlf]) == []


def test_a_status_change_patches_labels_once_and_keeps_a_facilitators_label() -> None:
    old = have(1, WANT, labels=("dashboard", "status:awaiting-ack", "vip", "stuck"))
    (change,) = plan_for([WANT], [old])
    assert change.kind == "update" and change.number == 1
    assert change.fields == {"labels": ["vip", "dashboard", "status:active-day1"]}


def test_a_retitled_issue_is_found_by_its_marker_and_its_title_restored() -> None:
    drifted = Existing(1, WANT.key, "someone renamed me", WANT.body, WANT.labels, True)
    (change,) = plan_for([WANT], [drifted])
    assert change.fields == {"title": WANT.title}


def test_missing_is_created_gone_is_closed_and_back_is_reopened() -> None:
    other = Wanted.make("dashboard:c:bob", "bob", "bob: fine.", ("dashboard",))
    changes = plan_for([WANT], [have(2, other)])
    assert [(c.kind, c.key) for c in changes] == [("create", WANT.key), ("close", other.key)]
    assert changes[1].comment == "bye dashboard:c:bob"
    assert plan_for([WANT], [have(2, other)], scope=False)[1:] == []  # out of scope: left alone
    (reopen,) = plan_for([WANT], [have(3, WANT, open_=False)])
    assert reopen.fields == {"state": "open"}


def test_a_duplicate_from_an_earlier_fault_is_closed_and_the_oldest_kept() -> None:
    changes = plan_for([WANT], [have(9, WANT), have(4, WANT)])
    assert [(c.kind, c.number) for c in changes] == [("close", 9)]
    assert changes[0].comment == "Closed as a duplicate of #4."


def test_recording_progress_leaves_a_learner_the_bot_changed_meanwhile_alone() -> None:
    from glow.cohort.dashboard.decide import record_progress

    seen = Observation(learner(status="awaiting-ack"), room(0), ACK)
    r = row(seen, minutes_later=5)
    assert r.progress.status == "active-day1"
    roster = Roster(cohort_id="2026-12", learners={"ada": seen.learner})
    recorded = record_progress(roster, [r]).learners["ada"]
    assert (recorded.status, recorded.signals) == ("active-day1", ["ack"])
    # Meanwhile an edit broke ada's form: the bot wrote needs-info. The dashboard's commit,
    # re-applied to that roster, must not write its older view over it.
    edited = seen.learner.model_copy(update={"status": "needs-info"})
    newer = Roster(cohort_id="2026-12", learners={"ada": edited})
    assert record_progress(newer, [r]) == newer


@pytest.mark.parametrize("login", ["ada", "mallory"])
def test_a_persons_copy_of_the_day2_marker_releases_nobody_so_day2_still_checks_them(
    login: str,
) -> None:
    """Anyone can type the Day 2 release's hidden marker on a public registration issue. The
    release ignores a copy its bot did not write; the dashboard must too, or it records
    `day2-released` in the roster and the release never checks that learner again."""
    from glow.cohort.dashboard.decide import record_progress
    from glow.cohort.day2.decide import needs_check

    spoof = {
        "body": "<!-- glow:day2-release -->\n## Day 2 is open for you",
        "user": {"login": login, "type": "User"},
        "created_at": "2026-11-23T09:03:00Z",
    }
    seen = Observation(learner(status="active-day1"), room(3), [*ACK, spoof])
    r = row(seen, minutes_later=5)
    assert r.progress.status == "active-day1"
    roster = Roster(cohort_id="2026-12", learners={"ada": seen.learner})
    assert needs_check(record_progress(roster, [r]).learners["ada"])
