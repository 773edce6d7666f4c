"""`glow demo`: a whole cohort rehearsed on a throwaway local GitHub.

Files: ``world`` (the organisation, set up as a facilitator would; shared by the end-to-end
tests), ``scenario`` (the story), ``summary`` (what it proves, and the report), ``command``.
"""
