"""One learner's Learning Room, carried out (seed 003, section 7.2b, steps 1 to 4): find or
generate the room (``start``), then (``finish``) restore required files in one commit, invite
the learner, seed the first challenge issue once, and verify the required set.

GitHub answers generate before it has copied the template's files, so the engine starts the
next rooms between the two halves and finishes this one once its files are there.
Every step reads GitHub's state first, so a room that is already right costs reads only. A room
generated in this very attempt is known to be empty of issues and collaborators, so those reads
are skipped for it (fewer requests per learner, same outcome).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from glow.cohort.model import Learner
from glow.cohort.provisioning import practice
from glow.cohort.provisioning.copy import (
    FILES_LATE,
    NO_USER,
    RESTORE_MESSAGE,
    ROOM_DESCRIPTION,
    STILL_MISSING,
)
from glow.cohort.provisioning.decide import (
    CHALLENGE_KEY,
    RETRY_STATES,
    ChallengeIssue,
    LearnerOutcome,
    TemplateSnapshot,
    room_gaps,
)
from glow.errors import GitHubError, GlowError
from glow.github.repo import Repo, segment, split_full_name
from glow.gitsha import git_blob_sha
from glow.markers import has_marker
from glow.room.progression.decide import LEARNER_FILE, learner_file, marker_key

RepoFactory = Callable[[str, str], Repo]

NOT_READY_STATUSES = (404, 409)
LEARNER_MESSAGE = "Record the learner's handle, cohort and path for the room's bots"
NO_START = (
    "the template has no challenges/challenge-{number:02d}.md, where the {path} path starts; "
    "add it to the template and run again"
)  # 409: "Git Repository is empty" while the copy is under way


class ProvisionError(GlowError):
    """One learner could not be provisioned; the message is the log's error_detail."""


@dataclass
class Visit:
    """One learner's visit: started (the room found or generated), then finished."""

    learner: Learner
    outcome: LearnerOutcome
    index: int
    repos: list[Repo] = field(default_factory=list)  # every adapter used, for the counts
    info: dict[str, Any] | None = None  # the room as GitHub showed it; None: not started
    fresh: bool = False  # generated in this visit: no issues or collaborators yet

    @property
    def room(self) -> Repo:
        return self.repos[0]

    def count(self) -> None:
        """The outcome's request counts: every request of this visit's adapters so far."""
        self.outcome.requests = sum(repo.counts.requests for repo in self.repos)
        self.outcome.writes = sum(repo.counts.writes for repo in self.repos)

    @property
    def creating(self) -> int:
        return sum(repo.counts.creating for repo in self.repos)


class RoomSteps:
    """The steps for one room; ``make_repo`` builds counted ``Repo`` adapters."""

    def __init__(
        self,
        make_repo: RepoFactory,
        *,
        poll_sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        poll_interval_s: float = 0.5,
        poll_timeout_s: float = 60.0,
        glow_install: str = "",
        facilitators: str = "",
    ) -> None:
        self.make_repo = make_repo
        # The workshop's facts for every room's learner file (settings: GLOW_INSTALL and
        # GLOW_FACILITATORS, which reach the public workshop repository on any plan).
        self.glow_install, self.facilitators = glow_install, facilitators
        self.poll_sleep = poll_sleep
        self.clock = clock
        self.poll_interval_s = poll_interval_s
        self.poll_timeout_s = poll_timeout_s

    def start(self, visit: Visit, template: TemplateSnapshot) -> None:
        """Find the learner's room, or generate it from the template (its files come later).
        Safe to call again after a failure: a room the earlier call made is found, never made
        twice."""
        if not visit.repos:
            visit.repos.append(self.make_repo(*split_full_name(visit.outcome.room)))
        visit.info, visit.fresh = self._find_or_generate(visit, template)

    def finish(self, visit: Visit, template: TemplateSnapshot) -> None:
        """Bring a started room to the required state, recording each step in the outcome.

        Safe to call again on the same visit after a failure (rate limit): steps already done
        are skipped, the rest re-read GitHub's state first.
        """
        assert visit.info is not None, "finish before start"
        room, info, fresh = visit.room, visit.info, visit.fresh
        learner, outcome = visit.learner, visit.outcome
        if info.get("archived"):
            outcome.archived = True  # teardown archived it after the workshop: leave it alone
            return
        branch = str(info.get("default_branch") or template.branch)
        present, tree_sha = self._files(room, branch)
        gaps = room_gaps(template.required, present)
        if gaps:
            self._restore(room, branch, gaps, template)
            outcome.files_written = tuple(sorted({*outcome.files_written, *gaps}))
            present, tree_sha = self._files(room, branch)
            left = room_gaps(template.required, present)
            if left:
                raise ProvisionError(STILL_MISSING.format(paths=", ".join(left)))
        if "invite" not in outcome.steps_done:
            outcome.invited = self._invite(room, learner.github_handle, fresh=fresh)
            outcome.steps_done.add("invite")
        if "seed" not in outcome.steps_done:
            # The learner's facts and the practice branches. A room generated in this visit is
            # the template's copy: all of it goes in three git data commits, none of them
            # content-creating, on the first try; any other room (or a retry) is read first.
            # Not required files: the log and the progress line stay about the required set.
            text = learner_file(
                learner.github_handle,
                learner.cohort_id,
                learner.path,
                glow_install=self.glow_install,
                facilitators=self.facilitators,
            )
            if fresh and "seed-tried" not in outcome.steps_done and tree_sha:
                outcome.steps_done.add("seed-tried")
                practice.seed_fresh(room, branch, tree_sha, template.practice, {LEARNER_FILE: text})
            else:
                self._learner_file(room, branch, text, present)
                practice.seed_branches(room, branch)
            outcome.steps_done.add("seed")
        if "challenge" not in outcome.steps_done:
            number, first = template.first_challenge(learner.path)
            if first is None:
                raise ProvisionError(NO_START.format(number=number, path=learner.path))
            outcome.challenge_seeded = self._seed_challenge(room, first, fresh=fresh)
            outcome.steps_done.add("challenge")

    # Step 1: the room -------------------------------------------------------------------------

    def _find_or_generate(
        self, visit: Visit, template: TemplateSnapshot
    ) -> tuple[dict[str, Any], bool]:
        room, learner, outcome = visit.room, visit.learner, visit.outcome
        info = room.get_json(room.url())
        if info is not None:
            if not outcome.created:
                outcome.existed = True
                self._unrecorded(info, outcome)
            return info, False
        tmpl = self.make_repo(*split_full_name(template.repo))
        visit.repos.append(tmpl)
        body = {
            "owner": room.owner,
            "name": room.name,
            "private": True,
            "include_all_branches": False,
            "description": ROOM_DESCRIPTION.format(
                handle=learner.github_handle, cohort=learner.cohort_id
            ),
        }
        try:
            created = tmpl.request("POST", tmpl.url("generate"), json=body).json()
        except GitHubError as exc:
            # 422: the name is taken. An earlier attempt whose answer we lost (or a parallel
            # run) made it: that repository is this learner's room; never make a second one.
            found = room.get_json(room.url()) if exc.status == 422 else None
            if found is None:
                raise
            outcome.existed = not outcome.created
            if outcome.existed:
                self._unrecorded(found, outcome)
            return found, False
        outcome.created = True
        return created, True

    @staticmethod
    def _unrecorded(info: dict[str, Any], outcome: LearnerOutcome) -> None:
        """A room the roster does not record yet: when GitHub says it was created."""
        from datetime import datetime

        if outcome.prior_state not in RETRY_STATES or outcome.prior_room == outcome.room:
            return
        created = str(info.get("created_at") or "")
        try:
            outcome.unrecorded_since = datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            return

    def _tree(self, room: Repo, branch: str) -> tuple[dict[str, str], str] | None:
        try:
            tree = room.request(
                "GET", room.url("git", "trees", segment(branch)), params={"recursive": "1"}
            ).json()
        except GitHubError as exc:
            if exc.status in NOT_READY_STATUSES:
                return None
            raise
        files = {
            str(e["path"]): str(e["sha"]) for e in tree.get("tree") or [] if e.get("type") == "blob"
        }
        return files, str(tree.get("sha") or "")

    def _files(self, room: Repo, branch: str) -> tuple[dict[str, str], str]:
        """The room's files (path -> blob sha) and its tree's sha. GitHub answers 201 to
        generate BEFORE it copies the template, so an empty room is polled, with growing pauses,
        up to a time limit."""
        deadline = self.clock() + self.poll_timeout_s
        interval = self.poll_interval_s
        while True:
            found = self._tree(room, branch)
            if found and found[0]:
                return found
            if self.clock() + interval > deadline:
                raise ProvisionError(
                    FILES_LATE.format(room=room.full_name, seconds=self.poll_timeout_s)
                )
            self.poll_sleep(interval)
            interval = min(interval * 1.5, 5.0)

    # Steps 1 and 3: required files --------------------------------------------------------------

    def _restore(
        self, room: Repo, branch: str, gaps: tuple[str, ...], template: TemplateSnapshot
    ) -> None:
        message = RESTORE_MESSAGE.format(
            count=len(gaps), sha=template.short_sha, paths="\n".join(f"- {p}" for p in gaps)
        )
        room.commit_files({path: template.texts[path] for path in gaps}, message, branch=branch)

    # Step 2: access ---------------------------------------------------------------------------

    def _invite(self, room: Repo, handle: str, *, fresh: bool) -> bool:
        """True when an invitation was created; False when the learner has access or a live
        invitation already (no write at all then)."""
        if not fresh and (self._has_access(room, handle) or self._invited(room, handle)):
            return False
        try:
            answer = room.request(
                "PUT", room.url("collaborators", segment(handle)), json={"permission": "push"}
            )
        except GitHubError as exc:
            if exc.status == 404:
                raise ProvisionError(NO_USER.format(handle=handle)) from exc
            raise
        # 201: an invitation was created; 204: access already there, no invitation needed.
        return answer.status_code == 201

    def _has_access(self, room: Repo, handle: str) -> bool:
        try:
            room.request("GET", room.url("collaborators", segment(handle)))
        except GitHubError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    def _invited(self, room: Repo, handle: str) -> bool:
        wanted = handle.lower()
        return any(
            str((inv.get("invitee") or {}).get("login", "")).lower() == wanted
            and not inv.get("expired")
            for inv in room.paginate(room.url("invitations"))
        )

    # The learner's facts, for the room's bots ---------------------------------------------------

    @staticmethod
    def _learner_file(room: Repo, branch: str, text: str, present: dict[str, str]) -> bool:
        """Write ``.glow/learner.yml`` unless it already holds these facts; True when written."""
        if present.get(LEARNER_FILE) == git_blob_sha(text.encode("utf-8")):
            return False
        done = room.write_file(LEARNER_FILE, lambda _old: text, LEARNER_MESSAGE, branch=branch)
        return done != "unchanged"

    # Step 3: the first challenge --------------------------------------------------------------

    def _seed_challenge(self, room: Repo, challenge: ChallengeIssue, *, fresh: bool) -> bool:
        """Post the path's first challenge unless an issue carrying its marker exists (any state,
        any title)."""
        key = marker_key(challenge.body) or CHALLENGE_KEY
        if not fresh:
            issues = room.paginate(
                room.url("issues"), {"state": "all", "sort": "created", "direction": "asc"}
            )
            if any(has_marker(issue.get("body"), key) for issue in issues):
                return False
        room.request(
            "POST",
            room.url("issues"),
            json={"title": challenge.title, "body": challenge.body},
            creates=True,
        )
        return True
