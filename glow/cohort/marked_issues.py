"""Issues a bot owns in the admin repository, each found by the hidden marker on its body's
first line (``<!-- glow:KEY -->``), never by its title: titles drift, markers do not.

Used by the dashboard (one status issue per learner) and the watchdog (one alert per problem).
``plan`` is pure: given the issues wanted and the issues GitHub has (listed once, by the bot's
label, state all), it returns only the changes that differ, so a re-run on unchanged state plans
nothing and the adapter writes nothing. ``IssueBoard`` carries a plan out: one request per
changed issue (title, body, labels and state in one PATCH), plus a comment where a plan says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from glow.errors import GitHubError
from glow.markers import marker, normalise_body

if TYPE_CHECKING:
    from glow.github import Repo

_KEY_RE = re.compile(r"<!-- glow:(\S+) -->")

ChangeKind = Literal["create", "update", "close"]


def key_of(body: str | None) -> str | None:
    """The marker key on the body's first line, or None (not an issue a bot owns)."""
    first_line = (body or "").lstrip("\ufeff").split("\n", 1)[0].rstrip("\r ")
    found = _KEY_RE.fullmatch(first_line)
    return found.group(1) if found else None


@dataclass(frozen=True)
class Wanted:
    """An issue as it should be: open, with this title, body (marker first) and labels."""

    key: str
    title: str
    body: str
    labels: tuple[str, ...]

    @classmethod
    def make(cls, key: str, title: str, text: str, labels: Iterable[str]) -> Wanted:
        return cls(key, title, f"{marker(key)}\n{text.rstrip()}\n", tuple(dict.fromkeys(labels)))


@dataclass(frozen=True)
class Existing:
    """An issue as GitHub has it."""

    number: int
    key: str
    title: str
    body: str
    labels: tuple[str, ...]
    open: bool

    @classmethod
    def from_api(cls, issue: Mapping[str, Any]) -> Existing | None:
        key = key_of(issue.get("body"))
        if key is None or issue.get("pull_request"):
            return None
        return cls(
            number=int(issue["number"]),
            key=key,
            title=str(issue.get("title") or ""),
            body=str(issue.get("body") or ""),
            labels=tuple(str(label.get("name")) for label in issue.get("labels") or []),
            open=issue.get("state") != "closed",
        )


@dataclass(frozen=True)
class Change:
    """One write: create an issue, or PATCH ``fields`` of issue ``number`` (after ``comment``)."""

    kind: ChangeKind
    key: str
    number: int | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)
    comment: str | None = None


def merged_labels(
    current: Iterable[str], wanted: Iterable[str], managed: Callable[[str], bool]
) -> tuple[str, ...] | None:
    """The issue's labels with ours made right (others kept), or None when nothing differs."""
    current = list(current)
    keep = [label for label in current if not managed(label)]
    result = list(dict.fromkeys([*keep, *wanted]))
    if {label.lower() for label in result} == {label.lower() for label in current}:
        return None
    return tuple(result)


def _update(want: Wanted, have: Existing, managed: Callable[[str], bool]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if have.title != want.title:
        fields["title"] = want.title
    if normalise_body(have.body) != normalise_body(want.body):
        fields["body"] = want.body
    if (labels := merged_labels(have.labels, want.labels, managed)) is not None:
        fields["labels"] = list(labels)
    if not have.open:
        fields["state"] = "open"
    return fields


def plan(
    wanted: Iterable[Wanted],
    existing: Iterable[Existing],
    *,
    in_scope: Callable[[str], bool],
    managed: Callable[[str], bool],
    close_note: Callable[[Existing], str],
    close_reason: str = "completed",
) -> list[Change]:
    """The writes that make GitHub match ``wanted``; nothing when it already does.

    Each key has one issue: the lowest-numbered one (later duplicates, from an earlier fault,
    are closed with a note). An open issue in scope whose key is not wanted is closed with
    ``close_note``; a closed one whose key is wanted again is reopened and brought up to date.
    """
    by_key: dict[str, Existing] = {}
    changes: list[Change] = []
    for have in sorted(existing, key=lambda issue: issue.number):
        if have.key not in by_key:
            by_key[have.key] = have
        elif have.open:
            note = f"Closed as a duplicate of #{by_key[have.key].number}."
            fields = {"state": "closed", "state_reason": "not_planned"}
            changes.append(Change("close", have.key, have.number, fields, note))
    wanted_keys = set()
    for want in wanted:
        wanted_keys.add(want.key)
        found = by_key.get(want.key)
        if found is None:
            created: dict[str, Any] = {
                "title": want.title,
                "body": want.body,
                "labels": list(want.labels),
            }
            changes.append(Change("create", want.key, None, created))
        elif fields := _update(want, found, managed):
            changes.append(Change("update", want.key, found.number, fields))
    for key, have in sorted(by_key.items()):
        if have.open and key not in wanted_keys and in_scope(key):
            fields = {"state": "closed", "state_reason": close_reason}
            changes.append(Change("close", key, have.number, fields, close_note(have)))
    return changes


class IssueBoard:
    """The bot's issues in one repository, under one label."""

    def __init__(self, repo: Repo, label: str, *, editor: Repo | None = None) -> None:
        self.repo = repo
        self.label = label
        # Who edits issues that exist (a PATCH creates nothing): the provisioning App when the
        # job token creates, since an Actions run's token has 1,000 requests an hour for its
        # repository and a board of 300 issues edited every run would spend them.
        self.editor = editor or repo
        self._labels: set[str] | None = None  # the repository's label names, listed once

    def existing(self, state: str = "all") -> list[Existing]:
        """The bot's issues under the label (``state``: all, open or closed)."""
        issues = self.repo.paginate(self.repo.url("issues"), {"labels": self.label, "state": state})
        found = (Existing.from_api(issue) for issue in issues)
        return [issue for issue in found if issue is not None]

    def ensure_labels(self, specs: Mapping[str, tuple[str, str]], used: Iterable[str]) -> None:
        """Create the labels ``used`` that the repository lacks (one listing per run)."""
        used = {name.lower() for name in used}
        if not used:
            return
        if self._labels is None:
            listing = self.repo.paginate(self.repo.url("labels"))
            self._labels = {str(label["name"]).lower() for label in listing}
        for name, (color, description) in specs.items():
            if name.lower() in used and name.lower() not in self._labels:
                self._labels.add(name.lower())
                body = {"name": name, "color": color, "description": description}
                try:
                    self.repo.request("POST", self.repo.url("labels"), json=body)
                except GitHubError as exc:
                    if exc.status != 422:  # 422: a parallel run created it first
                        raise

    def apply(self, change: Change) -> int:
        """Carry out one change; the issue's number."""
        if change.kind == "create":
            created = self.repo.request(
                "POST", self.repo.url("issues"), json=dict(change.fields), creates=True
            )
            return int(created.json()["number"])
        assert change.number is not None
        if change.comment:
            self.repo.upsert_comment(change.number, f"{change.key}:closed", change.comment)
        self.editor.request(
            "PATCH", self.editor.url("issues", change.number), json=dict(change.fields)
        )
        return change.number


def used_labels(changes: Iterable[Change]) -> set[str]:
    return {str(label) for change in changes for label in change.fields.get("labels", [])}


def describe(change: Change) -> str:
    """One line for a run's log: ``update #12 (dashboard:2026-12:ada): body, labels``."""
    fields = change.fields
    what = {"create": "create", "update": "update", "close": "close"}[change.kind]
    which = f"#{change.number}" if change.number else str(fields.get("title"))
    parts = sorted(set(fields) - {"state_reason"}) if change.kind == "update" else []
    return f"{what} {which} ({change.key})" + (f": {', '.join(parts)}" if parts else "")
