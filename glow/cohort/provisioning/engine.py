"""The provisioning engine (seed 003, section 7.2b): serial, idempotent on (github_handle,
cohort_id), paced, backing off on rate limits without ever skipping a learner, and recording
every outcome in the admin repository.

For each learner it visits (``decide.select_learners``) it runs ``room.RoomSteps``; then the
roster and the log of the WHOLE batch go into ONE commit through the git data API. Whenever
the batch is interrupted (an error, a stop, Ctrl-C, a cancelled job) what finished is saved
first, so such a crash loses at most the learner in flight; a run killed outright loses its
records, and the re-run recognises the rooms it made (``already-exists``) and resumes. Callers
may save every ``flush_every`` learners instead. A re-run of a healthy cohort writes
nothing at all. After each learner whose room it wrote to, it waits ``provision_delay_s``.
Rate limits: ``call_with_backoff`` already retries each request; when a learner still hits a
limit, the engine waits (doubling from a minute) and retries THE SAME learner, within a time
budget; past it that learner is recorded as failed and the batch stops with a clear message and
a non-zero exit, progress saved. Any other failure is recorded for that learner and the batch
goes on to the next.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from glow.cohort.admin import AdminRepo
from glow.cohort.model import Cohort, Learner, Roster, pinned_template_sha, room_name
from glow.cohort.provisioning.copy import (
    BACKING_OFF,
    COMMIT_MESSAGE,
    NO_COHORT,
    RATE_LIMITED,
    SAVE_FAILED,
    STOPPED,
)
from glow.cohort.provisioning.decide import (
    LearnerOutcome,
    TemplateSnapshot,
    apply_outcomes,
    log_entries,
    progress_line,
    select_learners,
)
from glow.cohort.provisioning.preflight import (
    check_admin,
    check_capacity,
    check_owner,
    describe_template,
)
from glow.cohort.provisioning.preflight import read_template as _read_template
from glow.cohort.provisioning.room import RoomSteps
from glow.cohort.settings import CohortSettings
from glow.errors import ConfigError, GlowError, RateLimited
from glow.github.backoff import WritePacer, shared_pacer
from glow.github.repo import Repo, split_full_name

LEARNER_BACKOFF_S = 60.0  # GitHub: after a secondary limit, wait at least a minute
LEARNER_BACKOFF_MAX_S = 15 * 60.0
BACKOFF_BUDGET_S = 30 * 60.0


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@contextmanager
def connected(gh: Any) -> Iterator[None]:
    """One HTTP client for a whole batch. Outside ``with gh:`` githubkit builds a new client for
    every request, loading the CA bundle each time (about 30 ms, most of a request's cost)."""
    try:
        gh.__enter__()
    except (RuntimeError, AttributeError):  # already inside `with gh:`, or a client without it
        yield
        return
    try:
        yield
    finally:
        gh.__exit__(None, None, None)


class RepoFactory:
    """Builds ``Repo`` adapters sharing one client, pacer and sleep; totals their requests."""

    def __init__(self, gh: Any, *, pacer: WritePacer, sleep: Callable[[float], object]) -> None:
        self.gh, self.pacer, self.sleep = gh, pacer, sleep
        self.built: list[Repo] = []

    def __call__(self, owner: str, name: str) -> Repo:
        repo = Repo(self.gh, owner, name, pacer=self.pacer, sleep=self.sleep)
        self.built.append(repo)
        return repo

    def totals(self) -> tuple[int, int]:
        """(requests, writes) of every adapter built so far."""
        requests = sum(repo.counts.requests for repo in self.built)
        return requests, sum(repo.counts.writes for repo in self.built)


class ProvisioningStopped(GlowError):
    """The batch stopped early (a rate limit that would not lift); progress is saved."""


@dataclass
class BatchReport:
    cohort_id: str
    enrolled: int
    template: TemplateSnapshot | None
    outcomes: list[LearnerOutcome]
    checks: list[str] = field(default_factory=list)  # the pre-flight's lines

    @property
    def failed(self) -> list[LearnerOutcome]:
        return [o for o in self.outcomes if o.error is not None]


class Provisioner:
    """Provisions cohorts from the admin repository's rosters; see the module docstring."""

    def __init__(
        self,
        gh: Any,
        settings: CohortSettings,
        *,
        pacer: WritePacer | None = None,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = _utcnow,
        poll_sleep: Callable[[float], object] = time.sleep,
        poll_interval_s: float = 0.5,
        poll_timeout_s: float = 60.0,
        flush_every: int | None = None,  # None: one commit for the whole batch
        backoff_budget_s: float = BACKOFF_BUDGET_S,
        say: Callable[[str], None] = _stderr,
    ) -> None:
        self.settings = settings
        self.gh = gh
        self.repos = RepoFactory(gh, pacer=pacer or shared_pacer(), sleep=sleep)
        self.admin = AdminRepo(self.repos(*split_full_name(settings.admin_repo)))
        self.steps = RoomSteps(
            self.repos,
            poll_sleep=poll_sleep,
            clock=clock,
            poll_interval_s=poll_interval_s,
            poll_timeout_s=poll_timeout_s,
        )
        self.sleep, self.clock, self.now, self.say = sleep, clock, now, say
        self.flush_every = max(flush_every, 1) if flush_every else None
        self.backoff_budget_s = backoff_budget_s

    # Reading ----------------------------------------------------------------------------------

    def cohorts(self, cohort_id: str | None = None) -> list[Cohort]:
        """The named cohort, or every open cohort of cohorts.json."""
        defined = self.admin.cohorts()
        if cohort_id is None:
            return [c for c in defined.cohorts if c.open]
        found = defined.get(cohort_id)
        if found is None:
            raise ConfigError(NO_COHORT.format(cohort=cohort_id, admin=self.settings.admin_repo))
        return [found]

    def room_of(self, learner: Learner) -> str:
        """owner/name of the learner's room: the roster's record, else the name it must have."""
        name = room_name(learner.cohort_id, learner.github_handle)
        return learner.learning_room_repo or f"{self.settings.rooms_owner}/{name}"

    def exists(self, room: str) -> bool:
        """True when the repository ``owner/name`` exists (and these credentials can see it)."""
        repo = self.repos(*split_full_name(room))
        return repo.get_json(repo.url()) is not None

    def read_template(self, cohort: Cohort, *, allow_empty: bool = False) -> TemplateSnapshot:
        template_repo = self.repos(*split_full_name(self.settings.template_repo))
        log = [] if cohort.template_sha else self.admin.log(cohort.id)
        return _read_template(
            template_repo,
            pinned_template_sha(cohort, log),
            cohort_id=cohort.id,
            allow_empty=allow_empty,
        )

    def preflight(
        self, cohort: Cohort, chosen: list[Learner], *, allow_empty: bool = False
    ) -> tuple[TemplateSnapshot, list[str]]:
        """Every pre-flight check for a batch of ``chosen`` (reads only); raises PreflightError
        with one line."""
        template = self.read_template(cohort, allow_empty=allow_empty)
        owner = self.settings.rooms_owner
        creates = sum(1 for learner in chosen if not learner.learning_room_repo)
        owner_line, account = check_owner(self.admin.repo, owner)
        lines = [
            describe_template(template),
            check_admin(self.admin.repo),
            owner_line,
            *check_capacity(self.admin.repo, account, len(chosen), creates),
        ]
        return template, lines

    def plan(
        self, cohort: Cohort, *, verify: bool = False, learner: str | None = None
    ) -> tuple[Roster, list[Learner]]:
        roster = self.admin.roster(cohort.id)
        return roster, select_learners(roster, verify=verify, handle=learner)

    # Acting -----------------------------------------------------------------------------------

    def run(
        self,
        cohort: Cohort,
        *,
        verify: bool = False,
        learner: str | None = None,
        allow_empty: bool = False,
    ) -> BatchReport:
        """Provision one cohort's selected learners; pre-flight first when there is work."""
        with connected(self.gh):
            roster, chosen = self.plan(cohort, verify=verify, learner=learner)
            report = BatchReport(cohort.id, len(roster.enrolled()), None, [])
            if not chosen:
                return report
            report.template, report.checks = self.preflight(cohort, chosen, allow_empty=allow_empty)
            self._batch(cohort.id, chosen, report)
            return report

    def _batch(self, cohort_id: str, chosen: list[Learner], report: BatchReport) -> None:
        assert report.template is not None
        unsaved: list[LearnerOutcome] = []
        try:
            for index, learner in enumerate(chosen, 1):
                outcome, stop = self._one(learner, report.template, index, len(chosen))
                report.outcomes.append(outcome)
                unsaved.append(outcome)
                self.say(progress_line(index, len(chosen), outcome))
                if stop is not None:
                    raise ProvisioningStopped(stop)
                if self.flush_every and len(unsaved) >= self.flush_every:
                    self._save(cohort_id, unsaved, report.template)
                    unsaved = []
                if outcome.wrote and index < len(chosen):
                    self.sleep(self.settings.provision_delay_s)
        except BaseException:
            # A crash, Ctrl-C or a stop: keep what finished, then let the error surface.
            try:
                self._save(cohort_id, unsaved, report.template)
            except Exception as exc:
                self.say(SAVE_FAILED.format(error=exc))
            raise
        self._save(cohort_id, unsaved, report.template)

    def _one(
        self, learner: Learner, template: TemplateSnapshot, index: int, total: int
    ) -> tuple[LearnerOutcome, str | None]:
        """One learner, retried on rate limits within the budget; other failures recorded.

        The second value is set when the batch must stop here (the budget ran out): the learner
        is then recorded as failed, so the watchdog sees it, and the next run starts with them.
        """
        outcome = LearnerOutcome(
            handle=learner.github_handle,
            room=self.room_of(learner),
            prior_state=learner.provision_state,
            prior_room=learner.learning_room_repo,
            attempt_at=self.now(),
        )
        where = {"index": index, "total": total, "handle": learner.github_handle}
        started, waits = self.clock(), 0
        before = self.repos.totals()
        try:
            while True:
                try:
                    self.steps.run(learner, outcome, template)
                    return outcome, None
                except RateLimited:
                    delay = min(LEARNER_BACKOFF_S * 2**waits, LEARNER_BACKOFF_MAX_S)
                    waited = self.clock() - started
                    if waited + delay > self.backoff_budget_s:
                        outcome.error = RATE_LIMITED
                        return outcome, STOPPED.format(
                            minutes=waited / 60, cohort=learner.cohort_id, **where
                        )
                    waits += 1
                    self.say(BACKING_OFF.format(delay=delay, **where))
                    self.sleep(delay)
                except ConfigError:
                    raise
                except GlowError as exc:
                    outcome.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                    return outcome, None
        finally:
            after = self.repos.totals()
            outcome.requests, outcome.writes = after[0] - before[0], after[1] - before[1]

    def _save(
        self, cohort_id: str, outcomes: list[LearnerOutcome], template: TemplateSnapshot
    ) -> None:
        """Roster and log of these learners as ONE commit; nothing at all when nothing changed."""
        changed = [o for o in outcomes if o.changed]
        if not changed:
            return
        entries = log_entries(
            changed, cohort_id=cohort_id, template_sha=template.sha, run_id=self.settings.run_id
        )
        results = sorted({entry.result for entry in entries})
        message = COMMIT_MESSAGE.format(
            cohort=cohort_id, count=len(changed), results=", ".join(results) or "state"
        )
        self.admin.update(
            cohort_id, lambda roster: (apply_outcomes(roster, changed), entries), message
        )
        outcomes.clear()
