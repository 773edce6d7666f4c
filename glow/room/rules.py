"""Rules more than one room behaviour applies, written once (Gandalf and the autograders must
never disagree: the anchor workshop's did, on ``Closes#3`` and ``Fixed #3``).

Pure functions: text and GitHub's state in, an answer out.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from typing import Any

from glow.cohort.forms import field_sections
from glow.cohort.intake import is_intake_issue
from glow.keywords import closing_references
from glow.markers import has_marker
from glow.room.progression.decide import trusted


def linked_open_issues(
    body: str | None, open_issues: Iterable[int], repo_full_name: str | None = None
) -> list[int]:
    """The open issues of this room a pull request's description closes, in order.

    One rule everywhere: GitHub's closing keywords, word-bounded (``glow.keywords``), naming an
    issue of this repository that is open now.
    """
    still_open = set(open_issues)
    return [n for n in closing_references(body, repo_full_name) if n in still_open]


# The room's own issue forms (learning-room-template/.github/ISSUE_TEMPLATE/): an issue made with
# one is the learner talking to the workshop, not an exercise to grade.
LABEL_HELP = "help"
HELP_FIELDS = ("Where are you stuck?", "Your screen reader or tools")


def is_room_form_issue(issue: Mapping[str, Any]) -> bool:
    """An issue made with the room's private intake form (``intake.yml``) or its "Ask for help"
    form (``help.yml``): by its label, or by the fields GitHub renders (every field, answered or
    not), since a room generated from a template has none of the template's labels."""
    if is_intake_issue(issue):
        return True
    if any(
        str(label.get("name") if isinstance(label, Mapping) else label).lower() == LABEL_HELP
        for label in issue.get("labels") or []
    ):
        return True
    _, sections = field_sections(str(issue.get("body") or ""), HELP_FIELDS)
    return len(sections) == len(HELP_FIELDS)


# Challenge issues, and the ones a pull request links -----------------------------------------

CHALLENGE_MARKER = re.compile(r"^<!-- glow:challenge:(?P<n>\d+) -->")
# The issue forms Challenge 14 lets a pull request add: the catalogue's ``pr_files`` for it
# (learning-room-template/challenges/challenge-14.md; a test holds the two equal), which
# Gandalf's file check reads and the issue-template grader grades.
ISSUE_FORM_GLOBS: tuple[str, ...] = (".github/ISSUE_TEMPLATE/*.yml",)


def challenge_of(
    issue: Mapping[str, Any], learner: str | None, own_logins: Iterable[str] = ()
) -> int | None:
    """The challenge an issue is: the challenge marker on its first line, and written by the
    workshop (our job token, the provisioning App, or staff; never the learner, since anyone can
    type a marker: ``glow.room.progression.decide.trusted``). None for anything else, a pull
    request included."""
    if "pull_request" in issue:
        return None
    found = CHALLENGE_MARKER.match(str(issue.get("body") or "").lstrip("\ufeff"))
    if found is None or not trusted(issue, learner, own_logins):
        return None
    return int(found.group("n"))


def open_challenge_issues(
    issues: Iterable[Mapping[str, Any]], learner: str | None, own_logins: Iterable[str] = ()
) -> dict[int, int]:
    """Issue number -> challenge number of every open challenge issue of the room."""
    found: dict[int, int] = {}
    for issue in issues:
        number = issue.get("number")
        if not isinstance(number, int) or issue.get("state", "open") != "open":
            continue
        challenge = challenge_of(issue, learner, own_logins)
        if challenge is not None:
            found[number] = challenge
    return found


def linked_challenge_issues(
    body: str | None, challenge_issues: Mapping[int, int], repo_full_name: str | None = None
) -> dict[int, int]:
    """The open challenge issues a pull request's description closes, in order (issue number ->
    challenge number): the one rule Gandalf and the pr-linked grader share. Each challenge tells
    the learner to write ``Closes #`` and its own issue's number; another open issue (the
    learner's Challenge 2 issue, a help request) does not complete a challenge.
    ``challenge_issues``: ``open_challenge_issues`` of the room."""
    return {
        n: challenge_issues[n] for n in linked_open_issues(body, challenge_issues, repo_full_name)
    }


def files_outside(changed: Iterable[str], allowed: Iterable[str]) -> list[str]:
    """The changed paths no allowed pattern matches (fnmatch, case-sensitive), sorted."""
    patterns = list(allowed)
    return sorted(p for p in changed if not any(fnmatchcase(p, pat) for pat in patterns))


# Pull requests a learner made, and what a bot last judged -------------------------------------

PRACTICE_BRANCH_PREFIX = "practice/"


def is_learner_pull(pull: Mapping[str, Any]) -> bool:
    """A pull request a learner opened: not a bot's (the practice pull requests the progression
    bot seeds come from ``practice/`` branches and are authored by a Bot account)."""
    user = pull.get("user") or {}
    if not isinstance(user, Mapping) or not user.get("login"):
        return False
    if str(user.get("type") or "") == "Bot" or str(user["login"]).endswith("[bot]"):
        return False
    head = pull.get("head") or {}
    ref = str(head.get("ref") or "") if isinstance(head, Mapping) else ""
    return not ref.startswith(PRACTICE_BRANCH_PREFIX)


def body_hash(body: str | None) -> str:
    """A short stable hash of a description as GitHub may hand it back (CRLF or LF)."""
    normal = (body or "").replace("\r\n", "\n").strip()
    return hashlib.sha1(normal.encode("utf-8")).hexdigest()[:12]


def judged_line(key: str, fingerprint: str) -> str:
    """A hidden line recording what a bot's comment judged (``fingerprint``: letters, digits and
    hyphens), so a later run can tell a stale comment from a current one without re-checking."""
    return f"<!-- glow:{key}:judged {fingerprint} -->"


def judged(body: str | None, key: str) -> str | None:
    """The fingerprint ``judged_line`` recorded in ``body``, or None."""
    found = re.search(rf"<!-- glow:{re.escape(key)}:judged ([A-Za-z0-9-]+) -->", body or "")
    return found.group(1) if found else None


def our_comments(
    comments: Iterable[Mapping[str, Any]], bot: str, key: str
) -> dict[int, Mapping[str, Any]]:
    """Our comment for ``key`` on each issue or pull request of a room-wide comment listing
    (the oldest, when an earlier fault left two), by number. Ours: written by ``bot`` with
    ``key``'s marker as its first line (anyone can type a marker)."""
    from glow.room.help.decide import issue_number

    found: dict[int, Mapping[str, Any]] = {}
    for comment in comments:
        if not has_marker(comment.get("body"), key):
            continue
        author = str((comment.get("user") or {}).get("login") or "")
        number = issue_number(comment)
        if number is None or author.lower() != bot.lower():
            continue
        if number not in found or int(comment["id"]) < int(found[number]["id"]):
            found[number] = comment
    return found
