"""The provisioning engine (seed 003, section 7.2b): idempotent on (github_handle, cohort_id),
paced by the write budget, backing off on rate limits without ever skipping a learner, and
recording every outcome in the admin repository.

For each learner it visits (``decide.select_learners``) it runs ``room.RoomSteps`` in two
halves: ``start`` finds or generates the room, ``finish`` does the rest once the template's
files are there. GitHub copies them after answering generate, so up to ``overlap`` rooms are
started before the oldest is finished (``pace.next_step``); learners finish, and are reported,
in order. Then the roster and the log of the WHOLE batch go into ONE commit through the git
data API. Whenever the batch is interrupted (an error, a stop, Ctrl-C, a cancelled job) what
finished is saved first, so such a crash loses at most the rooms in flight; a run killed outright
loses its records, and the re-run recognises the rooms it made (``already-exists``) and resumes.
Callers may save every ``flush_every`` learners instead. A re-run of a healthy cohort writes
nothing at all.

Pace: every write waits on its identity's write budget (``glow.github.budget``: GitHub's 80
content-creating requests a minute and 500 an hour), seeded with what earlier runs spent of the
hour (the log says). A room is started only when its requests fit now; otherwise the run waits
for the budget, up to its time limit (``run_limit_s``), past which it pauses: the learners left
stay pending and the next run continues (the pre-flight says when the batch will finish).
Rate limits met all the same: ``call_with_backoff`` retries each request; when a learner still
hits one, the engine waits (doubling from a minute) and retries THE SAME learner, within a time
budget; past it that learner is recorded as failed and the batch stops with a clear message and
a non-zero exit, progress saved. Any other failure is recorded for that learner and the batch
goes on to the next.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from glow.cohort.admin import AdminRepo
from glow.cohort.marked_issues import IssueBoard
from glow.cohort.model import (
    Cohort,
    Learner,
    LogEntry,
    Roster,
    pinned_template_sha,
    room_name,
)
from glow.cohort.progress import github_time
from glow.cohort.provisioning import pace
from glow.cohort.provisioning.batch import BACKOFF_BUDGET_S, Batch
from glow.cohort.provisioning.batch import BatchReport as BatchReport
from glow.cohort.provisioning.batch import ProvisioningStopped as ProvisioningStopped
from glow.cohort.provisioning.copy import COMMIT_MESSAGE, LEFT_TO_OTHERS, NO_COHORT
from glow.cohort.provisioning.decide import (
    LearnerOutcome,
    TemplateSnapshot,
    apply_outcomes,
    log_entries,
    select_learners,
)
from glow.cohort.provisioning.preflight import (
    check_admin,
    check_capacity,
    check_owner,
    describe_template,
)
from glow.cohort.provisioning.preflight import read_template as _read_template
from glow.cohort.provisioning.room import RoomSteps, Visit
from glow.cohort.settings import CohortSettings
from glow.cohort.watchdog.copy import LABEL as WATCHDOG_LABEL
from glow.cohort.watchdog.decide import flagged_for_healing, scope_key
from glow.errors import ConfigError
from glow.github.budget import WriteBudget, budget_for
from glow.github.repo import Repo, split_full_name


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
    """Builds ``Repo`` adapters sharing one client, write budget and sleep."""

    def __init__(self, gh: Any, *, pacer: WriteBudget, sleep: Callable[[float], object]) -> None:
        self.gh, self.pacer, self.sleep = gh, pacer, sleep

    def __call__(self, owner: str, name: str) -> Repo:
        return Repo(self.gh, owner, name, pacer=self.pacer, sleep=self.sleep)


class Provisioner:
    """Provisions cohorts from the admin repository's rosters; see the module docstring."""

    def __init__(
        self,
        gh: Any,
        settings: CohortSettings,
        *,
        pacer: WriteBudget | None = None,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = _utcnow,
        poll_sleep: Callable[[float], object] = time.sleep,
        poll_interval_s: float = 0.5,
        poll_timeout_s: float = 60.0,
        flush_every: int | None = None,  # None: one commit for the whole batch
        backoff_budget_s: float = BACKOFF_BUDGET_S,
        overlap: int = pace.OVERLAP,
        run_limit_s: float = pace.RUN_LIMIT_S,
        say: Callable[[str], None] = _stderr,
    ) -> None:
        self.settings = settings
        self.gh = gh
        self.budget = pacer or budget_for(gh)
        # The App's other jobs write beside the batch (pace.batch_limits): this process is the
        # batch's alone, so its budget keeps the smaller limits for every write it makes.
        whole = self.budget.limits
        self.budget.limits = replace(
            whole,
            per_minute=pace.left(whole.per_minute, pace.LEFT_PER_MINUTE),
            per_hour=pace.left(whole.per_hour, pace.LEFT_PER_HOUR),
        )
        self.limits_text = self.budget.limits.describe()
        if self.budget.limits != whole:
            self.limits_text += LEFT_TO_OTHERS.format(whole=whole.describe())
        self.repos = RepoFactory(gh, pacer=self.budget, sleep=sleep)
        self.admin = AdminRepo(self.repos(*split_full_name(settings.admin_repo)))
        self.steps = RoomSteps(
            self.repos,
            poll_sleep=poll_sleep,
            clock=clock,
            poll_interval_s=poll_interval_s,
            poll_timeout_s=poll_timeout_s,
            glow_install=settings.glow_install,
            facilitators=settings.facilitators,
        )
        self.sleep, self.clock, self.now, self.say = sleep, clock, now, say
        self.flush_every = max(flush_every, 1) if flush_every else None
        self.backoff_budget_s = backoff_budget_s
        self.overlap = max(overlap, 1)
        self.run_limit_s = run_limit_s
        self.per_room = pace.CREATES_PER_ROOM  # raised when a room takes more
        self.pace: pace.PacePlan | None = None  # the last pre-flight's plan
        self.started_at = now()
        self.deadline = self.budget.now() + run_limit_s
        self._seeded: set[str] = set()
        self._alerts: list[str] | None = None
        self._others_at: float | None = None  # when the App's other writes were last counted
        self._others_seen: set[str] = set()

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

    def read_template(
        self, cohort: Cohort, *, allow_empty: bool = False, log: list[LogEntry] | None = None
    ) -> TemplateSnapshot:
        template_repo = self.repos(*split_full_name(self.settings.template_repo))
        if log is None:
            log = [] if cohort.template_sha else self.admin.log(cohort.id)
        return _read_template(
            template_repo,
            pinned_template_sha(cohort, log),
            cohort_id=cohort.id,
            allow_empty=allow_empty,
        )

    def preflight(
        self,
        cohort: Cohort,
        chosen: list[Learner],
        *,
        allow_empty: bool = False,
        log: list[LogEntry] | None = None,
    ) -> tuple[TemplateSnapshot, list[str]]:
        """Every pre-flight check for a batch of ``chosen`` (reads only); raises PreflightError
        with one line. The last line says how many new rooms fit the write budget now (what
        earlier runs spent of the hour counted, as the log says) and when the batch finishes."""
        log = self.admin.log(cohort.id) if log is None else log
        self.seed(cohort.id, log)
        template = self.read_template(cohort, allow_empty=allow_empty, log=log)
        owner = self.settings.rooms_owner
        creates = sum(1 for learner in chosen if not learner.learning_room_repo)
        owner_line, account = check_owner(self.admin.repo, owner)
        lines = [
            describe_template(template),
            check_admin(self.admin.repo),
            owner_line,
            *check_capacity(self.admin.repo, account, len(chosen), creates),
            self.pace_line(creates),
        ]
        return template, lines

    def pace_line(self, rooms: int) -> str:
        """How many of ``rooms`` new rooms fit the write budget now, and when they are done."""
        now, limits = self.budget.now(), self.budget.limits
        plan = self.pace = pace.pace_plan(
            self.budget.plan(rooms * self.per_room),
            rooms=rooms,
            per_room=self.per_room,
            now=now,
            deadline=self.deadline,
            spacing_s=limits.spacing_s,
        )
        return pace.pace_line(
            plan,
            name=self.budget.name,
            limits=self.limits_text,
            hourly=limits.per_hour is not None,
            run_hours=self.run_limit_s / 3600,
        )

    def plan(
        self,
        cohort: Cohort,
        *,
        verify: bool = False,
        learner: str | None = None,
        heal_flagged: bool = False,
    ) -> tuple[Roster, list[Learner]]:
        roster = self.admin.roster(cohort.id)
        flagged = None
        if heal_flagged and not verify and learner is None:
            scopes = flagged_for_healing(self.watchdog_alerts(), cohort.id)
            flagged = lambda lrn: scope_key(lrn.key) in scopes  # noqa: E731
        return roster, select_learners(roster, verify=verify, handle=learner, flagged=flagged)

    def watchdog_alerts(self) -> list[str]:
        """The keys of the watchdog's open alerts in the admin repository (one listing a run):
        the rooms it found missing, without the learner's access, or with required files
        changed, which a scheduled run heals instead of re-reading every room."""
        if self._alerts is None:
            board = IssueBoard(self.admin.repo, WATCHDOG_LABEL)
            self._alerts = [issue.key for issue in board.existing(state="open")]
        return self._alerts

    # Acting -----------------------------------------------------------------------------------

    def run(
        self,
        cohort: Cohort,
        *,
        verify: bool = False,
        learner: str | None = None,
        heal_flagged: bool = False,
        allow_empty: bool = False,
    ) -> BatchReport:
        """Provision one cohort's selected learners; pre-flight first when there is work."""
        with connected(self.gh):
            roster, chosen = self.plan(
                cohort, verify=verify, learner=learner, heal_flagged=heal_flagged
            )
            report = BatchReport(cohort.id, len(roster.enrolled()), None, [])
            if not chosen:
                return report
            report.template, report.checks = self.preflight(cohort, chosen, allow_empty=allow_empty)
            if self.pace and self.pace.fit_now < self.pace.rooms:
                self.say(report.checks[-1])  # the batch takes hours: say so before it starts
            Batch(self, chosen, report).run()
            return report

    def seed(self, cohort_id: str, log: list[LogEntry]) -> None:
        """Count in the write budget what earlier runs spent of the hour (once per cohort)."""
        if cohort_id not in self._seeded:
            self._seeded.add(cohort_id)
            now = self.now()
            self.budget.seed(
                pace.earlier_creates(log, before=self.started_at, now=now, per_room=self.per_room)
            )

    def count_others(self) -> None:
        """Count in the write budget the App's content-creating writes by its other jobs, as
        GitHub lists them: the admin repository's commits of the last hour (a registration,
        a withdrawal or a Day 2 release commits its roster through the contents API) but this
        batch's own (git data, not content-creating). At most every ``pace.OTHERS_EVERY_S``;
        over-counting only slows the batch a little, and what is written between two counts is
        what ``pace.LEFT_PER_MINUTE`` is left for."""
        from glow.errors import GitHubError

        now = self.budget.now()
        if self._others_at is not None and now - self._others_at < pace.OTHERS_EVERY_S:
            return
        since = now - pace.HOUR_S if self._others_at is None else self._others_at - 60.0
        self._others_at = now
        repo = self.admin.repo
        listing = {"since": github_time(datetime.fromtimestamp(since, UTC)), "per_page": 100}
        try:
            commits = list(repo.paginate(repo.url("commits"), listing))
        except GitHubError:
            return  # the batch keeps to its share without them
        own = COMMIT_MESSAGE.split("{", 1)[0]
        times = pace.others_times(commits, seen=self._others_seen, own_prefix=own)
        self.budget.seed(times)

    def visit(self, learner: Learner, index: int) -> Visit:
        """A learner's visit, begun now (the log's attempt time)."""
        outcome = LearnerOutcome(
            handle=learner.github_handle,
            room=self.room_of(learner),
            prior_state=learner.provision_state,
            prior_room=learner.learning_room_repo,
            attempt_at=self.now(),
        )
        return Visit(learner, outcome, index)

    def save(
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
