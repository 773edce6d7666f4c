"""Work runs side by side, as on GitHub: several runs at once, and a run's independent jobs.

Each proof is a handshake: two pieces of work each write a file and wait for the other's. Run
one after another, the first would wait in vain and fail; side by side, both succeed at once.
"""

from __future__ import annotations

import time
from pathlib import Path
from textwrap import dedent

from glow.localhub.runner import Runner, WorkflowRun
from tests.runner_fakes import REPO, FakeHost

WF = ".github/workflows/ci.yml"
ISSUE = {"action": "opened", "issue": {"number": 1, "title": "Hello"}, "sender": {"login": "mona"}}


def handshake(meet: Path, mine: str, theirs: str) -> str:
    """A bash script that marks ``mine`` and waits (at most 10 s) for ``theirs``."""
    return (
        f'touch "{meet}/{mine}"; '
        f'for i in $(seq 200); do [ -e "{meet}/{theirs}" ] && exit 0; sleep 0.05; done; '
        f'echo "{theirs} never arrived"; exit 1'
    )


def meeting_workflow(meet: Path, concurrency: str = "") -> str:
    """Run A waits for run B and B for A (the issue title says which one a run is)."""
    script = handshake(meet, "$ME", "$OTHER")
    return dedent(f"""\
        on: issues
        {concurrency}
        jobs:
          meet:
            runs-on: x
            steps:
              - env:
                  ME: ${{{{ github.event.issue.title }}}}
                run: |
                  if [ "$ME" = A ]; then OTHER=B; else OTHER=A; fi
                  {script}
        """)


def dispatch(runner: Runner, sha: str, title: str) -> WorkflowRun:
    payload = {**ISSUE, "issue": {"number": 1, "title": title}}
    (run,) = runner.dispatch_event(REPO, "issues", payload, sha=sha, ref="refs/heads/main")
    return run


def test_the_runner_runs_four_runs_at_once_by_default(runner: Runner) -> None:
    assert runner.workers == 4


def test_two_runs_execute_side_by_side(host: FakeHost, runner: Runner, tmp_path: Path) -> None:
    sha = host.commit({WF: meeting_workflow(tmp_path)})
    runs = [dispatch(runner, sha, "A"), dispatch(runner, sha, "B")]
    assert runner.wait_idle(20)
    assert [r.conclusion for r in runs] == ["success", "success"], [r.log for r in runs]
    assert [r.run_number for r in runs] == [1, 2]


def test_runs_in_different_groups_execute_side_by_side(
    host: FakeHost, runner: Runner, tmp_path: Path
) -> None:
    concurrency = "concurrency: group-${{ github.event.issue.title }}"
    sha = host.commit({WF: meeting_workflow(tmp_path, concurrency)})
    runs = [dispatch(runner, sha, "A"), dispatch(runner, sha, "B")]
    assert runner.wait_idle(20)
    assert [r.conclusion for r in runs] == ["success", "success"], [r.log for r in runs]


def test_independent_jobs_run_side_by_side_and_needs_still_hold(
    host: FakeHost, runner: Runner, tmp_path: Path
) -> None:
    sha = host.commit(
        {
            WF: dedent(f"""\
        on: issues
        jobs:
          left:
            runs-on: x
            outputs:
              side: ${{{{ steps.s.outputs.side }}}}
            steps:
              - run: '{handshake(tmp_path, "left", "right")}'
              - id: s
                run: echo "side=west" >> "$GITHUB_OUTPUT" && echo "left's own line"
          right:
            runs-on: x
            outputs:
              side: ${{{{ steps.s.outputs.side }}}}
            steps:
              - run: '{handshake(tmp_path, "right", "left")}'
              - id: s
                run: echo "side=east" >> "$GITHUB_OUTPUT" && echo "right's own line"
          broken:
            runs-on: x
            steps:
              - run: exit 3
          join:
            needs: [left, right]
            runs-on: x
            steps:
              - env:
                  SIDES: ${{{{ needs.left.outputs.side }}}} ${{{{ needs.right.outputs.side }}}}
                run: echo "joined $SIDES ${{{{ needs.left.result }}}}"
          after-broken:
            needs: [broken, join]
            runs-on: x
            steps:
              - run: echo "must not run"
          report:
            needs: [broken, join]
            if: always() && needs.broken.result == 'failure'
            runs-on: x
            steps:
              - run: echo "report ${{{{ needs.broken.result }}}} ${{{{ needs.join.result }}}}"
        """)
        }
    )
    run = dispatch(runner, sha, "A")
    assert runner.wait_idle(30)
    conclusions = {job.key: job.conclusion for job in run.jobs}
    assert conclusions == {
        "left": "success",
        "right": "success",
        "broken": "failure",
        "join": "success",
        "after-broken": "skipped",
        "report": "success",
    }, run.log
    assert run.conclusion == "failure"
    assert "joined west east success" in run.job("join").log
    assert "report failure success" in run.job("report").log
    # each job's log holds its own lines only
    assert (
        "left's own line" in run.job("left").log and "right's own line" not in run.job("left").log
    )
    assert "right's own line" in run.job("right").log and "left's" not in run.job("right").log
    # and each job had its own token, revoked when it ended
    tokens = {token for _, _, token in host.minted}
    assert len(tokens) == 5 and tokens <= host.revoked


def test_cancelling_a_run_cancels_all_its_running_jobs(
    host: FakeHost, runner: Runner, tmp_path: Path
) -> None:
    sha = host.commit(
        {
            WF: dedent("""\
        on: issues
        jobs:
          one:
            runs-on: x
            steps:
              - run: echo started one && sleep 30
          two:
            runs-on: x
            steps:
              - run: echo started two && sleep 30
          after:
            needs: [one, two]
            runs-on: x
            steps:
              - run: echo "must not run"
        """)
        }
    )
    run = dispatch(runner, sha, "A")
    deadline = time.monotonic() + 10
    while not ("started one" in run.log and "started two" in run.log):
        assert time.monotonic() < deadline, run.log
        time.sleep(0.01)
    began = time.monotonic()
    assert runner.cancel(run.id)
    assert runner.wait_idle(15)
    assert time.monotonic() - began < 8
    assert run.conclusion == "cancelled"
    assert {job.key: job.conclusion for job in run.jobs} == {
        "one": "cancelled",
        "two": "cancelled",
        "after": "cancelled",
    }
    assert "must not run" not in run.log
