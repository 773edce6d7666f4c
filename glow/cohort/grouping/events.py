"""The events `glow group` handles, stated once (the router registers exactly these; a test
holds them equal to the `on:` types of every workflow that calls the command:
student-grouping.yml). Imports nothing: `glow` decides from this alone to ignore any other
event."""

EVENTS = frozenset(["workflow_dispatch"])
