"""`glow provision` as a facilitator runs it: pre-flight, --check-auth, --dry-run, --learner,
failures that name the learner and the next step, and actions-bot mode with a personal token."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from glow.__main__ import main
from glow.cohort.admin import AdminRepo
from glow.cohort.model import Roster
from tests.provisioning_support import (
    ADMIN,
    COHORT,
    ORG,
    TEMPLATE,
    World,
    learner,
    make_world,
)

pytestmark = pytest.mark.e2e

TOKEN_MINT = "/access_tokens"


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    world = make_world(tmp_path, ("ada", "bob"))
    world.control("config", {"template_delay_seconds": 0.05})
    for name, value in world.env().items():
        monkeypatch.setenv(name, value)
    # Fresh write budgets (process-wide, one per identity): no earlier test's writes count.
    monkeypatch.setattr("glow.github.budget._budgets", {})
    yield world
    world.hub.stop()


def glow(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["provision", *args])
    out, err = capsys.readouterr()
    return code, out, err


def writes_besides_minting_the_token(world: World, since: int) -> list[str]:
    return [w for w in world.writes(since) if not w.endswith(TOKEN_MINT)]


def test_a_failed_preflight_creates_nothing_and_says_so_in_one_line(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    template = world.staff(*TEMPLATE.split("/"))
    template.request("PATCH", template.url(), json={"is_template": False})
    mark = world.mark()
    code, out, err = glow(capsys, "--cohort", COHORT)
    assert code == 1
    assert err == (
        "glow provision: Pre-flight failed, nothing was created: acme/learning-room-template is "
        "not marked as a template repository. In its Settings, turn on Template repository, "
        "then run again.\n"
    )
    assert out == ""
    assert writes_besides_minting_the_token(world, mark) == []
    assert world.rooms() == []


def test_template_smoke_validation_stops_a_broken_workflow(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    template = world.staff(*TEMPLATE.split("/"))
    template.commit_files({".github/workflows/broken.yml": "on: push\n"}, "oops", branch="main")
    code, _, err = glow(capsys)
    assert code == 1
    assert err.count("\n") == 1
    assert "template smoke validation: .github/workflows/broken.yml has no `jobs:`" in err
    assert world.rooms() == []


def test_check_auth_reports_what_the_credentials_can_do_and_changes_nothing(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    mark = world.mark()
    code, out, _ = glow(capsys, "--check-auth")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Credentials: the provisioning App (github-app mode), installed on")
    assert lines[1].startswith(f"Template {TEMPLATE}: a template repository; pinned commit")
    assert "3 required files; first challenge: Challenge 1: Find your way around." in lines[1]
    assert lines[2:4] == [
        f"Admin repository {ADMIN}: readable and writable.",
        f"Rooms owner {ORG}: exists (organization).",
    ]
    # The App sees no organisation plan (it has no organisation permission): said, not guessed.
    assert lines[4].startswith(f"Repository quota of {ORG}: not shown to these credentials")
    assert lines[5].startswith("API budget: ")
    assert "requests left until 20" in lines[5]
    assert "this batch of 2 needs about 24." in lines[5]
    # The App's write budget, under the limits the local GitHub enforces as GitHub does, less
    # what the batch leaves to the App's other jobs (registrations commit rosters as the App).
    assert lines[6].startswith("Write budget of the App's installation ")
    assert (
        " (at most 65 content-creating requests a minute and 400 an hour; of its whole limits "
        "(at most 80 content-creating requests a minute and 500 an hour), the rest is left to "
        "the App's other jobs): 2 new rooms can be made now (3 content-creating requests each); "
        "done by about 20"
    ) in lines[6]
    assert lines[7:] == [
        f"Check passed for cohort {COHORT}: provisioning can run. Nothing was changed."
    ]
    assert writes_besides_minting_the_token(world, mark) == []
    assert any(w.endswith(TOKEN_MINT) for w in world.writes(mark))  # the token was minted


def test_one_learner_then_a_dry_run_of_the_rest(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = glow(capsys, "--learner", "ADA")
    assert code == 0
    assert err == f"[1/1] ada: created learning-room-{COHORT}-ada, invited, challenge 1 seeded\n"
    assert out.startswith(f"Cohort {COHORT}: 1 learners visited, 1 provisioned or healthy")

    mark = world.mark()
    code, out, _ = glow(capsys, "--dry-run", "--verify")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Dry run: nothing will be changed."
    assert lines[4].startswith(f"Repository quota of {ORG}: ")
    assert "this batch of 2 needs about 24." in lines[5]
    assert "1 new room can be made now" in lines[6]
    assert lines[7:] == [
        f"Cohort {COHORT}: 2 of 2 enrolled learners to visit; rooms in {ORG}.",
        f"  1. ada (provisioned): {ORG}/learning-room-{COHORT}-ada exists; check its required "
        "files, the learner's access and challenge 1, and restore what is missing",
        f"  2. bob (pending): create {ORG}/learning-room-{COHORT}-bob, invite bob, "
        "seed challenge 1",
    ]
    assert writes_besides_minting_the_token(world, mark) == []
    assert world.rooms() == [f"learning-room-{COHORT}-ada"]


def test_an_unknown_learner_is_one_clear_line(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = glow(capsys, "--learner", "nobody")
    assert code == 1
    assert err == (
        f"glow provision: nobody is not an enrolled learner of cohort {COHORT}: check the handle "
        "and the cohort (waitlisted and withdrawn learners get no room).\n"
    )


def test_a_failed_learner_fails_the_command_and_is_named_with_the_next_step(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    def add_ghost(roster: Roster) -> tuple[Roster, list]:  # type: ignore[type-arg]
        learners = {**roster.learners, "ghost": learner("ghost", 9)}
        return roster.model_copy(update={"learners": learners}), []

    AdminRepo(world.staff(*ADMIN.split("/"))).update(COHORT, add_ghost, "add a typo'd handle")
    code, out, err = glow(capsys)
    assert code == 1
    assert err.splitlines()[2] == (
        "[3/3] ghost: failed: GitHub has no user named ghost; correct the handle in the roster, "
        f"then run again, created learning-room-{COHORT}-ghost"
    )
    assert "provisioning failed for ghost (GitHub has no user named ghost" in out
    assert "run the same command again" in out
    record = world.roster().learners["ghost"]
    assert record.provision_state == "failed"
    [error] = [e for e in world.log() if e.result == "error"]
    assert error.github_handle == "ghost"
    assert error.error_detail is not None and "no user named ghost" in error.error_detail


def test_actions_bot_mode_with_a_personal_token_works_the_same(world: World) -> None:
    env = world.env(PROVISIONING_MODE="actions-bot", PROVISIONING_TOKEN=world.token)
    del env["PROVISIONING_APP_ID"], env["PROVISIONING_APP_PRIVATE_KEY"]

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "glow", "provision", "--cohort", COHORT],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    first = run()
    assert first.returncode == 0, first.stderr
    assert first.stderr.splitlines() == [
        f"[{i}/2] {h}: created learning-room-{COHORT}-{h}, invited, challenge 1 seeded"
        for i, h in enumerate(("ada", "bob"), 1)
    ]
    assert world.results() == {h: ["created", "invited", "seeded"] for h in ("ada", "bob")}
    assert {w.invitees(h)[0] for w in [world] for h in ("ada", "bob")} == {"ada", "bob"}
    mark = world.mark()
    again = run()
    assert again.returncode == 0, again.stderr
    assert f"Cohort {COHORT}: nothing to provision" in again.stdout
    assert world.writes(mark) == []
