"""The watchdog: one alert issue per problem in the private admin repository, closed once the
problem is gone.

Files: ``events`` (what it handles), ``decide`` (pure decisions: which problems exist), ``copy``
(each alert's four parts, from one table keyed by kind), ``read`` (the facts: room health, the
template's workflows, workflow runs, the registration comments), ``memory`` (the rooms found
healthy, kept between runs) and ``board`` (the alerts), ``handlers`` (the router), ``command``
(`glow watchdog`).
"""
