"""Workflow parsing (located errors), ``on:`` matching and ``permissions:`` resolution."""

from __future__ import annotations

from typing import Any

import pytest

from glow.localhub.runner.permissions import (
    DEFAULT_PERMISSIONS,
    effective_permissions,
    parse_permissions,
)
from glow.localhub.runner.triggers import filter_matches, trigger_matches
from glow.localhub.runner.workflow import Workflow, job_order, parse_workflow

PATH = ".github/workflows/ci.yml"


def wf(text: str) -> Workflow:
    return parse_workflow(PATH, text)


def error_of(text: str) -> str:
    workflow = wf(text)
    assert workflow.error is not None, "expected a workflow error"
    return str(workflow.error)


JOB = """
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo hi
"""


def test_on_key_is_a_string_and_forms_are_accepted() -> None:
    assert set(wf("on: push" + JOB).triggers or {}) == {"push"}
    assert set(wf("on: [push, issues]" + JOB).triggers or {}) == {"push", "issues"}
    workflow = wf("on:\n  issues:\n    types: [opened]\n" + JOB)
    assert workflow.error is None
    assert workflow.triggers and workflow.triggers["issues"].types == ["opened"]


def test_matrix_is_rejected_with_file_and_line() -> None:
    text = """on: push
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python: ["3.11", "3.12"]
    steps:
      - run: echo hi
"""
    assert error_of(text) == (
        f"workflow syntax: {PATH} line 6: `matrix` is not supported by the local runner"
    )


@pytest.mark.parametrize(
    ("snippet", "line", "message"),
    [
        ("    container: python:3.12\n", 5, "`container` is not supported"),
        ("    services: {}\n", 5, "`services` is not supported"),
        ("    environment: prod\n", 5, "environments (`environment`) are not supported"),
        ("    bogus: 1\n", 5, "unknown key `bogus` in job `build`"),
    ],
)
def test_unsupported_and_unknown_job_keys(snippet: str, line: int, message: str) -> None:
    text = "on: push\njobs:\n  build:\n    runs-on: x\n" + snippet + "    steps:\n      - run: a\n"
    error = error_of(text)
    assert f"{PATH} line {line}:" in error and message in error


def test_reusable_workflows_and_workflow_call_are_rejected() -> None:
    assert "reusable workflows" in error_of(
        "on: push\njobs:\n  a:\n    uses: o/r/.github/w.yml@v1\n"
    )
    error = error_of("on:\n  workflow_call: {}\n" + JOB)
    assert "line 2" in error and "workflow_call" in error
    assert wf("on:\n  workflow_call: {}\n" + JOB).triggers is None


def test_remote_actions_fail_loudly_with_line() -> None:
    uses = "actions/upload-artifact@v4"
    text = f"on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: {uses}\n"
    assert error_of(text) == (
        f"workflow syntax: {PATH} line 6: `uses: {uses}`: the local runner supports "
        "actions/checkout, actions/setup-python, actions/cache and local composite actions"
    )


def test_other_located_errors() -> None:
    assert "line 1: unknown top-level key `bogus`" in error_of("bogus: 1\non: push" + JOB)
    assert "line 2: invalid YAML" in error_of("on: push\n\tjobs: x\n")
    unknown_function = "on: push" + JOB.replace("echo hi", "echo ${{ nope() }}")
    assert "line 6: Unrecognized function: 'nope'" in error_of(unknown_function)
    bad_if = "on: push" + JOB.replace("- run: echo hi", "- if: github.x ==\n        run: a")
    assert "line 6:" in error_of(bad_if)
    assert "needs unknown job `nope`" in error_of(
        "on: push" + JOB.replace("runs-on", "needs: nope\n    runs-on")
    )
    assert "needs `runs-on`" in error_of("on: push\njobs:\n  a:\n    steps:\n      - run: a\n")
    assert "exactly one of `run` or `uses`" in error_of(
        "on: push" + JOB.replace("- run: echo hi", "- name: x")
    )
    assert "cron" in error_of("on:\n  schedule:\n    - cron: '61 * * * *'\n" + JOB)


def test_needs_cycle_and_order() -> None:
    text = "on: push\njobs:\n" + "".join(
        f"  {name}:\n    needs: [{needs}]\n    runs-on: x\n    steps:\n      - run: a\n"
        for name, needs in (("c", "b"), ("b", "a"), ("a", ""))
    )
    workflow = wf(text)
    assert workflow.error is None
    assert job_order(workflow) == ["a", "b", "c"]
    cyclic = text.replace("needs: []", "needs: [c]")
    assert "`needs` cycle" in error_of(cyclic)


# ---- on: matching ---------------------------------------------------------------------------


def matches(
    on: str,
    event: str,
    payload: dict[str, Any],
    ref: str = "refs/heads/main",
    changed: list[str] | None = None,
) -> bool:
    workflow = wf(on + JOB)
    assert workflow.error is None, workflow.error
    triggers = [t for t in (workflow.triggers or {}).values() if t.event == event]
    return any(trigger_matches(t, PATH, payload, ref, changed) for t in triggers)


def test_types_and_default_activity_types() -> None:
    on = "on:\n  issues:\n    types: [opened, edited]\n"
    assert matches(on, "issues", {"action": "opened"})
    assert not matches(on, "issues", {"action": "closed"})
    assert matches("on: issues\n", "issues", {"action": "closed"})  # all types by default
    assert matches("on: pull_request\n", "pull_request", {"action": "synchronize"})
    assert not matches("on: pull_request\n", "pull_request", {"action": "labeled"})
    assert matches(
        "on:\n  pull_request:\n    types: [labeled]\n", "pull_request", {"action": "labeled"}
    )
    assert not matches("on: issues\n", "issue_comment", {"action": "created"})


def test_branch_and_tag_filters_on_push() -> None:
    on = "on:\n  push:\n    branches: [main, 'release/**', '!release/old']\n"
    assert matches(on, "push", {}, "refs/heads/main")
    assert matches(on, "push", {}, "refs/heads/release/v1/x")
    assert not matches(on, "push", {}, "refs/heads/release/old")
    assert not matches(on, "push", {}, "refs/heads/feature")
    assert not matches(on, "push", {}, "refs/tags/v1")  # branches only: tags do not run
    ignore = "on:\n  push:\n    branches-ignore: ['feature/*']\n"
    assert not matches(ignore, "push", {}, "refs/heads/feature/x")
    assert matches(ignore, "push", {}, "refs/heads/feature/x/y")  # * does not cross /
    tags = "on:\n  push:\n    tags: ['v[0-9]+.*']\n"
    assert matches(tags, "push", {}, "refs/tags/v12.0")
    assert not matches(tags, "push", {}, "refs/heads/main")


def test_pull_request_branches_filter_the_base() -> None:
    on = "on:\n  pull_request:\n    branches: [main]\n"
    payload = {"action": "opened", "pull_request": {"base": {"ref": "main"}}}
    assert matches(on, "pull_request", payload)
    payload["pull_request"]["base"]["ref"] = "dev"
    assert not matches(on, "pull_request", payload)


def test_paths_filters() -> None:
    on = "on:\n  push:\n    paths: ['docs/**', '!docs/draft.md']\n"
    assert matches(on, "push", {}, changed=["src/a.py", "docs/x/y.md"])
    assert not matches(on, "push", {}, changed=["docs/draft.md", "src/a.py"])
    assert matches(on, "push", {}, changed=None)  # unknown: run rather than hide
    ignore = "on:\n  push:\n    paths-ignore: ['**.md']\n"
    assert not matches(ignore, "push", {}, changed=["README.md", "docs/a.md"])
    assert matches(ignore, "push", {}, changed=["README.md", "glow/x.py"])


def test_workflow_dispatch_only_for_the_named_file() -> None:
    on = "on: workflow_dispatch\n"
    assert matches(on, "workflow_dispatch", {"workflow": PATH})
    assert matches(on, "workflow_dispatch", {"workflow": "ci.yml"})
    assert not matches(on, "workflow_dispatch", {"workflow": "other.yml"})


def test_filter_pattern_syntax() -> None:
    assert filter_matches(["*"], "main") and not filter_matches(["*"], "a/b")
    assert filter_matches(["**"], "a/b")
    assert filter_matches(["v1.?"], "v1.") and filter_matches(["v1.?"], "v1")
    assert filter_matches(["ab+c"], "abbbc") and not filter_matches(["ab+c"], "ac")
    assert filter_matches(["**", "!x/**", "x/keep"], "x/keep")


# ---- permissions ------------------------------------------------------------------------------


def test_permissions_resolution() -> None:
    assert effective_permissions(None, None) == DEFAULT_PERMISSIONS
    assert DEFAULT_PERMISSIONS["contents"] == "write" and DEFAULT_PERMISSIONS["packages"] == "none"
    block = parse_permissions({"issues": "write"}, PATH, 3)
    assert block["issues"] == "write" and block["contents"] == "none"
    assert block["metadata"] == "read"
    job = parse_permissions({"contents": "read"}, PATH, 9)
    assert effective_permissions(block, job)["issues"] == "none"  # replaced, not merged
    assert set(parse_permissions("read-all", PATH, 1).values()) == {"read"}
    write_all = parse_permissions("write-all", PATH, 1)
    assert write_all["contents"] == "write" and write_all["metadata"] == "read"
    empty = parse_permissions({}, PATH, 1)
    assert empty["metadata"] == "read"
    assert {v for k, v in empty.items() if k != "metadata"} == {"none"}


def test_permission_errors_are_located() -> None:
    text = "on: push\npermissions:\n  contents: read\n  issuez: write\n" + JOB
    assert "line 4: unknown permission scope `issuez`" in error_of(text)
    text = "on: push\npermissions:\n  contents: admin\n" + JOB
    assert "line 3: permission `contents` must be read, write or none" in error_of(text)
