"""The `glow` command: help everywhere, one clear line on failure, fast when idle."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from glow.__main__ import COMMANDS, Command, main, run_command


def glow(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "glow", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_top_level_help_lists_every_command() -> None:
    out = glow("--help").stdout
    for command in COMMANDS:
        assert command.name in out


INTERNAL = re.compile(
    r"\bseeds?\b \d|\bseeds/|DESIGN\.md|docs/maintainers|\bissue #?\d+|(?<![\w/])#\d+\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("name", [c.name for c in COMMANDS])
def test_every_command_has_help_with_a_shell_example_and_no_internal_references(
    name: str,
) -> None:
    """Each ``--help`` shows at least one line a facilitator can paste into a shell (optional
    VAR=value settings, then ``glow <name>``) and cites no document only maintainers have."""
    proc = glow(name, "--help")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert INTERNAL.search(text) is None, INTERNAL.search(text)
    examples = text.lower().partition("examples:")[2]
    assert examples, "no examples section"
    runnable = []
    for line in examples.splitlines():
        try:
            words = shlex.split(line.strip(), comments=True)
        except ValueError:
            continue
        while words and re.fullmatch(r"[A-Z_]+=\S*", words[0], re.IGNORECASE):
            words.pop(0)  # a setting for this one command
        if words[:2] == ["glow", name]:
            runnable.append(line)
    assert runnable, f"no shell example of glow {name}"


@pytest.mark.parametrize(
    "module", [c.module for c in COMMANDS if c.module.startswith("glow.cohort.")]
)
def test_a_behaviours_command_stays_thin(module: str) -> None:
    """A behaviour's command is its help, its arguments and a call (the architecture map: about
    60 lines); its help's epilog lives in the behaviour's copy."""
    path = Path(__file__).resolve().parent.parent.joinpath(*module.split(".")).with_suffix(".py")
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 60


def test_unknown_command_is_rejected() -> None:
    proc = glow("frobnicate")
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr


def test_missing_environment_is_one_clear_line_without_traceback(tmp_path: Path) -> None:
    proc = glow("register", env={"PATH": "/usr/bin:/bin"})
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert "GITHUB_EVENT_NAME" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unhandled_event_is_logged_and_exits_zero(tmp_path: Path) -> None:
    payload = tmp_path / "event.json"
    payload.write_text(
        json.dumps({"ref": "refs/heads/main", "repository": {"full_name": "org/workshop"}})
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_EVENT_PATH": str(payload),
        "GITHUB_REPOSITORY": "org/workshop",
    }
    proc = glow("register", env=env)
    assert proc.returncode == 0
    assert "not handled" in proc.stderr


def test_registration_without_settings_names_the_variable_to_set(tmp_path: Path) -> None:
    from glow.cohort.forms import render_issue_form

    body = render_issue_form({"Cohort": "2026-12", "Path": "day2-only"})
    payload = tmp_path / "event.json"
    payload.write_text(
        json.dumps(
            {
                "action": "opened",
                "issue": {
                    "number": 3,
                    "title": "[REGISTER] Ada",
                    "body": body,
                    "user": {"login": "ada"},
                    "labels": [],
                    "state": "open",
                    "created_at": "2026-11-01T10:00:00Z",
                },
                "sender": {"login": "ada", "type": "User"},
                "repository": {"full_name": "org/workshop"},
            }
        )
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "GITHUB_EVENT_NAME": "issues",
        "GITHUB_EVENT_PATH": str(payload),
        "GITHUB_REPOSITORY": "org/workshop",
    }
    proc = glow("register", "--dry-run", env=env)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "ADMIN_ROSTER_REPO" in proc.stderr


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("glow ")


def test_sigterm_stops_a_command_like_ctrl_c_so_its_cleanup_runs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import signal

    from tests import sigterm_probe

    before = signal.getsignal(signal.SIGTERM)
    code = run_command(Command("probe", "tests.sigterm_probe", "test"), [])
    assert code == 130
    assert sigterm_probe.CLEANED == ["saved"]
    assert capsys.readouterr().err.strip() == "glow probe: interrupted"
    assert signal.getsignal(signal.SIGTERM) == before  # the process's own handler is back


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--learners", "0"], "glow rehearse: --learners must be 1 to 500, got 0"),
        (["--workers", "0"], "glow rehearse: --workers must be 1 to 64, got 0"),
    ],
)
def test_rehearse_refuses_a_size_it_cannot_run_in_one_line(
    args: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from glow.__main__ import main

    assert main(["rehearse", *args]) == 2
    assert capsys.readouterr().err.strip() == line


@pytest.mark.parametrize("name", ["dashboard", "watchdog", "provision", "day2-release"])
def test_every_missing_setting_is_named_in_one_run(name: str) -> None:
    """Three settings missing: one run names all three, in one line (not three runs)."""
    proc = glow(name, env={"PATH": "/usr/bin:/bin"})
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    for setting in ("ADMIN_ROSTER_REPO", "PROVISIONING_APP_ID", "PROVISIONING_APP_PRIVATE_KEY"):
        assert f"{setting} is not set" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_settings_name_each_problem_once_and_the_mode_decides_the_credential() -> None:
    from glow.cohort.settings import CohortSettings
    from glow.errors import ConfigError

    env = {"PROVISIONING_MODE": "actions-bot", "GLOW_PROVISION_DELAY": "soon"}
    with pytest.raises(ConfigError) as caught:
        CohortSettings.from_env(env, credentials=True, job_token=True)
    message = str(caught.value)
    assert message.startswith("5 settings to fix: ")
    for part in (
        "ADMIN_ROSTER_REPO is not set",
        "LEARNING_ROOM_TEMPLATE_REPO is not set",
        "PROVISIONING_TOKEN is not set",
        "GITHUB_TOKEN is not set",
        "GLOW_PROVISION_DELAY must be seconds",
    ):
        assert message.count(part) == 1
    assert "PROVISIONING_APP_ID" not in message
    ok = {"ADMIN_ROSTER_REPO": "o/admin", "LEARNING_ROOM_TEMPLATE_REPO": "o/t"}
    assert CohortSettings.from_env(ok).admin_repo == "o/admin"  # credentials asked only when needed
