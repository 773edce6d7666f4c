"""Progression: closing a challenge opens the next ones the learner's path includes."""
