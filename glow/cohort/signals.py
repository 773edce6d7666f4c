"""Deterministic text signals in comments (seed 003, section 8).

Whole tokens, case-insensitive: ``ack`` (not "acknowledge"), ``ready``, ``day1-complete`` (also
"day 1 complete" and "day1 complete"). A signal counts only from the learner who registered,
never from a bot or a facilitator quoting it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

SIGNALS = {
    "ack": re.compile(r"(?<![\w-])ack(?![\w-])", re.IGNORECASE),
    "ready": re.compile(r"(?<![\w-])ready(?![\w-])", re.IGNORECASE),
    "day1-complete": re.compile(r"(?<![\w-])day[ -]?1[ -]complete(?![\w-])", re.IGNORECASE),
}


def _strip_quotes_and_code(text: str) -> str:
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    text = re.sub(r"`[^`]*`", " ", text)
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))


def signals_in(text: str | None) -> set[str]:
    """The signals a comment gives (quoted lines and code are not signals)."""
    clean = _strip_quotes_and_code(text or "")
    return {name for name, pattern in SIGNALS.items() if pattern.search(clean)}


def learner_signals(comments: Iterable[Mapping[str, Any]], learner: str) -> dict[str, str]:
    """First time each signal was given by ``learner``: name -> ``created_at``."""
    seen: dict[str, str] = {}
    for comment in sorted(comments, key=lambda c: str(c.get("created_at", ""))):
        author = str((comment.get("user") or {}).get("login") or "")
        if author.lower() != learner.lower():
            continue
        for name in signals_in(str(comment.get("body") or "")):
            seen.setdefault(name, str(comment.get("created_at", "")))
    return seen
