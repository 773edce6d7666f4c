"""The events `glow grade` handles, stated once (a test holds them equal to the `on:` types of
`admin-roster/.github/workflows/grade.yml`). Imports nothing: `glow` decides from this alone to
ignore any other event. Each runs the same pass over every room's open submissions."""

DISPATCH_TYPES = ("grade",)
EVENTS = frozenset(
    ["schedule", "workflow_dispatch"] + [f"repository_dispatch.{kind}" for kind in DISPATCH_TYPES]
)
