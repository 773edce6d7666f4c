"""Provisioning decided, without a network: selection, gaps, the first challenge, smoke
validation, outcomes as roster and log, the copy a facilitator reads, and the App manifest."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from glow.cohort.model import Roster
from glow.cohort.provisioning.decide import (
    LearnerOutcome,
    TemplateProblem,
    TemplateSnapshot,
    apply_outcomes,
    log_entries,
    parse_challenge,
    progress_line,
    required_files,
    room_gaps,
    select_learners,
    smoke_problems,
    summary_lines,
    workflow_problem,
)
from tests.provisioning_support import COHORT, learner

ROOT = Path(__file__).resolve().parents[1]
AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def outcome(**fields: object) -> LearnerOutcome:
    base: dict[str, object] = {
        "handle": "Ada",
        "room": f"acme/learning-room-{COHORT}-ada",
        "prior_state": "pending",
        "prior_room": None,
        "attempt_at": AT,
    }
    return LearnerOutcome(**{**base, **fields})  # type: ignore[arg-type]


def snapshot() -> TemplateSnapshot:
    challenge = parse_challenge("---\ntitle: Challenge 1\n---\nBody\n")
    return TemplateSnapshot("acme/tpl", "main", "abcdef1234", {}, {}, challenge)


def test_the_app_manifest_requests_exactly_the_seed_permission_set() -> None:
    manifest = json.loads((ROOT / "provisioner" / "app-manifest.json").read_text())
    # Seed 003's set, and what publishing a course needs (a pull request to the template and
    # its commit status); setup checks an installation against the same set.
    assert manifest["default_permissions"] == {
        "administration": "write",
        "contents": "write",
        "metadata": "read",
        "issues": "write",
        "pull_requests": "write",
        "statuses": "write",
    }
    from glow.cohort.setup.decide import APP_PERMISSIONS

    assert manifest["default_permissions"] == dict(APP_PERMISSIONS)
    assert manifest["default_events"] == []
    assert manifest["public"] is False
    assert manifest["hook_attributes"]["active"] is False


def test_required_set_is_workflows_and_issue_templates_only() -> None:
    tree = [
        {"path": ".github/workflows/a.yml", "type": "blob", "sha": "1"},
        {"path": ".github/workflows", "type": "tree", "sha": "2"},
        {"path": ".github/ISSUE_TEMPLATE/form.yml", "type": "blob", "sha": "3"},
        {"path": ".github/CODEOWNERS", "type": "blob", "sha": "4"},
        {"path": "README.md", "type": "blob", "sha": "5"},
    ]
    assert required_files(tree) == {
        ".github/workflows/a.yml": "1",
        ".github/ISSUE_TEMPLATE/form.yml": "3",
    }


def test_gaps_are_missing_or_changed_files() -> None:
    required = {"a": "1", "b": "2", "c": "3"}
    assert room_gaps(required, {"a": "1", "b": "changed", "extra": "9"}) == ("b", "c")
    assert room_gaps(required, required) == ()


def test_challenge_issue_comes_from_front_matter_with_the_marker_first() -> None:
    text = (ROOT / "learning-room-template" / "challenges" / "challenge-01.md").read_text()
    issue = parse_challenge(text)
    assert issue.title == "Challenge 1: Find your way around"
    assert issue.body.startswith("<!-- glow:challenge:1 -->\n## What you will do\n")
    assert "title:" not in issue.body


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("no front matter\n", "does not start with front matter"),
        ("---\ntitle: x\n", "no closing ---"),
        ("---\nnumber: 1\n---\nbody\n", "has no title"),
        ("---\ntitle: [x\n---\nbody\n", "not YAML"),
    ],
)
def test_a_bad_challenge_file_is_a_template_problem(text: str, problem: str) -> None:
    with pytest.raises(TemplateProblem, match=problem):
        parse_challenge(text)


def test_smoke_validation_reads_on_as_yaml_does() -> None:
    good = "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n"
    assert workflow_problem("w.yml", good) is None  # `on` loads as the boolean True
    assert "no `jobs:`" in (workflow_problem("w.yml", "on: push\n") or "")
    assert "no `on:`" in (workflow_problem("w.yml", "jobs:\n  a: {}\n") or "")
    assert "not valid YAML at line 2" in (workflow_problem("w.yml", "on: push\n  - x: [\n") or "")
    assert "not a YAML mapping" in (workflow_problem("w.yml", "- a\n") or "")
    texts = {
        ".github/workflows/bad.yml": "on: push\n",
        ".github/ISSUE_TEMPLATE/form.yml": "not: a workflow\n",
        ".github/workflows/good.yaml": good,
    }
    assert smoke_problems(texts) == [".github/workflows/bad.yml has no `jobs:`"]


def test_selection_visits_pending_and_failed_enrolled_learners_first_come_first() -> None:
    people = {h: learner(h, i) for i, h in enumerate(["zed", "ada", "bob", "cy", "dee"])}
    people["ada"] = people["ada"].model_copy(update={"provision_state": "provisioned"})
    people["bob"] = people["bob"].model_copy(update={"provision_state": "failed"})
    people["cy"] = people["cy"].model_copy(update={"enrollment": "waitlisted"})
    people["dee"] = people["dee"].model_copy(update={"provision_state": "healed"})
    roster = Roster(cohort_id=COHORT, learners=people)
    assert [x.key for x in select_learners(roster)] == ["zed", "bob"]
    assert [x.key for x in select_learners(roster, verify=True)] == ["zed", "ada", "bob", "dee"]
    assert [x.key for x in select_learners(roster, handle="@ADA")] == ["ada"]
    assert select_learners(roster, handle="cy") == []  # waitlisted: no room


def test_a_new_room_logs_created_invited_seeded_and_is_provisioned() -> None:
    done = outcome(created=True, invited=True, challenge_seeded=True)
    assert done.results() == ["created", "invited", "seeded"]
    assert done.state == "provisioned"
    assert done.changed and done.wrote
    entries = log_entries([done], cohort_id=COHORT, template_sha="abc", run_id="7")
    assert [(e.result, e.template_sha, e.repo, e.run_id) for e in entries] == [
        (r, "abc", done.room, "7") for r in ("created", "invited", "seeded")
    ]


def test_existing_rooms_log_already_exists_or_healed() -> None:
    found = outcome(existed=True, prior_state="failed")
    assert (found.results(), found.state) == (["already-exists"], "provisioned")
    healed = outcome(existed=True, files_written=(".github/workflows/a.yml",))
    assert (healed.results(), healed.state) == (["healed"], "healed")


def test_a_healthy_recheck_changes_nothing_and_writes_nothing() -> None:
    room = f"acme/learning-room-{COHORT}-ada"
    for state in ("provisioned", "healed"):
        healthy = outcome(existed=True, prior_state=state, prior_room=room)
        assert healthy.results() == []
        assert healthy.state == state
        assert not healthy.changed and not healthy.wrote


def test_a_failure_keeps_what_happened_before_it() -> None:
    failed = outcome(created=True, error="GitHub refused PUT ...: 502")
    assert failed.results() == ["created", "error"]
    assert failed.state == "failed"
    [_, error] = log_entries([failed], cohort_id=COHORT, template_sha="abc", run_id=None)
    assert error.error_detail == "GitHub refused PUT ...: 502"


def test_outcomes_apply_to_the_latest_roster() -> None:
    roster = Roster(cohort_id=COHORT, learners={"ada": learner("Ada", 0), "bob": learner("bob", 1)})
    done = outcome(created=True)
    failed = outcome(handle="bob", room="acme/r-bob", error="boom")
    gone = outcome(handle="withdrawn-meanwhile", room="acme/r-x", created=True)
    after = apply_outcomes(roster, [done, failed, gone])
    assert after.learners["ada"].provision_state == "provisioned"
    assert after.learners["ada"].learning_room_repo == done.room
    assert after.learners["bob"].provision_state == "failed"
    assert after.learners["bob"].learning_room_repo is None
    assert set(after.learners) == {"ada", "bob"}
    assert roster.learners["ada"].provision_state == "pending"  # pure


def test_progress_lines_say_the_outcome_first() -> None:
    new = outcome(created=True, invited=True, challenge_seeded=True)
    assert progress_line(3, 10, new) == (
        "[3/10] Ada: created learning-room-2026-12-ada, invited, challenge 1 seeded"
    )
    healed = outcome(existed=True, prior_state="provisioned", files_written=("a", "b"))
    assert progress_line(1, 1, healed) == (
        "[1/1] Ada: healed learning-room-2026-12-ada (2 required files restored)"
    )
    healthy = outcome(existed=True, prior_state="provisioned")
    assert progress_line(1, 1, healthy).endswith(
        "learning-room-2026-12-ada is healthy, nothing to change"
    )
    failed = outcome(created=True, error="GitHub has no user named Ada")
    assert progress_line(2, 2, failed) == (
        "[2/2] Ada: failed: GitHub has no user named Ada, created learning-room-2026-12-ada"
    )


def test_summary_names_every_failed_learner_and_the_recovery_step() -> None:
    outcomes = [
        outcome(created=True),
        outcome(handle="bob", error="GitHub has no user named bob"),
    ]
    first, second = summary_lines(COHORT, outcomes, snapshot())
    assert first.startswith("Cohort 2026-12: 2 learners visited, 1 provisioned or healthy")
    assert "1 failed. Template acme/tpl at abcdef1." in first
    assert "bob (GitHub has no user named bob)" in second
    assert "run the same command again" in second
    assert "docs/runbooks/provisioning.md" in second
    assert summary_lines(COHORT, outcomes[:1], snapshot())[1:] == []


def test_an_archived_room_is_left_as_it_is() -> None:
    room = f"acme/learning-room-{COHORT}-ada"
    archived = outcome(existed=True, archived=True, prior_state="provisioned", prior_room=room)
    assert progress_line(1, 1, archived) == (
        "[1/1] Ada: learning-room-2026-12-ada is archived (the workshop is over), left as it is"
    )
    assert not archived.changed


def test_preflight_capacity_says_what_it_saw_and_stops_a_batch_that_cannot_fit() -> None:
    import pytest

    from glow.cohort.provisioning.preflight import PreflightError, budget_line, quota_line

    hidden = quota_line("org", {"login": "org"}, 5)
    assert hidden.startswith("Repository quota of org: not shown to these credentials")
    plan = {"plan": {"private_repos": 10, "seats": 20, "filled_seats": 7}, "owned_private_repos": 8}
    assert quota_line("org", plan, 2) == (
        "Repository quota of org: room for 2 more private repositories; seats: 7 of 20 filled."
    )
    with pytest.raises(PreflightError, match="org can hold 2 more private repositories and this"):
        quota_line("org", plan, 3)

    rate = {"resources": {"core": {"remaining": 4000, "reset": 1795424400}}}
    line = budget_line(rate, 200)
    assert line.startswith("API budget: 4000 requests left until 2026-11-23 ")
    assert "this batch of 200 needs about 2400" in line
    spent = {"resources": {"core": {"remaining": 3, "reset": 1795424400}}}
    with pytest.raises(PreflightError, match="budget of these credentials is spent"):
        budget_line(spent, 1)
