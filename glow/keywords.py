"""Closing keywords: the one parser every part of GLOW uses (the local GitHub and every bot).

GitHub links a pull request to an issue with ``KEYWORD #N`` (close, closes, closed, fix, fixes,
fixed, resolve, resolves, resolved; any case), optionally ``KEYWORD: #N`` or
``KEYWORD owner/repo#N``. The anchor workshop's bots disagreed on ``Closes#3`` and ``Fixed #3``;
here there is one answer: whitespace (or a colon and whitespace) is required, every form of the
nine keywords counts.
"""

from __future__ import annotations

import re

_KEYWORD = r"(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)"
_PATTERN = re.compile(
    rf"(?<![\w/#-]){_KEYWORD}:?\s+(?:(?P<repo>[A-Za-z0-9-]+/[A-Za-z0-9._-]+))?#(?P<num>\d+)\b",
    re.IGNORECASE,
)


def closing_references(text: str | None, repo_full_name: str | None = None) -> list[int]:
    """Issue numbers in ``text`` that a merge closes, in order, without duplicates.

    References to another repository are ignored unless it is ``repo_full_name``.
    """
    found: list[int] = []
    for m in _PATTERN.finditer(text or ""):
        other = m.group("repo")
        if other and (repo_full_name is None or other.lower() != repo_full_name.lower()):
            continue
        number = int(m.group("num"))
        if number not in found:
            found.append(number)
    return found
