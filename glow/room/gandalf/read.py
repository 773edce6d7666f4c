"""What Gandalf reads from the room for one pull request: the challenges it links, the files it
changes, the allowed files of those challenges (the room's ``challenges/`` folder on its default
branch, never the pull request's own copy, which a learner could widen), and the room's pull
request template."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from glow.room.gandalf.decide import Facts, Issue, Pull, first_pull_of, linked_challenges

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
    _issues: tuple[Issue, ...] | None = None
    _template: tuple[str | None] | None = None
    _challenges: dict[int, Challenge | None] = field(default_factory=dict)

    def issues(self) -> tuple[Issue, ...]:
        if self._issues is None:
            from glow.room.gandalf.decide import open_issues

            items = self.repo.paginate(self.repo.url("issues"), {"state": "open"})
            self._issues = tuple(open_issues(items, self.repo.is_ours))
        return self._issues

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
        base = Facts(self.repo.full_name, pull, first, self.issues(), ())
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
            self.issues(),
            changed,
            allowed,
            keys,
            self.template(),
        )
