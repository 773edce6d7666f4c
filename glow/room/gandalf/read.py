"""What Gandalf reads from the room for one pull request: the challenges it links, the files it
changes, the allowed files of those challenges (the room's ``challenges/`` folder on its default
branch, never the pull request's own copy, which a learner could widen), and the room's pull
request template."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from glow.room.gandalf.decide import (
    Facts,
    Issue,
    Pull,
    first_pull_of,
    linked_challenges,
    open_issues,
)

if TYPE_CHECKING:
    from glow.github import Repo
    from glow.room.challenges import Challenge

TEMPLATE_PATH = ".github/pull_request_template.md"


def challenge_path(number: int) -> str:
    return f"challenges/challenge-{number:02d}.md"


@dataclass
class RoomReader:
    """Reads shared by every pull request a run checks (each read at most once a run)."""

    repo: Repo
    pulls: list[dict[str, Any]]
    log: Any
    _items: list[dict[str, Any]] | None = None
    _learner: tuple[str | None] | None = None
    _template: tuple[str | None] | None = None
    _challenges: dict[int, Challenge | None] = field(default_factory=dict)

    def learner(self) -> str | None:
        """The room's learner, from ``.glow/learner.yml`` as provisioning wrote it (None when
        the file is missing or unreadable: the pull request's author stands in)."""
        if self._learner is None:
            from glow.room.pulls import learner_handle

            self._learner = (learner_handle(self.repo),)
        return self._learner[0]

    def issues(self, author: str = "") -> tuple[Issue, ...]:
        """The room's open issues; a challenge issue is judged as the graders judge it."""
        if self._items is None:
            self._items = list(self.repo.paginate(self.repo.url("issues"), {"state": "open"}))
        learner = self.learner() or author or None
        return tuple(open_issues(self._items, learner, [self.repo.login()]))

    def template(self) -> str | None:
        if self._template is None:
            found = self.repo.read_file(TEMPLATE_PATH)
            self._template = (found.text if found else None,)
        return self._template[0]

    def challenge(self, number: int) -> Challenge | None:
        """Challenge ``number`` as the room's default branch states it; None when its file is
        missing or unreadable (said in the log: the check then sets no file limit)."""
        if number not in self._challenges:
            from glow.room.challenges import CatalogueProblem, parse_challenge

            path = challenge_path(number)
            found = self.repo.read_file(path)
            parsed = None
            if found is None:
                self.log("challenge file not found, no file limit", path=path)
            else:
                try:
                    parsed = parse_challenge(found.text, path)
                except CatalogueProblem as exc:
                    self.log("challenge file unreadable, no file limit", error=str(exc))
            self._challenges[number] = parsed
        return self._challenges[number]

    def facts(self, pull: Pull) -> Facts:
        from glow.room.pulls import changed_files

        first = first_pull_of(self.pulls, pull.author) == pull.number
        issues = self.issues(pull.author)
        base = Facts(self.repo.full_name, pull, first, issues, ())
        allowed, keys = {}, {}
        for issue in linked_challenges(base):
            assert issue.challenge is not None
            challenge = self.challenge(issue.challenge)
            if challenge is not None:
                allowed[issue.challenge] = challenge.pr_files
                keys[issue.challenge] = challenge.key
        # The files matter only against a limit: no limit, no request.
        changed = (
            tuple(f["filename"] for f in changed_files(self.repo, pull.number))
            if any(allowed.values())
            else ()
        )
        return Facts(
            self.repo.full_name,
            pull,
            first,
            issues,
            changed,
            allowed,
            keys,
            self.template(),
        )
