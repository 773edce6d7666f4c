"""Every event the room's project workflow (``.github/workflows/project.yml``, shipped with a
project's learner package by ``glow.harness.package.learner_files``) starts a job for, stated
once; imports nothing, so `glow` decides from this alone to ignore any other event.

``push`` (any branch but ``practice/*``) and ``workflow_dispatch`` run the visible checks and
upsert the scorecards; ``issue_comment.created`` records a learner's ``/submit``."""

EVENTS = frozenset({"push", "workflow_dispatch", "issue_comment.created"})
