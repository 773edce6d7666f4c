"""What the watchdog remembers between runs: the rooms it found healthy (``decide.RoomMemo``).

One JSON file at GLOW_WATCHDOG_STATE, which the workflow keeps in the admin repository's Actions
cache (restored before the run, saved after a successful one). Unset, missing or unreadable, it
is empty, and the run reads every room in full: the file only ever saves reads, never decides
that something is healthy on its own (every room is read in full at least once every
GLOW_WATCHDOG_FULL_READ_MINUTES, default 60). Nothing here touches GitHub.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from glow.cohort.progress import github_time, parse_time
from glow.cohort.watchdog.decide import RoomMemo

VERSION = 1
STATE_VARIABLE = "GLOW_WATCHDOG_STATE"


@dataclass
class Memory:
    """The last run's time and each healthy room's memo, by room (``owner/name``, lower case)."""

    path: Path | None = None
    last_run: datetime | None = None
    rooms: dict[str, RoomMemo] = field(default_factory=dict)
    checked: set[str] = field(default_factory=set)  # the rooms this run looked at

    def forget_unchecked(self) -> None:
        """After a run over every cohort: forget the rooms no cohort has any more."""
        self.rooms = {room: memo for room, memo in self.rooms.items() if room in self.checked}

    def save(self, now: datetime) -> None:
        """Write the file (atomically); nothing without a path."""
        if self.path is None:
            return
        data = {
            "version": VERSION,
            "last_run": github_time(now),
            "rooms": {
                room: {
                    "handle": memo.handle,
                    "read_at": github_time(memo.read_at),
                    "tree": memo.tree,
                    "activity": memo.activity,
                }
                for room, memo in sorted(self.rooms.items())
            },
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".tmp")
        partial.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        partial.replace(self.path)


def load(environ: dict[str, str] | None = None) -> Memory:
    """The memory at GLOW_WATCHDOG_STATE; empty when unset, missing or unreadable."""
    env = os.environ if environ is None else environ
    text = env.get(STATE_VARIABLE, "").strip()
    if not text:
        return Memory()
    path = Path(text)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Memory(path)
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return Memory(path)
    rooms: dict[str, RoomMemo] = {}
    for room, entry in (data.get("rooms") or {}).items():
        memo = _memo(entry)
        if memo is not None:
            rooms[str(room).lower()] = memo
    return Memory(path, parse_time(data.get("last_run")), rooms)


def _memo(entry: Any) -> RoomMemo | None:
    if not isinstance(entry, dict):
        return None
    read_at = parse_time(entry.get("read_at"))
    handle = str(entry.get("handle") or "")
    if read_at is None or not handle:
        return None
    return RoomMemo(handle, read_at, str(entry.get("tree") or ""), str(entry.get("activity") or ""))
