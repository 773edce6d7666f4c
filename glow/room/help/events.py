"""The events help handles, stated once. Imports nothing."""

EVENTS = frozenset({"issue_comment.created"})
