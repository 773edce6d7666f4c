"""The facilitator dashboard: one status issue per learner and one summary per cohort, in the
private admin repository.

Files: ``events`` (what it handles), ``decide`` (pure decisions: each learner's row and what the
roster records), ``copy`` (the labels and each issue's text), ``board`` (the dashboard's issues)
and ``store`` (the rosters), ``handlers`` (the router), ``command`` (`glow dashboard`).
"""
