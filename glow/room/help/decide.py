"""Help, decided: which comments and issues of a room are help requests, and which still need
an answer.

Pure functions over the room's comments as GitHub lists them (``GET /repos/{o}/{r}/issues/
comments?since=...``: every issue and pull request of the room in one list) and its issues
(``GET /repos/{o}/{r}/issues?state=all``). A request is either

- a comment whose first word is ``help`` (whole word, any case; the rule the registration help
  uses, ``glow.cohort.signals.asks_for_help``) or which mentions ``@gandalf`` anywhere (the room's
  copy: "a comment that mentions `@gandalf` also asks for help"; quoted lines and fenced code
  are not the writer's words), or
- an open issue filed with the room's "Ask for help" form (label ``help``, or the form's
  rendered ``### Where are you stuck?`` heading: a room made from a template may lack labels).

Only a learner asks: the room's learner (``.glow/learner.yml``), or anyone who is neither a bot
nor staff (the room's owner, a member or a collaborator other than the learner), so a
facilitator's "Help is on the way" is no request. When the learner is unknown, only the owner
and members are staff (the learner is a collaborator of their own room).

Each request gets its own answer (marker ``help:<comment id>``, or ``help:issue`` for the form
issue itself): a new comment notifies the facilitators, an edited one would notify nobody. An
answer of the old shape (marker ``help``, one per issue, naming the latest request it answered)
still answers that request and every earlier one on its issue, so a re-run writes nothing.

A help request is never evidence of progress: ``glow.cohort.progress`` counts challenge issues
only, and a grader must skip comments that ``is_help_request`` accepts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from glow.cohort.signals import STAFF_ASSOCIATIONS, asks_for_help, is_bot
from glow.markers import has_marker

HELP_KEY = "help"  # the old one-answer-per-issue marker: still read, never written
FORM_LABEL = "help"  # learning-room-template/.github/ISSUE_TEMPLATE/help.yml
FORM_HEADING = "### where are you stuck?"  # its first field, as GitHub renders a filled form
_GANDALF = re.compile(r"(?<![\w@/.-])@gandalf(?![\w-])", re.IGNORECASE)
_FENCED = re.compile(r"^\s*(```|~~~).*?^\s*\1", re.DOTALL | re.MULTILINE)
_ISSUE_URL = re.compile(r"/issues/(\d+)$")
_NAMED = re.compile(r"issuecomment-(\d+)\)")
OWNERS = frozenset({"OWNER", "MEMBER"})


def is_help_request(body: str | None) -> bool:
    """``help`` as the first word, or an ``@gandalf`` mention anywhere in the writer's words."""
    text = body or ""
    own_words = "\n".join(
        line for line in _FENCED.sub("", text).splitlines() if not line.lstrip().startswith(">")
    )
    return asks_for_help(text) or _GANDALF.search(own_words) is not None


def is_form_request(issue: Mapping[str, Any]) -> bool:
    """An open issue (not a pull request) filed with the room's "Ask for help" form."""
    if issue.get("pull_request") or issue.get("state") != "open":
        return False
    raw = issue.get("labels")
    labels = raw if isinstance(raw, list) else []
    names = {str(lab.get("name") if isinstance(lab, dict) else lab).lower() for lab in labels}
    lines = str(issue.get("body") or "").splitlines()
    return FORM_LABEL in names or any(line.strip().lower() == FORM_HEADING for line in lines)


def issue_number(comment: Mapping[str, Any]) -> int | None:
    """The issue or pull request a repository-wide comment belongs to (from ``issue_url``)."""
    found = _ISSUE_URL.search(str(comment.get("issue_url") or ""))
    return int(found.group(1)) if found else None


def asker(item: Mapping[str, Any], learner: str | None) -> str | None:
    """The login of the person an issue or comment is by, when their request counts (see the
    module's docstring); None for a bot, staff, or an item without an author."""
    raw = item.get("user")
    user: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
    login = str(user.get("login") or "")
    if not login or is_bot(login, str(user.get("type") or "")):
        return None
    if learner and login.lower() == learner.lower():
        return login
    association = str(item.get("author_association") or "").upper()
    return None if association in (STAFF_ASSOCIATIONS if learner else OWNERS) else login


@dataclass(frozen=True)
class Request:
    issue: int
    comment_id: int | None  # None: the issue itself, filed with the help form
    author: str
    url: str  # the request's html_url (what the answer links to)
    created_at: str

    @property
    def key(self) -> str:
        """The marker of this request's own answer."""
        return f"{HELP_KEY}:{'issue' if self.comment_id is None else self.comment_id}"


def _order(item: Mapping[str, Any]) -> tuple[str, int]:
    ident = item.get("id")
    return str(item.get("created_at") or ""), ident if isinstance(ident, int) else 0


def requests(
    comments: Iterable[Mapping[str, Any]],
    *,
    learner: str | None = None,
    issues: Iterable[Mapping[str, Any]] = (),
    since: str = "",
) -> list[Request]:
    """Every help request of the room, by issue then time: each counting comment, and each open
    help-form issue created since ``since`` (an ISO time; the comments' look-back)."""
    found: list[Request] = []
    for issue in issues:
        number, created = issue.get("number"), str(issue.get("created_at") or "")
        author = asker(issue, learner)
        if isinstance(number, int) and author and created >= since and is_form_request(issue):
            url = str(issue.get("html_url") or "")
            found.append(Request(number, None, author, url, created))
    for comment in sorted(comments, key=_order):
        number, ident = issue_number(comment), comment.get("id")
        author = asker(comment, learner)
        if number is None or not isinstance(ident, int) or not author:
            continue
        if is_help_request(str(comment.get("body") or "")):
            url = str(comment.get("html_url") or "")
            found.append(Request(number, ident, author, url, str(comment.get("created_at") or "")))
    return sorted(found, key=lambda r: (r.issue, r.comment_id or 0))


def answers_request(comment: Mapping[str, Any], request: Request) -> bool:
    """Our comment answers this request: its own marker, or an old-shape ``help`` answer naming
    this request or a later one on the same issue (it answered the latest of them)."""
    body = str(comment.get("body") or "")
    if has_marker(body, request.key):
        return True
    if request.comment_id is None or not has_marker(body, HELP_KEY):
        return False
    return any(int(named) >= request.comment_id for named in _NAMED.findall(body))


def unanswered(
    comments: Iterable[Mapping[str, Any]],
    own_logins: Iterable[str],
    *,
    learner: str | None = None,
    issues: Iterable[Mapping[str, Any]] = (),
    since: str = "",
) -> list[Request]:
    """Requests with no answer of ours on their issue, by issue number then age."""
    comments = list(comments)
    own = {login.lower() for login in own_logins}
    ours: dict[int, list[Mapping[str, Any]]] = {}
    for c in comments:
        user = c.get("user")
        login = str(user.get("login") or "") if isinstance(user, dict) else ""
        number = issue_number(c)
        if login.lower() in own and number is not None:
            ours.setdefault(number, []).append(c)
    return [
        request
        for request in requests(comments, learner=learner, issues=issues, since=since)
        if not any(answers_request(c, request) for c in ours.get(request.issue, ()))
    ]
