"""The Actions minutes a month `glow golive` expects: read from the real workflow files, only the
private repositories counted, within GitHub Free's 2,000 for a cohort of 30."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from textwrap import dedent

import pytest
import yaml

from glow.cohort.golive.minutes import (
    FREE_PLAN_MINUTES,
    ROOM_MINUTES_PER_LEARNER,
    SCHEDULE_GATE,
    EstimateError,
    estimate,
    estimate_from,
    lines,
    runs_per_day,
)
from glow.localhub.runner.cron import Cron

ROOT = Path(__file__).resolve().parents[1]
ADMIN = "admin-roster/.github/workflows"


def workflow(cron: str, gate: str | None = SCHEDULE_GATE) -> str:
    job = {"runs-on": "ubuntu-latest", "steps": [{"run": "true"}]}
    if gate is not None:
        job = {"if": gate, **job}
    return yaml.safe_dump({"on": {"schedule": [{"cron": cron}]}, "jobs": {"work": job}})


def fires_in_a_day(cron: str) -> int:
    """What the local runner's full cron matcher counts over one day."""
    parsed, start = Cron.parse(cron), datetime(2026, 11, 23, tzinfo=UTC)
    last = start + timedelta(days=1) - timedelta(minutes=1)  # the day's last minute
    count, at = 0, parsed.first_fire(start - timedelta(minutes=1), last)
    while at is not None:
        count += 1
        at = parsed.first_fire(at, last)
    return count


def test_a_cohort_of_30_is_within_the_free_plan_room_workflows_included() -> None:
    found = estimate(ROOT, learners=30)
    assert found.room_minutes == 30 * ROOM_MINUTES_PER_LEARNER
    assert {job.workflow for job in found.scheduled} == {
        f"{ADMIN}/dashboard.yml",
        f"{ADMIN}/watchdog.yml",
    }
    for job in found.scheduled:
        assert job.gated, f"{job.workflow} runs its schedule whether a cohort is open or not"
        assert job.minutes == job.runs_per_day * 30
    assert found.scheduled_minutes <= 500  # "a few hundred" for the admin repository
    assert found.total == found.scheduled_minutes + found.room_minutes + found.dispatched_minutes
    assert found.dispatched_minutes == 30  # a dashboard refresh a learner, at most
    assert found.total <= FREE_PLAN_MINUTES
    assert found.within_free


def test_the_old_schedules_every_10_and_15_minutes_would_be_over_every_plan() -> None:
    old = {
        f"{ADMIN}/watchdog.yml": workflow("*/10 * * * *", gate=None),
        f"{ADMIN}/dashboard.yml": workflow("*/15 * * * *", gate=None),
    }
    found = estimate_from(old, learners=30)
    assert found.scheduled_minutes == (144 + 96) * 30
    assert lines(found)[0].startswith("Actions minutes a month: about 8,670 for 30 learners, over")
    assert "over the Team plan's 3,000" in lines(found)[0]


def test_a_gated_schedule_costs_only_the_days_a_cohort_is_open() -> None:
    texts = {
        f"{ADMIN}/gated.yml": workflow("5 */4 * * *"),
        f"{ADMIN}/always.yml": workflow("5 */4 * * *", gate="github.event_name == 'schedule'"),
    }
    found = estimate_from(texts, learners=0, days_open=3)
    minutes = {job.workflow.rsplit("/", 1)[1]: job.minutes for job in found.scheduled}
    assert minutes == {"gated.yml": 6 * 3, "always.yml": 6 * 30}
    # The same gate written as `${{ ... }}` is the same gate.
    wrapped = workflow("5 3 * * *", gate="${{ " + SCHEDULE_GATE + " }}")
    assert [job.gated for job in estimate_from({f"{ADMIN}/g.yml": wrapped}, 0).scheduled] == [True]


def test_only_private_repositories_are_counted_a_rooms_schedule_once_per_learner() -> None:
    texts = {
        ".github/workflows/day2-release.yml": workflow("*/15 * * * *", gate=None),
        "learning-room-template/.github/workflows/tick.yml": workflow("0 12 * * *", gate=None),
    }
    found = estimate_from(texts, learners=7)
    [job] = found.scheduled
    assert (job.workflow, job.copies, job.minutes) == (
        "learning-room-template/.github/workflows/tick.yml",
        7,
        7 * 30,
    )


@pytest.mark.parametrize(
    "cron",
    [
        "*/15 * * * *",
        "17 * * * *",
        "0,30 9-17/4 * * *",
        "23 */6 * * *",
        "41 */3 * * *",
        "0 0 * * *",
    ],
)
def test_the_cron_counter_agrees_with_the_local_runners_matcher(cron: str) -> None:
    assert runs_per_day(cron) == fires_in_a_day(cron)


def test_every_private_schedule_is_counted_as_the_runner_fires_it() -> None:
    for job in estimate(ROOT, learners=30).scheduled:
        assert job.runs_per_day == sum(fires_in_a_day(cron) for cron in job.crons), job.workflow


def test_a_schedule_the_estimate_cannot_count_names_its_file() -> None:
    texts = {f"{ADMIN}/weekly.yml": workflow("0 9 * * 1")}
    with pytest.raises(EstimateError, match=r"weekly\.yml: cron `0 9 \* \* 1` must be"):
        estimate_from(texts, learners=1)


def test_the_printout_leads_with_the_total_and_says_how_to_pause() -> None:
    found = estimate(ROOT, learners=30)
    printed = lines(found)
    assert printed[0] == (
        f"Actions minutes a month: about {found.total:,} for 30 learners, within the Free "
        "plan's 2,000."
    )
    assert any(line.startswith(f"{ADMIN}/watchdog.yml (schedule,") for line in printed)
    assert "The workshop repository is public: its workflows cost no minutes." in printed
    assert printed[-1] == (
        "To pause the schedules, set the admin repository's variable GLOW_SCHEDULES to paused."
    )
    assert all("\n" not in line for line in printed)


def test_over_the_free_plan_the_printout_says_what_to_do() -> None:
    printed = lines(estimate(ROOT, learners=40))
    assert "over the Free plan's 2,000, within the Team plan's 3,000" in printed[0]
    assert any("pause the schedules between sessions" in line for line in printed)


def test_the_readme_states_the_figure_glow_golive_prints() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    total = estimate(ROOT, learners=30).total
    assert f"about {total:,} Actions minutes a month" in readme
    assert "GLOW_SCHEDULES" in readme


def test_a_workflow_that_is_not_yaml_names_its_file() -> None:
    with pytest.raises(EstimateError, match=r"^admin-roster/.github/workflows/bad.yml: "):
        estimate_from({f"{ADMIN}/bad.yml": dedent("on: [\n")}, learners=1)


def test_the_admin_workflows_without_a_schedule_are_named_with_why_they_are_not_counted() -> None:
    """Grade and Author run only when there is work no cohort size predicts (a submission, a
    course brief): the printout names each, what starts it and the most a run costs, and the
    total leaves them out."""
    found = estimate(ROOT, learners=30)
    by_file = {job.workflow.rsplit("/", 1)[1]: job for job in found.on_demand}
    assert set(by_file) == {"author.yml", "grade.yml"}
    author = by_file["author.yml"]
    assert (author.name, author.timeout_minutes) == ("Author", 90)
    assert "course brief" in author.when
    assert found.total == found.scheduled_minutes + found.room_minutes + found.dispatched_minutes
    assert (
        f"{ADMIN}/author.yml (Author, no schedule): not in the total, since it runs only "
        f"{author.when}; a run costs at most 90 minutes."
    ) in lines(found)


def test_an_unknown_admin_workflow_without_a_schedule_is_still_named() -> None:
    text = yaml.safe_dump({"name": "Mine", "on": "workflow_dispatch", "jobs": {"a": {}}})
    rooms = "learning-room-template/.github/workflows/room.yml"
    found = estimate_from({f"{ADMIN}/mine.yml": text, rooms: text}, learners=3)
    [job] = found.on_demand  # a room's own runs are in the measured figure per learner
    assert (job.name, job.timeout_minutes) == ("Mine", 360)
    assert (
        f"{ADMIN}/mine.yml (Mine, no schedule): not in the total, since it runs only when an "
        "event or a person starts it; a run costs at most 360 minutes."
    ) in lines(found)
