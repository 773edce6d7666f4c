"""The events `glow course` handles, stated once (a test holds them equal to the `on:` types of
`admin-roster/.github/workflows/author.yml`). Imports nothing: `glow` decides from this alone to
ignore any other event.

Every handled event only names a brief issue: `glow course` then decides from GitHub's current
state (the issue, its comments, `authoring/<n>/run.json`), because a concurrency group keeps one
pending run and drops the ones before it, so an event may never arrive on its own."""

EVENTS = frozenset(
    [
        "issues.opened",
        "issues.edited",
        "issues.labeled",
        "issue_comment.created",
        "workflow_dispatch",
    ]
)
BRIEF_LABEL = "course-brief"
