"""Progression, decided: which challenge issues (and practice material) a room must have now.

Pure functions: the room's issues as GitHub lists them (``state=all``, pull requests included),
the learner's facts and the challenge catalogue in, a plan out. Nothing is remembered between
runs, so a duplicate delivery, a re-run hours later or a run that replaces a dropped one all
plan from the same state and converge.

Identity is the hidden first-line marker (``<!-- glow:challenge:N -->``, ``glow:practice:...``)
on an issue written by the workshop's bots or staff, never a title: a learner may copy a
marker into an issue of their own, and that copy is not a challenge.

Closing a challenge as *completed* opens what it unlocks; closing it as *not planned* opens
nothing (that is how a duplicate or a wrongly opened challenge is retired; a facilitator moves a
learner on with the workflow's ``start_challenge`` input instead).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from glow.cohort.signals import is_bot
from glow.room.challenges import (
    BONUS,
    CONFLICT_LINE_PREFIX,
    CORE,
    Challenge,
    PathName,
    unlocks_in,
)

LEARNER_FILE = ".glow/learner.yml"
PATHS: tuple[PathName, ...] = ("day1-day2", "day2-only")
DEFAULT_PATH: PathName = "day1-day2"
# Where each path starts (Catalogue.first agrees when the catalogue is whole).
PATH_START: dict[PathName, int] = {"day1-day2": 1, "day2-only": 10}
LAST = max(BONUS)
STAFF = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})

# Practice material, seeded when the challenge that uses it opens.
PEER_ISSUE_FOR = 3
CONFLICT_FOR = 7
REVIEW_FOR = 12
PEER_ISSUE_KEY = "practice:peer-issue"
CONFLICT_KEY = "practice:merge-conflict"
REVIEW_KEY = "practice:peer-review"
CONFLICT_BRANCH = "practice/merge-conflict"
REVIEW_BRANCH = "practice/peer-review"
CONFLICT_FILE = "docs/conflict-practice.md"
REVIEW_FILE = "docs/review-me.md"
CONFLICT_NOTE_KEY = "practice:merge-conflict-note"

_MARKER = re.compile(r"<!--\s*glow:([A-Za-z0-9][A-Za-z0-9_.:/@#-]*)\s*-->")


@dataclass(frozen=True)
class LearnerFacts:
    """``.glow/learner.yml``, as provisioning writes it; defaults when absent or garbage.

    ``glow_install`` and ``facilitators`` are the workshop's GLOW_INSTALL and GLOW_FACILITATORS:
    on GitHub Free an organisation's variables reach no private repository, so the room reads
    them here (the room's install-glow action reads ``glow_install:`` with bash)."""

    handle: str | None = None
    cohort: str | None = None
    path: PathName = DEFAULT_PATH
    glow_install: str | None = None
    facilitators: str | None = None


def learner_file(
    handle: str, cohort: str, path: PathName, *, glow_install: str = "", facilitators: str = ""
) -> str:
    """The text provisioning writes to ``.glow/learner.yml`` (stable, so a re-run is a no-op).
    The workshop's facts are lines only when set, so a room of a workshop that sets none keeps
    the file it has; every value stays on its one line (no folding)."""
    facts: dict[str, str] = {"handle": handle, "cohort": cohort, "path": path}
    if glow_install.strip():
        facts["glow_install"] = glow_install.strip()
    if facilitators.strip():
        facts["facilitators"] = facilitators.strip()
    return yaml.safe_dump(facts, sort_keys=False, allow_unicode=True, width=1_000_000)


def parse_learner_file(text: str | None) -> LearnerFacts:
    """The learner's facts; a missing or unreadable file gives the two-day path and no handle."""
    try:
        data = yaml.safe_load(text or "")
    except yaml.YAMLError:
        return LearnerFacts()
    if not isinstance(data, dict):
        return LearnerFacts()
    handle = data.get("handle")
    cohort = data.get("cohort")
    path = data.get("path")
    return LearnerFacts(
        handle=str(handle).strip().lstrip("@") or None if handle else None,
        cohort=str(cohort) if cohort else None,
        path=path if path in PATHS else DEFAULT_PATH,
        glow_install=_text(data.get("glow_install")),
        facilitators=_text(data.get("facilitators")),
    )


def _text(value: object) -> str | None:
    """A one-line text value of the file, or None."""
    return value.strip() or None if isinstance(value, str) else None


def facilitators_to_mention(variable: str | None, facts: LearnerFacts) -> str:
    """Whom a help answer mentions: GLOW_FACILITATORS when the room sees it (a paid plan's
    organisation variable, or the room's own), else the workshop's, from the learner file."""
    return (variable or "").strip() or facts.facilitators or ""


def marker_key(body: object) -> str | None:
    """The key of the marker on the body's first line, or None."""
    if not isinstance(body, str):
        return None
    first = body.lstrip("\ufeff").split("\n", 1)[0].strip()
    found = _MARKER.fullmatch(first)
    return found.group(1) if found else None


def trusted(item: Mapping[str, Any], learner: str | None, own_logins: Iterable[str] = ()) -> bool:
    """Written by the workshop: our bot (the job token), any bot (the provisioning App), or staff
    other than the learner (provisioning with a facilitator's token). Never the learner."""
    user = item.get("user") or {}
    login = str(user.get("login") or "")
    if learner and login.lower() == learner.lower():
        return False
    if login.lower() in {o.lower() for o in own_logins}:
        return True
    if is_bot(login, str(user.get("type") or "")):
        return True
    return str(item.get("author_association") or "").upper() in STAFF


@dataclass(frozen=True)
class Marked:
    """One trusted issue or pull request carrying a marker."""

    key: str
    number: int
    open: bool
    completed: bool  # closed as completed (a merged practice PR counts as closed)
    pull: bool
    # What closing this challenge opens on the learner's path, as its issue says (None: the
    # issue does not say; read the challenge's file).
    unlocks: tuple[int, ...] | None = None


def marked_items(
    issues: Iterable[Mapping[str, Any]], learner: str | None, own_logins: Iterable[str] = ()
) -> list[Marked]:
    """Every trusted, marked issue and pull request, lowest number first."""
    own = tuple(own_logins)
    found = []
    for item in issues:
        key = marker_key(item.get("body"))
        number = item.get("number")
        if key is None or not isinstance(number, int) or not trusted(item, learner, own):
            continue
        state = item.get("state")
        found.append(
            Marked(
                key=key,
                number=number,
                open=state != "closed",
                completed=state == "closed" and item.get("state_reason") != "not_planned",
                pull=bool(item.get("pull_request")),
                unlocks=unlocks_in(item.get("body")),
            )
        )
    return sorted(found, key=lambda m: m.number)


def challenge_of(key: str) -> int | None:
    if key.startswith("challenge:") and key[10:].isdigit():
        return int(key[10:])
    return None


@dataclass
class Plan:
    """What the room must gain. Each list is in the order it should be carried out."""

    create: list[int] = field(default_factory=list)  # challenges to open, ascending
    close_duplicates: list[tuple[int, int]] = field(default_factory=list)  # (issue, keep)
    peer_issue: bool = False
    conflict_pr: bool = False
    review_pr: bool = False
    problems: list[str] = field(default_factory=list)  # log lines (not learner copy)

    @property
    def empty(self) -> bool:
        return not (
            self.create
            or self.close_duplicates
            or self.peer_issue
            or self.conflict_pr
            or self.review_pr
        )


def valid_start(value: object) -> int | None:
    """A ``start_challenge`` input as a challenge number, or None when it is not 1 to 21."""
    text = str(value if value is not None else "").strip()
    if not text.isdigit():
        return None
    number = int(text)
    return number if min(CORE) <= number <= LAST else None


def challenge_copies(items: Iterable[Marked]) -> dict[int, list[Marked]]:
    """Each challenge's issues (pull requests aside), lowest number first."""
    by_challenge: dict[int, list[Marked]] = {}
    for item in sorted(items, key=lambda m: m.number):
        number = challenge_of(item.key)
        if number is not None and not item.pull:
            by_challenge.setdefault(number, []).append(item)
    return by_challenge


def duplicates(
    items: Iterable[Marked], among: Iterable[int] | None = None
) -> list[tuple[int, int]]:
    """(issue, keep) for every open copy of a challenge that has an older issue: the oldest is
    kept. ``among`` limits it to those issues (a run settling only what it created)."""
    mine = None if among is None else set(among)
    found = []
    for _number, copies in sorted(challenge_copies(items).items()):
        keep = copies[0]
        found += [
            (c.number, keep.number)
            for c in copies[1:]
            if c.open and (mine is None or c.number in mine)
        ]
    return found


def plan(
    items: Iterable[Marked],
    path: PathName,
    challenge: Callable[[int], Challenge | None],
    *,
    start: int | None = None,
) -> Plan:
    """What the room needs now: every challenge unlocked by one closed as completed, the path's
    first challenge when the room has none, ``start`` when a facilitator asked for it, one issue
    per challenge (newer open copies are closed as duplicates), and the practice material of
    every open challenge that uses some. ``challenge(n)`` reads the catalogue lazily."""
    items = list(items)
    out = Plan()
    by_challenge = challenge_copies(items)
    out.close_duplicates = duplicates(items)
    wanted: set[int] = set()
    if not by_challenge:
        wanted.add(PATH_START[path])
    if start is not None:
        wanted.add(start)
    for number, copies in sorted(by_challenge.items()):
        if any(c.completed for c in copies) and not any(c.open for c in copies):
            said = next((c.unlocks for c in copies if c.unlocks is not None), None)
            if said is not None:
                wanted.update(said)  # decided, for this path, when the issue was opened
                continue
            done = challenge(number)
            if done is None:
                out.problems.append(f"challenge {number} is closed but has no file in challenges/")
                continue
            for n in done.unlocks:
                unlocked = challenge(n)
                if unlocked is not None and path in unlocked.paths:
                    wanted.add(n)
    for number in sorted(wanted - set(by_challenge)):
        if challenge(number) is None:
            out.problems.append(f"challenge {number} has no file in challenges/, not opened")
        else:
            out.create.append(number)
    open_now = {n for n, copies in by_challenge.items() if any(c.open for c in copies)}
    open_now |= set(out.create)
    keys = {item.key for item in items}
    out.peer_issue = PEER_ISSUE_FOR in open_now and PEER_ISSUE_KEY not in keys
    out.conflict_pr = CONFLICT_FOR in open_now and CONFLICT_KEY not in keys
    out.review_pr = REVIEW_FOR in open_now and REVIEW_KEY not in keys
    return out


# The Challenge 7 conflict: one line changed two different ways ------------------------------

CONFLICT_DEFAULT = (
    "# Conflict practice\n"
    "\n"
    "This file is where you practise resolving a merge conflict.\n"
    "\n"
    "The workshop starts at 9:00 in the morning.\n"
)
_BRANCH_LINE = "The workshop starts at 9:30 in the morning, after a short welcome."
_MAIN_LINE = "The workshop starts at 10:00 in the morning, after coffee."
_BRANCH_PLACE = "the library, room 4, on the second floor."
_MAIN_PLACE = "the community hall, next to the station."


def conflict_line(text: str) -> int | None:
    """The index of the line both sides change: the line the challenge names (it starts with
    ``CONFLICT_LINE_PREFIX``, "Meeting place:"), else the last line that is not blank, a heading
    or part of a list; None when the file has no such line."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.startswith(CONFLICT_LINE_PREFIX):
            return index
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index].strip()
        if line and not line.startswith(("#", "-", "*", ">", "|", "<!--")):
            return index
    return None


def conflict_versions(text: str | None) -> tuple[str, str, str]:
    """(base, branch, default branch) texts of the conflict file: the same line changed two
    different ways, so merging the branch conflicts for real."""
    base = text if text and conflict_line(text) is not None else CONFLICT_DEFAULT
    index = conflict_line(base)
    assert index is not None
    lines = base.split("\n")
    theirs, ours = list(lines), list(lines)
    if lines[index].startswith(CONFLICT_LINE_PREFIX):
        # Both versions keep the label the challenge tells the learner to look for.
        theirs[index] = f"{CONFLICT_LINE_PREFIX} {_BRANCH_PLACE}"
        ours[index] = f"{CONFLICT_LINE_PREFIX} {_MAIN_PLACE}"
    else:
        theirs[index] = _BRANCH_LINE
        ours[index] = _MAIN_LINE
    return base, "\n".join(theirs), "\n".join(ours)


REVIEW_DEFAULT = "# A document to review\n\nThis document is reviewed in Challenge 12.\n"
REVIEW_ADDITION = (
    "\n"
    "## Getting help during the workshop\n"
    "\n"
    "For help, click here: https://docs.github.com/en/issues\n"
    "\n"
    "Facilitators answers questions in the issue where you ask them.\n"
)


def review_version(text: str | None) -> str:
    """``docs/review-me.md`` as the peer-simulation pull request changes it: a paragraph with
    things a reviewer should catch (vague link text, a bare URL, a grammar slip)."""
    base = text if text else REVIEW_DEFAULT
    if REVIEW_ADDITION.strip() in base:
        return base
    return base.rstrip("\n") + "\n" + REVIEW_ADDITION
