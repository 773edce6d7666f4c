"""The events progression handles, stated once. Imports nothing."""

EVENTS = frozenset({"issues.closed", "workflow_dispatch"})
