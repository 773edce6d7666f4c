"""The events `glow day2-release` handles, stated once (the router registers exactly these; a
test holds them equal to the `on:` types of `.github/workflows/day2-release.yml`). Imports
nothing: `glow` decides from this alone to ignore any other event.

Each runs the same release over every learner: the schedule (which also picks up a
facilitator's `day1-complete` label), a facilitator's dispatch, and a learner's comment, so a
`day1-complete` comment is answered promptly."""

COMMENT_ACTIONS = ("created",)
EVENTS = frozenset(
    ["schedule", "workflow_dispatch"] + [f"issue_comment.{action}" for action in COMMENT_ACTIONS]
)
