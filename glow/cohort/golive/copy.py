"""What `glow golive` prints: the verdict first, then one line per check (its status as the
first word), then the one thing to do for each failure."""

from __future__ import annotations

EPILOG = """examples:
  export GLOW_PAT=ghp_your_token
  glow golive --org my-workshop-org
  glow golive --org my-workshop-org --json
  GLOW_SMOKE_TOKEN=ghp_test_account glow golive --org my-workshop-org --smoke
"""

HEADLINE_PASS = "Go-live check of {org}: PASS, all {count} checks passed. Learners can register."
HEADLINE_FAIL = "Go-live check of {org}: FAIL, {failed} of {count} checks failed. Fix them, then run glow golive again."
LINE = "{status}: {name}: {detail}."
FIX = "  To fix: {fix}."
MINUTES = "Expected Actions minutes a month for a {n}-learner cohort, room workflows included: about {minutes:,}."
STATUS_WORDS = {"pass": "PASS", "fail": "FAIL", "note": "NOTE"}
