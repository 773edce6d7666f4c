"""Provisioning: learners' Learning Rooms created from the template and healed, one learner at
a time, every outcome recorded in the admin repository.

Files: ``events`` (what it handles), ``decide`` (pure: which learners, what a room lacks, the
outcomes as roster and log), ``copy`` (what facilitators and learners read), ``engine`` (the
serial, paced batch), ``room`` (one room's steps) and ``preflight`` (the template and the
credentials checked before anything is created), ``handlers`` (the router), ``command``
(`glow provision`).
"""
