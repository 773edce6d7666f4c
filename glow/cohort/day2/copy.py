"""What the Day 2 release says: the one comment a released learner gets, its labels, and the
lines a facilitator reads when a learner could not be released.

Learner copy: outcome and link first, then the next step and where help is (STYLE.md, rule 6).
One line per sentence group: GitHub renders a newline inside a comment as a line break. Every
facilitator line names who, what to set or do, and the manual fallback (STYLE.md, rule 7).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glow.cohort.day2.decide import LearnerPlan

COMMENT_KEY = "day2-release"
LABEL_RELEASED = "day2-released"
LABEL_DAY1_COMPLETE = "day1-complete"

LABELS: dict[str, tuple[str, str]] = {
    LABEL_DAY1_COMPLETE: ("5319e7", "Day 1 complete: a facilitator may apply it to release Day 2"),
    LABEL_RELEASED: ("0e8a16", "The Day 2 link was posted to this learner"),
}

RELEASE_COMMENT = (
    "## Day 2 is open for you\n"
    "\n"
    "Your Day 2 link: [Day 2 of the workshop, cohort {cohort}]({url})\n"
    "\n"
    "What to do next:\n"
    "\n"
    "1. Open the Day 2 link above. This comment stays on your registration issue, so you can "
    "come back to the link at any time.\n"
    "2. Follow the Day 2 instructions there; you keep working in your own Learning Room.\n"
    "\n"
    "Need help? Comment `help` on this issue and a facilitator will reply."
)

NO_DAY2_URL = (
    "cohort {cohort}: {count} learner(s) finished Day 1 ({handles}) but cohort {cohort} has no "
    "day2_url in cohorts.json of the admin repository, so no Day 2 link was posted. Set "
    '"day2_url" for cohort {cohort} in cohorts.json, then run the Day 2 release workflow again '
    "(or: glow day2-release --cohort {cohort}). Until then a facilitator posts the link by hand "
    "(docs/runbooks/contracts.md, Day 2 release)."
)
BAD_DAY2_URL = (
    "cohort {cohort}: day2_url in cohorts.json is not a web link ({url!r}), so no Day 2 link "
    "was posted to {count} learner(s) ({handles}). Set it to the https:// address of Day 2, then "
    "run the Day 2 release workflow again (or: glow day2-release --cohort {cohort})."
)
ISSUE_MISSING = (
    "@{handle}: registration issue {where} was not found, so Day 2 cannot be checked; correct "
    "registration_issue in the roster, or post the Day 2 link by hand "
    "(docs/runbooks/contracts.md, Day 2 release)"
)
POST_FAILED = (
    "@{handle}: the Day 2 link could not be posted on {where} ({error}); the next run tries "
    "again, or post it by hand (docs/runbooks/contracts.md, Day 2 release)"
)
LABELS_FAILED = "labels in {repo} could not be checked: {error}"
READ_FAILED = "@{handle}: could not read {where}: {error}"

# Why a learner was released, as the run's log says it (by the decision's reason).
WHY = {
    "comment": "said day1-complete",
    "label": "day1-complete label",
    "day2-only": "day2-only path",
}
SUMMARY = (
    "Day 2 release: {verb} {released}; {recorded} already released, now recorded in the "
    "roster; {waiting} not finished Day 1 yet; {problems} problem(s)."
)


def why(plan: LearnerPlan) -> str:
    reason = plan.evidence.reason if plan.evidence else None
    return WHY.get(reason or "", "released by hand")
