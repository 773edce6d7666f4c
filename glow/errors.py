"""The one error hierarchy of GLOW.

Every failure a user can cause or fix is a ``GlowError``: the entry point's error boundary prints
its message as one line and exits non-zero, never with a traceback.
"""

from __future__ import annotations


class GlowError(Exception):
    """A failure with a message a person can act on."""

    exit_code = 1


class ConfigError(GlowError):
    """A setting is missing or wrong: the message says which one to set."""

    exit_code = 2


class GitHubError(GlowError):
    """GitHub (or the local GitHub) refused or failed a request we could not recover from.

    ``status`` is the HTTP status when there was an answer (None for a network failure), so a
    caller can make a narrow decision (404 means absent) without parsing the message.
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class RateLimited(GitHubError):
    """GitHub's primary or secondary rate limit held after every retry we allow."""
