"""What `glow project` says: each deliverable's issue, its visible-checks scorecard, and the
note that a submission is recorded. Learner copy: a heading first, the outcome in the first
sentence, one line per paragraph, a next step on every failure, and a fault of our sandbox
never blamed on the learner. Hidden lines (markers, the recorded commit) are the adapter's."""

from __future__ import annotations

from collections.abc import Sequence

from glow.room.project.decide import SUBMIT, Target, Visible

HELP = "If you get stuck, comment `help` here and a facilitator will see it."


def issue_title(title: str) -> str:
    return f"Project: {title}"


def _files(owns: Sequence[str]) -> str:
    return ", ".join(f"`{path}`" for path in owns)


def deliverable_issue(title: str, asks: str, owns: Sequence[str], default_branch: str) -> str:
    """The body of a deliverable's issue (below its marker)."""
    paragraphs = [" ".join(line.split()) for line in asks.split("\n\n")]
    lines = [f"## {title}", ""]
    for paragraph in paragraphs:
        if paragraph:
            lines += [paragraph, ""]
    lines += [
        f"The files that are yours to change: {_files(owns)}.",
        "",
        "Every time you push, the visible checks run and their scorecard appears on this issue.",
        "",
        f"When you are ready, comment `{SUBMIT}` on this issue: the latest commit of your "
        f"{default_branch} branch is then submitted, and the hidden checks' verdict appears "
        "here.",
        "",
        HELP,
    ]
    return "\n".join(lines)


def _count(n: int) -> str:
    return "1 visible check" if n == 1 else f"{n} visible checks"


def scorecard(
    title: str, target: Target, visible: Visible, owns: Sequence[str], default_branch: str = ""
) -> str:
    """The visible checks' scorecard of one deliverable on one commit (below its marker).
    ``/submit`` submits the default branch: on another branch the next step says to merge."""
    where = f"on branch {target.branch} at commit {target.short}"
    lines = [f"## Visible checks: {title}", ""]
    files = _files(owns)
    if visible.kind == "ran":
        passes = "pass" if visible.passed != 1 else "passes"
        lines += [f"{visible.passed} of {_count(visible.total)} {passes} {where}.", ""]
        if visible.all_pass and default_branch and target.branch != default_branch:
            lines += [
                f"Next step: merge this work into your {default_branch} branch; then comment "
                f"`{SUBMIT}` on this issue, since a submission is the latest commit of "
                f"{default_branch}.",
            ]
        elif visible.all_pass:
            lines += [
                f"Next step: when you are ready, comment `{SUBMIT}` on this issue to submit "
                "this work for the hidden checks.",
            ]
        else:
            lines += ["The checks that fail:", ""]
            lines += [f"- `{f.name}`: {f.message or 'failed'}" for f in visible.failing]
            lines += [
                "",
                f"Next step: change {files} so these checks pass, then push; they run again "
                "on every push.",
            ]
    elif visible.kind == "stopped":
        lines += [
            f"The visible checks did not finish {where}: the sandbox stopped them at a limit.",
            "",
            f"What stopped them: {visible.headline}",
            "",
            f"Next step: look in {files} for a loop that never ends or work that keeps "
            "growing, then push again.",
        ]
    elif visible.kind == "not-started":
        lines += [
            f"The visible checks could not start {where}: the project's {visible.stage} step "
            "failed.",
            "",
            f"What failed: {visible.headline}",
            "",
            "Next step: if you changed what the project installs or how it starts, check that "
            "change and push again; if you did not, a facilitator will look at it.",
        ]
    elif visible.kind == "unreadable":
        lines += [
            f"The visible checks ran {where}, but left no results to read.",
            "",
            f"What went wrong: {visible.headline}",
            "",
            f"Next step: check that {files} does not stop the checks early, then push again.",
        ]
    else:
        lines += [
            f"The visible checks could not run {where}, because our checking sandbox failed.",
            "",
            "This is a problem on our side, not something you did, and your work is safe.",
            "",
            f"What failed: {visible.headline}",
            "",
            "Next step: the checks run again on your next push; you do not need to change "
            "anything.",
        ]
    lines += ["", HELP]
    return "\n".join(lines)


def submission(title: str, target: Target) -> str:
    """The note that a submission is recorded (below its marker and hidden lines)."""
    return "\n".join(
        [
            f"## Submission recorded: {title}",
            "",
            f"Your submission of commit {target.short} on branch {target.branch} is recorded.",
            "",
            "The hidden checks' verdict will appear on this issue.",
            "",
            f"To submit newer work, push it and comment `{SUBMIT}` here again.",
            "",
            HELP,
        ]
    )


def examples() -> dict[str, str]:
    """Every message `glow project` can write, for tests/test_copy.py."""
    from glow.room.project.decide import Failing

    target = Target("main", "abc1234" + "0" * 33)
    owns = ["add.sh"]
    return {
        "project issue": deliverable_issue("Write add", "Make add print its sum.", owns, "main"),
        "project scorecard pass": scorecard("Write add", target, Visible("ran", 2, 2), owns),
        "project scorecard pass on a branch": scorecard(
            "Write add", Target("add-work", target.sha), Visible("ran", 2, 2), owns, "main"
        ),
        "project scorecard fail": scorecard(
            "Write add",
            target,
            Visible("ran", 1, 2, (Failing("add.two_and_two", "two_and_two failed"),)),
            owns,
        ),
        "project scorecard stopped": scorecard(
            "Write add", target, Visible("stopped", headline="wall-clock limit of 20 s"), owns
        ),
        "project scorecard install": scorecard(
            "Write add",
            target,
            Visible("not-started", headline="install.sh exited 1", stage="install"),
            owns,
        ),
        "project scorecard unreadable": scorecard(
            "Write add",
            target,
            Visible("unreadable", headline="check.sh wrote no results to $COURSEGEN_RESULTS"),
            owns,
        ),
        "project scorecard sandbox": scorecard(
            "Write add", target, Visible("sandbox", headline="bwrap is not installed"), owns
        ),
        "project submission": submission("Write add", target),
    }
