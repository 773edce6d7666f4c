"""GLOW tests (a package, so helpers import as ``tests.fakegithub``)."""
