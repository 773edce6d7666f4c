"""What `glow progress replay` prints: one line per fact, or one JSON object."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glow.cohort.progress import RoomProgress
    from glow.room.progression.decide import LearnerFacts


EPILOG = """examples:
  glow progress replay my-org/learning-room-2026-12-ada
  glow progress replay my-org/learning-room-2026-12-ada --json

exit status: 0 printed, 1 the room could not be read, 2 settings missing.
settings: GITHUB_TOKEN, or the provisioning credentials (as for `glow provision`) with
--provisioning.
"""


def show(args: argparse.Namespace, facts: LearnerFacts, progress: RoomProgress) -> int:
    row = {"room": args.room, "handle": facts.handle, "path": facts.path, **progress.as_json()}
    if args.json:
        print(json.dumps(row, sort_keys=True))
        return 0
    done = ", ".join(str(n) for n in sorted(progress.completed)) or "none"
    print(f"{args.room} ({facts.handle or 'learner unknown'}, path {facts.path})")
    print(f"completed: {done}")
    print(f"current challenge: {progress.current if progress.current else 'none open'}")
    print(f"level: {progress.level}")
    print(f"Day 1 complete in the room: {'yes' if progress.day1_complete else 'no'}")
    return 0
