"""Running real workflow files on events with a fake host: events, steps, jobs, tokens."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from textwrap import dedent

import pytest

from glow.localhub.runner import Runner, WorkflowRun
from tests.runner_fakes import REPO, FakeHost, run_event

WF = ".github/workflows/ci.yml"


def commit(host: FakeHost, text: str, path: str = WF, **more: str) -> str:
    return host.commit({path: dedent(text), **more})


def only(runs: list[WorkflowRun]) -> WorkflowRun:
    assert len(runs) == 1, [r.workflow_path for r in runs]
    return runs[0]


ISSUE = {"action": "opened", "issue": {"number": 1, "title": "Hello"}, "sender": {"login": "mona"}}


def test_issue_opened_runs_the_workflow_with_the_event(host: FakeHost, runner: Runner) -> None:
    sha = commit(
        host,
        """\
        name: Greet
        on:
          issues:
            types: [opened]
        jobs:
          greet:
            runs-on: ubuntu-latest
            steps:
              - name: Say hello
                env:
                  TITLE: ${{ github.event.issue.title }}
                run: |
                  echo "title: $TITLE from $GITHUB_ACTOR in $GITHUB_REPOSITORY"
                  python -c 'import json, os
                  event = json.load(open(os.environ["GITHUB_EVENT_PATH"]))
                  assert event["issue"]["title"] == "Hello"'
        """,
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    assert (run.status, run.conclusion, run.error) == ("completed", "success", None)
    assert (run.name, run.event, run.head_sha, run.actor) == ("Greet", "issues", sha, "mona")
    assert run.display_title == "Hello"
    assert "title: Hello from mona in octo/room" in run.log
    job = run.job("greet")
    assert [(s.name, s.conclusion) for s in job.steps] == [("Say hello", "success")]
    assert host.statuses(run.id)[0] == "queued" and host.statuses(run.id)[-1] == "completed"
    assert "in_progress" in host.statuses(run.id)
    assert not run_event(runner, host, "issues", {**ISSUE, "action": "closed"}, sha=sha)


def test_untrusted_input_through_env_is_not_shell_interpreted(
    host: FakeHost, runner: Runner, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    sha = commit(
        host,
        """\
        on: issues
        jobs:
          safe:
            runs-on: ubuntu-latest
            steps:
              - env:
                  TITLE: ${{ github.event.issue.title }}
                run: 'echo "got: $TITLE"'
        """,
    )
    title = f'$(touch {marker}) `touch {marker}` "; touch {marker}; echo "'
    run = only(run_event(runner, host, "issues", {**ISSUE, "issue": {"title": title}}, sha=sha))
    assert run.conclusion == "success"
    assert f"got: {title}" in run.log
    assert not marker.exists()


def test_env_contract(host: FakeHost, runner: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "should-not-leak")
    sha = commit(
        host,
        """\
        on: issues
        env:
          LEVEL: workflow
          OVERRIDE: workflow
        jobs:
          env:
            runs-on: ubuntu-latest
            env:
              OVERRIDE: job
            steps:
              - run: |
                  for name in CI GITHUB_ACTIONS GLOW_LOCAL_RUNNER GITHUB_EVENT_NAME \\
                      GITHUB_REPOSITORY GITHUB_REPOSITORY_OWNER GITHUB_API_URL GITHUB_SERVER_URL \\
                      GITHUB_GRAPHQL_URL \\
                      GITHUB_SHA GITHUB_REF GITHUB_REF_NAME GITHUB_RUN_NUMBER GITHUB_RUN_ATTEMPT \\
                      GITHUB_JOB GITHUB_WORKFLOW GITHUB_ACTOR RUNNER_OS LEVEL OVERRIDE GLOW_TEST; do
                    echo "$name=${!name}"
                  done
                  echo "token-set=${GITHUB_TOKEN:+yes}"
                  echo "aws=${AWS_SECRET_ACCESS_KEY:-absent}"
                  echo "path0=${PATH%%:*}"
                  for name in GITHUB_WORKSPACE GITHUB_EVENT_PATH GITHUB_OUTPUT GITHUB_ENV \\
                      GITHUB_PATH GITHUB_STEP_SUMMARY RUNNER_TEMP; do
                    test -e "${!name}" && echo "$name exists"
                  done
                  test "$PWD" = "$GITHUB_WORKSPACE" && echo "cwd is workspace"
        """,
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    assert run.conclusion == "success", run.log
    expected = [
        "CI=true",
        "GITHUB_ACTIONS=true",
        "GLOW_LOCAL_RUNNER=1",
        "GITHUB_EVENT_NAME=issues",
        f"GITHUB_REPOSITORY={REPO}",
        "GITHUB_REPOSITORY_OWNER=octo",
        f"GITHUB_API_URL={host.api_url}",
        f"GITHUB_SERVER_URL={host.server_url}",
        "GITHUB_GRAPHQL_URL=http://127.0.0.1:9/api/graphql",
        f"GITHUB_SHA={sha}",
        "GITHUB_REF=refs/heads/main",
        "GITHUB_REF_NAME=main",
        "GITHUB_RUN_NUMBER=1",
        "GITHUB_RUN_ATTEMPT=1",
        "GITHUB_JOB=env",
        f"GITHUB_WORKFLOW={WF}",
        "GITHUB_ACTOR=mona",
        "RUNNER_OS=Linux",
        "LEVEL=workflow",
        "OVERRIDE=job",
        "GLOW_TEST=1",
        "token-set=",
        "aws=absent",
        f"path0={Path(sys.executable).parent}",
        "cwd is workspace",
    ] + [
        f"{name} exists"
        for name in (
            "GITHUB_WORKSPACE",
            "GITHUB_EVENT_PATH",
            "GITHUB_OUTPUT",
            "GITHUB_ENV",
            "GITHUB_PATH",
            "GITHUB_STEP_SUMMARY",
            "RUNNER_TEMP",
        )
    ]
    lines = run.log.splitlines()
    for line in expected:
        assert line in lines, line


def test_token_and_secrets_only_through_expressions_and_masked(
    host: FakeHost, runner: Runner
) -> None:
    host.secret_values["API_KEY"] = "s3cr3t-value"
    sha = commit(
        host,
        """\
        on: issues
        jobs:
          tok:
            runs-on: ubuntu-latest
            steps:
              - env:
                  TOKEN: ${{ secrets.GITHUB_TOKEN }}
                  SAME: ${{ github.token }}
                  KEY: ${{ secrets.API_KEY }}
                run: |
                  test -n "$TOKEN" && test "$TOKEN" = "$SAME" && echo "token ok"
                  echo "key is $KEY and token is $TOKEN"
                  echo "::add-mask::dynamic-mask-me"
                  echo "dynamic-mask-me is hidden"
        """,
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    token = host.minted[0][2]
    assert run.conclusion == "success"
    assert "token ok" in run.log
    assert "key is *** and token is ***" in run.log
    assert "*** is hidden" in run.log
    assert token not in run.log and "s3cr3t-value" not in run.log
    assert token in host.revoked  # revoked when the job ended


def test_permissions_resolution_seen_in_minted_tokens(host: FakeHost, runner: Runner) -> None:
    commit(
        host,
        "on: issues\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: 'true'\n",
        path=".github/workflows/a-default.yml",
    )
    sha = commit(
        host,
        """\
        on: issues
        permissions:
          issues: write
        jobs:
          inherit:
            runs-on: x
            steps:
              - run: 'true'
          override:
            runs-on: x
            permissions:
              contents: read
            steps:
              - run: 'true'
          nothing:
            runs-on: x
            permissions: {}
            steps:
              - run: 'true'
        """,
        path=".github/workflows/b-narrow.yml",
    )
    runs = run_event(runner, host, "issues", ISSUE, sha=sha)
    assert [r.conclusion for r in runs] == ["success", "success"]
    # Jobs run side by side, so tokens are minted in any order: each job records what it got.
    default, inherit, override, nothing = (
        run.job(key).permissions
        for run, key in (
            (runs[0], "a"),
            (runs[1], "inherit"),
            (runs[1], "override"),
            (runs[1], "nothing"),
        )
    )
    assert sorted(map(str, (perms for _, perms, _ in host.minted))) == sorted(
        map(str, (default, inherit, override, nothing))
    )
    assert {k: v for k, v in default.items() if v != "none"} == {
        "contents": "write",
        "issues": "write",
        "pull-requests": "write",
        "metadata": "read",
        "actions": "write",
        "statuses": "write",
        "checks": "write",
    }
    assert {k: v for k, v in inherit.items() if v != "none"} == {
        "issues": "write",
        "metadata": "read",
    }
    assert {k: v for k, v in override.items() if v != "none"} == {
        "contents": "read",
        "metadata": "read",
    }
    assert {k: v for k, v in nothing.items() if v != "none"} == {"metadata": "read"}
    assert runs[1].job("override").permissions == override


def test_approval_required_waits_and_runs_nothing(host: FakeHost, runner: Runner) -> None:
    sha = commit(
        host,
        """\
        on: pull_request
        jobs:
          check:
            runs-on: x
            steps:
              - run: echo checked
        """,
    )
    payload = {
        "action": "opened",
        "pull_request": {
            "number": 3,
            "title": "Bot PR",
            "head": {"ref": "bot"},
            "base": {"ref": "main"},
        },
    }
    run = only(
        run_event(
            runner,
            host,
            "pull_request",
            payload,
            sha=sha,
            ref="refs/pull/3/merge",
            approval_required=True,
        )
    )
    assert (run.status, run.conclusion) == ("waiting", "action_required")
    assert run.head_branch == "bot" and run.display_title == "Bot PR"
    assert host.minted == [] and run.jobs == []
    approved = runner.approve(run.id)
    assert approved is run and runner.wait_idle(10)
    assert run.conclusion == "success" and "checked" in run.log


def test_workflow_dispatch_inputs(host: FakeHost, runner: Runner) -> None:
    sha = commit(
        host,
        """\
        on:
          workflow_dispatch:
            inputs:
              level:
                type: choice
                options: [info, debug]
                default: info
              dry-run:
                type: boolean
                default: true
              count:
                type: number
                default: 2
              who:
                required: false
        jobs:
          show:
            runs-on: x
            steps:
              - run: |
                  echo "level=${{ inputs.level }} dry=${{ inputs.dry-run }}" \\
                    "count=${{ inputs.count }}"
                  echo "typed=${{ inputs.dry-run == true }} event=${{ github.event.inputs.level }}"
                  echo "who=[${{ inputs.who }}]"
        """,
        **{
            ".github/workflows/other.yml": "on: workflow_dispatch\njobs:\n  o:\n    runs-on: x\n"
            "    steps:\n      - run: 'true'\n"
        },
    )
    run = only(
        run_event(runner, host, "workflow_dispatch", {"workflow": WF, "inputs": {}}, sha=sha)
    )
    assert "level=info dry=true count=2" in run.log and "typed=true event=info" in run.log
    assert "who=[]" in run.log
    given = {"workflow": "ci.yml", "inputs": {"level": "debug", "dry-run": "false", "who": "m"}}
    run = only(run_event(runner, host, "workflow_dispatch", given, sha=sha))
    assert "level=debug dry=false count=2" in run.log and "who=[m]" in run.log
    bad = {"workflow": WF, "inputs": {"level": "trace"}}
    run = only(run_event(runner, host, "workflow_dispatch", bad, sha=sha))
    assert run.conclusion == "failure"
    assert run.error and "input `level` must be one of info, debug" in run.error
    assert host.minted[-1:] and len(host.minted) == 2  # the bad one never started a job


def test_schedule_fires_once_per_matching_window(host: FakeHost, runner: Runner) -> None:
    sha = commit(
        host,
        """\
        on:
          schedule:
            - cron: '*/10 9 * * 1'
        jobs:
          tick:
            runs-on: x
            steps:
              - run: echo "schedule=${{ github.event.schedule }}"
        """,
    )
    host.clock = host.clock.replace(hour=9, minute=1)  # Monday 09:01
    fired = []
    for minutes in (5, 4, 1, 9, 60):  # windows (9:01,9:06] (9:06,9:10] (9:10,9:11] ...
        previous, now = host.advance(minutes)
        fired.append(len(runner.tick_schedule(REPO, sha, previous, now)))
    assert fired == [0, 1, 0, 1, 1]
    assert runner.wait_idle(10)
    run = runner.runs()[0]
    assert run.event == "schedule" and run.conclusion == "success"
    assert "schedule=*/10 9 * * 1" in run.log


def test_steps_if_failure_always_and_continue_on_error(host: FakeHost, runner: Runner) -> None:
    sha = commit(
        host,
        """\
        on: issues
        jobs:
          flow:
            runs-on: x
            steps:
              - id: soft
                continue-on-error: true
                run: exit 3
              - run: echo "after soft ${{ steps.soft.outcome }}/${{ steps.soft.conclusion }}"
              - id: hard
                run: exit 1
              - run: echo "never"
              - if: failure()
                run: echo "failure handler ${{ job.status }}"
              - if: always()
                run: echo "cleanup"
              - if: success()
                run: echo "not after a failure"
        """,
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    steps = [(s.outcome, s.conclusion) for s in run.job("flow").steps]
    assert steps == [
        ("failure", "success"),
        ("success", "success"),
        ("failure", "failure"),
        ("skipped", "skipped"),
        ("success", "success"),
        ("success", "success"),
        ("skipped", "skipped"),
    ]
    assert "after soft failure/success" in run.log
    assert "failure handler failure" in run.log and "cleanup" in run.log
    assert "never" not in run.log.replace('Run echo "never"', "")
    assert run.conclusion == "failure" and run.job("flow").conclusion == "failure"


def test_outputs_env_and_path_between_steps_and_jobs(host: FakeHost, runner: Runner) -> None:
    sha = commit(
        host,
        """\
        on: issues
        jobs:
          produce:
            runs-on: x
            outputs:
              answer: ${{ steps.calc.outputs.answer }}
              story: ${{ steps.calc.outputs.story }}
            steps:
              - id: calc
                run: |
                  echo "answer=42" >> "$GITHUB_OUTPUT"
                  printf 'story<<EOF\\nline one\\nline two\\nEOF\\n' >> "$GITHUB_OUTPUT"
                  echo "FROM_ENV_FILE=yes" >> "$GITHUB_ENV"
                  tool="$RUNNER_TEMP/bin/mytool"
                  mkdir -p "$RUNNER_TEMP/bin" && printf '#!/bin/sh\\necho tool ran\\n' > "$tool"
                  chmod +x "$tool" && echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
                  echo "## Summary" >> "$GITHUB_STEP_SUMMARY"
              - run: |
                  echo "env file: $FROM_ENV_FILE, expr: ${{ env.FROM_ENV_FILE }}"
                  mytool
          consume:
            needs: produce
            runs-on: x
            steps:
              - env:
                  STORY: ${{ needs.produce.outputs.story }}
                run: |
                  echo "answer=${{ needs.produce.outputs.answer }}" \\
                    "result=${{ needs.produce.result }}"
                  echo "$STORY" | tail -n 1
          skipped:
            needs: consume
            if: needs.consume.result == 'failure'
            runs-on: x
            steps:
              - run: echo "should not run"
        """,
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    assert run.conclusion == "success", run.log
    assert run.job("produce").outputs == {"answer": "42", "story": "line one\nline two"}
    assert "env file: yes, expr: yes" in run.log and "tool ran" in run.log
    assert "answer=42 result=success" in run.log and "\nline two\n" in run.log
    assert run.job("skipped").conclusion == "skipped"
    assert run.job("produce").summary == "## Summary\n"


def test_failed_needs_skip_dependants_unless_always(host: FakeHost, runner: Runner) -> None:
    sha = commit(
        host,
        """\
        on: issues
        jobs:
          broken:
            runs-on: x
            steps:
              - run: exit 1
          dependant:
            needs: broken
            runs-on: x
            steps:
              - run: echo "dependant ran"
          reporter:
            needs: [broken, dependant]
            if: always()
            runs-on: x
            steps:
              - run: echo "report ${{ needs.broken.result }} ${{ needs.dependant.result }}"
          on-failure:
            needs: dependant
            if: failure()
            runs-on: x
            steps:
              - run: echo "ancestor failed"
        """,
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    conclusions = {job.key: job.conclusion for job in run.jobs}
    assert conclusions == {
        "broken": "failure",
        "dependant": "skipped",
        "reporter": "success",
        "on-failure": "success",
    }
    assert "report failure skipped" in run.log and "ancestor failed" in run.log
    assert "dependant ran" not in run.log
    assert run.conclusion == "failure"


def test_unsupported_matrix_gives_a_failed_run_naming_file_and_line(
    host: FakeHost, runner: Runner
) -> None:
    sha = commit(
        host,
        """\
        on: issues
        jobs:
          test:
            runs-on: x
            strategy:
              matrix:
                python: ['3.11']
            steps:
              - run: echo hi
        """,
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    assert (run.status, run.conclusion) == ("completed", "failure")
    assert (
        run.error == f"workflow syntax: {WF} line 6: `matrix` is not supported by the local runner"
    )
    assert host.minted == []
    assert not run_event(runner, host, "push", {}, sha=sha)  # only for the events it listens to


def test_broken_yaml_fails_on_push_only(host: FakeHost, runner: Runner) -> None:
    sha = commit(host, "on: [push\njobs: {}\n")
    assert not run_event(runner, host, "issues", ISSUE, sha=sha)
    run = only(run_event(runner, host, "push", {"commits": []}, sha=sha))
    assert run.conclusion == "failure" and run.error and f"{WF} line" in run.error


def test_push_branch_filters_select_runs(host: FakeHost, runner: Runner) -> None:
    sha = commit(
        host,
        """\
        on:
          push:
            branches: [main]
        jobs:
          a:
            runs-on: x
            steps:
              - run: echo "ref=${{ github.ref_name }}"
        """,
    )
    assert only(run_event(runner, host, "push", {}, sha=sha)).conclusion == "success"
    assert not run_event(runner, host, "push", {}, sha=sha, ref="refs/heads/feature")
    assert not run_event(runner, host, "push", {}, sha=sha, ref="refs/tags/v1")


def test_timeout_minutes_stops_a_hung_job(host: FakeHost, runner: Runner) -> None:
    sha = commit(
        host,
        """\
        on: issues
        jobs:
          slow:
            runs-on: x
            timeout-minutes: 0.01
            steps:
              - run: sleep 30
              - run: echo "not reached"
        """,
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    assert run.conclusion == "failure"
    assert "exceeded its timeout-minutes" in run.log
    assert [s.conclusion for s in run.job("slow").steps] == ["failure", "skipped"]


def test_runtime_expression_error_is_located(host: FakeHost, runner: Runner) -> None:
    sha = commit(
        host,
        """\
        on: issues
        jobs:
          a:
            runs-on: x
            steps:
              - run: echo "${{ fromJSON('not json') }}"
        """,
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    assert run.conclusion == "failure"
    assert run.error and run.error.startswith(f"expression: {WF} line 6: fromJSON: invalid JSON")


def test_shells_working_directory_and_defaults(host: FakeHost, runner: Runner) -> None:
    sha = commit(
        host,
        """\
        on: issues
        jobs:
          a:
            runs-on: x
            defaults:
              run:
                shell: sh
            steps:
              - run: mkdir -p sub && echo "sh is $0"
              - shell: python
                working-directory: sub
                run: |
                  import os, sys
                  print("python in", os.path.basename(os.getcwd()), os.environ["OS"])
                env:
                  OS: ${{ runner.os }}
              - shell: bash
                run: |
                  false | true
                  echo "after the pipe"
          b:
            runs-on: x
            steps:
              - run: |
                  false | true
                  echo "no pipefail without shell"
        """,
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    assert "python in sub Linux" in run.log
    assert "sh is " in run.log
    assert run.job("a").steps[2].conclusion == "failure"  # explicit bash: -eo pipefail
    assert "after the pipe\n" not in run.log
    assert "no pipefail without shell" in run.log  # GitHub's default is `bash -e {0}`
    assert run.job("b").conclusion == "success"


def test_run_name_hash_files_and_context_availability(host: FakeHost, runner: Runner) -> None:
    sha = commit(
        host,
        """\
        name: Names
        run-name: Triage of "${{ github.event.issue.title }}"
        on: issues
        jobs:
          hash:
            runs-on: x
            steps:
              - run: echo data > a.txt
              - run: echo "hash=${{ hashFiles('*.txt') }} none=[${{ hashFiles('*.nope') }}]"
          bad:
            if: env.NOPE == 'x'
            runs-on: x
            steps:
              - run: echo never
        """,
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    assert run.display_title == 'Triage of "Hello"'
    assert "none=[]" in run.log
    inner = hashlib.sha256(b"data\n").digest()
    assert f"hash={hashlib.sha256(inner).hexdigest()}" in run.log
    assert run.job("bad").conclusion == "failure"
    assert run.error == (
        f"expression: {WF} line 11: Unrecognized named-value: 'env' (not available here)"
    )


def test_recorded_snapshots_do_not_change_afterwards(host: FakeHost, runner: Runner) -> None:
    sha = commit(
        host,
        "on: issues\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        "      - run: echo one\n      - run: echo two\n",
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    first, last = host.records[0], host.records[-1]
    assert (first.status, first.jobs) == ("queued", [])
    assert last.status == "completed" and last.conclusion == "success"
    assert last is not run and last.log == run.log
    data = run.to_dict()
    assert data["jobs"][0]["log"] == run.jobs[0].log and data["conclusion"] == "success"
    assert [s["name"] for s in data["jobs"][0]["steps"]] == ["Run echo one", "Run echo two"]


def test_workflow_env_reaches_jobs_without_env(host: FakeHost, runner: Runner) -> None:
    sha = commit(
        host,
        """\
        on: issues
        env:
          GREETING: hi
        jobs:
          plain:
            runs-on: x
            steps:
              - if: env.GLOW_LOCAL_RUNNER == '1' && env.GREETING == 'hi'
                run: echo "greeting=$GREETING local=${{ env.GLOW_LOCAL_RUNNER }}"
        """,
    )
    run = only(run_event(runner, host, "issues", ISSUE, sha=sha))
    assert "greeting=hi local=1" in run.log
