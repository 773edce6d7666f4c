"""What a grading run grades: every stale thing of the room, decided from a few list calls.

Pure. The room's runs are serialised and GitHub replaces a pending run with a newer one, so a run
grades not only its own event's subject but everything whose inputs changed since its grade
comment was written: each grade comment ends with a hidden fingerprint of the inputs it judged
(an issue's body, a pull request's head and base, the learner's latest gesture on a challenge
issue). A thing whose fingerprint matches is skipped without reading anything more; a duplicate
delivery or a re-run therefore reads three lists and writes nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from glow.markers import has_marker
from glow.room.grading.decide import CHALLENGE, CONFLICT_BRANCH, Family
from glow.room.rules import (
    challenge_of,
    is_room_form_issue,
    linked_challenge_issues,
    open_challenge_issues,
)

FINGERPRINT = re.compile(r"^<!-- glow:graded:(?P<fp>[A-Za-z0-9_.:-]+) -->$", re.M)
_ISSUE_URL = re.compile(r"/issues/(?P<n>\d+)$")
FILE_FAMILIES: tuple[Family, ...] = ("issue-template", "capstone")


def grade_key(family: Family) -> str:
    """The marker of a family's one comment on a thing: ``grade:<family>``."""
    return f"grade:{family}"


def notice_key(family: Family) -> str:
    """The marker of the blameless notice when a family's run itself failed."""
    return f"grade-problem:{family}"


def fingerprint_line(fp: str) -> str:
    return f"<!-- glow:graded:{fp} -->"


def digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Subject:
    """One thing to grade: the family, the issue or pull request it comments on, and the inputs
    its fingerprint was made from."""

    family: Family
    number: int
    fingerprint: str
    branch: str = ""
    head_sha: str = ""
    base_ref: str = ""
    body: str = ""
    files: bool = False  # the file-based families, chosen once the pull request's files are read
    author: str = ""  # who opened the pull request


@dataclass
class RoomState:
    """The room as three list calls show it (issues and pull requests of every state, every
    comment, the open pull requests), with who we are and whose room it is."""

    repo: str
    bot: str
    handle: str | None
    issues: list[dict[str, Any]]
    comments: list[dict[str, Any]]
    pulls: list[dict[str, Any]]
    _by_issue: dict[int, list[dict[str, Any]]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for comment in self.comments:
            m = _ISSUE_URL.search(str(comment.get("issue_url") or ""))
            if m:
                self._by_issue.setdefault(int(m.group("n")), []).append(comment)

    def ours(self, item: Mapping[str, Any]) -> bool:
        return str((item.get("user") or {}).get("login") or "").lower() == self.bot.lower()

    def learners(self, item: Mapping[str, Any]) -> bool:
        """Written by the learner: their handle when the room knows it, else anyone who is
        neither us nor another bot."""
        user = item.get("user") or {}
        login = str(user.get("login") or "")
        if self.handle:
            return login.lower() == self.handle.lower()
        return bool(login) and not self.ours(item) and user.get("type") != "Bot"

    def comments_on(self, number: int) -> list[dict[str, Any]]:
        return self._by_issue.get(number, [])

    def our_comment(self, number: int, key: str) -> dict[str, Any] | None:
        found = [
            c for c in self.comments_on(number) if has_marker(c.get("body"), key) and self.ours(c)
        ]
        return min(found, key=lambda c: int(c.get("id") or 0)) if found else None

    def stored(self, number: int, family: Family) -> str | None:
        comment = self.our_comment(number, grade_key(family))
        m = FINGERPRINT.search(str((comment or {}).get("body") or ""))
        return m.group("fp") if m else None

    def challenge_issues(self) -> dict[int, dict[str, Any]]:
        """Challenge number -> its issue (our issue whose first line is its marker)."""
        found: dict[int, dict[str, Any]] = {}
        for issue in self.issues:
            # Written by the workshop: our job token, the provisioning App (which posts the
            # path's first challenge) or staff; never the learner (one rule: glow.room.rules).
            number = challenge_of(issue, self.handle, [self.bot])
            if number is not None and (
                number not in found or int(issue["number"]) < int(found[number]["number"])
            ):
                found[number] = issue
        return found

    def open_challenges(self, author: str = "") -> dict[int, int]:
        """Issue number -> challenge of the open challenge issues, judged as Gandalf judges them
        (the learner: the room's handle, else the pull request's author)."""
        return open_challenge_issues(self.issues, self.handle or author or None, [self.bot])


def _open(issue: Mapping[str, Any] | None) -> bool:
    return bool(issue) and (issue or {}).get("state") == "open"


def _activity(state: RoomState, issue: Mapping[str, Any]) -> tuple[str, str | None]:
    """(fingerprint of the learner's latest gesture on a challenge issue, who made it)."""
    number = int(issue["number"])
    said = [c for c in state.comments_on(number) if state.learners(c) and not state.ours(c)]
    latest = max(said, key=lambda c: int(c.get("id") or 0)) if said else None
    closed = issue.get("closed_at") if issue.get("state") == "closed" else None
    if latest is None and not closed:
        return "", None
    who = str((latest or {}).get("user", {}).get("login") or "") or None
    return digest((latest or {}).get("id"), closed), who


def plan(
    state: RoomState, *, sender: str | None = None, subject: int | None = None
) -> list[Subject]:
    """Every (family, thing) whose grade is missing or stale, in a stable order.

    ``subject``: the issue or pull request of the event; its file-based families are checked
    even before it carries a grade comment."""
    challenges = state.challenge_issues()
    wanted: list[Subject] = []
    wanted += _issues_filed(state, challenges)
    wanted += _challenge_commits(state, challenges, sender)
    wanted += _pulls(state, challenges, subject)
    return [s for s in wanted if s.files or state.stored(s.number, s.family) != s.fingerprint]


def _issues_filed(state: RoomState, challenges: Mapping[int, dict[str, Any]]) -> list[Subject]:
    ch2_open = _open(challenges.get(CHALLENGE["issue-filed"]))
    out = []
    for issue in state.issues:
        number = int(issue.get("number") or 0)
        if "pull_request" in issue or issue.get("state") != "open" or not state.learners(issue):
            continue
        if not (ch2_open or state.stored(number, "issue-filed") is not None):
            continue
        if is_room_form_issue(issue):
            continue  # the private intake or a help request: words to us, not Challenge 2
        body = str(issue.get("body") or "")
        out.append(Subject("issue-filed", number, digest(body), body=body))
    return out


def _challenge_commits(
    state: RoomState, challenges: Mapping[int, dict[str, Any]], sender: str | None
) -> list[Subject]:
    out = []
    for family, prefix in (("branch-commit", "learn/"), ("local-commit", "fix/")):
        issue = challenges.get(CHALLENGE[family])  # type: ignore[index]
        if issue is None:
            continue
        fp, who = _activity(state, issue)
        handle = state.handle or who or sender
        if fp and handle:
            out.append(Subject(family, int(issue["number"]), fp, branch=prefix + handle))  # type: ignore[arg-type]
    return out


def _pulls(
    state: RoomState, challenges: Mapping[int, dict[str, Any]], subject: int | None
) -> list[Subject]:
    ch6_open = _open(challenges.get(CHALLENGE["pr-linked"]))
    files_open = any(_open(challenges.get(CHALLENGE[f])) for f in FILE_FAMILIES)
    out = []
    for pull in sorted(state.pulls, key=lambda p: int(p.get("number") or 0)):
        number = int(pull.get("number") or 0)
        head = pull.get("head") or {}
        ref, sha = str(head.get("ref") or ""), str(head.get("sha") or "")
        base = pull.get("base") or {}
        base_sha = str(base.get("sha") or "")
        body = str(pull.get("body") or "")
        if ref == CONFLICT_BRANCH:
            out.append(_pull("conflict-resolved", number, sha, pull))
            continue
        if not state.learners(pull):
            continue
        if ch6_open or state.stored(number, "pr-linked") is not None:
            author = str((pull.get("user") or {}).get("login") or "")
            linked = linked_challenge_issues(body, state.open_challenges(author), state.repo)
            fp = digest(body, list(linked.items()))
            out.append(_pull("pr-linked", number, fp, pull))
        if ref.startswith("fix/"):
            out.append(_pull("local-commit", number, sha, pull))
        graded = [f for f in FILE_FAMILIES if state.stored(number, f) is not None]
        if files_open or graded or number == subject:
            fp = digest(sha, base_sha)
            stale = [f for f in FILE_FAMILIES if state.stored(number, f) != fp]
            if stale:
                # One subject reads the pull request's files; it grades the families it touches.
                out.append(_pull("issue-template", number, fp, pull, files=True))
    return out


def _pull(
    family: Family, number: int, fp: str, pull: Mapping[str, Any], *, files: bool = False
) -> Subject:
    head, base = pull.get("head") or {}, pull.get("base") or {}
    return Subject(
        family,
        number,
        fp,
        branch=str(head.get("ref") or ""),
        head_sha=str(head.get("sha") or ""),
        base_ref=str(base.get("ref") or ""),
        body=str(pull.get("body") or ""),
        files=files,
        author=str((pull.get("user") or {}).get("login") or ""),
    )


def pull_families(changed: Iterable[str], already: Iterable[Family]) -> list[Family]:
    """The file-based families a pull request's changed paths call for (plus any it was graded
    for before, so a later push that drops the files is re-graded, not forgotten)."""
    from fnmatch import fnmatchcase

    from glow.room.grading.decide import CAPSTONE_DIR, TEMPLATE_GLOBS

    paths = list(changed)
    found: list[Family] = list(dict.fromkeys(already))
    if (
        any(fnmatchcase(p, g) for p in paths for g in TEMPLATE_GLOBS)
        and "issue-template" not in found
    ):
        found.append("issue-template")
    if any(p.startswith(CAPSTONE_DIR) for p in paths) and "capstone" not in found:
        found.append("capstone")
    return sorted(found, key=FILE_FAMILIES.index)
