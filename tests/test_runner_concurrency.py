"""Queueing, ``concurrency:`` groups, cancellation and shutdown."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

from glow.localhub.runner import Runner, WorkflowRun
from tests.runner_fakes import REPO, FakeHost, make_runner

WF = ".github/workflows/ci.yml"


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def started(run: WorkflowRun) -> Callable[[], bool]:
    return lambda: any(job.status == "in_progress" for job in run.jobs)


def dispatch(runner: Runner, sha: str, title: str) -> WorkflowRun:
    payload = {"action": "opened", "issue": {"title": title}}
    (run,) = runner.dispatch_event(REPO, "issues", payload, sha=sha, ref="refs/heads/main")
    return run


def workflow(concurrency: str, script: str) -> str:
    return dedent(f"""\
        on: issues
        concurrency: {concurrency}
        jobs:
          work:
            runs-on: x
            steps:
              - run: {script}
              - if: always()
                run: echo "cleanup ${{{{ job.status }}}}"
        """)


def test_newer_pending_run_replaces_the_older_pending_one(host: FakeHost, runner: Runner) -> None:
    sha = host.commit(
        {
            WF: workflow(
                "issues-${{ github.repository }}",
                "sleep 0.4 && echo done ${{ github.event.issue.title }}",
            )
        }
    )
    first = dispatch(runner, sha, "A")
    wait_for(started(first))
    second = dispatch(runner, sha, "B")
    third = dispatch(runner, sha, "C")
    assert runner.wait_idle(20)
    assert (first.conclusion, second.conclusion, third.conclusion) == (
        "success",
        "cancelled",
        "success",
    )
    assert host.statuses(second.id) == ["queued", "pending", "completed"]  # never started
    assert second.jobs == [] and "done C" in third.log


def test_cancel_in_progress_terminates_the_running_run(host: FakeHost, runner: Runner) -> None:
    sha = host.commit(
        {WF: workflow("{group: deploy, cancel-in-progress: true}", "echo started && sleep 30")}
    )
    first = dispatch(runner, sha, "A")
    wait_for(lambda: "started" in first.log)
    began = time.monotonic()
    second = dispatch(runner, sha, "B")
    wait_for(lambda: first.status == "completed")
    assert time.monotonic() - began < 5  # the sleep was killed, not waited for
    assert first.conclusion == "cancelled"
    assert first.job("work").steps[0].conclusion == "cancelled"
    assert "cleanup cancelled" in first.log  # always() still runs after a cancel
    runner.cancel(second.id)
    assert runner.wait_idle(10)
    assert second.conclusion == "cancelled"


def test_runs_without_a_group_are_fifo(host: FakeHost, runner: Runner) -> None:
    sha = host.commit(
        {
            WF: "on: issues\njobs:\n  a:\n    runs-on: x\n    steps:\n"
            "      - run: echo ${{ github.event.issue.title }}\n"
        }
    )
    runs = [dispatch(runner, sha, str(i)) for i in range(3)]
    assert runner.wait_idle(10)
    assert [r.conclusion for r in runs] == ["success"] * 3
    started_at = [r.run_started_at for r in runs]
    assert started_at == sorted(started_at)  # type: ignore[type-var]
    assert [r.run_number for r in runs] == [1, 2, 3]
    assert len({r.id for r in runs}) == 3


def test_job_level_concurrency(host: FakeHost, tmp_path: Path) -> None:
    sha = host.commit(
        {
            WF: dedent("""\
        on: issues
        jobs:
          deploy:
            runs-on: x
            concurrency:
              group: deploy-${{ github.repository }}
            steps:
              - run: echo "deploying ${{ github.event.issue.title }}" && sleep 0.4
        """)
        }
    )
    runner = make_runner(host, tmp_path / "work", workers=3)
    try:
        first = dispatch(runner, sha, "A")
        wait_for(started(first))
        second = dispatch(runner, sha, "B")
        wait_for(lambda: bool(second.jobs) and second.jobs[0].status == "waiting")
        third = dispatch(runner, sha, "C")
        assert runner.wait_idle(20)
    finally:
        runner.shutdown()
    assert (first.conclusion, second.conclusion, third.conclusion) == (
        "success",
        "cancelled",
        "success",
    )
    assert "higher priority waiting request" in second.log
    assert "deploying B" not in second.log


def test_cancel_a_running_run_and_shutdown(host: FakeHost, runner: Runner) -> None:
    sha = host.commit({WF: workflow("g", "echo started && sleep 30")})
    running = dispatch(runner, sha, "A")
    wait_for(lambda: "started" in running.log)
    queued = dispatch(runner, sha, "B")
    assert runner.cancel(running.id)
    wait_for(lambda: running.status == "completed")
    assert running.conclusion == "cancelled"
    wait_for(lambda: "started" in queued.log)
    began = time.monotonic()
    runner.shutdown()
    assert time.monotonic() - began < 8
    assert queued.conclusion == "cancelled" and queued.status == "completed"
    assert runner.get_run(queued.id) is queued


# -- a burst of events through one group, under real parallelism ------------------------------


def held_until(release: Path, title_expr: str = "${{ github.event.issue.title }}") -> str:
    """A step that says it started, then waits (at most 20 s) until the test releases it."""
    return (
        f'echo "started {title_expr}"; '
        f'for i in $(seq 400); do [ -e "{release}" ] && exit 0; sleep 0.05; done; exit 1'
    )


def burst(
    runner: Runner, sha: str, count: int, before_next: Callable[[WorkflowRun], bool]
) -> list[WorkflowRun]:
    runs = []
    for index in range(count):
        runs.append(dispatch(runner, sha, str(index + 1)))
        wait_for(lambda: before_next(runs[-1]))
    return runs


def test_burst_of_six_through_one_workflow_group(
    host: FakeHost, runner: Runner, tmp_path: Path
) -> None:
    """First runs, last runs, the four in between are cancelled and never start."""
    release = tmp_path / "release"
    sha = host.commit({WF: workflow("one-at-a-time", f"'{held_until(release)}'")})
    runs = [dispatch(runner, sha, str(i + 1)) for i in range(6)]  # all at once
    wait_for(lambda: "started 1" in runs[0].log)
    assert [r.status for r in runs[1:]] == ["completed"] * 4 + ["pending"]
    release.touch()
    assert runner.wait_idle(20)
    assert [r.conclusion for r in runs] == ["success"] + ["cancelled"] * 4 + ["success"]
    for run in runs[1:5]:
        assert "in_progress" not in host.statuses(run.id) and run.jobs == []
    assert "started 6" in runs[5].log


def test_burst_with_cancel_in_progress_leaves_only_the_last(
    host: FakeHost, runner: Runner, tmp_path: Path
) -> None:
    release = tmp_path / "release"
    sha = host.commit(
        {WF: workflow("{group: deploy, cancel-in-progress: true}", f"'{held_until(release)}'")}
    )
    first = dispatch(runner, sha, "1")
    wait_for(lambda: "started 1" in first.log)
    runs = [first] + [dispatch(runner, sha, str(i + 2)) for i in range(5)]
    wait_for(lambda: "started 6" in runs[5].log)
    release.touch()
    assert runner.wait_idle(20)
    assert [r.conclusion for r in runs] == ["cancelled"] * 5 + ["success"]
    # the first was stopped mid-step; the others were cancelled pending or, once promoted,
    # running: either way only the newest run survives
    assert first.job("work").steps[0].conclusion == "cancelled"


def test_burst_of_six_through_one_job_group(host: FakeHost, tmp_path: Path) -> None:
    """Job-level groups: the first job runs, the last runs, the four between are cancelled.

    Each run reaches the group in order (the test waits for it), as a job's place in its
    group is decided when the job is ready to start."""
    release = tmp_path / "release"
    sha = host.commit(
        {
            WF: dedent(f"""\
        on: issues
        jobs:
          deploy:
            runs-on: x
            concurrency: deploy-${{{{ github.repository }}}}
            steps:
              - run: '{held_until(release)}'
          other:
            runs-on: x
            steps:
              - run: echo "not in any group"
        """)
        }
    )
    runner = make_runner(host, tmp_path / "work")
    try:
        runs = burst(
            runner,
            sha,
            6,
            lambda run: (
                bool(run.jobs)
                and run.job("deploy").status in ("in_progress", "waiting")
                and run.job("other").status == "completed"
            ),
        )
        wait_for(lambda: "started 1" in runs[0].log)
        release.touch()
        assert runner.wait_idle(20)
    finally:
        runner.shutdown()
    deploys = [r.job("deploy").conclusion for r in runs]
    assert deploys == ["success"] + ["cancelled"] * 4 + ["success"]
    assert [r.conclusion for r in runs] == ["success"] + ["cancelled"] * 4 + ["success"]
    assert all(r.job("other").conclusion == "success" for r in runs)
    for run in runs[1:5]:
        assert "started" not in run.job("deploy").log
        assert "higher priority waiting request" in run.job("deploy").log
