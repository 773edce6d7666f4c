"""Docs are tested artefacts: the README's commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from glow.__main__ import COMMANDS

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```sh\n(.+?)\n```", text)


def test_readme_has_exactly_two_set_up_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith("glow demo")
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert readme_commands()[1] in ci


def test_every_command_is_documented_in_the_readme() -> None:
    text = (ROOT / "README.md").read_text()
    for command in COMMANDS:
        assert f"glow {command.name}" in text, command.name


def test_changelog_has_an_unreleased_section() -> None:
    assert "## Unreleased" in (ROOT / "CHANGELOG.md").read_text()
