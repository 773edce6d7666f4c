"""The autograders: one family per kind of evidence, one pass-or-fail comment each."""
