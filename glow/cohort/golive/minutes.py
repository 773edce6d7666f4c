"""The GitHub Actions minutes a month the configured cohorts are expected to cost.

Only private repositories are billed: the admin repository (seeded from ``admin-roster/``) and
the learners' Learning Rooms (from ``learning-room-template/``); the workshop repository is
public, so its workflows cost nothing. A private repository's scheduled jobs are counted from
the real workflow files (their crons and job-level ``if:``), and the rooms' event-driven runs
from the learner rehearsal's measured figure per learner. The admin repository's workflows
without a schedule (Grade, Author) are named but not counted: they run only when there is work
no cohort size predicts (a submission, a course brief), each at most its timeout a run.
``estimate_from`` decides from the files' text (pure); ``estimate`` reads them; ``lines`` is
the printout ``glow golive`` shows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

FREE_PLAN_MINUTES = 2_000  # GitHub Free: included Actions minutes a month for private repositories
TEAM_PLAN_MINUTES = 3_000  # GitHub Team
DAYS_IN_MONTH = 30
# Billed job-minutes of one learner's whole journey in their private Learning Room (room.yml,
# event-driven). The learner rehearsal measured 44.2 a learner at 5 learners and 47.8 at 50
# (benchmarks/README.md, "job-minutes/learner": `job_minutes_per_learner` of
# glow/rehearsal/learners.py). tests/test_rehearse_e2e.py holds the 5-learner rehearsal's figure
# at or under this, so the estimate cannot silently go stale.
ROOM_MINUTES_PER_LEARNER = 48
# Admin jobs started by events, not schedules: a provisioning run that made or mended rooms
# dispatches the Dashboard workflow once (provisioning.handlers.refresh_dashboard), at most
# once a learner (a burst of registrations shares runs).
DISPATCHED_MINUTES_PER_LEARNER = 1
# GitHub bills each job rounded up to a whole minute. A scheduled admin job (glow installed from
# wheels, then one cohort read) is counted as one minute, as the rehearsal counts every room job.
JOB_MINUTES = 1
# The job-level `if:` that runs a scheduled job only while a cohort is open: `glow setup` sets the
# variable `on`, a facilitator pauses with `paused`. A job skipped by its `if:` is not billed.
SCHEDULE_GATE = "github.event_name != 'schedule' || vars.GLOW_SCHEDULES == 'on'"
PAUSE_HINT = "To pause the schedules, set the admin repository's variable GLOW_SCHEDULES to paused."

# (folder in the workshop repository, what it seeds, whether each learner has a copy)
PRIVATE_REPOSITORIES = (
    ("admin-roster", "the admin repository", False),
    ("learning-room-template", "each Learning Room", True),
)
WORKFLOWS = ".github/workflows"
# Why an admin workflow without a schedule is not in the total: what starts it (by file name).
ON_DEMAND_WHEN = {
    "grade.yml": "when the workshop's Submissions workflow finds a waiting project submission",
    "author.yml": (
        "when a creator files, edits or comments on a course brief, or a facilitator runs it "
        "for one"
    ),
}
ON_DEMAND_OTHERWISE = "when an event or a person starts it"
GITHUB_TIMEOUT_MINUTES = 360  # a job's timeout when its workflow sets none


class EstimateError(ValueError):
    """A workflow the estimate cannot read: its message names the file and what to change."""


@dataclass(frozen=True)
class ScheduledJob:
    """One scheduled job of a private repository and what it costs a month."""

    workflow: str  # path in the workshop repository
    job: str
    repository: str  # "the admin repository", "each Learning Room"
    crons: tuple[str, ...]
    runs_per_day: int
    gated: bool  # runs only while GLOW_SCHEDULES is on (a cohort is open)
    days: int
    copies: int  # repositories that run it: 1, or one room per learner
    minutes: int


@dataclass(frozen=True)
class OnDemandJob:
    """A job of an admin workflow with no schedule: named, not counted (see ``ON_DEMAND_WHEN``)."""

    workflow: str  # path in the workshop repository
    name: str  # the workflow's name, as the Actions tab shows it
    job: str
    timeout_minutes: int  # the most one run can cost
    when: str  # what starts it


@dataclass(frozen=True)
class MinutesEstimate:
    learners: int
    days_open: int
    scheduled: tuple[ScheduledJob, ...]
    room_minutes: int
    dispatched_minutes: int = 0
    on_demand: tuple[OnDemandJob, ...] = ()
    per_learner: int = ROOM_MINUTES_PER_LEARNER
    free_plan: int = FREE_PLAN_MINUTES
    team_plan: int = TEAM_PLAN_MINUTES

    @property
    def scheduled_minutes(self) -> int:
        return sum(job.minutes for job in self.scheduled)

    @property
    def total(self) -> int:
        return self.scheduled_minutes + self.room_minutes + self.dispatched_minutes

    @property
    def within_free(self) -> bool:
        return self.total <= self.free_plan


def field_values(text: str, low: int, high: int) -> set[int]:
    """The values of one cron field of the forms the workflows use: ``*``, ``*/N``, a number, a
    range ``A-B`` (with ``/N``), and lists of those."""
    values: set[int] = set()
    for item in text.split(","):
        base, _, step_text = item.partition("/")
        if not re.fullmatch(r"\*|\d+(-\d+)?", base) or not re.fullmatch(r"\d*", step_text):
            raise ValueError(f"`{item}` is not a number, a range, `*` or a step")
        step = int(step_text) if step_text else 1
        first, _, last = base.partition("-")
        start, end = (low, high) if base == "*" else (int(first), int(last or first))
        if step < 1 or not low <= start <= end <= high:
            raise ValueError(f"`{item}` is outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return values


def runs_per_day(cron: str) -> int:
    """How many times a day a 5-field cron fires; its day, month and weekday fields must be
    ``*`` (every day: what the workflows use)."""
    fields = cron.split()
    if len(fields) != 5 or fields[2:] != ["*", "*", "*"]:
        raise ValueError(
            f"cron `{cron}` must be `MINUTE HOUR * * *` (the estimate counts daily schedules)"
        )
    return len(field_values(fields[0], 0, 59)) * len(field_values(fields[1], 0, 23))


def gate_of(job: Mapping[str, Any]) -> str:
    """The job's `if:`, without `${{ }}` and with its spaces collapsed."""
    text = str(job.get("if") or "").strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    return " ".join(text.split())


def crons_of(doc: Mapping[Any, Any]) -> tuple[str, ...]:
    # YAML 1.1 (PyYAML) reads the key `on` as True.
    triggers = doc.get("on", doc.get(True))
    if not isinstance(triggers, Mapping):
        return ()  # `on: push` or a list of events: no schedule
    schedule = triggers.get("schedule") or []
    return tuple(str(entry["cron"]) for entry in schedule)


def scheduled_jobs(
    path: str, text: str, *, repository: str, copies: int, days_open: int
) -> list[ScheduledJob]:
    """Every job of one private workflow that its schedule starts, with its minutes a month."""
    try:
        doc = yaml.safe_load(text)
        crons = crons_of(doc)
        daily = sum(runs_per_day(cron) for cron in crons)
        jobs = doc.get("jobs") or {}
    except (yaml.YAMLError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise EstimateError(f"{path}: {exc}") from exc
    found = []
    for key, job in jobs.items() if crons else ():
        gated = gate_of(job) == SCHEDULE_GATE
        days = min(days_open, DAYS_IN_MONTH) if gated else DAYS_IN_MONTH
        minutes = daily * days * copies * JOB_MINUTES
        found.append(
            ScheduledJob(path, str(key), repository, crons, daily, gated, days, copies, minutes)
        )
    return found


def on_demand_jobs(path: str, text: str) -> list[OnDemandJob]:
    """Every job of one admin workflow that has no schedule (none when it has one)."""
    try:
        doc = yaml.safe_load(text)
        if crons_of(doc):
            return []
        jobs = doc.get("jobs") or {}
        when = ON_DEMAND_WHEN.get(path.rsplit("/", 1)[-1], ON_DEMAND_OTHERWISE)
        return [
            OnDemandJob(
                path,
                str(doc.get("name") or path),
                str(key),
                int(job.get("timeout-minutes", GITHUB_TIMEOUT_MINUTES)),
                when,
            )
            for key, job in jobs.items()
        ]
    except (yaml.YAMLError, ValueError, TypeError, AttributeError) as exc:
        raise EstimateError(f"{path}: {exc}") from exc


def estimate_from(
    workflows: Mapping[str, str], learners: int, days_open: int = DAYS_IN_MONTH
) -> MinutesEstimate:
    """The estimate from the workflow files' text (path in the workshop repository -> text);
    files outside the private repositories' workflow folders are free (public). A room's
    workflows without a schedule are in the measured figure per learner; the admin
    repository's are named, not counted (``on_demand``)."""
    scheduled: list[ScheduledJob] = []
    on_demand: list[OnDemandJob] = []
    for path, text in sorted(workflows.items()):
        for folder, repository, per_learner in PRIVATE_REPOSITORIES:
            if path.startswith(f"{folder}/{WORKFLOWS}/"):
                copies = learners if per_learner else 1
                scheduled += scheduled_jobs(
                    path, text, repository=repository, copies=copies, days_open=days_open
                )
                if not per_learner:
                    on_demand += on_demand_jobs(path, text)
    return MinutesEstimate(
        learners=learners,
        days_open=days_open,
        scheduled=tuple(scheduled),
        room_minutes=learners * ROOM_MINUTES_PER_LEARNER,
        dispatched_minutes=learners * DISPATCHED_MINUTES_PER_LEARNER * JOB_MINUTES,
        on_demand=tuple(on_demand),
    )


def estimate(root: Path, learners: int, days_open: int = DAYS_IN_MONTH) -> MinutesEstimate:
    """The estimate for ``learners`` from the workflows of the workshop repository at ``root``."""
    texts = {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for folder, _, _ in PRIVATE_REPOSITORIES
        for path in sorted((root / folder / WORKFLOWS).glob("*.y*ml"))
    }
    return estimate_from(texts, learners, days_open)


def number(value: int) -> str:
    return f"{value:,}"


def lines(estimate: MinutesEstimate) -> list[str]:
    """The estimate as lines for a terminal: the outcome first, one fact a line, no table."""
    total, free, team = estimate.total, estimate.free_plan, estimate.team_plan
    if total <= free:
        verdict = f"within the Free plan's {number(free)}"
    elif total <= team:
        verdict = f"over the Free plan's {number(free)}, within the Team plan's {number(team)}"
    else:
        verdict = f"over the Team plan's {number(team)}"
    learners = f"{estimate.learners} learner{'' if estimate.learners == 1 else 's'}"
    out = [
        f"Actions minutes a month: about {number(total)} for {learners}, {verdict}.",
        f"Learning Rooms: {number(estimate.room_minutes)} minutes, {learners} at "
        f"{estimate.per_learner} billed minutes each for a whole journey (measured by the "
        "learner rehearsal).",
        f"Dashboard refreshes after provisioning: at most {number(estimate.dispatched_minutes)} "
        "minutes, one a learner.",
    ]
    for job in estimate.scheduled:
        when = (
            f"for the {job.days} days a cohort is open"
            if job.gated
            else "every day of the month, open cohort or not"
        )
        copies = "" if job.copies == 1 else f" in {job.copies} rooms"
        out.append(
            f"{job.workflow} (schedule, {job.repository}): {number(job.minutes)} minutes, "
            f"{job.runs_per_day} runs a day{copies} {when}."
        )
    for demand in estimate.on_demand:
        out.append(
            f"{demand.workflow} ({demand.name}, no schedule): not in the total, since it runs "
            f"only {demand.when}; a run costs at most {number(demand.timeout_minutes)} minutes."
        )
    out += [
        "The workshop repository is public: its workflows cost no minutes.",
        "Each dispatched run of the dashboard or the watchdog (Run workflow) costs about "
        f"{JOB_MINUTES} minute more.",
    ]
    if not estimate.within_free:
        out.append(
            "To stay within the Free plan, pause the schedules between sessions or run fewer "
            "learners a month."
        )
    out.append(PAUSE_HINT)
    return out
