"""Day 2 release: the Day 2 link, posted once to each learner who finished Day 1.

Files: ``events`` (what it handles), ``decide`` (pure decisions: who is eligible, who is already
released, what the roster records), ``copy`` (what learners and facilitators read, and the
labels), ``public`` (the registration issues, through the job token) and ``store`` (the roster,
in the admin repository), ``handlers`` (the router), ``command`` (`glow day2-release`).
"""
