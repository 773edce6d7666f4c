"""Teardown: a cohort's Learning Rooms archived after the workshop (read-only, nothing
deleted), every outcome logged in the admin repository.

Files: ``events`` (what it handles), ``decide`` (pure: which rooms, which log lines are news,
the summary), ``copy`` (what facilitators read), ``rooms`` (each room inspected and archived)
and ``store`` (the log in the admin repository), ``handlers`` (the router), ``command``
(`glow teardown`).
"""
