"""What `glow grade` says at a terminal; the verdicts a learner reads are in decide.py."""

EPILOG = """examples:
  glow grade                      grade every waiting submission (the admin repository's job)
  glow grade --courses ~/admin/courses
"""
