"""Progress of record, checked as a facilitator would: `glow dashboard --dry-run --json` and
`glow progress replay OWNER/ROOM --json`, each in its own process with the App's credentials,
must agree on every learner's completed challenges, current challenge and level."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from glow.rehearsal.world import ORG


def _glow(hub: Any, world: Any, *args: str) -> Any:
    env = {
        **os.environ,
        "GITHUB_API_URL": hub.api_url,
        "ADMIN_ROSTER_REPO": f"{ORG}/admin",
        "LEARNING_ROOM_TEMPLATE_REPO": f"{ORG}/learning-room-template",
        "PROVISIONING_APP_ID": str(world.app["id"]),
        "PROVISIONING_APP_PRIVATE_KEY": world.app["private_key"],
    }
    for name in ("GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_TOKEN"):
        env.pop(name, None)
    proc = subprocess.run(
        [sys.executable, "-m", "glow", *args], env=env, capture_output=True, text=True, timeout=300
    )
    if proc.returncode != 0:
        return None
    return json.loads(proc.stdout)


def replay_matches(hub: Any, world: Any, rooms: dict[str, str]) -> dict[str, bool]:
    """For each learner (login -> OWNER/ROOM): does the room's replay equal the dashboard?"""
    rows = _glow(hub, world, "dashboard", "--dry-run", "--json") or []
    board = {row["handle"]: row for row in rows}
    found: dict[str, bool] = {}
    for login, room in rooms.items():
        replay = _glow(hub, world, "progress", "replay", room, "--json", "--provisioning")
        row = board.get(login)
        found[login] = bool(
            replay
            and row
            and replay["completed"] == row["completed"]
            and replay["current_challenge"] == row["current_challenge"]
            and replay.get("level") == row.get("level", replay.get("level"))
        )
    return found
