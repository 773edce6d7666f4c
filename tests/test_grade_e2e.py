"""Hidden grading end to end on the local GitHub with the real workflows: a learner's
`/submit` is found by the public Submissions schedule (one search), the admin repository's Grade
workflow runs the hidden checks from `courses/`, and the learner reads one verdict per
deliverable, counts and never test code. A re-run writes nothing; a new submission updates the
same verdict. Each run keeps to its budget in `benchmarks/budgets.json`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from glow.authoring.certify import ROOM_BOT, Certifier, push_as_learner
from glow.harness.bundle import load_bundle
from glow.harness.verify import variant_files
from glow.localhub.hub import LocalHub
from tests.harness_bundles import needs_process_sandbox, write_calc_bundle
from tests.test_event_budgets_e2e import BUDGETS, assert_within, last_request, requests_of

pytestmark = [
    pytest.mark.e2e,
    needs_process_sandbox,
]
ROOT = Path(__file__).resolve().parents[1]


def runs_of(c: Certifier, workflow: str) -> list[dict[str, Any]]:
    runs = sorted(c.world.get("runs"), key=lambda r: r["id"])
    return [r for r in runs if r["workflow_path"].endswith(workflow)]


def verdict_comments(c: Certifier, number: int) -> list[dict[str, Any]]:
    comments = c.api.get(f"/repos/{c.room}/issues/{number}/comments").json()
    return [x for x in comments if x["user"]["login"] == c.grader]


def test_a_submission_is_graded_once_by_the_hidden_checks(tmp_path: Path) -> None:
    bundle = load_bundle(write_calc_bundle(tmp_path / "calc")).bundle
    assert bundle is not None
    hub = LocalHub(tmp_path / "hub").start()
    try:
        c = Certifier(hub, ROOT, bundle, lambda _line: None)
        c.open_world()
        c.publish()
        c.provisioned()
        # The provisioning App's seed commit is checked too: the learner finds each
        # deliverable's issue and its failing scorecard before their first push.
        assert c.scorecards() == {"add": "ran 0 of 2", "clamp": "ran 0 of 2"}
        # The learner pushes a naive answer and, since the room is theirs, a check.sh that
        # always passes and a project.yml that asks for the network: their own scorecards pass,
        # the hidden checks run the published project's runtime, offline.
        cheat = {
            ".coursegen/runtime/check.sh": (
                "#!/bin/sh\necho '<testsuite><testcase name=\"ok\"/></testsuite>' "
                '> "$COURSEGEN_RESULTS"\n'
            ),
            ".coursegen/project.yml": (
                c.room_file(".coursegen/project.yml").replace("network: false", "network: true")
            ),
        }
        push_as_learner(c.web, c.learner, c.room, variant_files(bundle, "naive") | cheat)
        c.idle()
        assert c.scorecards() == {"add": "passed", "clamp": "passed"}

        mark = last_request(hub)
        assert c.submit_and_grade() == {"add": "failed 4 of 7", "clamp": "failed 6 of 7"}
        [watch] = runs_of(c, "submissions.yml")
        [grade] = runs_of(c, "grade.yml")
        assert (watch["conclusion"], grade["conclusion"]) == ("success", "success")
        assert_within(requests_of(hub, watch, mark), BUDGETS["grade-watch"])
        assert_within(requests_of(hub, grade, mark), BUDGETS["grade-two-submissions"])

        issues = c.deliverable_issues(c.api, c.room)
        [verdict] = verdict_comments(c, issues["add"])
        lines = verdict["body"].splitlines()
        assert lines[2] == "## Hidden checks did not all pass: Write add"
        assert lines[4].startswith("4 of 7 hidden checks pass on commit ")
        hidden = bundle.deliverable("add").suite("hidden")
        for test in hidden.iterdir():
            assert test.read_text().strip() not in verdict["body"]
            assert test.stem not in verdict["body"]
        for number in issues.values():
            labels = c.api.get(f"/repos/{c.room}/issues/{number}/labels").json()
            assert "submitted" not in {label["name"] for label in labels}

        # Dispatched again, nothing waits: nothing is written.
        mark = last_request(hub)
        c.api.post(
            f"/repos/{c.admin}/dispatches", json={"event_type": "grade", "client_payload": {}}
        ).raise_for_status()
        c.idle()
        rerun = runs_of(c, "grade.yml")[-1]
        assert rerun["id"] != grade["id"] and rerun["conclusion"] == "success"
        assert_within(requests_of(hub, rerun, mark), BUDGETS["grade-rerun"])

        # The learner fixes the work and submits again: the same verdict comments now pass.
        c.push("strong")
        assert c.submit_and_grade() == {"add": "passed", "clamp": "passed"}
        for number in issues.values():
            [verdict] = verdict_comments(c, number)
            assert "## Hidden checks passed:" in verdict["body"]
        submissions = [
            x
            for x in c.api.get(f"/repos/{c.room}/issues/{issues['add']}/comments").json()
            if x["user"]["login"] == ROOM_BOT and "glow:submission:add" in x["body"]
        ]
        assert len(submissions) == 1
    finally:
        hub.stop()
