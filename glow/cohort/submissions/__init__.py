"""`glow grade`: a learner's project submissions graded with the hidden checks, from the admin
repository (where hidden tests live, never in a room)."""
