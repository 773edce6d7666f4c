"""Every event a Learning Room's one workflow starts a job for, stated once; imports nothing, so
`glow` decides from this alone to ignore any other event. A test holds it equal to the `on:`
types of ``learning-room-template/.github/workflows/room.yml``.

Every room behaviour runs on every one of these events. The room's runs are serialised in one
concurrency group, and GitHub replaces a pending run with a newer one (whatever its event): a
close followed at once by a new issue leaves only the new issue's run. So no behaviour may
depend on its own event arriving; each decides from the room's current state on every run
(progression opens what closed challenges unlock, help answers every unanswered request,
Gandalf, the autograders and the content checks re-check what is stale), cheaply."""

EVENTS = frozenset(
    {
        "issues.opened",
        "issues.edited",
        "issues.closed",
        "issue_comment.created",
        "pull_request.opened",
        "pull_request.edited",
        "pull_request.synchronize",
        "pull_request.reopened",
        "workflow_dispatch",
    }
)
BEHAVIOURS = {name: EVENTS for name in ("progression", "help", "gandalf", "grading", "checks")}
