"""The events content validation handles, stated once. Imports nothing."""

EVENTS = frozenset({"pull_request.opened", "pull_request.synchronize", "pull_request.reopened"})
