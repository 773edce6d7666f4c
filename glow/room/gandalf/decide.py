"""Gandalf's decisions: a learner's pull request and the room's state in, one comment out.

Pure: no I/O. The handler reads the pull request as GitHub has it now, the room's open issues,
the files it changes and the linked challenge's allowed files; ``judge`` decides the findings and
``render`` writes the one comment. The comment records what it judged (head commit and a hash of
the description), so a later run re-checks a pull request whose comment is stale (a run GitHub
dropped from the queue) and skips one that is current.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from glow.keywords import closing_references
from glow.markers import has_marker, with_marker
from glow.room.gandalf import copy
from glow.room.rules import (
    body_hash,
    files_outside,
    judged_line,
    linked_challenge_issues,
    open_challenge_issues,
)

MIN_WORDS = 3


@dataclass(frozen=True)
class Pull:
    """The fields of a pull request Gandalf reads (from the pulls API or a webhook payload)."""

    number: int
    author: str
    head_sha: str
    head_ref: str
    body: str
    state: str

    @classmethod
    def from_json(cls, data: object) -> Pull | None:
        """The pull request, or None when ``data`` lacks a field Gandalf needs (malformed)."""
        if not isinstance(data, Mapping):
            return None
        user, head = data.get("user"), data.get("head")
        if not isinstance(user, Mapping) or not isinstance(head, Mapping):
            return None
        number, login, sha = data.get("number"), user.get("login"), head.get("sha")
        if not isinstance(number, int) or not isinstance(login, str) or not isinstance(sha, str):
            return None
        body = data.get("body")
        return cls(
            number=number,
            author=login,
            head_sha=sha,
            head_ref=str(head.get("ref") or ""),
            body=body if isinstance(body, str) else "",
            state=str(data.get("state") or "open"),
        )

    @property
    def fingerprint(self) -> str:
        """What a comment judged: the head commit and the description."""
        return f"{self.head_sha[:12]}-{body_hash(self.body)}"


@dataclass(frozen=True)
class Issue:
    """An open issue of the room; ``challenge`` is its number when it is our challenge issue."""

    number: int
    title: str
    challenge: int | None


def open_issues(
    items: Iterable[Mapping[str, Any]], learner: str | None, own_logins: Iterable[str] = ()
) -> list[Issue]:
    """The open issues (not pull requests) of a list answer; a challenge issue carries the
    challenge marker on its first line and was written by the workshop, never the learner
    (anyone can type a marker): ``glow.room.rules.open_challenge_issues``, the graders' rule."""
    items = list(items)
    challenges = open_challenge_issues(items, learner, own_logins)
    found = []
    for item in items:
        if "pull_request" in item or item.get("state", "open") != "open":
            continue
        number = item.get("number")
        if not isinstance(number, int):
            continue
        found.append(Issue(number, str(item.get("title") or ""), challenges.get(number)))
    return sorted(found, key=lambda i: i.number)


def first_pull_of(pulls: Iterable[Mapping[str, Any]], author: str) -> int | None:
    """The number of ``author``'s first learner pull request (the pulls list has no author
    filter on GitHub, so every pull request of the room comes in and is filtered here)."""
    from glow.room.rules import is_learner_pull

    mine = [
        int(p["number"])
        for p in pulls
        if is_learner_pull(p)
        and isinstance(p.get("number"), int)
        and str(p["user"]["login"]).lower() == author.lower()
    ]
    return min(mine) if mine else None


@dataclass(frozen=True)
class Facts:
    """Everything ``judge`` needs, read from GitHub for one pull request."""

    repo: str
    pull: Pull
    first: bool
    issues: tuple[Issue, ...]
    changed: tuple[str, ...]
    # The linked challenges' allowed files (pr_files); a challenge that could not be read, or
    # that names no files, sets no limit.
    allowed: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    challenge_keys: Mapping[int, str] = field(default_factory=dict)
    template: str | None = None


Kind = Literal["link", "description", "files"]


@dataclass(frozen=True)
class Finding:
    kind: Kind
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    findings: tuple[Finding, ...]
    welcome: bool
    linked: tuple[Issue, ...]


def linked_challenges(facts: Facts) -> tuple[Issue, ...]:
    """The open challenge issues the description closes (the rule the graders share)."""
    by_number = {i.number: i for i in facts.issues if i.challenge is not None}
    challenges = {n: i.challenge for n, i in by_number.items() if i.challenge is not None}
    linked = linked_challenge_issues(facts.pull.body, challenges, facts.repo)
    return tuple(by_number[n] for n in linked)


def own_words(body: str, template: str | None, repo: str) -> int:
    """How many words of the description are the learner's: hidden comments, the template's
    own lines and closing references do not count."""
    text = re.sub(r"<!--.*?-->", " ", body.replace("\r\n", "\n"), flags=re.DOTALL)
    skip = {line.strip() for line in (template or "").splitlines() if line.strip()}
    kept = [line for line in text.split("\n") if line.strip() not in skip]
    text = "\n".join(kept)
    for number in closing_references(text, repo):
        text = re.sub(rf"\b\w+:?\s+(?:[\w.-]+/[\w.-]+)?#{number}\b", " ", text)
    return len(re.findall(r"[^\W\d_]{2,}", text))


def judge(facts: Facts) -> Verdict:
    linked = linked_challenges(facts)
    findings: list[Finding] = []
    if not linked:
        findings.append(_link_finding(facts))
    if own_words(facts.pull.body, facts.template, facts.repo) < MIN_WORDS:
        # The keyboard steps to edit the description are said once, in the first finding.
        steps = (
            ()
            if findings and findings[0].kind == "link" and linked_ok(facts)
            else (copy.EDIT_STEPS,)
        )
        findings.append(
            Finding("description", (copy.DESCRIPTION_EMPTY, copy.DESCRIPTION_HOW, *steps))
        )
    for issue in linked:
        assert issue.challenge is not None
        allowed = facts.allowed.get(issue.challenge, ())
        outside = files_outside(facts.changed, allowed) if allowed else []
        if outside:
            key = facts.challenge_keys.get(issue.challenge, str(issue.challenge))
            findings.append(
                Finding(
                    "files",
                    (
                        copy.FILES_HEADING.format(key=key),
                        copy.FILES_OUTSIDE.format(files=copy.code_list(outside), key=key),
                        copy.FILES_ALLOWED.format(key=key, allowed=copy.code_list(list(allowed))),
                        copy.FILES_STEPS,
                    ),
                )
            )
    return Verdict(tuple(findings), facts.first, linked)


def linked_ok(facts: Facts) -> bool:
    """True when the link finding carries the editing steps (it does when any challenge issue
    is open to link)."""
    return any(i.challenge is not None for i in facts.issues)


def _link_finding(facts: Facts) -> Finding:
    named = closing_references(facts.pull.body, facts.repo)
    challenges = [i for i in facts.issues if i.challenge is not None]
    lines = [
        copy.LINK_NOT_OPEN.format(refs=", ".join(f"#{n}" for n in named))
        if named
        else copy.LINK_NONE
    ]
    if challenges:
        issues = ", ".join(
            copy.CHALLENGE_ISSUE.format(number=i.number, title=i.title) for i in challenges
        )
        lines += [
            copy.LINK_OPEN.format(issues=issues),
            copy.LINK_EXAMPLE.format(number=challenges[-1].number),
            copy.EDIT_STEPS,
            copy.LINK_DOCS,
        ]
    else:
        lines.append(copy.LINK_NO_OPEN)
    return Finding("link", tuple(lines))


def render(verdict: Verdict, pull: Pull) -> str:
    """The comment's visible text: heading (the outcome), then one paragraph per sentence."""
    sha = pull.head_sha[:7]
    count = len(verdict.findings)
    if count:
        parts = [copy.HEADING_CHANGES.format(count=copy.count_words(count)), copy.CHANGES]
    else:
        parts = [copy.HEADING_READY, copy.READY]
    parts[1] = parts[1].format(sha=sha)
    if verdict.welcome:
        parts.append(copy.WELCOME)
    if verdict.linked:
        issues = ", ".join(
            copy.CHALLENGE_ISSUE.format(number=i.number, title=i.title) for i in verdict.linked
        )
        that = copy.CLOSES_ONE if len(verdict.linked) == 1 else copy.CLOSES_MANY
        parts.append(copy.LINKED.format(issues=issues, that=that))
    for finding in verdict.findings:
        lines = list(finding.lines)
        if finding.kind == "link":
            lines.insert(0, copy.LINK_HEADING)
        elif finding.kind == "description":
            lines.insert(0, copy.DESCRIPTION_HEADING)
        parts += lines
    parts.append(copy.HELP_LINE)
    return "\n\n".join(parts)


def comment_body(verdict: Verdict, pull: Pull) -> str:
    """The whole comment as posted: marker, the visible text, what it judged (hidden)."""
    text = render(verdict, pull) + "\n\n" + judged_line(copy.COMMENT_KEY, pull.fingerprint)
    return with_marker(copy.COMMENT_KEY, text)


def is_gandalf_comment(body: str | None) -> bool:
    return has_marker(body, copy.COMMENT_KEY)
