"""Grouping: a cohort's enrolled learners paired for peer review, stable across re-runs.

Files: ``events`` (what it handles), ``decide`` (pure: the groups, kept stable, and the list a
screen reader reads), ``copy`` (what facilitators read), ``handlers`` (the router), ``command``
(`glow group`).
"""
