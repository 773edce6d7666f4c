"""`glow project`'s pure decisions and copy: which commit a run checks, what the visible checks
say to the learner, which issues and comments are ours, and which `/submit` is still to record."""

from __future__ import annotations

from typing import Any

import pytest

from glow.harness.results import Check, SuiteResult
from glow.harness.sandbox import Outcome
from glow.room.project import copy
from glow.room.project.decide import (
    Failing,
    Target,
    Visible,
    deliverable_issues,
    hidden_lines,
    is_submit,
    pending_submissions,
    recorded,
    target_of,
    visible_of,
    write_needed,
)
from glow.room.rules import our_comments

BOT = "github-actions[bot]"
SHA = "abc1234" + "d" * 33


def comment(cid: int, who: str, body: str, issue: int = 3) -> dict[str, Any]:
    return {"id": cid, "user": {"login": who}, "body": body,
            "issue_url": f"https://api.github.com/repos/o/r/issues/{issue}"}  # fmt: skip


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"ref": "refs/heads/main", "after": SHA}, Target("main", SHA)),
        ({"ref": "refs/heads/fix/add", "after": SHA.upper()}, Target("fix/add", SHA)),
        ({"ref": "refs/heads/practice/merge-conflict", "after": SHA}, "practice branch"),
        ({"ref": "refs/tags/v1", "after": SHA}, "not a branch"),
        ({"ref": "refs/heads/main", "after": "0" * 40, "deleted": True}, "was deleted"),
        ({"ref": "refs/heads/main", "after": "0" * 40}, "names no commit"),
    ],
)
def test_a_push_checks_its_branch_head_except_practice_branches_tags_and_deletions(
    payload: dict[str, Any], expected: Target | str
) -> None:
    found = target_of("push", payload)
    if isinstance(expected, Target):
        assert found == expected
    else:
        assert isinstance(found, str) and expected in found


def test_a_dispatch_checks_the_commit_the_run_is_at() -> None:
    assert target_of("workflow_dispatch", {"ref": "refs/heads/main"}, SHA) == Target("main", SHA)
    assert isinstance(target_of("workflow_dispatch", {"ref": "refs/heads/main"}, ""), str)


def result(
    status: str, stage: str, checks: tuple[Check, ...] = (), problem: str = ""
) -> SuiteResult:
    outcome = Outcome(status=status, stage=stage, headline="the  headline")  # type: ignore[arg-type]
    return SuiteResult("add", "visible", "starter", outcome, checks, problem)


def test_what_a_run_says_names_whose_fault_a_stop_is() -> None:
    ran = visible_of(result("failed", "check", (Check("a", True), Check("b", False, "b is 3"))))
    assert (ran.kind, ran.passed, ran.total, ran.failing) == (
        "ran",
        1,
        2,
        (Failing("b", "b is 3"),),
    )
    assert not ran.all_pass
    assert visible_of(result("passed", "check", (Check("a", True),))).all_pass
    assert visible_of(result("timeout", "check")).kind == "stopped"
    assert visible_of(result("killed", "install")).kind == "stopped"
    assert visible_of(result("failed", "install")).kind == "not-started"
    assert visible_of(result("error", "prepare")).kind == "sandbox"
    unread = visible_of(result("failed", "check", (), "check.sh wrote no results"))
    assert (unread.kind, unread.headline) == ("unreadable", "check.sh wrote no results")
    assert visible_of(result("error", "check")).headline == "the headline"


def test_only_our_bots_issue_with_the_marker_is_the_deliverables_issue() -> None:
    issues = [
        {"number": 2, "user": {"login": "ada"}, "body": "<!-- glow:deliverable:add -->\ncopied"},
        {"number": 5, "user": {"login": BOT}, "body": "<!-- glow:deliverable:add -->\n## Add"},
        {"number": 4, "user": {"login": BOT}, "body": "<!-- glow:deliverable:add -->\n## Add"},
        {"number": 6, "user": {"login": BOT}, "body": "<!-- glow:deliverable:clamp -->",
         "pull_request": {}},
        {"number": 7, "user": {"login": BOT}, "body": "text\n<!-- glow:deliverable:clamp -->"},
    ]  # fmt: skip
    found = deliverable_issues(issues, BOT, ["add", "clamp"])
    assert {d: i["number"] for d, i in found.items()} == {"add": 4}


def test_our_comment_is_the_oldest_of_the_bots_with_the_marker() -> None:
    comments = [
        comment(10, "ada", "<!-- glow:scorecard:add -->\nfake"),
        comment(12, BOT, "<!-- glow:scorecard:add -->\nnewer"),
        comment(11, BOT, "<!-- glow:scorecard:add -->\nolder"),
        comment(13, BOT, "<!-- glow:scorecard:add -->\nother issue", issue=9),
    ]
    found = our_comments(comments, BOT, "scorecard:add")
    assert {n: c["id"] for n, c in found.items()} == {3: 11, 9: 13}


def test_an_unchanged_body_needs_no_write() -> None:
    assert write_needed(None, "x") == "create"
    assert write_needed({"body": "a\r\nb\n"}, "a\nb") == "none"
    assert write_needed({"body": "a\nb"}, "a\nc") == "update"


@pytest.mark.parametrize(
    ("body", "expected"),
    [("/submit", True), ("  /SUBMIT please", True), ("/submitted", False),
     ("please /submit", False), ("", False), (None, False)],
)  # fmt: skip
def test_a_submit_is_a_comment_whose_first_word_is_slash_submit(
    body: str | None, expected: bool
) -> None:
    assert is_submit(body) is expected


def test_the_learners_latest_unrecorded_submit_is_pending_and_no_one_elses() -> None:
    issues = {"add": 3, "clamp": 4}
    comments = [
        comment(20, "ada", "/submit"),
        comment(21, "bob", "/submit", issue=4),
        comment(22, "Ada", "/submit again"),
        comment(23, "ada", "/submit", issue=8),  # not a deliverable's issue
    ]
    assert [(r.deliverable, r.issue, r.comment) for r in
            pending_submissions(issues, comments, "ada", BOT)] == [("add", 3, 22)]  # fmt: skip
    assert pending_submissions(issues, comments, None, BOT) == []
    record = comment(30, BOT, f"<!-- glow:submission:add -->\n{hidden_lines(SHA, 22)}\n## x")
    assert pending_submissions(issues, [*comments, record], "ada", BOT) == []
    forged = comment(31, "ada", f"<!-- glow:submission:add -->\n{hidden_lines(SHA, 99)}")
    assert len(pending_submissions(issues, [*comments, forged], "ada", BOT)) == 1
    assert recorded(record["body"]) is not None
    assert recorded(str(record["body"])).sha == SHA  # type: ignore[union-attr]


def test_the_scorecard_says_the_outcome_first_and_lists_each_failing_check() -> None:
    visible = Visible("ran", 2, 3, (Failing("add.negatives", "expected -5, got 5"),))
    text = copy.scorecard("Write add", Target("main", SHA), visible, ["add.sh"])
    lines = text.split("\n")
    assert lines[0] == "## Visible checks: Write add"
    assert lines[2] == "2 of 3 visible checks pass on branch main at commit abc1234."
    assert "- `add.negatives`: expected -5, got 5" in lines
    assert any(line.startswith("Next step: change `add.sh`") for line in lines)


def test_a_sandbox_fault_is_never_the_learners() -> None:
    stopped = Visible("sandbox", headline="bwrap: no permission")
    text = copy.scorecard("Write add", Target("main", SHA), stopped, ["add.sh"])
    assert "because our checking sandbox failed" in text.split("\n")[2]
    assert "not something you did" in text
    assert "What failed: bwrap: no permission" in text
