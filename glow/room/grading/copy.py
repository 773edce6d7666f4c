"""What the autograders say: one comment per family per thing, and the blameless notice when a
grading run itself failed. Learner copy: a heading first, the outcome in the first sentence, one
line per paragraph (a newline inside a GitHub comment is a line break, which stops a screen
reader mid-sentence), no bare URLs, a next step on every failure, and an infrastructure fault
never blamed on the learner."""

from __future__ import annotations

from glow.room.grading.decide import CHALLENGE, Family, Verdict

TITLES: dict[Family, str] = {
    "issue-filed": "your issue",
    "branch-commit": "your commit on a branch",
    "pr-linked": "your pull request's link",
    "conflict-resolved": "the merge conflict",
    "local-commit": "your commit from your computer",
    "issue-template": "your issue form",
    "capstone": "your capstone plan",
}
HELP = "If you get stuck, comment `help` here and a facilitator will see it."
ADVICE = "This check advises; closing the challenge issue is what moves you on."


def heading(verdict: Verdict) -> str:
    state = "passed" if verdict.passed else "needs revision"
    return f"## Challenge {CHALLENGE[verdict.family]} check: {TITLES[verdict.family]} {state}"


def render(verdict: Verdict) -> str:
    """The grade comment, without its marker (the adapter adds it) or fingerprint."""
    lines = [heading(verdict), "", verdict.outcome, ""]
    if verdict.found:
        lines += ["What I found:", *(f"- {item}" for item in verdict.found), ""]
    if verdict.note:
        lines += [verdict.note, ""]
    lines += [f"Next step: {verdict.next_step}", "", ADVICE, "", HELP]
    return "\n".join(lines)


NOTICE = """## Challenge {challenge} check: not run this time

The automatic check of {what} could not run, because GitHub did not give the grader what it asked for ({reason}).

This is a problem on our side, not something you did, and your work is safe.

Next step: the check runs again by itself on your next commit, edit or comment here; you do not need to change anything.

If nothing changes within a few minutes, comment `help` here and a facilitator will see it."""


def notice(family: Family, reason: str) -> str:
    """The blameless notice of a grading run that failed (kept apart from the grade comment)."""
    short = " ".join(reason.split())[:160] or "no answer"
    return NOTICE.format(challenge=CHALLENGE[family], what=TITLES[family], reason=short)


def examples() -> dict[str, str]:
    """Every message the autograders can write, for tests/test_copy.py."""
    from glow.room.grading import decide
    from glow.room.grading.decide import CommitFacts, Plan

    web = CommitFacts("a" * 40, "Update welcome.md", ("docs/welcome.md",), "GitHub",
                      "noreply@github.com", "web-flow", True)  # fmt: skip
    mine = CommitFacts("b" * 40, "Fix the welcome TODO", ("docs/welcome.md",), "Ada", "a@x.org")
    verdicts = {
        "issue pass": decide.grade_issue("### What\nx\n### Where\ndocs/a.md\n### Why\ny", ["docs/a.md"]),
        "issue missing": decide.grade_issue("What: x", []),
        "issue where": decide.grade_issue("What: x\nWhere: here\nWhy: y", ["docs/a.md"]),
        "branch pass": decide.grade_branch_commit("learn/ada", [mine]),
        "branch default": decide.grade_branch_commit("learn/ada", [web]),
        "branch none": decide.grade_branch_commit("learn/ada", []),
        "branch absent": decide.grade_branch_commit("learn/ada", None),
        "linked pass": decide.grade_pr_linked("Closes #2", {2: 6}, "o/r"),
        "linked fail": decide.grade_pr_linked("Closes #9", {2: 6}, "o/r"),
        "conflict pass": decide.grade_conflict("text\n", True),
        "conflict unknown": decide.grade_conflict("text\n", None),
        "conflict markers": decide.grade_conflict("a\n=======\nb\n", True),
        "conflict dirty": decide.grade_conflict("text\n", False),
        "conflict absent": decide.grade_conflict(None, True),
        "local pass": decide.grade_local_commit("fix/ada", [mine]),
        "local web": decide.grade_local_commit("fix/ada", [web]),
        "local absent": decide.grade_local_commit("fix/ada", None),
        "template pass": decide.grade_templates({"t.yml": VALID_FORM}),
        "template fail": decide.grade_templates({"t.yml": "name: x\n"}),
        "template none": decide.grade_templates({}),
        "capstone pass": decide.grade_capstone("## Mission\n", [Plan("docs/capstone/a.md", "## Mission\nMine.\n")]),
        "capstone fail": decide.grade_capstone("## Mission\n## Guardrails\n", [Plan("docs/capstone/a.md", "## Mission\nTODO: x\n")]),
        "capstone none": decide.grade_capstone("## Mission\n", []),
    }  # fmt: skip
    out = {f"grade {name}": render(verdict) for name, verdict in verdicts.items()}
    out["grade notice"] = notice("pr-linked", "GitHub answered 502")
    return out


VALID_FORM = """name: Bug report
description: Tell us what went wrong
body:
  - type: textarea
    id: what
    attributes:
      label: What happened
"""
