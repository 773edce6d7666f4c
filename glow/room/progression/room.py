"""Progression's adapter: read the room (its issues, the learner's facts, the challenge files)
and carry a plan out. Every write is preceded by a read of GitHub's state, so a re-run writes
nothing; within one run each file is read at most once.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from glow.errors import GitHubError
from glow.github.repo import Repo, segment
from glow.markers import with_marker
from glow.room.challenges import CHALLENGES_DIR, CatalogueProblem, Challenge, parse_challenge
from glow.room.progression import copy
from glow.room.progression.decide import (
    CONFLICT_KEY,
    CONFLICT_NOTE_KEY,
    LEARNER_FILE,
    PEER_ISSUE_KEY,
    REVIEW_KEY,
    LearnerFacts,
    Marked,
    parse_learner_file,
)

# How long we wait for GitHub to compute a new pull request's mergeability: 5 reads.
MERGEABLE_WAITS = (0.5, 1.0, 2.0, 4.0)
KNOWN_STATES = frozenset({"dirty", "clean", "unstable", "blocked", "behind", "has_hooks"})


def read_learner(repo: Repo) -> LearnerFacts:
    """``.glow/learner.yml`` of the room (a missing or unreadable file: the defaults)."""
    try:
        found = repo.read_file(LEARNER_FILE)
    except GitHubError as exc:
        if exc.status in (403, 404):
            return LearnerFacts()
        raise
    return parse_learner_file(found.text if found else None)


def room_items(repo: Repo) -> list[dict[str, Any]]:
    """Every issue and pull request of the room, any state (one list, 100 a page)."""
    return list(repo.paginate(repo.url("issues"), {"state": "all", "direction": "asc"}))


@dataclass
class ChallengeFiles:
    """The room's ``challenges/`` folder, listed once and read file by file when needed."""

    repo: Repo
    log: Callable[..., None]
    _blobs: dict[int, str] | None = None
    _parsed: dict[int, Challenge | None] = field(default_factory=dict)

    def _listing(self) -> dict[int, str]:
        if self._blobs is None:
            entries = self.repo.get_json(self.repo.url("contents", CHALLENGES_DIR)) or []
            blobs: dict[int, str] = {}
            for entry in entries if isinstance(entries, list) else []:
                name = str(entry.get("name") or "")
                digits = name.removeprefix("challenge-").removesuffix(".md")
                if name.startswith("challenge-") and name.endswith(".md") and digits.isdigit():
                    blobs[int(digits)] = str(entry.get("sha"))
            self._blobs = blobs
        return self._blobs

    def __call__(self, number: int) -> Challenge | None:
        if number not in self._parsed:
            sha = self._listing().get(number)
            challenge = None
            if sha is not None:
                blob = self.repo.request("GET", self.repo.url("git", "blobs", sha)).json()
                text = base64.b64decode(blob.get("content") or "").decode("utf-8", "replace")
                source = f"{CHALLENGES_DIR}/challenge-{number:02d}.md"
                try:
                    challenge = parse_challenge(text, source)
                except CatalogueProblem as exc:
                    self.log("a challenge file cannot be read", problem=str(exc))
            self._parsed[number] = challenge
        return self._parsed[number]


@dataclass
class Room:
    """One learner's room as progression acts on it."""

    repo: Repo
    facts: LearnerFacts
    log: Callable[..., None]
    sleep: Callable[[float], object] = time.sleep
    _assignable: bool | None = None
    _info: dict[str, Any] | None = None

    @property
    def default_branch(self) -> str:
        if self._info is None:
            self._info = self.repo.get_json(self.repo.url()) or {}
        return str(self._info.get("default_branch") or "main")

    def assignees(self) -> list[str]:
        """The learner, when GitHub would accept them as an assignee (a pending invitation is
        not yet: assigning them would be refused with a 422)."""
        handle = self.facts.handle
        if not handle:
            return []
        if self._assignable is None:
            try:
                self.repo.request("GET", self.repo.url("assignees", segment(handle)))
                self._assignable = True
            except GitHubError as exc:
                if exc.status != 404:
                    raise
                self._assignable = False
        return [handle] if self._assignable else []

    def open_issue(self, title: str, body: str) -> int:
        payload: dict[str, Any] = {"title": title, "body": body}
        if assignees := self.assignees():
            payload["assignees"] = assignees
        created = self.repo.request("POST", self.repo.url("issues"), json=payload, creates=True)
        return int(created.json()["number"])

    def close_duplicate(self, number: int, keep: int) -> None:
        self.repo.upsert_comment(number, copy.DUPLICATE_KEY, copy.DUPLICATE.format(keep=keep))
        self.repo.request(
            "PATCH",
            self.repo.url("issues", number),
            json={"state": "closed", "state_reason": "not_planned"},
        )

    def branch_exists(self, branch: str) -> bool:
        return self.repo.get_json(self.repo.url("git", "ref", "heads", branch)) is not None

    def open_pull(self, key: str, branch: str, title: str, body: str) -> dict[str, Any] | None:
        """Open the practice pull request from ``branch``; None when the branch is missing."""
        if not self.branch_exists(branch):
            return None
        payload = {
            "title": title,
            "head": branch,
            "base": self.default_branch,
            "body": with_marker(key, body),
        }
        answer = self.repo.request("POST", self.repo.url("pulls"), json=payload, creates=True)
        pull: dict[str, Any] = answer.json()
        return pull

    def mergeable_state(self, number: int) -> str | None:
        """The pull request's mergeable_state once GitHub knows it (at most 5 reads)."""
        for wait in (*MERGEABLE_WAITS, None):
            self.repo.forget()  # GitHub computes it late: every read must reach GitHub
            pull = self.repo.get_json(self.repo.url("pulls", number)) or {}
            state = str(pull.get("mergeable_state") or "")
            if state in KNOWN_STATES:
                return state
            if wait is None:
                return None
            self.sleep(wait)
        return None


def challenge_issue_of(items: list[Marked], number: int) -> int | None:
    key = f"challenge:{number}"
    return next((m.number for m in items if m.key == key and not m.pull), None)


def seed_practice(
    room: Room, marked: list[Marked], *, peer: bool, conflict: bool, review: bool
) -> list[str]:
    """Open the practice material the plan asks for; returns what was done (for the log)."""
    done = []
    if peer:
        room.open_issue(copy.PEER_ISSUE_TITLE, with_marker(PEER_ISSUE_KEY, copy.PEER_ISSUE_BODY))
        done.append("peer-simulation issue")
    if conflict:
        done.append(_conflict(room, marked))
    if review:
        done.append(_review(room, marked))
    return done


def _missing_branch(room: Room, marked: list[Marked], challenge: int, branch: str) -> str:
    issue = challenge_issue_of(marked, challenge)
    if issue is not None:
        body = copy.NO_PRACTICE_BRANCH.format(branch=branch)
        room.repo.upsert_comment(issue, copy.NO_PRACTICE_BRANCH_KEY, body)
    room.log("a practice branch is missing; run provisioning for this room", branch=branch)
    return f"no {branch} branch"


def _conflict(room: Room, marked: list[Marked]) -> str:
    from glow.room.progression.decide import CONFLICT_BRANCH, CONFLICT_FOR

    pull = room.open_pull(
        CONFLICT_KEY, CONFLICT_BRANCH, copy.CONFLICT_PR_TITLE, copy.CONFLICT_PR_BODY
    )
    if pull is None:
        return _missing_branch(room, marked, CONFLICT_FOR, CONFLICT_BRANCH)
    number = int(pull["number"])
    state = room.mergeable_state(number)
    if state == "dirty":
        return f"conflict pull request #{number} (dirty)"
    issue = challenge_issue_of(marked, CONFLICT_FOR)
    if issue is not None:
        url = str(pull.get("html_url") or "")
        note = copy.CONFLICT_NOTE.format(pr=number, url=url)
        room.repo.upsert_comment(issue, CONFLICT_NOTE_KEY, note)
    room.log("the conflict pull request's state is not dirty", pr=number, state=state)
    return f"conflict pull request #{number} ({state or 'unknown'}, note posted)"


def _review(room: Room, marked: list[Marked]) -> str:
    from glow.room.progression.decide import REVIEW_BRANCH, REVIEW_FOR

    pull = room.open_pull(REVIEW_KEY, REVIEW_BRANCH, copy.REVIEW_PR_TITLE, copy.REVIEW_PR_BODY)
    if pull is None:
        return _missing_branch(room, marked, REVIEW_FOR, REVIEW_BRANCH)
    return f"peer-review pull request #{pull['number']}"
