"""One provisioning batch, carried out: learners visited in order, up to ``overlap`` rooms in
flight while GitHub copies their templates, the write budget asked before each room is started
(``pace.next_step``), rate limits retried for the same learner, and each finished visit
reported, in order, and saved.

What finished is saved whenever the batch ends, a crash or a stop included; rooms still in
flight then are found by the next run (``already-exists``), never made twice.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from glow.cohort.model import Learner
from glow.cohort.provisioning import pace
from glow.cohort.provisioning.copy import (
    BACKING_OFF,
    PAUSED,
    RATE_LIMITED,
    SAVE_FAILED,
    STOPPED,
    WAITING,
)
from glow.cohort.provisioning.decide import LearnerOutcome, TemplateSnapshot, progress_line
from glow.cohort.provisioning.room import Visit
from glow.errors import ConfigError, GlowError, RateLimited

if TYPE_CHECKING:
    from glow.cohort.provisioning.engine import Provisioner

LEARNER_BACKOFF_S = 60.0  # GitHub: after a secondary limit, wait at least a minute
LEARNER_BACKOFF_MAX_S = 15 * 60.0
BACKOFF_BUDGET_S = 30 * 60.0


class ProvisioningStopped(GlowError):
    """The batch stopped early (a rate limit that would not lift); progress is saved."""


@dataclass
class BatchReport:
    cohort_id: str
    enrolled: int
    template: TemplateSnapshot | None
    outcomes: list[LearnerOutcome]
    checks: list[str] = field(default_factory=list)  # the pre-flight's lines
    paused: str | None = None  # the line saying learners were left for the next run

    @property
    def failed(self) -> list[LearnerOutcome]:
        return [o for o in self.outcomes if o.error is not None]


class Batch:
    """The learners ``chosen`` for one cohort, through ``engine``'s steps, budget and store."""

    def __init__(self, engine: Provisioner, chosen: list[Learner], report: BatchReport) -> None:
        assert report.template is not None, "a batch starts after its pre-flight"
        self.engine, self.report, self.template = engine, report, report.template
        self.total = len(chosen)
        self.waiting: deque[tuple[int, Learner]] = deque(enumerate(chosen, 1))
        self.flight: deque[Visit] = deque()  # started, not finished: oldest first
        self.unsaved: list[LearnerOutcome] = []

    def run(self) -> None:
        engine, cohort_id = self.engine, self.report.cohort_id
        try:
            while self.waiting or self.flight:
                step, ready_at = self._next()
                if step == "start":
                    self._start()
                elif step == "finish":
                    self._finish()
                elif step == "wait":
                    until = pace.clock_text(ready_at)
                    done = len(self.report.outcomes)
                    engine.say(WAITING.format(until=until, done=done, total=self.total))
                    engine.budget.sleep_until(ready_at)
                else:
                    hours = engine.run_limit_s / 3600
                    left = len(self.waiting)
                    self.report.paused = PAUSED.format(cohort=cohort_id, left=left, hours=hours)
                    engine.say(self.report.paused)
                    break
        except BaseException:
            # A crash, Ctrl-C or a stop: keep what finished, then let the error surface.
            try:
                engine.save(cohort_id, self.unsaved, self.template)
            except Exception as exc:
                engine.say(SAVE_FAILED.format(error=exc))
            raise
        engine.save(cohort_id, self.unsaved, self.template)

    def _next(self) -> tuple[pace.Step, float]:
        """The next step (``pace.next_step``) and when the budget has room for the next room."""
        budget, need = self.engine.budget, 0
        if self.waiting:
            self.engine.count_others()
            need = pace.creates_needed(
                new_room=not self.waiting[0][1].learning_room_repo,
                fresh_in_flight=sum(1 for visit in self.flight if visit.fresh),
                per_room=self.engine.per_room,
            )
        per_minute = budget.limits.per_minute
        if not self.flight and per_minute is not None:
            # A room whose requests can never all go within one minute (a per-minute limit
            # under a room's creates) starts when a minute's worth can: the budget spaces the rest.
            need = min(need, max(per_minute, 1))
        now, ready_at = budget.now(), budget.ready_at(need)
        step = pace.next_step(
            waiting=len(self.waiting),
            in_flight=len(self.flight),
            overlap=self.engine.overlap,
            ready_in=ready_at - now,
            until_deadline=self.engine.deadline - now,
        )
        return step, ready_at

    def _start(self) -> None:
        index, learner = self.waiting.popleft()
        visit = self.engine.visit(learner, index)
        stop = self._attempt(visit, lambda v: self.engine.steps.start(v, self.template))
        if visit.outcome.error is None and stop is None:
            self.flight.append(visit)  # its files are being copied: finished later, in order
        else:
            self._done(visit, stop)

    def _finish(self) -> None:
        visit = self.flight.popleft()
        self._done(
            visit, self._attempt(visit, lambda v: self.engine.steps.finish(v, self.template))
        )

    def _done(self, visit: Visit, stop: str | None) -> None:
        """A learner's visit is over: report it, stop or save as asked, learn the room's cost."""
        engine, outcome = self.engine, visit.outcome
        self.report.outcomes.append(outcome)
        self.unsaved.append(outcome)
        engine.say(progress_line(visit.index, self.total, outcome))
        if stop is not None:
            raise ProvisioningStopped(stop)
        if engine.flush_every and len(self.unsaved) >= engine.flush_every:
            engine.save(self.report.cohort_id, self.unsaved, self.template)
        if outcome.created and outcome.error is None:
            engine.per_room = max(engine.per_room, visit.creating)
        more = self.waiting or self.flight
        if outcome.wrote and more and engine.settings.provision_delay_s:
            engine.sleep(engine.settings.provision_delay_s)

    def _attempt(self, visit: Visit, phase: Callable[[Visit], None]) -> str | None:
        """One half of a learner's visit, retried on rate limits within the backoff budget;
        other failures recorded in the outcome.

        Returns a message when the batch must stop here (the budget ran out): the learner is
        then recorded as failed, so the watchdog sees it, and the next run starts with them.
        """
        engine, outcome = self.engine, visit.outcome
        where = {"index": visit.index, "total": self.total, "handle": outcome.handle}
        started, waits = engine.clock(), 0
        try:
            while True:
                try:
                    phase(visit)
                    return None
                except RateLimited:
                    visit.fresh = False  # the retry re-reads what GitHub has
                    delay = min(LEARNER_BACKOFF_S * 2**waits, LEARNER_BACKOFF_MAX_S)
                    waited = engine.clock() - started
                    if waited + delay > engine.backoff_budget_s:
                        outcome.error = RATE_LIMITED
                        cohort = visit.learner.cohort_id
                        return STOPPED.format(minutes=waited / 60, cohort=cohort, **where)
                    waits += 1
                    engine.say(BACKING_OFF.format(delay=delay, **where))
                    engine.sleep(delay)
                except ConfigError:
                    raise
                except GlowError as exc:
                    outcome.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                    return None
        finally:
            visit.count()
