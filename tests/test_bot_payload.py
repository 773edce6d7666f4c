"""The payload at the boundary: a handler's first reads (sender, issue, comment) are typed, and a
malformed payload is logged and ignored, never a crash."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from glow.bot.actions import Event
from glow.bot.payload import Account, Comment


def event(payload: dict[str, Any], name: str = "issue_comment") -> Event:
    return Event(name=name, payload=payload, repository="org/workshop")


def test_the_first_reads_are_typed_records() -> None:
    found = event(
        {
            "action": "created",
            "sender": {"login": "ada", "type": "User"},
            "issue": {"number": 7, "user": {"login": "ada"}},
            "comment": {"id": 11, "body": "help", "user": {"login": "ada", "type": "User"}},
        }
    )
    assert found.sender == Account("ada", "User")
    assert found.issue_number == 7
    assert found.comment == Comment("help", Account("ada", "User"), 11)


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"sender": "ada", "issue": [], "comment": "help"},
        {"sender": None, "issue": {"number": "7"}, "comment": {"user": 3, "body": 5}},
        {"issue": {"number": True}},
        {"issue": {"number": 0}},
    ],
)
def test_a_malformed_payload_reads_as_absent(payload: dict[str, Any]) -> None:
    found = event(payload)
    assert found.sender == Account("", "")
    assert found.issue_number is None
    assert found.comment is None or found.comment.author == Account("", "")


def glow_register(
    tmp_path: Path, name: str, payload: dict[str, Any]
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    env = {
        "PATH": "/usr/bin:/bin",
        "GITHUB_EVENT_NAME": name,
        "GITHUB_EVENT_PATH": str(path),
        "GITHUB_REPOSITORY": "org/workshop",
        "ADMIN_ROSTER_REPO": "org/admin",
        # Nothing may be asked of GitHub: a request would fail on this closed port.
        "GITHUB_API_URL": "http://127.0.0.1:9/api/v3",
        "GITHUB_TOKEN": "unused",
        # The App's settings are checked at start (every missing one named at once); they are
        # never used here.
        "PROVISIONING_APP_ID": "1",
        "PROVISIONING_APP_PRIVATE_KEY": "unused",
    }
    return subprocess.run(
        [sys.executable, "-m", "glow", "register"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("issues", {"action": "opened", "issue": {"title": "no number"}}),
        ("issues", {"action": "edited", "issue": "garbage"}),
        ("issue_comment", {"action": "created", "issue": {"number": 7}, "comment": "garbage"}),
        ("issue_comment", {"action": "created", "comment": {"body": "help", "user": {}}}),
    ],
)
def test_glow_register_ignores_a_malformed_payload_and_exits_zero(
    tmp_path: Path, name: str, payload: dict[str, Any]
) -> None:
    proc = glow_register(tmp_path, name, payload)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "nothing to do" in proc.stderr + proc.stdout
