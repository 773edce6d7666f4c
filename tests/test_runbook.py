"""The runbooks' commands are the commands that ship: every `glow ...` line names a real
command (and subcommand), and every option it uses appears in that command's --help."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from glow.__main__ import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
RUNBOOKS = sorted((ROOT / "docs" / "runbooks").glob("*.md"))
CONTRACTS = ROOT / "docs" / "runbooks" / "contracts.md"
SECTION_8 = (
    "Enroll",
    "Acknowledge",
    "Day 1 complete",
    "Day 2 release",
    "Next challenge",
    "Autograde",
    "Dashboard",
    "Provision",
)

_FENCE = re.compile(r"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```", re.DOTALL | re.MULTILINE)
_INLINE = re.compile(r"`(glow [^`]+)`")


def commands_in(text: str) -> list[str]:
    """Every `glow ...` command: lines of fenced blocks that start with it, and inline code."""
    found = [
        line.strip()
        for block in _FENCE.findall(text)
        for line in block.splitlines()
        if line.strip().startswith("glow ")
    ]
    prose = _FENCE.sub("", text)
    return found + [match.strip() for match in _INLINE.findall(prose)]


def all_commands() -> list[tuple[str, str]]:
    return [(path.name, cmd) for path in RUNBOOKS for cmd in commands_in(path.read_text())]


@cache
def help_text(*words: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "glow", *words, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == 0, f"glow {' '.join(words)} --help failed: {proc.stderr}"
    return proc.stdout


def test_the_extractor_finds_fenced_and_inline_commands() -> None:
    text = (
        "Run `glow group --cohort x`.\n\n```sh\nexport A=1\nglow teardown --cohort x\n```\n"
        "1. In a list:\n\n   ```sh\n   glow day2-release --dry-run\n   ```\n"
    )
    assert commands_in(text) == [
        "glow teardown --cohort x",
        "glow day2-release --dry-run",
        "glow group --cohort x",
    ]


def test_the_contracts_runbook_has_every_section_8_contract_with_a_check() -> None:
    text = CONTRACTS.read_text()
    sections = re.split(r"^## ", text, flags=re.MULTILINE)
    for name in SECTION_8:
        [section] = [s for s in sections if s.startswith(name + "\n")]
        assert re.search(r"^1\. ", section, re.MULTILINE), f"{name}: no numbered steps"
        assert "How to tell it worked" in section, f"{name}: no way to tell it worked"


def test_the_runbook_gives_the_shipped_fallback_commands() -> None:
    names = {cmd.split()[1] for _, cmd in all_commands()}
    assert {"day2-release", "provision", "group", "teardown"} <= names


@pytest.mark.parametrize(("runbook", "command"), all_commands())
def test_every_runbook_command_and_option_exists(runbook: str, command: str) -> None:
    words = shlex.split(command)[1:]
    known = {c.name for c in COMMANDS}
    assert words[0] in known, f"{runbook}: `{command}`: glow has no command {words[0]!r}"
    path = [words[0]]
    if len(words) > 1 and not words[1].startswith("-") and words[1] in help_text(words[0]):
        path.append(words[1])  # a subcommand, e.g. `glow local serve`
    text = help_text(*path)
    for flag in (w.split("=", 1)[0] for w in words if w.startswith("--")):
        assert re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", text), (
            f"{runbook}: `{command}`: `glow {' '.join(path)} --help` does not mention {flag}"
        )
