"""The events `glow watchdog` handles, stated once (the router registers exactly these; a test
holds them equal to the `on:` types of `admin-roster/.github/workflows/watchdog.yml`). Imports
nothing: `glow` decides from this alone to ignore any other event.

Each runs the same check of every learner and repository: the schedule, a facilitator's
dispatch, and a `watchdog` repository dispatch."""

DISPATCH_TYPES = ("watchdog",)
EVENTS = frozenset(
    ["schedule", "workflow_dispatch"] + [f"repository_dispatch.{kind}" for kind in DISPATCH_TYPES]
)
