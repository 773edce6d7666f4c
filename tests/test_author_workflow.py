"""The admin repository's Author workflow (`admin-roster/.github/workflows/author.yml`, which runs
`glow course` through `admin-roster/actions/author`): it starts for exactly the events
`glow.authoring.loop.events` declares, works only for a course brief (or a dispatch naming one),
keeps one run per brief, and hands `glow course` the brief's number and its credentials safely.
`glow setup` ships it into the admin repository like every admin workflow."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from glow.authoring.loop.events import BRIEF_LABEL, EVENTS
from glow.localhub.runner import Runner
from tests.runner_fakes import REPO, FakeHost, run_event

ROOT = Path(__file__).resolve().parents[1]
ADMIN = ROOT / "admin-roster"
WORKFLOW = ADMIN / ".github" / "workflows" / "author.yml"
ACTION = ADMIN / "actions" / "author" / "action.yml"
GRADE = ADMIN / ".github" / "workflows" / "grade.yml"


def load(path: Path) -> dict[Any, Any]:
    doc: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return doc


def on_keys(workflow: dict[Any, Any]) -> set[str]:
    """The event keys a workflow's `on:` starts it for (`issues.opened`, `workflow_dispatch`)."""
    on = workflow[True]  # YAML 1.1 reads the key `on` as True
    keys: set[str] = set()
    for event, spec in on.items():
        types = spec.get("types") if isinstance(spec, dict) else None
        keys |= {f"{event}.{kind}" for kind in types} if types else {event}
    return keys


def the_job() -> tuple[str, dict[str, Any]]:
    [(key, job)] = load(WORKFLOW)["jobs"].items()
    return key, job


# ---- the workflow's shape ----------------------------------------------------------------------


def test_it_starts_for_exactly_the_events_glow_course_handles() -> None:
    assert on_keys(load(WORKFLOW)) == set(EVENTS)


def test_a_dispatch_names_its_brief_and_nothing_else() -> None:
    inputs = load(WORKFLOW)[True]["workflow_dispatch"]["inputs"]
    assert list(inputs) == ["issue"]
    assert (inputs["issue"]["required"], inputs["issue"]["type"]) == (True, "string")


def test_the_job_token_may_only_read_and_the_secrets_are_those_of_grade() -> None:
    workflow, (_, job) = load(WORKFLOW), the_job()
    assert workflow["permissions"] == {}
    assert job["permissions"] == {"contents": "read"}
    assert job["timeout-minutes"] == 90
    [step] = [s for s in job["steps"] if s.get("uses") == "$/actions/author"]
    steps = [s for g in load(GRADE)["jobs"].values() for s in g["steps"]]
    [grade] = [s for s in steps if s.get("uses") == "$/actions/grade"]
    assert step["with"] == {
        **grade["with"],
        "openai-api-key": "${{ secrets.OPENAI_API_KEY }}",
        "issue": "${{ inputs.issue }}",
    }
    assert grade["env"].items() <= step["env"].items()
    optional = {"GLOW_MODEL", "OPENAI_BASE_URL", "GLOW_MODEL_WALL_SECONDS"}
    assert {name: step["env"][name] for name in optional} == {
        name: f"${{{{ vars.{name} }}}}" for name in optional
    }


# ---- the job's `if:` and concurrency group, as the local runner evaluates them -----------------


def probe_copy() -> str:
    """The workflow with its real triggers, job `if:` and concurrency, and one step that prints
    the concurrency group instead of the composite action (which needs the whole admin side)."""
    key, job = the_job()
    group = job["concurrency"]["group"]
    step = {"run": f'echo "the job ran in {group}"'}
    copy = {"if": job["if"], "concurrency": job["concurrency"], "runs-on": "x", "steps": [step]}
    return yaml.safe_dump({"on": load(WORKFLOW)[True], "jobs": {key: copy}}, sort_keys=False)


def issue(number: int, labels: list[str], **extra: Any) -> dict[str, Any]:
    return {"number": number, "labels": [{"name": n} for n in labels], **extra}


HUMAN = {"login": "creator", "type": "User"}
APP = {"login": "glow-provisioner[bot]", "type": "Bot"}
BY_HUMAN = {"sender": HUMAN}
BRIEF = issue(12, ["needs-review", BRIEF_LABEL])


@pytest.mark.parametrize(
    ("event", "payload", "ran"),
    [
        ("issues", {"action": "opened", "issue": BRIEF, "sender": HUMAN}, True),
        ("issues", {"action": "edited", "issue": BRIEF, "sender": HUMAN}, True),
        (
            "issues",
            {"action": "labeled", "issue": BRIEF, "label": {"name": BRIEF_LABEL}, "sender": HUMAN},
            True,
        ),
        ("issue_comment", {"action": "created", "issue": BRIEF, "sender": HUMAN}, True),
        # Not a brief: another issue of the admin repository, or a label that is not the brief's.
        ("issues", {"action": "opened", "issue": issue(12, ["alert"]), "sender": HUMAN}, False),
        (
            "issue_comment",
            {"action": "created", "issue": issue(12, []), "sender": HUMAN},
            False,
        ),
        (
            "issues",
            {"action": "labeled", "issue": BRIEF, "label": {"name": "needs-review"}, **BY_HUMAN},
            False,
        ),
        # A pull request's comment, even on one that carries the label.
        (
            "issue_comment",
            {
                "action": "created",
                "issue": issue(12, [BRIEF_LABEL], pull_request={"url": "https://x/pulls/12"}),
                "sender": HUMAN,
            },
            False,
        ),
        # What the bot did itself: its own comment or label.
        ("issue_comment", {"action": "created", "issue": BRIEF, "sender": APP}, False),
        (
            "issues",
            {"action": "labeled", "issue": BRIEF, "label": {"name": BRIEF_LABEL}, "sender": APP},
            False,
        ),
    ],
)
def test_only_a_course_briefs_own_events_run_the_job(
    host: FakeHost, runner: Runner, event: str, payload: dict[str, Any], ran: bool
) -> None:
    key, _ = the_job()
    sha = host.commit({".github/workflows/author.yml": probe_copy()})
    [run] = run_event(runner, host, event, {**payload, "repository": {"full_name": REPO}}, sha=sha)
    assert run.job(key).conclusion == ("success" if ran else "skipped")
    if ran:
        assert "the job ran in author-12" in run.log


def test_a_dispatch_runs_in_the_briefs_own_group(host: FakeHost, runner: Runner) -> None:
    key, job = the_job()
    assert job["concurrency"]["cancel-in-progress"] is False
    sha = host.commit({".github/workflows/author.yml": probe_copy()})
    payload = {"workflow": ".github/workflows/author.yml", "inputs": {"issue": "12"}}
    [run] = run_event(runner, host, "workflow_dispatch", payload, sha=sha)
    assert run.job(key).conclusion == "success"
    assert "the job ran in author-12" in run.log


# ---- the action: the brief's number and the credentials reach glow safely ----------------------


def glow_step() -> dict[str, Any]:
    [step] = [s for s in load(ACTION)["runs"]["steps"] if "exec glow" in str(s.get("run"))]
    return step


def run_glow_step(tmp_path: Path, **env: str) -> tuple[int, str, list[str]]:
    """The author action's glow step as GitHub runs a bash step, with a `glow` on PATH that
    records its arguments and which optional settings it was given."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    record = tmp_path / "glow-called"
    fake = bin_dir / "glow"
    fake.write_text(
        "#!/bin/bash\n"
        f'{{ printf "%s\\n" "$@"; for v in GLOW_MODEL OPENAI_API_KEY PROVISIONING_MODE; do '
        f'if [ "${{!v+set}}" ]; then echo "set $v"; fi; done; }} >{record}\n'
    )
    fake.chmod(0o755)
    script = tmp_path / "author.sh"
    script.write_text(glow_step()["run"])
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        env={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GLOW_ISSUE": "", **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    called = record.read_text().splitlines() if record.exists() else []
    return proc.returncode, proc.stdout + proc.stderr, called


def test_the_credentials_and_the_issue_reach_only_the_glow_step_through_env() -> None:
    step = glow_step()
    assert "${{" not in step["run"]
    assert step["env"] == {
        "PROVISIONING_APP_ID": "${{ inputs.app-id }}",
        "PROVISIONING_APP_PRIVATE_KEY": "${{ inputs.app-private-key }}",
        "PROVISIONING_TOKEN": "${{ inputs.provisioning-token }}",
        "OPENAI_API_KEY": "${{ inputs.openai-api-key }}",
        "GLOW_ISSUE": "${{ inputs.issue }}",
    }
    others = [s for s in load(ACTION)["runs"]["steps"] if s.get("name") != step["name"]]
    assert len(others) == 2
    assert all("inputs." not in str(s.get("env")) for s in others)
    [install] = [s for s in others if s.get("uses") == "$/actions/install-glow"]
    assert install["with"] == {"glow-install": "${{ inputs.glow-install }}", "lock": "authoring"}


def test_an_event_runs_glow_course_and_a_dispatch_adds_its_issue(tmp_path: Path) -> None:
    code, out, called = run_glow_step(tmp_path, GLOW_MODEL="", OPENAI_API_KEY="sk-test")
    assert code == 0, out
    # An unset variable arrives empty: glow gets no setting rather than an empty one.
    assert called == ["course", "set OPENAI_API_KEY"]
    code, out, called = run_glow_step(tmp_path, GLOW_ISSUE="12", GLOW_MODEL="gpt-x")
    assert code == 0, out
    assert called == ["course", "--issue", "12", "set GLOW_MODEL"]


@pytest.mark.parametrize("value", ["12; rm -rf /", "--help", "0", "-3", "12 13", "$(id)", "1e3"])
def test_a_dispatched_issue_that_is_not_a_number_fails_in_one_line(
    tmp_path: Path, value: str
) -> None:
    code, out, called = run_glow_step(tmp_path, GLOW_ISSUE=value)
    assert (code, called) == (1, [])
    assert out.splitlines() == [
        "::error::The input issue must be a course brief's issue number, such as 12: run the "
        "Author workflow again with the number of the brief."
    ]


# ---- glow setup ships it -----------------------------------------------------------------------


def test_setup_ships_the_workflow_and_action_and_ghes_rewrites_them() -> None:
    from glow.cohort.setup.apply import _ghes_variant
    from glow.cohort.setup.content import admin_source

    folder = admin_source(ROOT, '{"cohorts": []}\n')
    try:
        shipped = folder / ".github" / "workflows" / "author.yml"
        action = folder / "actions" / "author" / "action.yml"
        assert shipped.read_text() == WORKFLOW.read_text()
        assert action.read_text() == ACTION.read_text()
        _ghes_variant(folder)
        assert "uses: ./actions/author\n" in shipped.read_text()
        assert "uses: ./actions/install-glow\n" in action.read_text()
        assert "uses: $/" not in shipped.read_text() + action.read_text()
    finally:
        shutil.rmtree(folder)
