"""The facilitator dashboard: one status issue per learner and one summary per cohort, in the
private admin repository.

Files: ``events`` (what it handles), ``decide`` (pure decisions: each learner's row and what the
roster records, and what a status issue keeps of its room), ``copy`` (the labels and each
issue's text), ``read`` (the rooms and the registrations), ``board`` (the dashboard's issues)
and ``store`` (the rosters), ``handlers`` (the router), ``command`` (`glow dashboard`).
"""
