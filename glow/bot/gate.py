"""Decide, before importing anything heavy, whether a command handles the event that started it.

Inside GitHub Actions every step sees GITHUB_EVENT_NAME and the payload file; a command whose
``events.py`` does not name that event (or its action) has nothing to do, says so in one line,
and exits 0. Only the standard library is imported here: an ignored event costs well under half
a second (github-behaviour.md, cold start). Run by hand (no GITHUB_EVENT_NAME), a command is
never gated.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping


def event_key(event: str, action: str | None = None) -> str:
    """``issues.opened``, or the bare event name for events without an action."""
    return f"{event}.{action}" if action else event


def current_event(environ: Mapping[str, str] | None = None) -> tuple[str, str | None] | None:
    """(event name, action) of the Actions event, or None when not run by an event. The action
    of a repository_dispatch is its event type, as in GitHub's payload."""
    env = os.environ if environ is None else environ
    name = env.get("GITHUB_EVENT_NAME", "").strip()
    if not name:
        return None
    action = None
    path = env.get("GITHUB_EVENT_PATH", "")
    try:
        with open(path, encoding="utf-8") as fh:
            payload = json.load(fh)
        found = payload.get("action") if isinstance(payload, dict) else None
        action = found if isinstance(found, str) and found else None
    except (OSError, ValueError):
        pass  # the command itself reports a missing or broken payload, naming the setting
    return name, action


def handles(events: Iterable[str], event: str, action: str | None) -> bool:
    """True when a command's declared events name ``event`` (every action) or ``event.action``."""
    declared = set(events)
    return event in declared or event_key(event, action) in declared
