"""Help, decided: which comments of a room are help requests, and which still need an answer.

Pure functions over the room's comments as GitHub lists them (``GET /repos/{o}/{r}/issues/
comments?since=...``: every issue and pull request of the room in one list). A request is a
comment by a person (never a bot) whose first word is ``help`` (whole word, any case; the rule
the registration help uses, ``glow.cohort.signals.asks_for_help``) or which is a bare
``@gandalf`` mention. The answer is one comment per issue or pull request (marker ``help``)
that names the latest request by its link, so the answer to an answered request is already
there and a re-run writes nothing.

A help request is never evidence of progress: ``glow.cohort.progress`` counts challenge issues
only, and a grader must skip comments that ``is_help_request`` accepts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from glow.cohort.signals import asks_for_help, is_bot
from glow.markers import has_marker

HELP_KEY = "help"
_BARE_GANDALF = re.compile(r"\s*@gandalf\b[\s.,:;!?]*(please[\s.!]*)?", re.IGNORECASE)
_ISSUE_URL = re.compile(r"/issues/(\d+)$")


def is_help_request(body: str | None) -> bool:
    """``help`` as the first word, or ``@gandalf`` with nothing else asked."""
    text = body or ""
    return asks_for_help(text) or _BARE_GANDALF.fullmatch(text) is not None


def issue_number(comment: Mapping[str, Any]) -> int | None:
    """The issue or pull request a repository-wide comment belongs to (from ``issue_url``)."""
    found = _ISSUE_URL.search(str(comment.get("issue_url") or ""))
    return int(found.group(1)) if found else None


@dataclass(frozen=True)
class Request:
    issue: int
    comment_id: int
    author: str
    url: str  # the request comment's html_url (what the answer links to)
    created_at: str


def requests(comments: Iterable[Mapping[str, Any]]) -> dict[int, Request]:
    """The latest help request by a person on each issue or pull request."""
    latest: dict[int, Request] = {}

    def order(comment: Mapping[str, Any]) -> tuple[str, int]:
        ident = comment.get("id")
        return str(comment.get("created_at") or ""), ident if isinstance(ident, int) else 0

    for comment in sorted(comments, key=order):
        raw = comment.get("user")
        user: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
        login = str(user.get("login") or "")
        number = issue_number(comment)
        ident = comment.get("id")
        if not login or number is None or not isinstance(ident, int):
            continue
        if is_bot(login, str(user.get("type") or "")):
            continue
        if is_help_request(str(comment.get("body") or "")):
            latest[number] = Request(
                issue=number,
                comment_id=ident,
                author=login,
                url=str(comment.get("html_url") or ""),
                created_at=str(comment.get("created_at") or ""),
            )
    return latest


def answers_request(comment: Mapping[str, Any], request: Request) -> bool:
    """Our help answer names this request (its comment id appears in the answer's link)."""
    body = str(comment.get("body") or "")
    return has_marker(body, HELP_KEY) and f"issuecomment-{request.comment_id})" in body


def unanswered(comments: Iterable[Mapping[str, Any]], own_logins: Iterable[str]) -> list[Request]:
    """Requests whose issue has no answer of ours naming them, by issue number."""
    comments = list(comments)
    own = {login.lower() for login in own_logins}
    ours = [c for c in comments if str((c.get("user") or {}).get("login") or "").lower() in own]
    found = requests(comments)
    return [
        request
        for number, request in sorted(found.items())
        if not any(issue_number(c) == number and answers_request(c, request) for c in ours)
    ]
