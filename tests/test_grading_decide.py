"""The autograders' pure decisions: each family's pass, needs revision, and the anchor workshop's
faults (a sample file with markers elsewhere, a bare =======, the room's own templates, an edit
that fixes a Challenge 2 issue, closing keywords that differ between bots)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from glow.room.challenges import GRADERS, load_directory, split_front_matter
from glow.room.grading import decide
from glow.room.grading.decide import CommitFacts, Plan
from glow.room.grading.forms import check_form
from glow.room.rules import (
    ISSUE_FORM_GLOBS,
    files_outside,
    linked_challenge_issues,
    open_challenge_issues,
)

ROOT = Path(__file__).resolve().parents[1]
FILES = ["docs/welcome.md", "README.md", "docs/review-me.md"]
FORM_BODY = (
    "### What\n\nA TODO is left.\n\n### Where\n\n{where}\n\n### Why\n\nIt confuses readers.\n"
)


def test_each_family_grades_the_challenge_the_catalogue_says() -> None:
    # Read each file's front matter alone: the catalogue is filled in by another part.
    for path in sorted((ROOT / "learning-room-template" / "challenges").glob("challenge-*.md")):
        meta, _ = split_front_matter(path.read_text(), path.name)
        if meta.get("grader"):
            assert decide.CHALLENGE[meta["grader"]] == meta["number"], path.name  # type: ignore[index]
    assert set(decide.CHALLENGE) == set(GRADERS)


# issue-filed ------------------------------------------------------------------------------------


def test_an_issue_form_body_with_what_where_why_passes() -> None:
    verdict = decide.grade_issue(FORM_BODY.format(where="docs/welcome.md, line 3"), FILES)
    assert verdict.passed and "docs/welcome.md" in verdict.found[-1]


def test_labelled_lines_pass_and_every_line_of_a_part_counts() -> None:
    body = "What: the welcome page\nhas a TODO\nWhere:\nsee welcome.md\nWhy: it is unfinished"
    assert decide.issue_parts(body)["What"] == "the welcome page\nhas a TODO"
    assert decide.grade_issue(body, FILES).passed


def test_an_empty_or_no_response_part_needs_revision_and_says_which() -> None:
    body = FORM_BODY.format(where="docs/welcome.md").replace(
        "It confuses readers.", "_No response_"
    )
    verdict = decide.grade_issue(body, FILES)
    assert (
        not verdict.passed and "Why" in verdict.outcome and "Edit your issue" in verdict.next_step
    )


def test_where_must_name_a_file_of_the_room() -> None:
    verdict = decide.grade_issue(FORM_BODY.format(where="somewhere on the site"), FILES)
    assert not verdict.passed and "Where" in verdict.outcome
    assert not decide.grade_issue(FORM_BODY.format(where="notwelcome.mdx"), FILES).passed


def test_an_edit_that_fixes_the_issue_turns_it_to_pass() -> None:
    before = decide.grade_issue("What: a TODO\nWhy: unfinished", FILES)
    after = decide.grade_issue("What: a TODO\nWhere: docs/welcome.md\nWhy: unfinished", FILES)
    assert (before.passed, after.passed) == (False, True)


# branch-commit ----------------------------------------------------------------------------------

WEB = CommitFacts(
    "a" * 40,
    "Update welcome.md",
    ("docs/welcome.md",),
    "GitHub",
    "noreply@github.com",
    "web-flow",
    True,
)
MINE = CommitFacts(
    "b" * 40,
    "Replace the welcome TODO with my intro",
    ("docs/welcome.md",),
    "Ada",
    "ada@example.org",
)
ELSEWHERE = CommitFacts("c" * 40, "Add notes", ("docs/notes.md",), "Ada", "ada@example.org")


def test_a_meaningful_commit_changing_welcome_passes() -> None:
    assert decide.grade_branch_commit("learn/ada", [ELSEWHERE, MINE]).passed


@pytest.mark.parametrize(
    ("commits", "phrase"),
    [
        ([WEB], "default message"),
        ([ELSEWHERE], "no commit"),
        ([], "no commit"),
        (None, "no branch"),
    ],
)
def test_a_branch_without_the_evidence_needs_revision(
    commits: list[CommitFacts] | None, phrase: str
) -> None:
    verdict = decide.grade_branch_commit("learn/ada", commits)
    assert not verdict.passed and phrase in verdict.outcome.lower() and verdict.next_step


# pr-linked --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "passed"),
    [
        ("Closes #2", True),
        ("fixed #2 at last", True),
        ("Resolves: #2", True),
        ("Closes#2", False),
        ("Closes #5", False),  # not an open issue of the room
        ("Closes #3", False),  # open, but not a challenge issue (the learner's own issue)
        ("Relates to #2", False),
        (None, False),
    ],
)
def test_pr_linked_is_exactly_the_shared_closing_rule(body: str | None, passed: bool) -> None:
    verdict = decide.grade_pr_linked(body, {2: 6}, "o/room")
    assert verdict.passed is passed
    assert verdict.passed is bool(linked_challenge_issues(body, {2: 6}, "o/room"))


def test_a_pass_names_the_challenge_the_link_completes() -> None:
    assert "#2 (Challenge 2)" in decide.grade_pr_linked("Closes #2", {2: 2}, "o/r").outcome


BOT = "github-actions[bot]"
ROOM_ISSUES: list[dict[str, Any]] = [
    {"number": 2, "body": "<!-- glow:challenge:6 -->\nOpen a PR.", "user": {"login": BOT}},
    {"number": 3, "body": "### What\nA TODO.", "user": {"login": "ada"}},
    # The provisioning App posts a Day-2-only learner's first challenge, not the job token.
    {
        "number": 4,
        "body": "<!-- glow:challenge:10 -->\nCommit locally.",
        "user": {"login": "glow-provisioner[bot]", "type": "Bot"},
    },
    {
        "number": 5,
        "body": "<!-- glow:challenge:14 -->\nAdd a form.",
        "user": {"login": "fac"},
        "author_association": "MEMBER",
    },
    # The learner typed a marker (and collaborates on their own room): never a challenge.
    {
        "number": 6,
        "body": "<!-- glow:challenge:7 -->\nMine.",
        "user": {"login": "ada"},
        "author_association": "COLLABORATOR",
    },
    {"number": 7, "body": "<!-- glow:challenge:5 -->", "user": {"login": BOT}, "state": "closed"},
    {"number": 8, "body": "<!-- glow:challenge:6 -->", "user": {"login": BOT}, "pull_request": {}},
]


@pytest.mark.parametrize(
    ("number", "passed"),
    [(2, True), (4, True), (5, True), (3, False), (6, False), (7, False), (8, False), (9, False)],
)
def test_gandalf_and_the_pr_linked_grader_never_disagree(number: int, passed: bool) -> None:
    """One rule: the description closes an open challenge issue the workshop wrote (our token,
    the provisioning App or staff), whoever wrote it among those; never the learner's."""
    from glow.room.gandalf.decide import Facts, Pull, linked_challenges, open_issues

    body = f"My change.\n\nCloses #{number}"
    challenges = open_challenge_issues(ROOM_ISSUES, "ada", [BOT])
    graded = decide.grade_pr_linked(body, challenges, "o/room")
    pull = Pull(1, "ada", "a" * 40, "learn/ada", body, "open")
    facts = Facts("o/room", pull, True, tuple(open_issues(ROOM_ISSUES, "ada", [BOT])), ())
    gandalf = [i.number for i in linked_challenges(facts)]
    assert graded.passed is passed
    assert gandalf == ([number] if passed else [])


def test_challenge_14_allows_the_forms_the_grader_grades() -> None:
    """Gandalf's file limit is the catalogue's pr_files; the grader grades the same patterns,
    so a form Gandalf calls outside the challenge is never graded as the learner's form."""
    catalogue = load_directory(
        Path(__file__).resolve().parents[1] / "learning-room-template" / "challenges"
    )
    ch14 = catalogue.get(14)
    assert ch14 is not None
    assert ch14.pr_files == ISSUE_FORM_GLOBS == decide.TEMPLATE_GLOBS
    changed = {".github/ISSUE_TEMPLATE/mine.yaml": "added", ".github/ISSUE_TEMPLATE/a.yml": "added"}
    graded = decide.template_paths(changed)
    assert graded == [".github/ISSUE_TEMPLATE/a.yml"]
    assert files_outside(changed, ch14.pr_files) == [".github/ISSUE_TEMPLATE/mine.yaml"]


# conflict-resolved ------------------------------------------------------------------------------


def test_a_bare_equals_line_is_a_conflict_marker() -> None:
    assert decide.conflict_markers("ours\n=======\ntheirs\n") == [2]
    assert decide.conflict_markers("<<<<<<< HEAD\nx\n>>>>>>> main\r\n") == [1, 3]
    assert decide.conflict_markers("a heading\n========\n== x ==\n") == []


def test_conflict_markers_left_need_revision_with_their_lines() -> None:
    verdict = decide.grade_conflict("a\n=======\nb\n", True)
    assert not verdict.passed and "2" in verdict.found[0]


def test_a_clean_file_on_a_mergeable_pr_passes() -> None:
    assert decide.grade_conflict("resolved text\n", True).passed


def test_a_clean_file_on_a_pr_github_says_cannot_merge_needs_revision() -> None:
    assert not decide.grade_conflict("resolved text\n", False).passed


def test_unknown_mergeability_grades_the_file_alone_and_says_so() -> None:
    verdict = decide.grade_conflict("resolved\n", None)
    assert verdict.passed and "checked the file alone" in verdict.note


# local-commit -----------------------------------------------------------------------------------


def test_a_commit_pushed_over_git_passes_and_a_web_editor_one_does_not() -> None:
    assert decide.grade_local_commit("fix/ada", [WEB, MINE]).passed
    web_only = decide.grade_local_commit("fix/ada", [WEB])
    assert not web_only.passed and "web editor" in web_only.found[0]
    assert not decide.grade_local_commit("fix/ada", None).passed


def test_web_flow_is_recognised_by_login_or_by_githubs_committer() -> None:
    assert CommitFacts("x", "m", committer_login="web-flow").web_flow
    assert CommitFacts(
        "x", "m", committer_name="GitHub", committer_email="noreply@github.com"
    ).web_flow
    assert not CommitFacts(
        "x", "m", committer_name="Ada", committer_email="a@b.c", verified=True
    ).web_flow


# issue-template ---------------------------------------------------------------------------------

GOOD = """name: Accessibility bug
description: Report a barrier you met
title: "[a11y] "
labels: [accessibility]
body:
  - type: markdown
    attributes:
      value: Thanks for telling us.
  - type: input
    id: page
    attributes:
      label: Which page
  - type: dropdown
    id: reader
    attributes:
      label: Screen reader
      options: [NVDA, JAWS, VoiceOver]
      default: 0
  - type: checkboxes
    attributes:
      label: Checks
      options:
        - label: I searched existing issues
          required: true
  - type: textarea
    id: what
    attributes:
      label: What happened
    validations:
      required: true
"""


def test_a_valid_form_has_no_problems() -> None:
    assert check_form(GOOD) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda t: t.replace("name: Accessibility bug\n", ""), "`name` is missing"),
        (lambda t: t.replace("description: Report a barrier you met\n", ""), "`description`"),
        (lambda t: t.split("body:")[0], "`body` is missing"),
        (lambda t: t.replace("type: input", "type: text"), "`type` must be one of"),
        (lambda t: t.replace("id: reader", "id: page"), "used twice"),
        (lambda t: t.replace("id: page", "id: the page"), "letters, digits"),
        (lambda t: t.replace("label: Which page", "placeholder: x"), "label` is required"),
        (lambda t: t.replace("[NVDA, JAWS, VoiceOver]", "[]"), "non-empty list"),
        (lambda t: t.replace("[NVDA, JAWS, VoiceOver]", "[NVDA, NVDA]"), "unique"),
        (lambda t: t.replace("default: 0", "default: 7"), "index"),
        (lambda t: t.replace("- label: I searched", "- text: I searched"), "needs a `label`"),
        (lambda t: t.replace("value: Thanks for telling us.", "value: ''"), "markdown needs"),
        (lambda t: t.replace("labels: [accessibility]", "labels: 3"), "`labels` must be"),
        (lambda t: t + "extra: 1\n", "`extra` is not permitted"),
        (lambda t: "name: [unclosed", "not valid YAML"),
    ],
)
def test_each_github_rule_is_checked(change: object, problem: str) -> None:
    problems = check_form(change(GOOD))  # type: ignore[operator]
    assert any(problem in p for p in problems), problems


def test_a_form_of_only_markdown_is_refused() -> None:
    text = "name: n\ndescription: d\nbody:\n  - type: markdown\n    attributes:\n      value: hi\n"
    assert any("not markdown" in p for p in check_form(text))


def test_only_the_pull_requests_own_forms_are_graded_never_the_rooms() -> None:
    changed = {
        ".github/ISSUE_TEMPLATE/mine.yml": "added",
        ".github/ISSUE_TEMPLATE/old.yml": "removed",
        ".github/ISSUE_TEMPLATE/config.md": "added",
        "docs/x.yml": "added",
    }
    assert decide.template_paths(changed) == [".github/ISSUE_TEMPLATE/mine.yml"]
    assert not decide.grade_templates({}).passed  # the room's templates alone never pass
    assert decide.grade_templates({".github/ISSUE_TEMPLATE/mine.yml": GOOD}).passed
    bad = decide.grade_templates({".github/ISSUE_TEMPLATE/mine.yml": "name: x\n"})
    assert not bad.passed and any("description" in f for f in bad.found)


# capstone ---------------------------------------------------------------------------------------

TEMPLATE = (
    "# Capstone plan\n\n## Mission\n\nTODO: what\n\n## Responsibilities\n\nTODO: who\n\n"
    "## Guardrails\n\nTODO: limits\n"
)


def test_a_plan_with_every_section_in_own_words_passes() -> None:
    plan = "# Plan\n## Mission\nFix docs.\n## Responsibilities\nMe.\n## Guardrails\nSmall PRs.\n"
    assert decide.grade_capstone(TEMPLATE, [Plan("docs/capstone/ada.md", plan)]).passed


def test_missing_sections_and_template_placeholders_need_revision() -> None:
    plan = "## Mission\nFix docs.\n## Responsibilities\nTODO: who\n"
    verdict = decide.grade_capstone(TEMPLATE, [Plan("docs/capstone/ada.md", plan)])
    assert not verdict.passed
    assert "Missing section: Guardrails." in verdict.found
    assert any("Responsibilities" in f and "TODO" in f for f in verdict.found)


def test_the_required_sections_come_from_the_template() -> None:
    assert decide.required_sections(TEMPLATE) == ["Mission", "Responsibilities", "Guardrails"]
    plan = "## Mission\nFix docs.\n"
    assert decide.grade_capstone("## Mission\n", [Plan("docs/capstone/a.md", plan)]).passed
    assert not decide.grade_capstone(TEMPLATE, []).passed
