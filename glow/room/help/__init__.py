"""Help: a help request in any room issue or pull request reaches the facilitators."""
