"""``actions/checkout`` (over real git smart HTTP), ``setup-python`` and local composite actions."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent

import pytest

from glow.localhub.runner import Runner, WorkflowRun
from tests.runner_fakes import FakeHost, make_runner, run_event

WF = ".github/workflows/ci.yml"
CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"
ISSUE = {"action": "opened", "issue": {"number": 1, "title": "Hi"}, "sender": {"login": "mona"}}

GREET_ACTION = """\
name: Greet
description: Greets someone
inputs:
  who:
    description: Who to greet
    required: true
  greeting:
    description: The greeting
    default: Hello ${{ github.event.sender.login }}
outputs:
  message:
    description: What was said
    value: ${{ steps.make.outputs.message }}
runs:
  using: composite
  steps:
    - id: make
      shell: bash
      env:
        WHO: ${{ inputs.who }}
        GREETING: ${{ inputs.greeting }}
      run: |
        echo "message=$GREETING to $WHO" >> "$GITHUB_OUTPUT"
        test -f "$GITHUB_ACTION_PATH/action.yml" && echo "action path ok"
        echo "input env: [${INPUT_WHO:-unset}]"
    - shell: bash
      run: echo "inner steps see ${{ steps.make.outputs.message }}"
"""


@pytest.fixture
def host(tmp_path: Path) -> Iterator[FakeHost]:
    fake = FakeHost(tmp_path / "hub", http=True)
    yield fake
    fake.close()


@pytest.fixture
def runner(host: FakeHost, tmp_path: Path) -> Iterator[Runner]:
    runner = make_runner(host, tmp_path / "work")
    yield runner
    runner.shutdown()


def only(runs: list[WorkflowRun]) -> WorkflowRun:
    assert len(runs) == 1
    return runs[0]


def workflow(steps: str) -> str:
    head = "on: issues\njobs:\n  job:\n    runs-on: ubuntu-latest\n    steps:\n"
    return head + "\n".join("      " + line for line in dedent(steps).splitlines()) + "\n"


def test_checkout_gets_the_event_commit_with_the_job_token(host: FakeHost, runner: Runner) -> None:
    old = host.commit(
        {
            "README.md": "version one\n",
            WF: workflow(f"""\
        - uses: {CHECKOUT}
        - run: |
            cat README.md
            echo "head=$(git rev-parse HEAD) branch=$(git branch --show-current)"
            git ls-remote origin refs/heads/main
        """),
        }
    )
    host.commit({"README.md": "version two\n"})
    run = only(run_event(runner, host, "issues", ISSUE, sha=old))
    assert run.conclusion == "success", run.log
    assert "version one" in run.log and "version two" not in run.log
    assert f"head={old} branch=main" in run.log
    token = host.minted[0][2]
    basic = "Basic " + base64.b64encode(f"x-access-token:{token}".encode()).decode()
    # the fetch authenticated with the job token (HTTP auth schemes are case-insensitive)
    assert basic.lower() in [seen.lower() for seen in host.auth_seen]
    assert token not in run.log and base64.b64encode(token.encode()).decode() not in run.log
    assert token in host.revoked
    assert not host.token_is_live(basic)


def test_checkout_inputs_path_ref_depth_and_persist_credentials(
    host: FakeHost, runner: Runner
) -> None:
    first = host.commit({"README.md": "one\n"})
    sha = host.commit(
        {
            WF: workflow(f"""\
        - uses: {CHECKOUT}
          with:
            path: full
            fetch-depth: 0
            ref: main
        - uses: {CHECKOUT}
          with:
            path: pinned
            ref: {first}
            persist-credentials: false
        - run: |
            echo "full has $(git -C full rev-list --count HEAD) commits"
            echo "pinned at $(git -C pinned rev-parse HEAD)"
            git -C full ls-remote origin >/dev/null && echo "persisted credentials work"
            if git -C pinned ls-remote origin >/dev/null 2>&1; then echo leak; \
            else echo "no credentials persisted"; fi
          env:
            GIT_TERMINAL_PROMPT: '0'
        """)
        }
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    assert run.conclusion == "success", run.log
    assert "full has 2 commits" in run.log and f"pinned at {first}" in run.log
    assert "persisted credentials work" in run.log and "no credentials persisted" in run.log


def test_a_job_can_push_back_with_the_persisted_token(host: FakeHost, runner: Runner) -> None:
    home_config = Path.home() / ".gitconfig"
    before = home_config.read_bytes() if home_config.exists() else None
    sha = host.commit(
        {
            WF: workflow(f"""\
        - uses: {CHECKOUT}
        - run: |
            git config --global user.name "glow-bot"
            git config --global user.email "bot@example.com"
            echo "progress" > progress.md
            git add progress.md && git commit -q -m "Record progress"
            git push -q
        """)
        }
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    assert run.conclusion == "success", run.log
    head = host.branch_sha("octo/room", "main")
    assert head is not None and head != sha
    assert host.read_file(head, "progress.md") == "progress"
    after = home_config.read_bytes() if home_config.exists() else None
    assert after == before  # `git config --global` in a job does not touch the user's config


def test_checkout_rejects_a_path_outside_the_workspace(host: FakeHost, runner: Runner) -> None:
    sha = host.commit({WF: workflow(f"- uses: {CHECKOUT}\n  with:\n    path: ../../escape\n")})
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    assert run.conclusion == "failure" and "outside the workspace" in run.log


def test_setup_python_is_a_logged_no_op(host: FakeHost, runner: Runner) -> None:
    sha = host.commit(
        {
            WF: workflow("""\
        - id: py
          uses: actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065
          with:
            python-version: '3.12'
        - run: echo "python ${{ steps.py.outputs.python-version }}" && python --version
        """)
        }
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    assert run.conclusion == "success"
    assert "setup-python is a no-op on the local runner" in run.log
    assert "(requested 3.12)" in run.log


@pytest.mark.parametrize("prefix", ["./", "$/"])
def test_composite_action_inputs_and_outputs(host: FakeHost, runner: Runner, prefix: str) -> None:
    sha = host.commit(
        {
            "actions/greet/action.yml": GREET_ACTION,
            WF: workflow(f"""\
            - uses: {CHECKOUT}
            - id: first
              uses: {prefix}actions/greet
              with:
                who: Lisa
            - id: second
              uses: {prefix}actions/greet/
              with:
                who: ${{{{ github.event.issue.title }}}}
                greeting: Howdy
            - run: |
                echo "first: ${{{{ steps.first.outputs.message }}}}"
                echo "second: ${{{{ steps.second.outputs.message }}}}"
            """),
        }
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    assert run.conclusion == "success", run.log
    assert "first: Hello mona to Lisa" in run.log
    assert "second: Howdy to Hi" in run.log
    assert "inner steps see Hello mona to Lisa" in run.log and "action path ok" in run.log
    assert "input env: [unset]" in run.log  # GitHub gives composite actions no INPUT_*
    assert [s.conclusion for s in run.job("job").steps] == ["success"] * 4


def test_composite_input_env_can_be_switched_on(host: FakeHost, tmp_path: Path) -> None:
    sha = host.commit(
        {
            "actions/greet/action.yml": GREET_ACTION,
            WF: workflow(f"- uses: {CHECKOUT}\n- uses: ./actions/greet\n  with:\n    who: Lisa\n"),
        }
    )
    runner = make_runner(host, tmp_path / "work2", composite_input_env=True)
    try:
        run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    finally:
        runner.shutdown()
    assert "input env: [Lisa]" in run.log


def test_composite_failure_fails_the_outer_step(host: FakeHost, runner: Runner) -> None:
    action = dedent("""\
        name: Fails
        description: d
        runs:
          using: composite
          steps:
            - shell: bash
              continue-on-error: true
              run: exit 4
            - shell: bash
              run: echo "inner continues" && exit 2
            - if: failure()
              shell: bash
              run: echo "inner failure handler"
        """)
    sha = host.commit(
        {
            "actions/fail/action.yaml": action,
            WF: workflow(f"""\
        - uses: {CHECKOUT}
        - id: f
          uses: $/actions/fail
        - if: failure()
          run: echo "outer saw ${{{{ steps.f.outcome }}}}"
        """),
        }
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    assert run.conclusion == "failure"
    assert "inner continues" in run.log and "inner failure handler" in run.log
    assert "outer saw failure" in run.log


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, f"runtime: {WF} line 7: no action.yml or action.yaml in `./actions/x`"),
        (
            {"actions/x/action.yml": "name: n\nruns:\n  using: node20\n  main: i.js\n"},
            "actions/x/action.yml line 3: only composite actions run locally",
        ),
        (
            {
                "actions/x/action.yml": "name: n\nruns:\n  using: composite\n  steps:\n"
                "    - run: echo no shell\n"
            },
            "actions/x/action.yml line 5: a `run` step in a composite action needs `shell`",
        ),
        (
            {
                "actions/x/action.yml": "name: n\nruns:\n  using: composite\n  steps:\n"
                "    - uses: docker://alpine\n      shell: sh\n"
            },
            "the local runner supports actions/checkout",
        ),
    ],
)
def test_composite_errors_are_located(
    host: FakeHost, runner: Runner, files: dict[str, str], message: str
) -> None:
    sha = host.commit({**files, WF: workflow(f"- uses: {CHECKOUT}\n- uses: ./actions/x\n")})
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    assert run.conclusion == "failure"
    assert run.error and message in run.error, run.error


def test_local_action_without_checkout_says_so(host: FakeHost, runner: Runner) -> None:
    sha = host.commit(
        {
            "actions/greet/action.yml": GREET_ACTION,
            WF: workflow("- uses: ./actions/greet\n  with:\n    who: x\n"),
        }
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    assert run.conclusion == "failure"
    assert run.error and "run actions/checkout before a local action" in run.error
