"""Which submissions wait for hidden checks, and the verdict a learner reads."""

from __future__ import annotations

from typing import Any

from glow.cohort.submissions.decide import Verdict, verdict_body, waiting
from glow.markers import marker, recorded_sha, sha_line

BOT = "github-actions[bot]"
APP = "glow-provisioning[bot]"
SHA = "a" * 40
NEWER = "b" * 40


def issue(*, labels: tuple[str, ...] = ("submitted",), author: str = BOT) -> dict[str, Any]:
    return {
        "number": 4,
        "body": f"{marker('deliverable:add')}\n## Write add\n",
        "labels": [{"name": name} for name in labels],
        "user": {"login": author},
    }


def comment(key: str, sha: str, author: str) -> dict[str, Any]:
    return {"body": f"{marker(key)}\n{sha_line(sha)}\n## text", "user": {"login": author}}


def test_a_submission_waits_until_a_verdict_of_ours_names_its_commit() -> None:
    submitted = comment("submission:add", SHA, BOT)
    found = waiting("o/room", issue(), [submitted], room_bot=BOT, grader=APP)
    assert found is not None
    assert (found.deliverable, found.sha, found.graded, found.verdict_comments) == (
        "add",
        SHA,
        False,
        0,
    )
    old_verdict = comment("verdict:add", NEWER, APP)
    found = waiting("o/room", issue(), [submitted, old_verdict], room_bot=BOT, grader=APP)
    assert found is not None and not found.graded and found.verdict_comments == 1
    done = comment("verdict:add", SHA, APP)
    found = waiting("o/room", issue(), [submitted, done], room_bot=BOT, grader=APP)
    assert found is not None and found.graded


def test_only_the_room_bot_submits_and_only_the_grader_judges() -> None:
    forged = comment("submission:add", SHA, "learner")
    assert waiting("o/room", issue(), [forged], room_bot=BOT, grader=APP) is None
    real = comment("submission:add", SHA, BOT)
    forged_verdict = comment("verdict:add", SHA, "learner")
    found = waiting("o/room", issue(), [real, forged_verdict], room_bot=BOT, grader=APP)
    assert found is not None and not found.graded
    assert waiting("o/room", issue(author="learner"), [real], room_bot=BOT, grader=APP) is None
    assert waiting("o/room", issue(labels=()), [real], room_bot=BOT, grader=APP) is None


def test_the_latest_submission_counts() -> None:
    comments = [comment("submission:add", SHA, BOT), comment("submission:add", NEWER, BOT)]
    found = waiting("o/room", issue(), comments, room_bot=BOT, grader=APP)
    assert found is not None and found.sha == NEWER


def test_verdicts_lead_with_the_outcome_and_never_blame_the_learner_for_our_faults() -> None:
    passed = verdict_body("add", SHA, Verdict("Write add", "passed", 7, 7))
    lines = passed.splitlines()
    assert lines[0] == marker("verdict:add") and recorded_sha(passed) == SHA
    assert lines[2] == "## Hidden checks passed: Write add"
    assert lines[3] == ""
    assert lines[4].startswith("All 7 hidden checks pass on commit aaaaaaa.")
    failed = verdict_body("add", SHA, Verdict("Write add", "failed", 4, 7))
    assert "4 of 7 hidden checks pass on commit aaaaaaa." in failed
    assert "Next step:" in failed
    ours = verdict_body("add", SHA, Verdict("Write add", "not-run", detail="no hidden checks yet"))
    assert "## Hidden checks could not run: Write add" in ours
    assert "no verdict on your work" in ours
    stopped = verdict_body(
        "add", SHA, Verdict("Write add", "stopped", detail="timeout: check.sh ran past 20 s")
    )
    assert "timeout: check.sh ran past 20 s" in stopped
