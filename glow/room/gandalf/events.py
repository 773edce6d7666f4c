"""The events Gandalf handles, stated once. Imports nothing."""

EVENTS = frozenset(
    {
        "pull_request.opened",
        "pull_request.edited",
        "pull_request.synchronize",
        "pull_request.reopened",
    }
)
