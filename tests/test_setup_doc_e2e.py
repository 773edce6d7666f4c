"""docs/setup.md, followed as written against the local GitHub: every `glow` command of every
shell block runs in order (with `your-org`, `your-login` and the token replaced), the person's
steps happen where the page has them (hidden `docs-test` markers), and each step's "Success:"
line holds: every `quoted` phrase in it is in what the step's last command printed.

Step 1 (clone and install) is what `.ci/run` does on a clean clone before the tests, so its
lines are the only ones not run here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from glow.cohort.setup.decide import APP_PERMISSIONS
from glow.localhub.hub import LocalHub
from tests.test_setup_e2e import STAFF, Org

pytestmark = pytest.mark.e2e
DOC = Path(__file__).resolve().parents[1] / "docs" / "setup.md"
INSTALL_STEP = "## Step 1: Get GLOW"


def steps(text: str) -> list[tuple[str, list[str], str | None, list[str]]]:
    """(heading, shell lines, marker, success phrases) for each section, in order."""
    found = []
    for section in re.split(r"(?m)^(?=## )", text):
        heading = section.splitlines()[0] if section.strip() else ""
        lines = [
            line
            for block in re.findall(r"```sh\n(.*?)```", section, re.S)
            for line in block.splitlines()
            if line.strip()
        ]
        marker = re.search(r"<!-- docs-test: (.*?) -->", section)
        success = re.search(r"(?m)^Success: (.*)$", section)
        phrases = re.findall(r"`([^`]+)`", success.group(1)) if success else []
        found.append((heading, lines, marker.group(1) if marker else None, phrases))
    return found


def test_every_step_of_the_setup_guide_runs_and_succeeds_as_it_says(tmp_path: Path) -> None:
    hub = LocalHub(tmp_path / "hub").start()
    try:
        org = Org(hub, "your-org")
        app: dict[str, object] = {}
        ran = []
        for heading, lines, marker, phrases in steps(DOC.read_text(encoding="utf-8")):
            if heading == INSTALL_STEP:
                assert lines and all(not line.startswith("glow ") for line in lines)
                continue
            printed = ""
            for line in lines:
                line = line.replace("your-login", STAFF)
                if line.startswith("export "):
                    name = line.split()[1].split("=")[0]
                    assert name == "GLOW_PAT", line  # the token, given below as the test's own
                    continue
                assert line.startswith("glow "), f"{heading}: not a glow command: {line}"
                args = line.split()[1:]
                assert args[args.index("--org") + 1] == "your-org"
                del args[args.index("--org") : args.index("--org") + 2]
                proc = org.glow(*args)
                assert "Traceback" not in proc.stderr and "unexpected" not in proc.stderr
                printed = proc.stdout
                ran.append(line)
            if lines:
                for phrase in phrases:
                    assert phrase in printed, f"{heading}: {phrase!r} not in:\n{printed}"
            if marker == "the person creates and installs the App":
                app = org.create_app(dict(APP_PERMISSIONS))
            elif marker == "the person pastes the secrets":
                org.paste_secrets(app)
        assert ran[-1] == "glow golive --org your-org"
    finally:
        hub.stop()
