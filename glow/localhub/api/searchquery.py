"""GitHub's issue search query (``q`` of ``GET /search/issues``), parsed and matched: pure.

The qualifiers of "Searching issues and pull requests" that the local GitHub models: ``org:``,
``user:`` and ``repo:`` (several widen the scope, as on GitHub), ``is:issue``, ``is:pr`` (or
``is:pull-request``), ``is:open``, ``is:closed``, ``is:public``, ``is:private``, ``type:``,
``state:``, ``label:`` (repeated: every one; quoted for a name with spaces, ``label:"in
progress"``), ``author:``, ``assignee:`` (``@me`` for the caller), ``no:label``,
``no:assignee``, ``no:milestone``, ``in:title`` and ``in:body``, with free-text words and quoted
phrases (case-insensitive, every one must be found). A leading ``-`` excludes a label, an author,
an assignee or a word. Anything else is refused, never guessed: an unknown qualifier or value,
``OR``, ``NOT`` or parentheses, an unbalanced quote (``QueryError``, the route's 422).

Matching reads an issue as GitHub's JSON (what the index holds), never the hub's state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

QUALIFIER = re.compile(r"([A-Za-z][A-Za-z_-]*):")
NEGATABLE = ("label", "author", "assignee")
IS_VALUES = ("issue", "pr", "pull-request", "open", "closed", "public", "private")
KINDS = {"issue": "issue", "pr": "pr", "pull-request": "pr"}
NO_VALUES = ("label", "assignee", "milestone")
IN_VALUES = ("title", "body")
SORTS = {"created": "created_at", "updated": "updated_at", "comments": "comments"}


class QueryError(ValueError):
    """A query the local GitHub cannot search; the message says which part and why."""


@dataclass
class Query:
    owners: set[str] = field(default_factory=set)  # org: and user:, lower-cased
    repos: set[str] = field(default_factory=set)  # repo: owner/name, lower-cased
    kinds: set[str] = field(default_factory=set)  # issue, pr (is: and type:)
    names_kind: bool = False  # is:issue or is:pr given: GitHub's 422 without one
    states: set[str] = field(default_factory=set)
    visibility: set[str] = field(default_factory=set)  # public, private
    labels: list[str] = field(default_factory=list)
    not_labels: list[str] = field(default_factory=list)
    authors: set[str] = field(default_factory=set)
    not_authors: set[str] = field(default_factory=set)
    assignees: set[str] = field(default_factory=set)
    not_assignees: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)  # no:label, no:assignee, no:milestone
    fields: set[str] = field(default_factory=set)  # in:title, in:body (none given: both)
    words: list[str] = field(default_factory=list)
    not_words: list[str] = field(default_factory=list)


def tokens(text: str) -> list[tuple[bool, str | None, str]]:
    """``(negated, qualifier or None, value)`` for each term of ``text``; a quoted value keeps
    its spaces. Raises ``QueryError`` for an unbalanced quote."""
    found: list[tuple[bool, str | None, str]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = text[i] == "-" and i + 1 < n and not text[i + 1].isspace()
        i += negated
        name = None
        if m := QUALIFIER.match(text, i):
            name, i = m.group(1).lower(), m.end()
        if i < n and text[i] == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError("the query has a quote that is never closed")
            value, i = text[i + 1 : end], end + 1
            if i < n and not text[i].isspace():
                raise QueryError(f'put a space after the quoted "{value}"')
        else:
            start = i
            while i < n and not text[i].isspace():
                i += 1
            value = text[start:i]
            if '"' in value:
                raise QueryError(f"the quote in {value} is never closed")
        found.append((negated, name, value))
    return found


def parse(text: str, *, me: str | None = None) -> Query:
    """The query ``text`` as a ``Query``; ``me`` is the caller's login, for ``@me``."""
    query = Query()
    for negated, name, value in tokens(text):
        if name is None:
            word(query, negated, value)
            continue
        if not value:
            raise QueryError(f"{name}: needs a value")
        if negated and name not in NEGATABLE:
            raise QueryError(f"-{name}: is not supported; exclude only label, author or assignee")
        qualifier(query, name, value, negated, me)
    return query


def word(query: Query, negated: bool, value: str) -> None:
    if value in ("OR", "NOT") or value.startswith("(") or value.endswith(")"):
        raise QueryError(f"{value} is not supported: the local GitHub ANDs every term")
    if value == "AND":
        return
    (query.not_words if negated else query.words).append(value.lower())


def qualifier(query: Query, name: str, value: str, negated: bool, me: str | None) -> None:
    low = value.lower()
    if name in ("org", "user"):
        query.owners.add(low)
    elif name == "repo":
        if low.count("/") != 1 or low.startswith("/") or low.endswith("/"):
            raise QueryError(f"repo:{value} must name owner/repository")
        query.repos.add(low)
    elif name in ("is", "type"):
        allowed = IS_VALUES if name == "is" else tuple(KINDS)
        if low not in allowed:
            raise QueryError(f"{name}:{value} is not supported; use one of {', '.join(allowed)}")
        if low in KINDS:
            query.kinds.add(KINDS[low])
            query.names_kind = query.names_kind or name == "is"
        elif low in ("open", "closed"):
            query.states.add(low)
        else:
            query.visibility.add(low)
    elif name == "state":
        if low not in ("open", "closed"):
            raise QueryError(f"state:{value} must be open or closed")
        query.states.add(low)
    elif name == "label":
        (query.not_labels if negated else query.labels).append(low)
    elif name in ("author", "assignee"):
        login = person(value, me)
        if name == "author":
            (query.not_authors if negated else query.authors).add(login)
        else:
            (query.not_assignees if negated else query.assignees).add(login)
    elif name == "no":
        if low not in NO_VALUES:
            raise QueryError(f"no:{value} is not supported; use one of {', '.join(NO_VALUES)}")
        query.missing.add(low)
    elif name == "in":
        if low not in IN_VALUES:
            raise QueryError(f"in:{value} is not supported; use in:title or in:body")
        query.fields.add(low)
    else:
        raise QueryError(f"{name}: is not a qualifier the local GitHub knows")


def person(value: str, me: str | None) -> str:
    if value.lower() == "@me":
        if me is None:
            raise QueryError("@me needs a signed-in user")
        return me.lower()
    return value.lower()


def in_scope(query: Query, full_name: str) -> bool:
    """Whether a repository is among those the query names (all, when it names none)."""
    if not query.owners and not query.repos:
        return True
    low = full_name.lower()
    return low.split("/", 1)[0] in query.owners or low in query.repos


def matches(query: Query, item: dict[str, Any], *, private: bool) -> bool:
    """Whether an issue (GitHub's JSON) in a repository (private or not) matches the query."""
    kind = "pr" if item.get("pull_request") else "issue"
    if any(k != kind for k in query.kinds) or any(s != item["state"] for s in query.states):
        return False
    if any(v != ("private" if private else "public") for v in query.visibility):
        return False
    labels = {label["name"].lower() for label in item["labels"]}
    if not all(name in labels for name in query.labels) or labels & set(query.not_labels):
        return False
    author = ((item.get("user") or {}).get("login") or "").lower()
    if (query.authors and author not in query.authors) or author in query.not_authors:
        return False
    assigned = {person["login"].lower() for person in item.get("assignees") or []}
    if (query.assignees and not query.assignees <= assigned) or assigned & query.not_assignees:
        return False
    if ("label" in query.missing and labels) or ("assignee" in query.missing and assigned):
        return False
    if "milestone" in query.missing and item.get("milestone"):
        return False
    fields = query.fields or set(IN_VALUES)
    text = " ".join((item.get(name) or "") for name in sorted(fields)).lower()
    return all(w in text for w in query.words) and not any(w in text for w in query.not_words)


def ordered(items: list[dict[str, Any]], sort: str | None, order: str) -> list[dict[str, Any]]:
    """Items by ``sort`` in ``order``; without ``sort`` (GitHub's best match, which the local
    GitHub does not rank), the most recently updated first, and ``order`` is ignored, as GitHub
    documents it."""
    key = SORTS[sort or "updated"]
    descending = sort is None or order != "asc"
    return sorted(items, key=lambda item: (item[key], item["id"]), reverse=descending)
