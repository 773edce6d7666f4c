"""One grading pass over a room: read what ``plan`` found stale, decide, and write one comment
per family per thing (and a blameless notice when the evidence could not be read).

Writes only what differs: a grade comment whose text is already right is not touched (it is
compared with the room's comment list, no extra read), so a duplicate delivery writes nothing.
Two runs racing to create the same comment settle on the oldest one: each run that created one
re-reads and deletes any newer one of ours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from glow.errors import GitHubError
from glow.markers import normalise_body, with_marker
from glow.room.grading import decide, read
from glow.room.grading.copy import notice, render
from glow.room.grading.plan import (
    FILE_FAMILIES,
    RoomState,
    Subject,
    fingerprint_line,
    grade_key,
    notice_key,
    pull_families,
)
from glow.room.pulls import upsert_once

if TYPE_CHECKING:
    from glow.github import Repo


@dataclass
class Pass:
    """What a pass did: comments written, left alone, and what could not be graded."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    failures: list[str] = field(default_factory=list)


@dataclass
class Grader:
    repo: Repo
    state: RoomState
    base: str  # the room's default branch
    dry_run: bool = False
    log: Callable[..., None] = lambda *a, **k: None
    sleep: Callable[[float], object] | None = None
    done: Pass = field(default_factory=Pass)

    def grade(self, subjects: list[Subject]) -> Pass:
        for subject in subjects:
            try:
                for verdict, fp in self.evaluate(subject):
                    self.write(subject.number, verdict, fp)
            except GitHubError as exc:
                where = f"{subject.family} on #{subject.number}"
                self.log("could not grade", family=subject.family, number=subject.number)
                self.done.failures.append(f"{where}: {exc}")
                self._notify(subject, exc)
        return self.done

    # Reading and deciding -------------------------------------------------------------------

    def evaluate(self, s: Subject) -> list[tuple[decide.Verdict, str]]:
        if s.family == "issue-filed":
            files = read.room_files(self.repo, self.base)
            return [(decide.grade_issue(s.body, files), s.fingerprint)]
        if s.family == "pr-linked":
            challenges = self.state.open_challenges(s.author)
            verdict = decide.grade_pr_linked(s.body, challenges, self.repo.full_name)
            return [(verdict, s.fingerprint)]
        if s.family == "conflict-resolved":
            if self.state.stored(s.number, "conflict-resolved") is None and read.is_seed_commit(
                self.repo, s.head_sha
            ):
                # The practice pull request as provisioning seeded it: the learner has not
                # started, so there is nothing of theirs to grade yet, whatever GitHub says of
                # its mergeability (slow to compute, so never the test of "not started").
                self.log("conflict practice not started yet", number=s.number)
                return []
            text = read.file_text(self.repo, decide.CONFLICT_FILE, s.head_sha)
            kwargs = {"sleep": self.sleep} if self.sleep else {}
            merge = read.mergeable(self.repo, s.number, **kwargs)
            fp = s.fingerprint if merge is not None else f"{s.fingerprint}-u"
            return [(decide.grade_conflict(text, merge), fp)]
        if s.family in ("branch-commit", "local-commit"):
            with_files = s.family == "branch-commit"
            commits = read.branch_commits(self.repo, s.branch, self.base, with_files=with_files)
            if s.family == "branch-commit":
                return [(decide.grade_branch_commit(s.branch, commits), s.fingerprint)]
            return [(decide.grade_local_commit(s.branch, commits), s.fingerprint)]
        return self._file_families(s)

    def _file_families(self, s: Subject) -> list[tuple[decide.Verdict, str]]:
        changed = read.pull_files(self.repo, s.number)
        before = [f for f in FILE_FAMILIES if self.state.stored(s.number, f) is not None]
        out = []
        for family in pull_families(changed, before):
            if family == "issue-template":
                forms = {}
                for path in decide.template_paths(changed):
                    text = read.file_text(self.repo, path, s.head_sha)
                    if text is not None and text != read.file_text(self.repo, path, s.base_ref):
                        forms[path] = text
                out.append((decide.grade_templates(forms), s.fingerprint))
            else:
                template = read.file_text(self.repo, decide.CAPSTONE_TEMPLATE, s.base_ref)
                plans = [
                    decide.Plan(path, read.file_text(self.repo, path, s.head_sha) or "")
                    for path, status in sorted(changed.items())
                    if path.startswith(decide.CAPSTONE_DIR) and status != "removed"
                ]
                out.append((decide.grade_capstone(template, self._own_first(plans)), s.fingerprint))
        return out

    def _own_first(self, plans: list[decide.Plan]) -> list[decide.Plan]:
        """The learner's own ``docs/capstone/<handle>.md`` first, when the room knows them."""
        mine = f"{decide.CAPSTONE_DIR}{(self.state.handle or '').lower()}.md"
        return sorted(plans, key=lambda p: (p.path.lower() != mine, p.path))

    # Writing --------------------------------------------------------------------------------

    def write(self, number: int, verdict: decide.Verdict, fp: str) -> None:
        key = grade_key(verdict.family)
        body = f"{render(verdict)}\n\n{fingerprint_line(fp)}"
        have = self.state.our_comment(number, key)
        if have is not None and normalise_body(have.get("body")) == normalise_body(
            with_marker(key, body)
        ):
            self.done.unchanged += 1
        elif self.dry_run:
            print(f"would grade {verdict.family} on #{number}: {verdict.outcome}")
        else:
            upsert_once(self.repo, number, key, body)
            self.done.written.append(f"{verdict.family} on #{number}")
        stale_notice = self.state.our_comment(number, notice_key(verdict.family))
        if stale_notice is not None and not self.dry_run:
            self._delete(stale_notice)

    def _delete(self, comment: dict[str, Any]) -> None:
        try:
            self.repo.request("DELETE", self.repo.url("issues", "comments", comment["id"]))
        except GitHubError as exc:
            if exc.status != 404:
                raise

    def _notify(self, s: Subject, exc: GitHubError) -> None:
        """The blameless notice, best effort: GitHub may be failing for this write too. It names
        the status only (an error's text may hold a URL, which the copy never shows bare)."""
        if self.dry_run:
            return
        reason = f"it answered {exc.status}" if exc.status else "it did not answer in time"
        try:
            self.repo.upsert_comment(s.number, notice_key(s.family), notice(s.family, reason))
        except GitHubError as exc:
            self.log("could not post the notice either", number=s.number, error=str(exc))
