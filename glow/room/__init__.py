"""The Learning Room: the bots that run inside a learner's private room.

One workflow in the room (``learning-room-template/.github/workflows/room.yml``) starts one job
per learner event and runs ``glow room``, which routes the event to every room behaviour that
handles it. Each behaviour is a folder of the same few files as ``glow/cohort/``'s
(``docs/maintainers/architecture.md``):

- ``progression/``: closing a challenge opens the next ones; seeds practice material.
- ``help/``: a help request in any issue or pull request reaches the facilitators.
- ``gandalf/``: the pull-request bot (welcome, validation, one upserted comment per PR).
- ``grading/``: the autograders, one family per kind of evidence.
- ``checks/``: content validation on room pull requests (links, Markdown, accessibility).

``challenges`` is the challenge catalogue every behaviour reads (data, not code).

A room holds no secret: every job uses its own job token (GITHUB_TOKEN). Runs in a room are
serialised by one concurrency group, and GitHub replaces a pending run with a newer one, so
every handler decides from the room's current state and converges (what a dropped run would
have done, the next run does).
"""
