"""The roster of record, rebuilt: each cohort's roster reconstructed from the registration
issues and the provisioning log, and compared with the stored one.

Run by hand only (no workflow calls `glow roster rebuild`), so it has no ``events`` and no
router: ``handlers.rebuild`` is what the command runs, whatever the environment.

Files: ``decide`` (pure: the replay, the carry-over, the differences), ``copy`` (what the
facilitator reads), ``handlers`` (the rebuild, through the run's context), ``command``
(`glow roster rebuild`).
"""
