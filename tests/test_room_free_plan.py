"""Rooms on GitHub Free: no organisation variable reaches a private room, so provisioning writes
the workshop's GLOW_INSTALL and GLOW_FACILITATORS into `.glow/learner.yml`; the room's pin check
reads the pin there (as text, with bash) when its input is empty, and `glow room` mentions the
file's facilitators when GLOW_FACILITATORS is unset. The check stays as strict as for the input."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from glow.cohort.settings import CohortSettings
from glow.cohort.watchdog.decide import workflow_gaps
from glow.cohort.watchdog.read import workflow_blobs
from glow.errors import ConfigError
from glow.room.progression.decide import (
    LEARNER_FILE,
    LearnerFacts,
    facilitators_to_mention,
    learner_file,
    parse_learner_file,
)

ROOT = Path(__file__).resolve().parents[1]
ROOM_INSTALL = ROOT / "learning-room-template/.github/actions/install-glow/action.yml"
SHA = "0123456789abcdef0123456789abcdef01234567"
SERVER = "https://github.com"
PIN = f"git+{SERVER}/octo-org/workshop@{SHA}"
ENV = {"ADMIN_ROSTER_REPO": "octo-org/admin", "LEARNING_ROOM_TEMPLATE_REPO": "octo-org/template"}


# ---- the learner file ------------------------------------------------------------------------


def test_the_learner_file_carries_the_workshops_facts_and_reads_them_back() -> None:
    text = learner_file(
        "ada", "2026-12", "day1-day2", glow_install=PIN, facilitators="@octo-org/facilitators"
    )
    assert f"\nglow_install: {PIN}\n" in text  # one plain line: the room's bash reads it
    facts = parse_learner_file(text)
    assert (facts.handle, facts.glow_install, facts.facilitators) == (
        "ada",
        PIN,
        "@octo-org/facilitators",
    )
    assert text == learner_file(
        "ada", "2026-12", "day1-day2", glow_install=PIN, facilitators="@octo-org/facilitators"
    )


def test_without_the_workshops_facts_the_learner_file_is_what_it_was() -> None:
    """A workshop that sets neither (a paid plan's organisation variables reach the rooms)
    leaves every room's file as it is: no rewrite, no request."""
    assert learner_file("ada", "2026-12", "day2-only", glow_install=" ", facilitators="") == (
        "handle: ada\ncohort: 2026-12\npath: day2-only\n"
    )
    assert parse_learner_file("handle: ada\n").glow_install is None


def test_a_long_list_of_facilitators_stays_on_one_line() -> None:
    many = " ".join(f"@facilitator-{n}" for n in range(30))
    text = learner_file("ada", "2026-12", "day1-day2", facilitators=many)
    assert len(text.splitlines()) == 4
    assert parse_learner_file(text).facilitators == many


def test_help_mentions_the_variable_when_the_room_sees_it_else_the_learner_files() -> None:
    facts = LearnerFacts(handle="ada", facilitators="@octo-org/facilitators")
    assert facilitators_to_mention("@octo-org/staff", facts) == "@octo-org/staff"
    assert facilitators_to_mention("", facts) == "@octo-org/facilitators"
    assert facilitators_to_mention(None, facts) == "@octo-org/facilitators"
    assert facilitators_to_mention(None, LearnerFacts()) == ""


def test_the_watchdog_never_compares_the_learner_file() -> None:
    """Only the template's workflows are required of a room; the learner file is the room's own."""
    template = {"tree": [{"path": ".github/workflows/room.yml", "type": "blob", "sha": "w1"}]}
    room = {"tree": [*template["tree"], {"path": LEARNER_FILE, "type": "blob", "sha": "f1"}]}
    assert workflow_gaps(workflow_blobs(template), workflow_blobs(room)) == ((), ())


# ---- provisioning's settings -------------------------------------------------------------------


def test_provisioning_reads_the_workshops_pin_and_facilitators() -> None:
    env = {**ENV, "GLOW_INSTALL": f" {PIN} ", "GLOW_FACILITATORS": "@octo-org/facilitators\n"}
    settings = CohortSettings.from_env(env)
    assert (settings.glow_install, settings.facilitators) == (PIN, "@octo-org/facilitators")
    unset = CohortSettings.from_env(ENV)
    assert (unset.glow_install, unset.facilitators) == ("", "")


@pytest.mark.parametrize(
    "value",
    [
        "git+https://github.com/octo-org/workshop@main",
        f"git+https://github.com/octo-org/workshop@{SHA[:7]}",
        f"octo-org/workshop@{SHA}",
        f"git+https://github.com/octo-org/workshop@{SHA}\necho injected",
    ],
)
def test_provisioning_refuses_a_pin_the_rooms_would_refuse(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        CohortSettings.from_env({**ENV, "GLOW_INSTALL": value})
    assert str(caught.value).startswith("GLOW_INSTALL must name the workshop repository")
    assert "\n" not in str(caught.value)


# ---- the room's pin check ----------------------------------------------------------------------


def pin_step() -> dict[str, Any]:
    doc = yaml.safe_load(ROOM_INSTALL.read_text())
    [step] = [s for s in doc["runs"]["steps"] if s.get("id") == "pin"]
    return dict(step)


def check_pin(
    tmp_path: Path, value: str, learner_text: str | None
) -> tuple[int, str, dict[str, str]]:
    """The room action's own pin check, run as GitHub runs a bash step, in a workspace whose
    checkout holds ``learner_text`` as .glow/learner.yml (None: no file)."""
    workspace = tmp_path / "workspace"
    (workspace / ".glow").mkdir(parents=True, exist_ok=True)
    if learner_text is not None:
        (workspace / LEARNER_FILE).write_text(learner_text)
    script = tmp_path / "pin.sh"
    script.write_text(pin_step()["run"])
    output = tmp_path / "github_output"
    output.write_text("")
    env = {
        "PATH": "/usr/bin:/bin",
        "GLOW_INSTALL": value,
        "GITHUB_OUTPUT": str(output),
        "GITHUB_SERVER_URL": SERVER,
        "GITHUB_WORKSPACE": str(workspace),
    }
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        env=env,
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=30,
    )
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return proc.returncode, proc.stdout + proc.stderr, outputs


def test_the_pin_comes_only_through_env() -> None:
    step = pin_step()
    assert "if" not in step
    assert "${{" not in step["run"]
    assert step["env"] == {"GLOW_INSTALL": "${{ inputs.glow-install }}"}


def test_with_no_variable_the_room_takes_the_pin_from_its_learner_file(tmp_path: Path) -> None:
    text = learner_file("ada", "2026-12", "day1-day2", glow_install=PIN, facilitators="@f")
    code, out, outputs = check_pin(tmp_path, "", text)
    assert code == 0, out
    assert outputs == {"repository": "octo-org/workshop", "sha": SHA}
    crlf = check_pin(tmp_path, "", text.replace("\n", "\r\n"))
    assert crlf[0] == 0 and crlf[2] == outputs


def test_the_variable_wins_over_the_learner_file(tmp_path: Path) -> None:
    other = f"git+{SERVER}/octo-org/other@{SHA.upper()}"
    text = learner_file("ada", "2026-12", "day1-day2", glow_install=PIN)
    code, out, outputs = check_pin(tmp_path, other, text)
    assert code == 0, out
    assert outputs == {"repository": "octo-org/other", "sha": SHA}


@pytest.mark.parametrize(
    "learner_text",
    [
        None,
        "handle: ada\ncohort: 2026-12\npath: day1-day2\n",
        "handle: ada\nglow_install: git+https://github.com/octo-org/workshop@main\n",
        f"glow_install: git+https://github.com/octo-org/workshop@{SHA[:7]}\n",
        f"glow_install: '{PIN}'\n",
        f"glow_install: git+https://evil.example/octo-org/workshop@{SHA}\n",
        f"glow_install: {PIN} && echo injected\n",
        f"glow_install: {PIN}$(echo injected)\n",
        f"  glow_install: {PIN}\n",
        f"# glow_install: {PIN}\n",
    ],
)
def test_a_missing_or_bad_pin_in_the_learner_file_fails_as_the_variable_would(
    tmp_path: Path, learner_text: str | None
) -> None:
    code, out, outputs = check_pin(tmp_path, "", learner_text)
    assert (code, outputs) == (1, {})
    [line] = out.splitlines()
    assert line.startswith(
        "::error::GLOW_INSTALL must name the workshop repository at a full commit: set the "
        f"variable GLOW_INSTALL to git+{SERVER}/OWNER/WORKSHOP@<40-character commit SHA>"
    )
    assert "injected" not in out
