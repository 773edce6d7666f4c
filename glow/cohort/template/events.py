"""The events `glow template sync` handles, stated once (the router registers exactly these; a
test holds them equal to the `on:` types of every workflow that calls the command: provision.yml,
whose composite action syncs the template before it provisions). Imports nothing: `glow`
decides from this alone to ignore any other event."""

# repository_dispatch event types: the Provisioning workflow's (registration sends `provision`).
DISPATCH_TYPES = ("provision",)
EVENTS = frozenset(
    [f"repository_dispatch.{kind}" for kind in DISPATCH_TYPES] + ["workflow_dispatch", "schedule"]
)
