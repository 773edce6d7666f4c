"""Rules more than one room behaviour applies, written once (Gandalf and the autograders must
never disagree: the anchor workshop's did, on ``Closes#3`` and ``Fixed #3``).

Pure functions: text and GitHub's state in, an answer out.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase

from glow.keywords import closing_references


def linked_open_issues(
    body: str | None, open_issues: Iterable[int], repo_full_name: str | None = None
) -> list[int]:
    """The open issues of this room a pull request's description closes, in order.

    One rule everywhere: GitHub's closing keywords, word-bounded (``glow.keywords``), naming an
    issue of this repository that is open now.
    """
    still_open = set(open_issues)
    return [n for n in closing_references(body, repo_full_name) if n in still_open]


def files_outside(changed: Iterable[str], allowed: Iterable[str]) -> list[str]:
    """The changed paths no allowed pattern matches (fnmatch, case-sensitive), sorted."""
    patterns = list(allowed)
    return sorted(p for p in changed if not any(fnmatchcase(p, pat) for pat in patterns))
