"""Deterministic text signals in comments (seed 003, section 8).

Whole tokens, case-insensitive: ``ack`` (not "acknowledge"), ``ready``, ``day1-complete`` (also
"day 1 complete" and "day1 complete"). A signal counts only from the learner who registered,
never from a bot or a facilitator quoting it.

A help request is a comment whose first word is ``help`` (also written `` `help` ``, as the bot
copy shows it): "help, I cannot find the invitation" asks; "thanks for the help" does not.
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


_HELP = re.compile(r"\s*[`*_]*help(?![\w-])", re.IGNORECASE)


def asks_for_help(text: str | None) -> bool:
    """True when the comment is a help request (its first word, quoted lines left out)."""
    unquoted = "\n".join(
        line for line in (text or "").splitlines() if not line.lstrip().startswith(">")
    )
    return _HELP.match(unquoted) is not None


def is_bot(login: str, kind: str = "") -> bool:
    return kind == "Bot" or login.endswith("[bot]")


# Who may answer for the workshop: anyone else's comment (a stranger on a public issue) is not
# a facilitator's reply and must not take a learner's request off the dashboard.
STAFF_ASSOCIATIONS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})


def _staff(comment: Mapping[str, Any]) -> bool:
    association = comment.get("author_association")
    return association is None or str(association).upper() in STAFF_ASSOCIATIONS


def open_help_request(comments: Iterable[Mapping[str, Any]], learner: str) -> str | None:
    """When the learner's latest help request was made (``created_at``), if no facilitator
    (the repository's owner, members or collaborators; bots do not count) has commented since;
    None when there is no unanswered request."""
    asked: str | None = None
    for comment in sorted(comments, key=lambda c: str(c.get("created_at", ""))):
        user = comment.get("user") or {}
        author = str(user.get("login") or "")
        if author.lower() == learner.lower():
            if asks_for_help(str(comment.get("body") or "")):
                asked = asked or str(comment.get("created_at", ""))
        elif not is_bot(author, str(user.get("type") or "")) and _staff(comment):
            asked = None  # a facilitator replied
    return asked


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
