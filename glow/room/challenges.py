"""The challenge catalogue: one Markdown file per challenge, YAML front matter, read with a real
YAML parser (never by regex).

A challenge file, ``learning-room-template/challenges/challenge-NN.md``::

    ---
    number: 6
    key: "6"                 # what learners see: 1 to 16, bonus A to E
    title: "Challenge 6: Open your first pull request"
    day: 1
    paths: [day1-day2]       # the registration paths that include it
    evidence: A merged pull request whose description says `Closes #N` for this issue.
    grader: pr-linked        # one of GRADERS, or absent when a person checks the evidence
    unlocks: [7]             # opened when this one is closed
    pr_files: ["docs/welcome.md"]  # what a pull request for it may touch (absent: no PR)
    learn_more:
      - text: GitHub Docs, creating a pull request
        url: https://docs.github.com/en/pull-requests/...
    ---
    The body, Markdown, screen-reader first.

Core challenges are numbered 1 to 16, bonus challenges 17 to 21 (keys A to E). A challenge's
identity is its number: the issue it becomes starts with the marker ``<!-- glow:challenge:N -->``
(``glow.cohort.progress`` counts progress by it), never its title.

Pure: text in, models out. ``load_directory`` is the one function that reads files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from glow.markers import with_marker

CHALLENGES_DIR = "challenges"
CORE = range(1, 17)
BONUS = range(17, 22)
DAY1_LAST = 9

# The room's files the challenges send learners to and the graders read (paths in a learner's
# room, from learning-room-template/; tests/test_challenges.py holds them equal to the files).
WELCOME_PATH = "docs/welcome.md"  # TODO lines: Challenge 2 reports one, 5 and 10 replace one
REVIEW_ME_PATH = "docs/review-me.md"  # what the Challenge 12 peer-simulation PR changes
CONFLICT_PRACTICE_PATH = "docs/conflict-practice.md"  # the only file the conflict grader reads
CONFLICT_LINE_PREFIX = "Meeting place:"  # the Challenge 7 conflict is made on this line
CAPSTONE_TEMPLATE_PATH = "docs/capstone-plan-template.md"  # its `## ` headings are required
CAPSTONE_DIR = "docs/capstone"  # the learner writes docs/capstone/<handle>.md
PLACEHOLDER_PREFIX = "TODO:"  # a line the learner has not filled in yet
TODO_FORM_PATH = ".github/ISSUE_TEMPLATE/report-a-todo.yml"  # Challenge 2's issue form
TODO_FORM_HEADINGS = ("What", "Where", "Why")  # rendered as `### What`, ... in the issue body
# The room's own issue forms: the template grader (Challenge 14) never counts them.
ROOM_ISSUE_TEMPLATES = (
    ".github/ISSUE_TEMPLATE/help.yml",
    ".github/ISSUE_TEMPLATE/intake.yml",
    TODO_FORM_PATH,
)

PathName = Literal["day1-day2", "day2-only"]
GraderName = Literal[
    "issue-filed",
    "branch-commit",
    "pr-linked",
    "conflict-resolved",
    "local-commit",
    "issue-template",
    "capstone",
]
GRADERS: tuple[GraderName, ...] = get_args(GraderName)


class CatalogueProblem(ValueError):
    """The challenge files cannot be used (the message names the file and what to fix)."""


class Link(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = Field(min_length=3)
    url: str = Field(pattern=r"^(https://|\.\./|\./|[A-Za-z0-9_.-]+/)")


class Challenge(BaseModel):
    """One challenge, as its file states it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int = Field(ge=1, le=21)
    key: str = Field(min_length=1, max_length=2)
    title: str = Field(min_length=5)
    day: Literal[1, 2]
    paths: tuple[PathName, ...] = Field(min_length=1)
    evidence: str = Field(min_length=5)
    grader: GraderName | None = None
    unlocks: tuple[int, ...] = ()
    # Glob patterns (fnmatch) of the files a pull request that completes this challenge may
    # touch; empty when the challenge expects no pull request. Gandalf checks a PR against them.
    pr_files: tuple[str, ...] = ()
    learn_more: tuple[Link, ...] = Field(min_length=1)
    body: str = Field(min_length=20)

    @field_validator("title")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value.strip():
            raise ValueError("a title is one line")
        return value.strip()

    @property
    def bonus(self) -> bool:
        return self.number in BONUS

    @property
    def marker_key(self) -> str:
        """The hidden marker that identifies this challenge's issue: ``challenge:N``."""
        return f"challenge:{self.number}"

    def issue_body(self, unlocks: Iterable[int] | None = None) -> str:
        """The issue body as the progression bot posts it: marker first, the whole body, and,
        when given, a hidden last line naming what closing it opens on the learner's path (so
        progression knows it from the issue alone, without reading the challenge files)."""
        body = with_marker(self.marker_key, self.body)
        if unlocks is None:
            return body
        listed = ",".join(str(n) for n in unlocks) or "none"
        return f"{body.rstrip(chr(10))}\n\n{UNLOCKS_PREFIX}{listed} -->\n"


UNLOCKS_PREFIX = "<!-- glow:unlocks:"
_UNLOCKS = re.compile(r"^<!-- glow:unlocks:(none|\d+(?:,\d+)*) -->$")


def unlocks_in(body: str | None) -> tuple[int, ...] | None:
    """What a challenge issue says closing it opens (its hidden last line); None when it does
    not say (an issue posted before the line existed, or one a person edited away)."""
    lines = (body or "").rstrip().split("\n")
    found = _UNLOCKS.match(lines[-1].strip()) if lines else None
    if found is None:
        return None
    return () if found.group(1) == "none" else tuple(int(n) for n in found.group(1).split(","))


def split_front_matter(text: str, source: str) -> tuple[dict[str, object], str]:
    """(front matter as a mapping, the Markdown after it). Raises CatalogueProblem."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise CatalogueProblem(f"{source} does not start with front matter (a line ---)")
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
    except StopIteration:
        raise CatalogueProblem(f"{source}: the front matter has no closing ---") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        raise CatalogueProblem(f"{source}: the front matter is not YAML ({exc})") from None
    if not isinstance(meta, dict):
        raise CatalogueProblem(f"{source}: the front matter is not a mapping of fields")
    return meta, "\n".join(lines[end + 1 :]).strip("\n") + "\n"


def parse_challenge(text: str, source: str = "challenge") -> Challenge:
    """One challenge file's text as a Challenge. Raises CatalogueProblem naming ``source``."""
    meta, body = split_front_matter(text, source)
    try:
        return Challenge.model_validate({**meta, "body": body})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "front matter"
        raise CatalogueProblem(f"{source}: {where}: {first['msg']}") from None


class Catalogue:
    """Every challenge, by number, checked as a whole (numbers, unlocks, paths). ``sources``
    names the file each number came from, so a problem names the file to fix."""

    def __init__(
        self, challenges: Iterable[Challenge], *, sources: Mapping[int, str] | None = None
    ) -> None:
        self.by_number: dict[int, Challenge] = {}
        self.sources: dict[int, str] = dict(sources or {})
        for challenge in challenges:
            if challenge.number in self.by_number:
                raise CatalogueProblem(f"two challenges are number {challenge.number}")
            self.by_number[challenge.number] = challenge
        for challenge in self.by_number.values():
            missing = [n for n in challenge.unlocks if n not in self.by_number]
            if missing:
                where = self.sources.get(challenge.number, f"challenge {challenge.number}")
                raise CatalogueProblem(
                    f"{where}: unlocks {missing}, which no challenge file defines"
                )

    def __iter__(self) -> Iterator[Challenge]:
        return iter(sorted(self.by_number.values(), key=lambda c: c.number))

    def __len__(self) -> int:
        return len(self.by_number)

    def get(self, number: int) -> Challenge | None:
        return self.by_number.get(number)

    def for_path(self, path: PathName) -> list[Challenge]:
        """The challenges a path includes, in order."""
        return [c for c in self if path in c.paths]

    def first(self, path: PathName) -> Challenge:
        """Where a learner on ``path`` starts (1 for the two-day path, 10 for Day 2 only)."""
        included = self.for_path(path)
        if not included:
            raise CatalogueProblem(f"no challenge includes the path {path}")
        return included[0]

    def unlocked_by(self, number: int, path: PathName) -> list[Challenge]:
        """What closing challenge ``number`` opens for a learner on ``path``."""
        challenge = self.by_number.get(number)
        if challenge is None:
            return []
        return [self.by_number[n] for n in challenge.unlocks if path in self.by_number[n].paths]


def parse_catalogue(files: Mapping[str, str]) -> Catalogue:
    """The catalogue from ``{path: text}`` of every ``challenges/*.md`` file (other paths are
    ignored). Raises CatalogueProblem naming the file to fix."""
    challenges: list[Challenge] = []
    sources: dict[int, str] = {}
    for path, text in sorted(files.items()):
        if not (path.endswith(".md") and Path(path).name.startswith("challenge-")):
            continue
        challenge = parse_challenge(text, path)
        if challenge.number in sources:
            raise CatalogueProblem(
                f"{path}: number {challenge.number} is already the number of "
                f"{sources[challenge.number]}; give each challenge its own number"
            )
        sources[challenge.number] = path
        challenges.append(challenge)
    return Catalogue(challenges, sources=sources)


def required_sections(template_text: str) -> list[str]:
    """The ``## `` headings of a plan template (the capstone's required sections), in order."""
    return [
        line[3:].strip()
        for line in template_text.replace("\r\n", "\n").split("\n")
        if line.startswith("## ") and line[3:].strip()
    ]


def load_directory(directory: Path) -> Catalogue:
    """The catalogue of a checkout's ``challenges/`` folder."""
    files = {
        f"{CHALLENGES_DIR}/{p.name}": p.read_text(encoding="utf-8")
        for p in sorted(directory.glob("challenge-*.md"))
    }
    if not files:
        raise CatalogueProblem(f"{directory} holds no challenge-*.md files")
    return parse_catalogue(files)
