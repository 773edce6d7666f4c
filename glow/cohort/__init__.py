"""The cohort: registration, roster, provisioning, Day 2 release, dashboard, watchdog."""
