"""What progression writes in a learner's room: the practice material's titles and bodies, and
the notes it adds to a challenge issue. Learner copy: a heading first, the outcome in the first
sentence, one sentence per line, descriptive link text, a next step on every failure.

The challenge issues themselves are the challenge files' bodies (``Challenge.issue_body``).
"""

from __future__ import annotations

PEER_ISSUE_TITLE = "Peer simulation: which keyboard shortcut do you use most?"
PEER_ISSUE_BODY = (
    "## Which keyboard shortcut do you use most?\n"
    "\n"
    "This issue was opened by the workshop's bot to play a classmate for Challenge 3.\n"
    "\n"
    "I am collecting one keyboard shortcut from each person for the welcome page: which "
    "GitHub or screen reader shortcut do you use most, and what does it do?\n"
    "\n"
    "Practise here: reply with your answer, @mention a classmate or a facilitator, and add a "
    "reaction to this description.\n"
    "\n"
    "Your reply, mention and reaction are the evidence; nothing else needs to change.\n"
)

CONFLICT_PR_TITLE = "Practice: change the workshop start time"
CONFLICT_PR_BODY = (
    "## A practice pull request with a merge conflict\n"
    "\n"
    "This pull request was opened by the workshop's bot for Challenge 7, and it conflicts with "
    "the default branch on purpose.\n"
    "\n"
    "The conflict is in one file only: `docs/conflict-practice.md`.\n"
    "\n"
    "Resolve it as your Challenge 7 issue describes: keep the line you want, delete the conflict "
    "markers, and commit the resolution to this pull request's branch.\n"
)
CONFLICT_COMMIT_BRANCH = "Practice: start the workshop at 9:30"
CONFLICT_COMMIT_MAIN = "Practice: start the workshop at 10:00"

REVIEW_PR_TITLE = "Peer simulation: add a help section to the review document"
REVIEW_PR_BODY = (
    "## A practice pull request for you to review\n"
    "\n"
    "This pull request was opened by the workshop's bot to play a peer for Challenge 12.\n"
    "\n"
    "It adds a short section to `docs/review-me.md` with a few things a careful reviewer "
    "catches.\n"
    "\n"
    "Review it as your Challenge 12 issue describes: leave inline comments and at least one "
    "suggestion, then submit your review.\n"
)
REVIEW_COMMIT = "Peer simulation: add a help section"

CONFLICT_NOTE = (
    "## Your practice pull request is open; GitHub is still checking it for conflicts\n"
    "\n"
    "The practice pull request for this challenge is open: "
    "[practice pull request #{pr}, change the workshop start time]({url}).\n"
    "\n"
    "GitHub had not finished checking it for conflicts when this note was written, so it may "
    "not show the conflict yet.\n"
    "\n"
    "Next step: open the pull request and move to the end of the page; when the check finishes, "
    "it says the branch has conflicts that must be resolved, next to a button named "
    "Resolve conflicts.\n"
    "\n"
    "The conflict is in `docs/conflict-practice.md` only.\n"
    "\n"
    "If the button has not appeared after a few minutes, comment `help` on this issue and a "
    "facilitator will look at it with you."
)

NO_PRACTICE_BRANCH = (
    "## Your practice pull request could not be opened\n"
    "\n"
    "The practice pull request for this challenge could not be opened, because this room has no "
    "`{branch}` branch yet; this is a set-up problem, not something you did.\n"
    "\n"
    "Next step: comment `help` on this issue, and a facilitator will add the branch (running "
    "provisioning again for your room adds it) and open the pull request for you."
)
NO_PRACTICE_BRANCH_KEY = "practice:missing-branch"

DUPLICATE = (
    "## This is a second copy of a challenge\n"
    "\n"
    "This issue was closed because the same challenge is already open as #{keep}.\n"
    "\n"
    "Next step: carry on in #{keep}; nothing you wrote here is lost.\n"
)
DUPLICATE_KEY = "challenge-duplicate"

# Lines for the job log and a facilitator's terminal (not learner copy).
BAD_START = (
    "start_challenge must be a challenge number from 1 to 21 (you gave {value!r}); run the "
    "workflow again with a number in that range"
)
