"""What the dashboard reads, with the provisioning credential: each learner's room, and each
registration repository once.

A room costs one request when the facts its status issue keeps still stand
(``decide.room_unchanged``): its issue listing ``since`` the kept cursor. Otherwise, and on the
learner's daily turn, it is read in full as before: the issues (state all) and, when any has a
comment, the room's comments updated within the look-back. A registration repository costs one
listing of its issues (their labels) and one of all its comments (each learner's registration
comments, grouped by issue), 100 to a page, however many learners it has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from glow.cohort.observe import Observer, any_comments, list_or_none
from glow.cohort.progress import github_time

if TYPE_CHECKING:
    from glow.cohort.dashboard.decide import RoomFacts
    from glow.cohort.model import Learner
    from glow.cohort.observe import Repos


@dataclass
class Reader:
    """Reads learners on the run's one provisioning client (``repos``), each registration
    repository once."""

    repos: Repos
    observer: Observer = field(init=False)
    full_reads: int = 0  # rooms read in full this run (the rest answered by one listing)

    def __post_init__(self) -> None:
        self.observer = Observer(self.repos)

    def registration(self, learner: Learner) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
        """The comments and labels of the learner's registration issue (each registration
        repository read once: ``observe.Observer``)."""
        return self.observer.comments(learner), self.observer.registration_labels(learner)

    def room(
        self, learner: Learner, kept: RoomFacts | None, *, comments_since: datetime, full: bool
    ) -> RoomFacts | None:
        """The room's facts (None: no room, or not readable): the kept ones when its listing
        since their cursor shows nothing new, else a full read."""
        from glow.cohort.dashboard.decide import room_facts, room_unchanged

        if not learner.learning_room_repo:
            return None
        repo = self.repos.get(learner.learning_room_repo)
        if kept is not None and kept.cursor is not None and not full:
            params = {"state": "all", "since": kept.cursor}
            listing = list_or_none(repo, repo.url("issues"), params)
            if listing is None:
                return None
            if room_unchanged(kept, listing):
                return kept
        self.full_reads += 1
        issues = list_or_none(repo, repo.url("issues"), {"state": "all"})
        comments = None
        if issues is not None:
            if any_comments(issues):
                since = {"since": github_time(comments_since)}
                comments = list_or_none(repo, repo.url("issues", "comments"), since)
            else:
                comments = []
        return room_facts(learner, issues, comments)
