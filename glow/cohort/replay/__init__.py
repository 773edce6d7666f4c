"""`glow progress replay OWNER/ROOM`: a learner's progress rebuilt from their room alone."""
