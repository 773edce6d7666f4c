"""The events `glow register` handles, stated once (the router registers exactly these; a test
holds them equal to the `on:` types of every workflow that calls the command). Imports
nothing: `glow` decides from this alone to ignore any other event."""

ISSUE_ACTIONS = ("opened", "edited", "reopened", "closed")
COMMENT_ACTIONS = ("created",)
EVENTS = frozenset(
    [*(f"issues.{action}" for action in ISSUE_ACTIONS)]
    + [f"issue_comment.{action}" for action in COMMENT_ACTIONS]
)
