"""The admin repository's schedules cost Actions minutes (it is private): a scheduled run does
its work only while the variable GLOW_SCHEDULES is `on`, and a dispatch always does. The local
runner evaluates the real workflows' job-level `if:` the way GitHub does. A workflow without a
schedule runs only when dispatched, or (Author) only for a course brief's own events
(tests/test_author_workflow.py runs its `if:`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from glow.localhub.runner import Runner
from tests.runner_fakes import REPO, FakeHost, run_event

ROOT = Path(__file__).resolve().parents[1]
ADMIN_WORKFLOWS = sorted((ROOT / "admin-roster" / ".github" / "workflows").glob("*.yml"))


def the_job(path: Path) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """The workflow's triggers, its one job's key and the job."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    [(key, job)] = doc["jobs"].items()
    return doc[True], key, job  # YAML 1.1 reads the key `on` as True


def gated_copy(path: Path) -> str:
    """The workflow with its real triggers, job `if:` and concurrency, and one step that says it
    ran instead of the composite action (which needs the whole admin side)."""
    triggers, key, job = the_job(path)
    step = {"run": "echo the job ran"}
    copy = {"if": job["if"], "concurrency": job["concurrency"], "runs-on": "x", "steps": [step]}
    return yaml.safe_dump({"on": triggers, "jobs": {key: copy}}, sort_keys=False)


def scheduled(path: Path) -> bool:
    triggers = yaml.safe_load(path.read_text(encoding="utf-8"))[True]
    return "schedule" in triggers


def test_every_admin_workflow_is_scheduled_and_gated_or_runs_only_when_dispatched() -> None:
    from glow.authoring.loop.events import BRIEF_LABEL

    for path in ADMIN_WORKFLOWS:
        if scheduled(path) or path.name == "author.yml":
            continue
        triggers, _, _ = the_job(path)
        assert set(triggers) <= {"workflow_dispatch", "repository_dispatch"}, path.name
    assert [p.name for p in ADMIN_WORKFLOWS if not scheduled(p)] == ["author.yml", "grade.yml"]
    # The one admin workflow an issue starts: only for a course brief, never a schedule.
    triggers, _, job = the_job(next(p for p in ADMIN_WORKFLOWS if p.name == "author.yml"))
    assert set(triggers) == {"issues", "issue_comment", "workflow_dispatch"}
    assert f"contains(github.event.issue.labels.*.name, '{BRIEF_LABEL}')" in job["if"]


@pytest.mark.parametrize("path", [p for p in ADMIN_WORKFLOWS if scheduled(p)], ids=lambda p: p.name)
def test_a_scheduled_run_works_only_while_glow_schedules_is_on(
    path: Path, host: FakeHost, runner: Runner
) -> None:
    triggers, key, _ = the_job(path)
    assert triggers["schedule"], f"{path.name} has no schedule"
    workflow = f".github/workflows/{path.name}"
    sha = host.commit({workflow: gated_copy(path)})
    variables: dict[str, str] = {}
    host.variables = lambda repo: dict(variables)  # type: ignore[attr-defined]

    def scheduled() -> str:
        previous, now = host.advance(24 * 60)
        [run] = runner.tick_schedule(REPO, sha, previous, now)
        assert runner.wait_idle(20)
        return str(run.job(key).conclusion)

    assert scheduled() == "skipped"  # not set: a new admin repository costs nothing
    variables["GLOW_SCHEDULES"] = "paused"
    assert scheduled() == "skipped"
    for event, payload in (
        ("workflow_dispatch", {"workflow": workflow, "inputs": {}}),
        ("repository_dispatch", {"action": path.stem, "client_payload": {}}),
    ):
        [run] = run_event(runner, host, event, payload, sha=sha)
        assert run.job(key).conclusion == "success", event
        assert "the job ran" in run.log
    variables["GLOW_SCHEDULES"] = "on"
    assert scheduled() == "success"
