"""The events the autograders handle, stated once. Imports nothing."""

EVENTS = frozenset(
    {
        "issues.opened",
        "issues.edited",
        "issues.closed",
        "issue_comment.created",
        "pull_request.opened",
        "pull_request.edited",
        "pull_request.synchronize",
        "pull_request.reopened",
    }
)
