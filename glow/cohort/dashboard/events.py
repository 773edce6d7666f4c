"""The events `glow dashboard` handles, stated once (the router registers exactly these; a test
holds them equal to the `on:` types of `admin-roster/.github/workflows/dashboard.yml`). Imports
nothing: `glow` decides from this alone to ignore any other event.

Each runs the same refresh of every learner: the schedule, a facilitator's dispatch, and a
`dashboard` repository dispatch."""

DISPATCH_TYPES = ("dashboard",)
EVENTS = frozenset(
    ["schedule", "workflow_dispatch"] + [f"repository_dispatch.{kind}" for kind in DISPATCH_TYPES]
)
