"""What learners read, held to the copy rules for a screen reader (STYLE.md, rule 6).

Every message the bots post on a learner's issue, as it is posted: a heading first, the outcome
in it; one line per paragraph (GitHub renders a newline inside a comment as a line break, so a
hard-wrapped sentence is read as two lines); descriptive link text, never a bare address or
"click here"; and a way to ask for help.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from glow.cohort.day2.decide import release_comment
from glow.cohort.model import Cohort
from glow.cohort.registration.copy import FAILED, HELP_RECEIVED, RoomLinks
from glow.cohort.registration.decide import Decision, promoted_plan, public_plan, read_form
from glow.cohort.registration.form import render_public
from glow.cohort.registration.issue import Issue
from glow.cohort.submissions.copy import examples as verdict_examples
from glow.cohort.watchdog.copy import room_run_notice
from glow.room.grading.copy import examples as grading_examples
from glow.room.help.copy import answer as room_help
from glow.room.progression import copy as progression_copy
from glow.room.project.copy import examples as project_examples
from tests import factories
from tests.room_pr_copy import MESSAGES as ROOM_PR_MESSAGES

LINKS = RoomLinks("https://github.com/o/room/invitations", "https://github.com/o/room/issues/new")
COHORTS = {"2026-12": Cohort(id="2026-12")}
ISSUE = Issue(7, "[REGISTER] ada", render_public("2026-12", "day1-day2"), "ada", (), "open",
              datetime(2026, 12, 1, tzinfo=UTC))  # fmt: skip


def _registration(outcome: str, body: str | None = None, **decided: object) -> str:
    issue = ISSUE if body is None else Issue(7, "t", body, "ada", (), "open", ISSUE.created_at)
    decision = Decision(outcome=outcome, **decided)  # type: ignore[arg-type]
    plan = public_plan(decision, read_form(issue.body, COHORTS), issue, links=LINKS)
    return plan.comment or ""


def _promoted() -> str:
    learner = factories.learner(
        "ada", registered_at=ISSUE.created_at, path="day2-only", volunteered="moved text"
    )
    return promoted_plan(learner, links=LINKS).comment or ""


MESSAGES = {
    "enrolled": lambda: _registration("enrolled"),
    "enrolled, text moved": lambda: _registration(
        "enrolled", render_public("2026-12", "day1-day2") + "I use JAWS\n", private_kept=True
    ),
    "waitlisted": lambda: _registration("waitlisted", place=3),
    "needs-info, one": lambda: _registration("needs-info", render_public("2026-12", None)),
    "needs-info, two": lambda: _registration("needs-info", render_public("x y", "z")),
    "duplicate": lambda: _registration("duplicate", first_issue=3),
    "withdrawn": lambda: _registration("withdrawn"),
    "promoted": _promoted,
    "help": lambda: HELP_RECEIVED,
    "failed": lambda: FAILED,
    "day2": lambda: release_comment(Cohort(id="2026-12", day2_url="https://example.org/day2")),
    # Every message the autograders and the room watchdog can write.
    **{name: (lambda text=text: text) for name, text in grading_examples().items()},
    **{name: (lambda text=text: text) for name, text in project_examples().items()},
    **{name: (lambda text=text: text) for name, text in verdict_examples().items()},
    "room run failed": lambda: room_run_notice(7, pull_request=True),
    "room help": lambda: room_help(
        "ada", "https://github.com/o/r/issues/3#issuecomment-9", "@o/facilitators", pull=False
    ),
    "room help, no team": lambda: room_help("ada", "#issuecomment-9", "", pull=True),
    "room conflict note": lambda: progression_copy.CONFLICT_NOTE.format(
        pr=4, url="https://github.com/o/r/pull/4"
    ),
    "room missing branch": lambda: progression_copy.NO_PRACTICE_BRANCH.format(
        branch="practice/merge-conflict"
    ),
    "room duplicate": lambda: progression_copy.DUPLICATE.format(keep=3),
    "room peer issue": lambda: progression_copy.PEER_ISSUE_BODY,
    "room conflict pull request": lambda: progression_copy.CONFLICT_PR_BODY,
    "room review pull request": lambda: progression_copy.REVIEW_PR_BODY,
}
# Messages that are no failure and need no way to ask for help at their end.
NO_HELP_LINE = {
    "help",
    "room help",
    "room help, no team",
    "room duplicate",
    "room peer issue",
    "room conflict pull request",
    "room review pull request",
}
MESSAGES.update(ROOM_PR_MESSAGES)  # Gandalf and the content checks
LIST_ITEM = re.compile(r"(- |\d+\. )")
BARE_URL = re.compile(r"(?<!\]\()https?://")
VAGUE_LINK = re.compile(r"\[(here|click here|this|link|this link)\]\(", re.IGNORECASE)


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_every_learner_message_reads_well_with_a_screen_reader(name: str) -> None:
    text = MESSAGES[name]()
    lines = text.split("\n")
    assert re.fullmatch(r"## \S.*\S", lines[0]), f"{name}: starts with a heading"
    assert lines[1] == "", f"{name}: a blank line after the heading"
    for block in re.split(r"\n\s*\n", text):
        rows = [row for row in block.split("\n") if row.strip()]
        if len(rows) > 1:
            hard_wrapped = [row for row in rows[1:] if not LIST_ITEM.match(row)]
            assert not hard_wrapped, f"{name}: one line per paragraph, got {hard_wrapped}"
    assert not BARE_URL.search(text), f"{name}: links have descriptive text"
    assert not VAGUE_LINK.search(text), f"{name}: links say where they go"
    if name not in NO_HELP_LINE:
        assert "`help`" in lines[-1], f"{name}: ends with how to ask for help"
