"""The events `glow provision` handles, stated once (the router registers exactly these; a test
holds them equal to the `on:` types of every workflow that calls the command: provision.yml).
Imports nothing: `glow` decides from this alone to ignore any other event."""

# repository_dispatch event types: registration sends `provision` when it enrols a learner.
DISPATCH_TYPES = ("provision",)
EVENTS = frozenset(
    [f"repository_dispatch.{kind}" for kind in DISPATCH_TYPES] + ["workflow_dispatch", "schedule"]
)
