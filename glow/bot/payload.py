"""The webhook payload at the boundary: the few fields a handler reads first (who sent the event,
which issue, which comment, which repository), read into small typed records.

A payload is GitHub's JSON, and a recorded or hand-made one may lack any field: each reader here
returns None (or empty text) for what is missing or of the wrong type, so a handler logs and
ignores a malformed event instead of crashing on it. Standard library only: a bot with nothing to
do must start fast (no pydantic, no githubkit models).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

JSONObject = Mapping[str, object]


@dataclass(frozen=True)
class Account:
    """``sender``, ``issue.user``, ``comment.user``: who, and of which kind ("User", "Bot",
    "Organization"); both empty when the payload does not say."""

    login: str
    type: str = ""


@dataclass(frozen=True)
class Comment:
    """The payload's ``comment``: its text, its author, its id when the payload has one."""

    body: str
    author: Account
    id: int | None = None


def _object(value: object) -> JSONObject:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def account_of(value: object) -> Account:
    """An account object of the payload (``sender``, a ``user``); missing parts are empty."""
    raw = _object(value)
    return Account(login=_text(raw.get("login")), type=_text(raw.get("type")))


def object_at(payload: JSONObject, key: str) -> JSONObject:
    """``payload[key]`` when it is a JSON object, else an empty one."""
    return _object(payload.get(key))


def number_of(raw: JSONObject) -> int | None:
    """An issue's (or pull request's) number: a positive integer, else None."""
    value = raw.get("number")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return None
    return value


def comment_of(value: object) -> Comment | None:
    """The payload's comment, or None when there is none."""
    raw = _object(value)
    if not raw:
        return None
    found = raw.get("id")
    return Comment(
        body=_text(raw.get("body")),
        author=account_of(raw.get("user")),
        id=found if isinstance(found, int) and not isinstance(found, bool) else None,
    )
