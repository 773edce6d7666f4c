"""What `glow grade` says: the verdict a learner reads on their deliverable's issue (a heading,
the outcome first, one line a paragraph, a next step), and its help at a terminal."""

from __future__ import annotations

from glow.cohort.submissions.decide import Verdict

EPILOG = """examples:
  glow grade                      grade every waiting submission (the admin repository's job)
  glow grade --courses ~/admin/courses
"""

HELP = "If you get stuck, comment `help` here and a facilitator will see it."


def verdict_text(verdict: Verdict, sha: str) -> str:
    """What the learner reads of a verdict: a heading, the outcome first, one line a paragraph,
    a next step unless they are done."""
    short, title = sha[:7], verdict.title
    if verdict.kind == "not-run":
        lines = [
            f"## Hidden checks could not run: {title}",
            f"Your submission of commit {short} is recorded, but the hidden checks could not "
            "run, and that is no verdict on your work.",
            f"What went wrong on the workshop's side: {verdict.detail}.",
            "Next step: a facilitator can see this on the dashboard; once it is fixed, comment "
            "/submit again.",
        ]
    elif verdict.kind == "passed":
        lines = [
            f"## Hidden checks passed: {title}",
            f"All {verdict.total} hidden checks pass on commit {short}. This deliverable is done.",
        ]
    elif verdict.kind == "stopped":
        lines = [
            f"## Hidden checks did not finish: {title}",
            f"The hidden checks on commit {short} were stopped before they finished: "
            f"{verdict.detail}.",
            "Next step: make sure your code finishes quickly on unusual input too (an empty "
            "value, a very large one), push, then comment /submit again.",
        ]
    elif verdict.total:
        lines = [
            f"## Hidden checks did not all pass: {title}",
            f"{verdict.passed} of {verdict.total} hidden checks pass on commit {short}.",
            "The hidden checks try more cases than the visible ones, such as edge cases and "
            "wrong input; their code stays private.",
            "Next step: reread what the deliverable asks, try the cases at its edges, push, "
            "then comment /submit again.",
        ]
    else:
        lines = [
            f"## Hidden checks did not pass: {title}",
            f"The hidden checks could not judge commit {short}: {verdict.detail}.",
            "Next step: check that the visible checks run on your latest push, fix what they "
            "report, then comment /submit again.",
        ]
    return "\n\n".join([*lines, HELP])


def examples() -> dict[str, str]:
    """Every verdict a learner can read, for tests/test_copy.py."""
    from glow.cohort.submissions.decide import GONE, NO_RESULTS, stopped_detail

    sha = "abc1234" + "0" * 33
    title = "Write add"
    return {
        "verdict passed": verdict_text(Verdict(title, "passed", 7, 7), sha),
        "verdict failed": verdict_text(Verdict(title, "failed", 4, 7), sha),
        "verdict no results": verdict_text(Verdict(title, "failed", detail=NO_RESULTS), sha),
        "verdict gone": verdict_text(Verdict(title, "failed", detail=GONE), sha),
        "verdict stopped": verdict_text(
            Verdict(title, "stopped", detail=stopped_detail("timeout", "check", 20)), sha
        ),
        "verdict not run": verdict_text(
            Verdict(title, "not-run", detail="the sandbox that runs the hidden checks failed"),
            sha,
        ),
    }
