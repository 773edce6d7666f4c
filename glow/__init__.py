"""GLOW: GitHub-native, accessibility-first workshops, with a local GitHub to rehearse on."""

__version__ = "0.1.0"
